/**
 * The Resource and Config of the REST contract (docs/rest-api.md) and
 * helpers around them.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { JSONObject } from '@lumino/coreutils';

import { isStatus, Status } from './statuses';

/**
 * The backend a resource lives on.
 */
export type Backend = 'hub' | 'saturn';

/**
 * What a resource is.
 */
export type ResourceKind = 'server' | 'workspace' | 'deployment' | 'job';

/**
 * Every action the server may offer on a resource.
 */
export const RESOURCE_ACTIONS = [
  'start',
  'stop',
  'restart',
  'open',
  'logs',
  'run',
  'delete'
] as const;

/**
 * An action the user may take on a resource now.
 */
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];

/**
 * A resource as the server describes it (`Resource` in docs/rest-api.md),
 * normalised by `normalizeResource`.
 */
export interface IResource {
  /**
   * Unique, stable key: `hub/{user}/{name}`, `saturn/workspace/{id}`,
   * `saturn/deployment/{id}`, `saturn/job/{id}`.
   */
  readonly key: string;
  readonly backend: Backend;
  readonly kind: ResourceKind;
  /**
   * Hub: `{user}/{name}`; Saturn: the 32-hex id.
   */
  readonly id: string;
  /**
   * Hub: the server name (`''` for the default server); Saturn: the resource name.
   */
  readonly name: string;
  readonly displayName: string;
  readonly owner: string;
  readonly status: Status;
  /**
   * 0-100 while pending, else null.
   */
  readonly progress: number | null;
  /**
   * Whether `progress` is an estimate (Saturn gives no progress events).
   */
  readonly progressEstimated: boolean;
  /**
   * Latest progress or error text.
   */
  readonly message: string | null;
  /**
   * Absolute URL to open in a new tab, when running.
   */
  readonly url: string | null;
  readonly started: string | null;
  readonly lastActivity: string | null;
  readonly actions: ReadonlyArray<ResourceAction>;
  /**
   * Backend-specific extras (Saturn workspace: `size`, `ide`).
   */
  readonly details: { readonly [key: string]: unknown };
}

/**
 * What a hub token may do.
 */
export interface IHubAbilities {
  readonly listAllUsers: boolean;
  readonly start: boolean;
  readonly stop: boolean;
  readonly delete: boolean;
}

/**
 * What a Saturn token may do.
 */
export interface ISaturnAbilities {
  readonly createForOthers: boolean;
  readonly start: boolean;
  readonly stop: boolean;
}

/**
 * The state of one backend, shared by both backends.
 */
export interface IBackendConfig<A> {
  readonly configured: boolean;
  readonly reachable: boolean;
  /**
   * Whose token the server uses.
   */
  readonly user: string | null;
  readonly abilities: A;
  /**
   * Why the backend is unusable, when it is.
   */
  readonly message: string | null;
  /**
   * How to fix it.
   */
  readonly hint: string | null;
  /**
   * For whoever configures the panel: the URL tried, the upstream's words.
   * Never a headline.
   */
  readonly detail: string | null;
  /**
   * Whether the last read failed and the resources are the last known.
   */
  readonly stale: boolean;
  /**
   * When stale: ISO time of the last read that worked.
   */
  readonly lastGoodRead: string | null;
}

/**
 * The JupyterHub backend's state.
 */
export interface IHubConfig extends IBackendConfig<IHubAbilities> {
  readonly kind: 'user' | 'service' | null;
  readonly publicUrl: string | null;
  /**
   * Scopes the token lacks for the full panel.
   */
  readonly missingScopes: ReadonlyArray<string>;
  /**
   * The choices of a start with options (`c.SaturnPanel.hub_spawn_options`
   * as a form), or null when none are configured.
   */
  readonly spawnOptions: ISpawnOptions | null;
}

/**
 * The hub's start options as a form: its form data is the `userOptions` of a
 * start. A configured value the panel cannot use has no schema: `problems`
 * say what is wrong with it.
 */
export interface ISpawnOptions {
  readonly source: 'profile_list' | 'schema';
  readonly schema: JSONObject | null;
  readonly problems: ReadonlyArray<string>;
}

/**
 * The Saturn Cloud backend's state.
 */
export type ISaturnConfig = IBackendConfig<ISaturnAbilities>;

/**
 * The answer of `GET config` and the payload of `backends` events.
 */
export interface IConfig {
  readonly hub: IHubConfig;
  readonly saturn: ISaturnConfig;
}

/**
 * Turn untrusted JSON into a resource, or null when it is not one.
 *
 * #### Notes
 * Fills defaults for optional fields, drops unknown actions, clamps progress
 * to 0-100 and keeps it only while the resource is pending.
 */
export function normalizeResource(value: unknown): IResource | null {
  if (!Private.isObject(value)) {
    return null;
  }
  const key = value.key;
  const backend = value.backend;
  const kind = value.kind;
  if (typeof key !== 'string' || key === '') {
    return null;
  }
  if (backend !== 'hub' && backend !== 'saturn') {
    return null;
  }
  if (
    kind !== 'server' &&
    kind !== 'workspace' &&
    kind !== 'deployment' &&
    kind !== 'job'
  ) {
    return null;
  }
  const status: Status = isStatus(value.status) ? value.status : 'error';
  let progress: number | null = null;
  if (
    status === 'pending' &&
    typeof value.progress === 'number' &&
    Number.isFinite(value.progress)
  ) {
    progress = Math.min(100, Math.max(0, value.progress));
  }
  const actions = Array.isArray(value.actions)
    ? value.actions.filter((a): a is ResourceAction =>
        (RESOURCE_ACTIONS as ReadonlyArray<unknown>).includes(a)
      )
    : [];
  const name = Private.str(value.name) ?? '';
  return {
    key,
    backend,
    kind,
    id: Private.str(value.id) ?? '',
    name,
    displayName: Private.str(value.displayName) ?? '',
    owner: Private.str(value.owner) ?? '',
    status,
    progress,
    progressEstimated: value.progressEstimated === true,
    message: Private.str(value.message),
    url: status === 'running' ? Private.str(value.url) : null,
    started: Private.str(value.started),
    lastActivity: Private.str(value.lastActivity),
    actions,
    details: Private.isObject(value.details) ? value.details : {}
  };
}

