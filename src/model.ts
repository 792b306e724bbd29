/**
 * The single source of truth of the panel: every resource, the backends'
 * configuration, the connection state and the filter, as the decoded events
 * of the server extension set them.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  Backend,
  IConfig,
  IHubUser,
  IConnectionStatus,
  IResource,
  PanelEvent,
  ResourceAction,
  ResourceKind
} from './api';
import { backendLive, isDefaultServer } from './api';

/**
 * A change of one resource.
 */
export interface IResourceChange {
  readonly key: string;
  /**
   * The resource before the change, null when it was added.
   */
  readonly oldValue: IResource | null;
  /**
   * The resource after the change, null when it was removed.
   */
  readonly newValue: IResource | null;
}

/**
 * The servers of one hub user, for the grouped hub view.
 */
export interface IOwnerGroup {
  readonly owner: string;
  readonly resources: ReadonlyArray<IResource>;
}

/**
 * The panel's search of the hub's other users (`GET hub/users`): the panel
 * polls only the hub's active servers and the user's own, so a user whose
 * servers are all stopped is found by name.
 */
export interface IHubSearch {
  /**
   * The text searched for (a word of the filter).
   */
  readonly text: string;
  /**
   * The users found so far (every page asked for), with their servers.
   */
  readonly users: ReadonlyArray<IHubUser>;
  /**
   * The offset of the next page, null when every match is listed.
   */
  readonly next: number | null;
  /**
   * How many users match in all, when the hub says.
   */
  readonly total: number | null;
  /**
   * A page is being read.
   */
  readonly loading: boolean;
  /**
   * Why the last read failed, null when it did not.
   */
  readonly error: string | null;
}

/**
 * Where the model stands with the server extension.
 *
 * - `loading`: the configuration was not read yet;
 * - `ready`: the configuration was read;
 * - `missing`: `GET config` answered 404: the server extension is not installed
 *   or not enabled;
 * - `failed`: `GET config` failed otherwise (`extensionError` says how).
 */
export type ExtensionState = 'loading' | 'ready' | 'missing' | 'failed';

/**
 * The model behind the panel, the commands and the notifications.
 */
export class ResourceModel implements IDisposable {
  /**
   * Emitted after anything in the model changed.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted once for every resource that was added, changed or removed.
   */
  get resourceChanged(): ISignal<this, IResourceChange> {
    return this._resourceChanged;
  }

  /**
   * Whether a first snapshot was applied.
   */
  get hasSnapshot(): boolean {
    return this._hasSnapshot;
  }

  /**
   * The backends' configuration, null until known.
   */
  get config(): IConfig | null {
    return this._config;
  }

  /**
   * The state of the server extension.
   */
  get extensionState(): ExtensionState {
    return this._extensionState;
  }

  /**
   * Why reading the configuration failed, for `failed`.
   */
  get extensionError(): string | null {
    return this._extensionError;
  }

  /**
   * The event stream's connection status.
   */
  get connection(): IConnectionStatus {
    return this._connection;
  }

  /**
   * The filter text of the panel's search box.
   */
  get filter(): string {
    return this._filter;
  }
  set filter(value: string) {
    if (value === this._filter) {
      return;
    }
    this._filter = value;
    this._changed.emit();
  }

  /**
   * Whether the model is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Every resource, in arrival order.
   */
  get resources(): ReadonlyArray<IResource> {
    return Array.from(this._resources.values());
  }

  /**
   * One resource by key: from the live state, else from the hub search's
   * results (a stopped server of a user the panel does not poll).
   */
  get(key: string): IResource | undefined {
    return this._resources.get(key) ?? this._found.get(key);
  }

  /**
   * The search of the hub's other users, null when none is shown.
   */
  get hubSearch(): IHubSearch | null {
    return this._hubSearch;
  }

  /**
   * Set (or clear, with null) the hub search and its results.
   */
  setHubSearch(search: IHubSearch | null): void {
    this._hubSearch = search;
    this._found = new Map();
    for (const user of search?.users ?? []) {
      for (const server of user.servers) {
        this._found.set(server.key, server);
      }
    }
    this._changed.emit();
  }

  /**
   * The hub search's users with the servers the live state does not hold
   * (a server started from the results joins the state, and its row moves
   * there), in the hub's order; users left with none are left out.
   */
  hubSearchResults(): IOwnerGroup[] {
    const groups: IOwnerGroup[] = [];
    for (const user of this._hubSearch?.users ?? []) {
      const resources = user.servers.filter(s => !this._resources.has(s.key));
      if (resources.length > 0) {
        groups.push({ owner: user.name, resources });
      }
    }
    return groups;
  }

