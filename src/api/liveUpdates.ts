/**
 * Live updates that hold no HTTP connection open.
 *
 * Browsers allow six HTTP/1.1 connections per host, and jupyter_server and
 * JupyterHub's proxy speak HTTP/1.1: a request held open per Lab tab left the
 * sixth tab without a page. So the server tells every tab "the state changed,
 * now at SEQ" over jupyter_server's event bus, the WebSocket each JupyterLab
 * tab already holds (`app.serviceManager.events`), and a tab that holds an
 * older number fetches what changed in one short request:
 * `GET saturn-panel/resources?since=SEQ&epoch=EPOCH` (a snapshot when it fell
 * too far behind or the server restarted).
 *
 * While the panel is shown in a visible tab, a `Poll` also asks every 20 s
 * with `watching=1`: that keeps the server reading upstream (the attention
 * lease). A hidden tab, or one whose panel is closed, sends nothing unless a
 * change is announced; the server then stops reading upstream. Failures back
 * off with the `Poll`'s own growth.
 */
import type { Event } from '@jupyterlab/services';
import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Debouncer, IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  changeEvents,
  CHANGED_SCHEMA_ID,
  decodeChanges,
  decodePosition,
  IChanges,
  IStatePosition,
  PanelEvent
} from './changes';
import { errorStatus, requestAPI } from './request';

/**
 * The state of live updates.
 *
 * - `connecting`: the first fetch was not answered yet;
 * - `connected`: the last fetch worked;
 * - `reconnecting`: the last fetch failed; the next try is scheduled;
 * - `stopped`: disposed, or the server extension answered 404.
 */
export type ConnectionState =
  'connecting' | 'connected' | 'reconnecting' | 'stopped';

/**
 * Why the last fetch failed.
 *
 * - `network`: the Jupyter server could not be reached;
 * - `http`: it answered with an error (`detail` has its message);
 * - `not-found`: the endpoint answered 404 (server extension missing).
 */
export type DisconnectReason = 'network' | 'http' | 'not-found';

/**
 * A change of the live updates' state.
 */
export interface IConnectionStatus {
  readonly state: ConnectionState;
  readonly reason: DisconnectReason | null;
  /**
   * The server's error message, for `http`.
   */
  readonly detail: string | null;
  /**
   * When the next try starts (epoch ms), while reconnecting.
   */
  readonly retryAt: number | null;
}

/**
 * The panel's live view of the server's state.
 */
export class LiveUpdates implements IDisposable {
  /**
   * Create the live updates; call `start()` to begin.
   */
  constructor(options: LiveUpdates.IOptions) {
    this._events = options.events ?? null;
    this._fetch =
      options.fetchChanges ??
      ((query: string) =>
        requestAPI<unknown>(
          `resources?${query}`,
          { cache: 'no-store' },
          options.serverSettings ?? ServerConnection.makeSettings()
        ));
    this._document = options.document ?? globalThis.document ?? null;
    this._poll = new Poll({
      auto: false,
      factory: () => this._sync(this._isWatched()),
      frequency: {
        interval: options.interval ?? 20000,
        backoff: true,
        max: options.maxInterval ?? 300000
      },
      name: 'jupyterlab-saturn-panel:live-updates',
      linger: 0, // a hidden tab stops asking at once
      // A hidden tab asks nothing; a tab whose panel is closed asks only when
      // told of a change (or to retry a failure, or for its first state).
      standby: () =>
        this._watching || this._mustAsk || this._position === null
          ? 'when-hidden'
          : true
    });
    this._poll.ticked.connect(this._onTicked, this);
    this._announced = new Debouncer(() => this._onAnnounced(), 50);
  }

  /**
   * Emitted with every change to apply to the model, in order.
   */
  get received(): ISignal<this, PanelEvent> {
    return this._received;
  }

  /**
   * Emitted when the state of live updates changes.
   */
  get statusChanged(): ISignal<this, IConnectionStatus> {
    return this._statusChanged;
  }

  /**
   * The current state of live updates.
   */
  get status(): IConnectionStatus {
    return this._status;
  }

  /**
   * Whether the panel is shown (the plugin sets it as the panel is shown or
   * hidden). A shown panel in a visible tab keeps the server reading
   * upstream, and is brought up to date at once when it appears.
   */
  get watching(): boolean {
    return this._watching;
  }
  set watching(value: boolean) {
    if (value === this._watching) {
      return;
    }
    this._watching = value;
    if (this._isWatched() && this._started) {
      void this._poll.refresh();
    }
  }

  /**
   * Whether the live updates are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Fetch the first state and listen for change notices.
   */
  start(): void {
    if (this._started || this.isDisposed) {
      return;
    }
    this._started = true;
    this._events?.stream.connect(this._onEvent, this);
    this._document?.addEventListener('visibilitychange', this._onVisibility);
    void this._poll.start();
  }