/**
 * Turn untrusted JSON into a config, filling safe defaults.
 */
export function normalizeConfig(value: unknown): IConfig {
  const raw = Private.isObject(value) ? value : {};
  const hub = Private.isObject(raw.hub) ? raw.hub : {};
  const saturn = Private.isObject(raw.saturn) ? raw.saturn : {};
  const hubAbilities = Private.isObject(hub.abilities) ? hub.abilities : {};
  const saturnAbilities = Private.isObject(saturn.abilities)
    ? saturn.abilities
    : {};
  return {
    hub: {
      ...Private.backend(hub),
      kind: hub.kind === 'user' || hub.kind === 'service' ? hub.kind : null,
      publicUrl: Private.str(hub.publicUrl),
      missingScopes: Array.isArray(hub.missingScopes)
        ? hub.missingScopes.filter((s): s is string => typeof s === 'string')
        : [],
      spawnOptions: Private.spawnOptions(hub.spawnOptions),
      abilities: {
        listAllUsers: hubAbilities.listAllUsers === true,
        start: hubAbilities.start !== false,
        stop: hubAbilities.stop !== false,
        delete: hubAbilities.delete !== false
      }
    },
    saturn: {
      ...Private.backend(saturn),
      abilities: {
        createForOthers: saturnAbilities.createForOthers === true,
        start: saturnAbilities.start !== false,
        stop: saturnAbilities.stop !== false
      }
    }
  };
}

/**
 * Whether a backend can be used at all.
 */
export function isUsable(config: IBackendConfig<unknown> | null): boolean {
  return !!config && config.configured && config.reachable;
}

/**
 * The name of a resource, the one naming helper of the panel.
 *
 * - `full` (default), for notifications, buttons, menus and dialogs: says
 *   whose server it is: "bob's default server", "alice's server Dev box";
 *   a Saturn resource: its display name, else its name.
 * - `short`, for a row's name inside its owner's group: the display name,
 *   else the name, else "Default" for a hub default server.
 */
export function resourceLabel(
  resource: IResource,
  trans: TranslationBundle,
  form: 'full' | 'short' = 'full'
): string {
  if (resource.backend === 'hub') {
    return hubServerLabel(
      resource.owner,
      resource.name,
      resource.displayName,
      trans,
      form
    );
  }
  return resource.displayName || resource.name || resource.key;
}

/**
 * The name of a hub server, as `resourceLabel` gives it (also for a server
 * not listed yet).
 */
export function hubServerLabel(
  owner: string,
  name: string,
  displayName: string,
  trans: TranslationBundle,
  form: 'full' | 'short' = 'full'
): string {
  const own = displayName || name;
  const isDefault = name === '';
  if (form === 'short') {
    return isDefault ? trans.__('Default') : own;
  }
  if (!owner) {
    return isDefault
      ? trans.__('the default server')
      : trans.__('server %1', own);
  }
  return isDefault
    ? trans.__("%1's default server", owner)
    : trans.__("%1's server %2", owner, own);
}

/**
 * Whether a resource is a hub default server.
 */
export function isDefaultServer(resource: IResource): boolean {
  return resource.backend === 'hub' && resource.name === '';
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * A plain JSON object.
   */
  export type Dict = { [key: string]: unknown };

  /**
   * Whether a value is a plain object.
   */
  export function isObject(value: unknown): value is Dict {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /**
   * A string, or null.
   */
  export function str(value: unknown): string | null {
    return typeof value === 'string' ? value : null;
  }

  /**
   * The fields common to both backends.
   */
  export function backend(raw: Dict): {
    configured: boolean;
    reachable: boolean;
    user: string | null;
    message: string | null;
    hint: string | null;
    detail: string | null;
    stale: boolean;
    lastGoodRead: string | null;
  } {
    const stale = raw.stale === true;
    return {
      configured: raw.configured === true,
      reachable: raw.reachable === true,
      user: str(raw.user),
      message: str(raw.message),
      hint: str(raw.hint),
      detail: str(raw.detail),
      stale,
      lastGoodRead: stale ? str(raw.lastGoodRead) : null
    };
  }

  /**
   * The start options of the hub config, or null.
   */
  export function spawnOptions(value: unknown): ISpawnOptions | null {
    if (!isObject(value)) {
      return null;
    }
    const problems = Array.isArray(value.problems)
      ? value.problems.filter((p): p is string => typeof p === 'string')
      : [];
    const schema = isObject(value.schema) ? (value.schema as JSONObject) : null;
    if (!schema && problems.length === 0) {
      return null;
    }
    return {
      source: value.source === 'profile_list' ? 'profile_list' : 'schema',
      schema: problems.length === 0 ? schema : null,
      problems
    };
  }
}
