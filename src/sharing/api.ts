/**
 * The calls of issue 20's sharing (JupyterHub 5+ shares and share links),
 * through the server extension (docs/rest-api.md, "Sharing").
 */
import { quote, requestAPI } from '../api/request';

/**
 * A hub server as a share names it.
 */
export interface ISharedServer {
  readonly key: string;
  readonly owner: string;
  readonly name: string;
  readonly ready: boolean;
  readonly status: 'running' | 'stopped';
  /**
   * Where a browser opens it, null when stopped.
   */
  readonly url: string | null;
}

/**
 * A share: a server shared with a user or a group.
 */
export interface IShare {
  readonly kind: 'user' | 'group';
  readonly user: string | null;
  readonly group: string | null;
  readonly scopes: ReadonlyArray<string>;
  readonly createdAt: string | null;
  readonly server: ISharedServer;
}

/**
 * A share link as listed (never its code).
 */
export interface IShareCode {
  readonly id: string;
  readonly scopes: ReadonlyArray<string>;
  readonly createdAt: string | null;
  readonly expiresAt: string | null;
  readonly exchangeCount: number;
  readonly lastExchangedAt: string | null;
  readonly server: ISharedServer;
}

/**
 * A share link just made: its accept link is in this answer only.
 */
export interface INewShareCode extends IShareCode {
  readonly code: string;
  readonly acceptUrl: string | null;
  readonly fullAcceptUrl: string | null;
}

/**
 * What the hub token may do with shares (`GET config`'s `hub`).
 */
export interface ISharingConfig {
  /**
   * Whether the hub backend is configured and answers.
   */
  readonly usable: boolean;
  /**
   * Whose token it is (null for a service's).
   */
  readonly user: string | null;
  readonly share: boolean;
  readonly shareWithNames: boolean;
  readonly shareWithUsers: boolean;
  readonly shareWithGroups: boolean;
  /**
   * What a share or link may grant (empty: no sharing).
   */
  readonly shareScopes: ReadonlyArray<string>;
  /**
   * How an admin turns sharing on (or on by name), null when it is.
   */
  readonly sharingHint: string | null;
}

/**
 * The sharing part of a `GET config` answer, with safe defaults.
 */
export function normalizeSharingConfig(value: unknown): ISharingConfig {
  const raw = isObject(value) ? value : {};
  const hub = isObject(raw.hub) ? raw.hub : {};
  const abilities = isObject(hub.abilities) ? hub.abilities : {};
  const share = abilities.share === true;
  return {
    usable: hub.configured === true && hub.reachable !== false,
    user: typeof hub.user === 'string' && hub.user ? hub.user : null,
    share,
    shareWithNames: share && abilities.shareWithNames === true,
    shareWithUsers: share && abilities.shareWithUsers === true,
    shareWithGroups: share && abilities.shareWithGroups === true,
    shareScopes: Array.isArray(hub.shareScopes)
      ? hub.shareScopes.filter((s): s is string => typeof s === 'string')
      : [],
    sharingHint: typeof hub.sharingHint === 'string' ? hub.sharingHint : null
  };
}

/**
 * `GET config`, its sharing part.
 */
export async function fetchSharingConfig(): Promise<ISharingConfig> {
  return normalizeSharingConfig(await requestAPI<unknown>('config'));
}

/**
 * The path of a hub server's sharing endpoints.
 */
function serverPath(owner: string, name: string): string {
  return `hub/servers/${quote(owner)}/${quote(name)}`;
}

/**
 * `GET hub/servers/{owner}/{name}/shares`.
 */
export async function listServerShares(
  owner: string,
  name: string
): Promise<IShare[]> {
  const answer = await requestAPI<unknown>(`${serverPath(owner, name)}/shares`);
  return normalizeShares(isObject(answer) ? answer.shares : null);
}

/**
 * `POST hub/servers/{owner}/{name}/shares`: share with a user or a group.
 */
export async function shareServer(
  owner: string,
  name: string,
  target: { user: string } | { group: string },
  scopes?: ReadonlyArray<string>
): Promise<IShare | null> {
  const body = scopes && scopes.length ? { ...target, scopes } : target;
  const answer = await requestAPI<unknown>(
    `${serverPath(owner, name)}/shares`,
    {
      method: 'POST',
      body: JSON.stringify(body)
    }
  );
  return normalizeShare(answer);
}

/**
 * `DELETE hub/servers/{owner}/{name}/shares?withUser=|withGroup=`: revoke a share.
 */
export async function revokeShare(
  owner: string,
  name: string,
  share: Pick<IShare, 'kind' | 'user' | 'group'>
): Promise<IShare[]> {
  const query = new URLSearchParams(
    share.kind === 'group'
      ? { withGroup: share.group ?? '' }
      : { withUser: share.user ?? '' }
  );
  const answer = await requestAPI<unknown>(
    `${serverPath(owner, name)}/shares?${query}`,
    { method: 'DELETE' }
  );
  return normalizeShares(isObject(answer) ? answer.shares : null);
}

/**
 * `GET hub/servers/{owner}/{name}/share-codes`.
 */
export async function listShareCodes(
  owner: string,
  name: string
): Promise<IShareCode[]> {
  const answer = await requestAPI<unknown>(
    `${serverPath(owner, name)}/share-codes`
  );
  return normalizeCodes(isObject(answer) ? answer.codes : null);
}

/**
 * `POST hub/servers/{owner}/{name}/share-codes`: make a share link.
 *
 * @param expiresIn - seconds, 60 to 365 days
 */
