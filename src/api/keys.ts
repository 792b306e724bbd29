/**
 * Resource keys (docs/rest-api.md): `hub/{user}/{name}` (the default server
 * has `name` `''`), `saturn/workspace/{id}`, `saturn/deployment/{id}`,
 * `saturn/job/{id}`. The one place
 * that builds and reads them.
 */

/**
 * What a key names.
 */
export type ParsedKey =
  | { readonly backend: 'hub'; readonly user: string; readonly name: string }
  | {
      readonly backend: 'saturn';
      readonly kind: SaturnKind;
      readonly id: string;
    };

/**
 * The kinds of Saturn resources.
 */
export type SaturnKind = 'workspace' | 'deployment' | 'job';

/**
 * The key of a hub server.
 */
export function hubServerKey(user: string, name: string): string {
  return `hub/${user}/${name}`;
}

/**
 * The key of a Saturn workspace or job.
 */
export function saturnKey(kind: SaturnKind, id: string): string {
  return `saturn/${kind}/${id}`;
}

/**
 * Read a key, or null when it is not one.
 */
export function parseKey(key: string): ParsedKey | null {
  const parts = key.split('/');
  if (parts[0] === 'hub' && parts.length === 3 && parts[1] !== '') {
    return { backend: 'hub', user: parts[1], name: parts[2] };
  }
  if (
    parts[0] === 'saturn' &&
    parts.length === 3 &&
    (parts[1] === 'workspace' ||
      parts[1] === 'deployment' ||
      parts[1] === 'job') &&
    parts[2] !== ''
  ) {
    return { backend: 'saturn', kind: parts[1], id: parts[2] };
  }
  return null;
}

/**
 * The Saturn id of a job from its key, or null when the key is not a job's.
 */
export function jobIdFromKey(key: string): string | null {
  const parsed = parseKey(key);
  return parsed?.backend === 'saturn' && parsed.kind === 'job'
    ? parsed.id
    : null;
}