  /**
   * Replace every resource with a snapshot.
   */
  applySnapshot(resources: ReadonlyArray<IResource>): void {
    const next = new Map<string, IResource>();
    for (const resource of resources) {
      next.set(resource.key, resource);
    }
    const changes: IResourceChange[] = [];
    for (const [key, oldValue] of this._resources) {
      if (!next.has(key)) {
        changes.push({ key, oldValue, newValue: null });
        this._bump(key);
      }
    }
    for (const [key, newValue] of next) {
      const oldValue = this._resources.get(key) ?? null;
      if (!oldValue || !Private.sameResource(oldValue, newValue)) {
        changes.push({ key, oldValue, newValue });
      }
      this._bump(key);
    }
    this._resources = next;
    this._hasSnapshot = true;
    for (const change of changes) {
      this._resourceChanged.emit(change);
    }
    this._changed.emit();
  }

  /**
   * Add or replace one resource.
   *
   * @param resource - the resource as it now stands
   * @param ifRevision - apply only when no update of this key arrived since
   *   `revision(key)` returned this value (for answers of start/stop calls,
   *   which may be older than an event already received)
   * @returns whether the resource was applied
   */
  applyResource(resource: IResource, ifRevision?: number): boolean {
    if (
      ifRevision !== undefined &&
      this.revision(resource.key) !== ifRevision
    ) {
      return false;
    }
    const oldValue = this._resources.get(resource.key) ?? null;
    this._bump(resource.key);
    if (oldValue && Private.sameResource(oldValue, resource)) {
      return true;
    }
    this._resources.set(resource.key, resource);
    this._resourceChanged.emit({
      key: resource.key,
      oldValue,
      newValue: resource
    });
    this._changed.emit();
    return true;
  }

  /**
   * Remove one resource.
   */
  applyRemoved(key: string): void {
    const oldValue = this._resources.get(key);
    this._bump(key);
    if (!oldValue) {
      return;
    }
    this._resources.delete(key);
    this._resourceChanged.emit({ key, oldValue, newValue: null });
    this._changed.emit();
  }

  /**
   * Set the backends' configuration (`GET config` or a `backends` event).
   */
  applyBackends(config: IConfig): void {
    this._config = config;
    this._extensionState = 'ready';
    this._extensionError = null;
    this._changed.emit();
  }

  /**
   * Apply one change (see `changeEvents`).
   */
  apply(event: PanelEvent): void {
    switch (event.type) {
      case 'snapshot':
        this.applySnapshot(event.resources);
        break;
      case 'resource':
        this.applyResource(event.resource);
        break;
      case 'removed':
        this.applyRemoved(event.key);
        break;
      case 'backends':
        this.applyBackends(event.config);
        break;
    }
  }

  /**
   * Record the event stream's connection status.
   */
  setConnection(status: IConnectionStatus): void {
    this._connection = status;
    this._changed.emit();
  }

  /**
   * Record that reading the configuration failed.
   *
   * @param state - `missing` for a 404, else `failed`
   * @param error - the message to show for `failed`
   */
  setExtensionFailure(state: 'missing' | 'failed', error: string | null): void {
    this._extensionState = state;
    this._extensionError = error;
    this._changed.emit();
  }

  /**
   * A counter bumped by every update of a key (used with `applyResource`).
   */
  revision(key: string): number {
    return this._revisions.get(key) ?? 0;
  }

  /**
   * Whether a request on this resource is in flight.
   */
  isBusy(key: string): boolean {
    return (this._busy.get(key) ?? 0) > 0;
  }

  /**
   * Mark a request on a resource as started (`true`) or finished (`false`).
   */
  setBusy(key: string, busy: boolean): void {
    const count = Math.max(0, (this._busy.get(key) ?? 0) + (busy ? 1 : -1));
    if (count === 0) {
      this._busy.delete(key);
    } else {
      this._busy.set(key, count);
    }
    this._changed.emit();
  }

  /**
   * Whether a re-read of a backend (the notices' Retry) is in flight.
   */
  isRefreshing(backend: Backend): boolean {
    return this._refreshing.has(backend);
  }

  /**
   * Mark a re-read of a backend as started (`true`) or finished (`false`).
   */
  setRefreshing(backend: Backend, refreshing: boolean): void {
    if (refreshing === this._refreshing.has(backend)) {
      return;
    }
    if (refreshing) {
      this._refreshing.add(backend);
    } else {
      this._refreshing.delete(backend);
    }
    this._changed.emit();
  }

  /**
   * Whether the user may take an action on a resource now: the resource offers
   * it, the backend's token allows it, and no request on it is in flight.
   */
  canDo(key: string, action: ResourceAction): boolean {
    const resource = this.get(key);
    if (!resource || this.isBusy(key)) {
      return false;
    }
    if (!resource.actions.includes(action)) {
      return false;
    }
    // A backend that is stale or does not answer: its resources are the last
    // known state, so nothing that needs it (opening a link included) is offered.
    if (!backendLive(this._config, resource.backend)) {
      return false;
    }
    if (action === 'open') {
      return resource.status === 'running' && !!resource.url;
    }
    const config = this._config;
    if (!config) {
      return true;
    }
    const abilities: { [name: string]: boolean } = {
      ...config[resource.backend].abilities
    };
    // Running a job is starting it, as far as the token is concerned.
    return abilities[action === 'run' ? 'start' : action] !== false;
  }