export async function createShareCode(
  owner: string,
  name: string,
  expiresIn: number,
  scopes?: ReadonlyArray<string>
): Promise<INewShareCode> {
  const body: { expiresIn: number; scopes?: ReadonlyArray<string> } = {
    expiresIn
  };
  if (scopes && scopes.length) {
    body.scopes = scopes;
  }
  const answer = await requestAPI<unknown>(
    `${serverPath(owner, name)}/share-codes`,
    { method: 'POST', body: JSON.stringify(body) }
  );
  const code = normalizeCode(answer);
  const raw = isObject(answer) ? answer : {};
  if (!code || typeof raw.code !== 'string') {
    throw new Error('The server did not answer a share link.');
  }
  return {
    ...code,
    code: raw.code,
    acceptUrl: typeof raw.acceptUrl === 'string' ? raw.acceptUrl : null,
    fullAcceptUrl:
      typeof raw.fullAcceptUrl === 'string' ? raw.fullAcceptUrl : null
  };
}

/**
 * The link to send: the hub's full accept URL, else this page's origin and
 * the accept path.
 */
export function acceptLink(
  code: Pick<INewShareCode, 'acceptUrl' | 'fullAcceptUrl'>,
  origin: string = window.location.origin
): string | null {
  if (code.fullAcceptUrl) {
    return code.fullAcceptUrl;
  }
  if (code.acceptUrl) {
    return /^https?:\/\//.test(code.acceptUrl)
      ? code.acceptUrl
      : `${origin}${code.acceptUrl.startsWith('/') ? '' : '/'}${code.acceptUrl}`;
  }
  return null;
}

/**
 * `DELETE hub/servers/{owner}/{name}/share-codes?id=`: revoke a link.
 */
export async function revokeShareCode(
  owner: string,
  name: string,
  id: string
): Promise<IShareCode[]> {
  const answer = await requestAPI<unknown>(
    `${serverPath(owner, name)}/share-codes?${new URLSearchParams({ id })}`,
    { method: 'DELETE' }
  );
  return normalizeCodes(isObject(answer) ? answer.codes : null);
}

/**
 * `GET hub/shares/{owner}`: the shares and links of all of a user's servers.
 */
export async function fetchOwnerShares(
  owner: string
): Promise<{ shares: IShare[]; codes: IShareCode[] }> {
  const answer = await requestAPI<unknown>(`hub/shares/${quote(owner)}`);
  const raw = isObject(answer) ? answer : {};
  return {
    shares: normalizeShares(raw.shares),
    codes: normalizeCodes(raw.codes)
  };
}

/**
 * `GET hub/shared`: the servers others share with the token's user.
 */
export async function fetchSharedWithMe(): Promise<{
  user: string | null;
  shared: IShare[];
}> {
  const answer = await requestAPI<unknown>('hub/shared');
  const raw = isObject(answer) ? answer : {};
  return {
    user: typeof raw.user === 'string' ? raw.user : null,
    shared: normalizeShares(raw.shared)
  };
}

/**
 * `DELETE hub/shared/{owner}/{name}`: leave a share made to the token's user.
 */
export async function leaveShare(
  owner: string,
  name: string
): Promise<IShare[]> {
  const answer = await requestAPI<unknown>(
    `hub/shared/${quote(owner)}/${quote(name)}`,
    { method: 'DELETE' }
  );
  return normalizeShares(isObject(answer) ? answer.shared : null);
}

/**
 * The owner and name of a hub server's key (`hub/{owner}/{name}`), or null.
 */
export function parseHubKey(
  key: string
): { owner: string; name: string } | null {
  const match = /^hub\/([^/]+)\/([^/]*)$/.exec(key);
  return match ? { owner: match[1], name: match[2] } : null;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function normalizeServer(value: unknown): ISharedServer | null {
  if (!isObject(value)) {
    return null;
  }
  const owner = str(value.owner);
  const name = str(value.name) ?? '';
  if (!owner) {
    return null;
  }
  const ready = value.ready === true || value.status === 'running';
  return {
    key: str(value.key) ?? `hub/${owner}/${name}`,
    owner,
    name,
    ready,
    status: ready ? 'running' : 'stopped',
    url: ready ? str(value.url) : null
  };
}

function scopesOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((s): s is string => typeof s === 'string')
    : [];
}

function normalizeShare(value: unknown): IShare | null {
  if (!isObject(value)) {
    return null;
  }
  const server = normalizeServer(value.server);
  if (!server) {
    return null;
  }
  const kind = value.kind === 'group' ? 'group' : 'user';
  return {
    kind,
    user: str(value.user),
    group: str(value.group),
    scopes: scopesOf(value.scopes),
    createdAt: str(value.createdAt),
    server
  };
}

function normalizeShares(value: unknown): IShare[] {
  return (Array.isArray(value) ? value : [])
    .map(normalizeShare)
    .filter((s): s is IShare => s !== null);
}

function normalizeCode(value: unknown): IShareCode | null {
  if (!isObject(value)) {
    return null;
  }
  const server = normalizeServer(value.server);
  const id = str(value.id);
  if (!server || !id) {
    return null;
  }
  return {
    id,
    scopes: scopesOf(value.scopes),
    createdAt: str(value.createdAt),
    expiresAt: str(value.expiresAt),
    exchangeCount:
      typeof value.exchangeCount === 'number' ? value.exchangeCount : 0,
    lastExchangedAt: str(value.lastExchangedAt),
    server
  };
}

function normalizeCodes(value: unknown): IShareCode[] {
  return (Array.isArray(value) ? value : [])
    .map(normalizeCode)
    .filter((c): c is IShareCode => c !== null);
}