  /**
   * Fetch now (the Retry buttons, the refresh command): a failure's backoff
   * starts over.
   */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    this._mustAsk = true; // asks even while the panel is closed
    try {
      await this._poll.refresh();
      await this._poll.tick;
    } catch {
      // Disposed meanwhile.
    }
  }

  /**
   * Stop for good.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._events?.stream.disconnect(this._onEvent, this);
    this._document?.removeEventListener('visibilitychange', this._onVisibility);
    this._announced.dispose();
    this._poll.dispose();
    this._setStatus({
      state: 'stopped',
      reason: null,
      detail: null,
      retryAt: null
    });
    Signal.clearData(this);
  }

  /**
   * Whether the panel is shown in a visible tab.
   */
  private _isWatched(): boolean {
    return this._watching && !this._document?.hidden;
  }

  /**
   * A notice of the event bus: fetch when it announces a state this tab does
   * not hold (a burst of notices is one fetch).
   */
  private _onEvent(_: Event.IManager, event: Event.Emission): void {
    if (event.schema_id !== CHANGED_SCHEMA_ID) {
      return;
    }
    const position = decodePosition(event);
    if (position === null || this._holds(position)) {
      return;
    }
    this._wanted = position;
    void this._announced.invoke();
  }

  /**
   * Fetch what a notice announced, unless a fetch brought it meanwhile.
   */
  private async _onAnnounced(): Promise<void> {
    if (this.isDisposed || (this._wanted && this._holds(this._wanted))) {
      return;
    }
    try {
      await this._sync(false);
    } catch {
      // `_sync` recorded the failure: the poll, out of standby now, retries.
      return;
    }
    if (this._poll.state.phase === 'rejected') {
      // The server is back before the poll's backed-off retry: a shown panel
      // must renew its attention lease now, not minutes later.
      void this._poll.refresh();
    }
  }

  /**
   * Whether this tab holds the state as of `position` (or later).
   */
  private _holds(position: IStatePosition): boolean {
    return (
      this._position !== null &&
      this._position.epoch === position.epoch &&
      this._position.seq >= position.seq
    );
  }

  /**
   * The tab became visible: a shown panel is brought up to date at once, and
   * so is a tab that has no state yet (it loaded hidden) or failed to ask.
   */
  private _onVisibility = (): void => {
    if (this._document?.hidden) {
      return;
    }
    if (this._isWatched() || this._position === null || this._mustAsk) {
      void this._poll.refresh();
    }
  };

  /**
   * One fetch of what changed, after the one in flight (never two at once,
   * so the answers apply in order).
   */
  private _sync(watching: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.isDisposed) {
        return;
      }
      const params = new URLSearchParams();
      if (this._position !== null) {
        params.set('since', String(this._position.seq));
        params.set('epoch', this._position.epoch);
      }
      if (watching) {
        params.set('watching', '1');
      }
      let changes: IChanges | null;
      try {
        changes = decodeChanges(await this._fetch(params.toString()));
      } catch (error) {
        this._failed(error);
        throw error;
      }
      if (changes === null) {
        const error = new Error(
          'The server answered something else than the state.'
        );
        this._failed(error);
        throw error;
      }
      if (this.isDisposed) {
        return;
      }
      this._mustAsk = false;
      this._position = { epoch: changes.epoch, seq: changes.seq };
      for (const event of changeEvents(changes)) {
        this._received.emit(event);
      }
      this._setStatus({
        state: 'connected',
        reason: null,
        detail: null,
        retryAt: null
      });
    };
    const next = this._chain.then(run, run);
    this._chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Record a failed fetch.
   */
  private _failed(error: unknown): void {
    this._mustAsk = true;
    const status = errorStatus(error);
    if (status === 404) {
      this._setStatus({
        state: 'stopped',
        reason: 'not-found',
        detail: null,
        retryAt: null
      });
      // No extension, nothing to retry: stop until the page is reloaded.
      queueMicrotask(() => this._poll.dispose());
      return;
    }
    this._setStatus({
      state: 'reconnecting',
      reason: status === null ? 'network' : 'http',
      detail: status === null ? null : (error as Error).message || null,
      retryAt: this._status.retryAt
    });
  }

  /**
   * Record when the poll tries again after a failure.
   */
  private _onTicked(
    poll: Poll,
    state: IPoll.State<void, unknown, 'standby'>
  ): void {
    if (state.phase === 'rejected' && this._status.state === 'reconnecting') {
      this._setStatus({
        ...this._status,
        retryAt: state.timestamp + state.interval
      });
    }
  }

  /**
   * Set the state and emit the change.
   */
  private _setStatus(status: IConnectionStatus): void {
    const old = this._status;
    if (
      old.state === status.state &&
      old.reason === status.reason &&
      old.detail === status.detail &&
      old.retryAt === status.retryAt
    ) {
      return;
    }
    this._status = status;
    this._statusChanged.emit(status);
  }

  private _events: Event.IManager | null;
  private _fetch: (query: string) => Promise<unknown>;
  private _document: Document | null;
  private _poll: Poll;
  private _announced: Debouncer;
  private _chain: Promise<void> = Promise.resolve();
  private _position: IStatePosition | null = null;
  private _wanted: IStatePosition | null = null;
  private _watching = false;
  /**
   * A fetch is owed even with the panel closed: a failure to retry, or a
   * refresh someone asked for.
   */
  private _mustAsk = false;
  private _started = false;
  private _isDisposed = false;
  private _status: IConnectionStatus = {
    state: 'connecting',
    reason: null,
    detail: null,
    retryAt: null
  };
  private _received = new Signal<this, PanelEvent>(this);
  private _statusChanged = new Signal<this, IConnectionStatus>(this);
}

/**
 * The namespace for `LiveUpdates` statics.
 */
export namespace LiveUpdates {
  /**
   * Options to create the live updates.
   */
  export interface IOptions {
    /**
     * jupyter_server's event bus (`app.serviceManager.events`); without it a
     * shown panel still refreshes every `interval`.
     */
    events?: Event.IManager | null;
    /**
     * The server connection settings.
     */
    serverSettings?: ServerConnection.ISettings;
    /**
     * Fetch `GET resources?{query}` (default: `requestAPI`); tests pass a fake.
     */
    fetchChanges?: (query: string) => Promise<unknown>;
    /**
     * The document whose visibility counts (default: the page's).
     */
    document?: Document | null;
    /**
     * Milliseconds between two fetches while the panel is shown (default
     * 20000; the server's attention lease is 60 s).
     */
    interval?: number;
    /**
     * The longest wait between two tries after failures (default 300000).
     */
    maxInterval?: number;
  }
}