  /**
   * Every resource on which an action can be taken now, sorted for display.
   */
  eligible(action: ResourceAction): IResource[] {
    return Private.sortResources(
      this.resources.filter(r => this.canDo(r.key, action)),
      this.currentUser('hub')
    );
  }

  /**
   * Whether a resource matches the filter text: a case-insensitive
   * substring of its display name, name, owner or status; every
   * whitespace-separated word must match.
   */
  matchesFilter(resource: IResource): boolean {
    const words = this._filter.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      return true;
    }
    const haystack = [
      resource.displayName,
      resource.name,
      resource.owner,
      resource.status
    ]
      .join('\n')
      .toLowerCase();
    return words.every(word => haystack.includes(word));
  }

  /**
   * The user whose token a backend uses, if known.
   */
  currentUser(backend: Backend): string | null {
    return this._config?.[backend].user ?? null;
  }

  /**
   * The filtered resources of one backend and kind, sorted: the current
   * user's first, then by owner; within an owner, a hub default server
   * first, then by label.
   */
  list(backend: Backend, kind: ResourceKind): IResource[] {
    return Private.sortResources(
      this.resources.filter(
        r => r.backend === backend && r.kind === kind && this.matchesFilter(r)
      ),
      this.currentUser(backend)
    );
  }

  /**
   * The number of resources of one backend and kind, ignoring the filter.
   */
  count(backend: Backend, kind: ResourceKind): number {
    return this.resources.filter(r => r.backend === backend && r.kind === kind)
      .length;
  }

  /**
   * The filtered hub servers grouped by owner, in `list` order.
   */
  hubServers(): IOwnerGroup[] {
    const groups: { owner: string; resources: IResource[] }[] = [];
    for (const resource of this.list('hub', 'server')) {
      const last = groups[groups.length - 1];
      if (last && last.owner === resource.owner) {
        last.resources.push(resource);
      } else {
        groups.push({ owner: resource.owner, resources: [resource] });
      }
    }
    return groups;
  }

  /**
   * The filtered Saturn workspaces.
   */
  saturnWorkspaces(): IResource[] {
    return this.list('saturn', 'workspace');
  }

  /**
   * The filtered Saturn jobs.
   */
  saturnJobs(): IResource[] {
    return this.list('saturn', 'job');
  }

  /**
   * A job by name: the current Saturn user's first, else anyone's.
   */
  findJob(name: string): IResource | undefined {
    const jobs = this.resources.filter(
      r => r.kind === 'job' && r.name === name
    );
    const user = this.currentUser('saturn');
    return jobs.find(r => r.owner === user) ?? jobs[0];
  }

  /**
   * Dispose of the model.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /**
   * Bump the revision of a key.
   */
  private _bump(key: string): void {
    this._revisions.set(key, this.revision(key) + 1);
  }

  private _resources = new Map<string, IResource>();
  private _found = new Map<string, IResource>();
  private _hubSearch: IHubSearch | null = null;
  private _revisions = new Map<string, number>();
  private _busy = new Map<string, number>();
  private _refreshing = new Set<Backend>();
  private _config: IConfig | null = null;
  private _extensionState: ExtensionState = 'loading';
  private _extensionError: string | null = null;
  private _connection: IConnectionStatus = {
    state: 'connecting',
    reason: null,
    detail: null,
    retryAt: null
  };
  private _filter = '';
  private _hasSnapshot = false;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _resourceChanged = new Signal<this, IResourceChange>(this);
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Whether two resources are the same (the server sends plain JSON).
   */
  export function sameResource(a: IResource, b: IResource): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /**
   * Sort for display (see `ResourceModel.list`).
   */
  export function sortResources(
    resources: IResource[],
    currentUser: string | null
  ): IResource[] {
    const collator = new Intl.Collator(undefined, {
      numeric: true,
      sensitivity: 'base'
    });
    const label = (r: IResource) => r.displayName || r.name;
    return resources.sort((a, b) => {
      if (a.owner !== b.owner) {
        if (a.owner === currentUser) {
          return -1;
        }
        if (b.owner === currentUser) {
          return 1;
        }
        return (
          collator.compare(a.owner, b.owner) || (a.owner < b.owner ? -1 : 1)
        );
      }
      const aDefault = isDefaultServer(a);
      const bDefault = isDefaultServer(b);
      if (aDefault !== bDefault) {
        return aDefault ? -1 : 1;
      }
      return (
        collator.compare(label(a), label(b)) ||
        collator.compare(a.key, b.key) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
      );
    });
  }
}
