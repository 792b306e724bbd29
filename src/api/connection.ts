/**
 * The live connection to `GET saturn-panel/events`.
 *
 * It reads the `text/event-stream` body with `fetch` (through
 * `ServerConnection.makeRequest`, which adds the token and XSRF headers that
 * a browser `EventSource` cannot send), parses it incrementally, and
 * reconnects with exponential backoff when the stream ends, fails, or stays
 * silent for longer than the server's keepalive period allows.
 */
import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { EventStreamParser, IServerSentEvent } from './sse';
import { apiUrl, errorStatus } from './request';

/**
 * The state of the event stream connection.
 *
 * - `connecting`: the first attempt is under way;
 * - `connected`: the stream is open;
 * - `reconnecting`: the stream was lost; a new attempt is scheduled or running;
 * - `stopped`: disposed, or stopped after the endpoint answered 404.
 */
export type ConnectionState =
  'connecting' | 'connected' | 'reconnecting' | 'stopped';

/**
 * Why the event stream is not connected.
 */
export type DisconnectReason =
  'ended' | 'network' | 'http' | 'silent' | 'not-found';

/**
 * A change of the connection state.
 */
export interface IConnectionStatus {
  readonly state: ConnectionState;
  /**
   * Why the last stream ended, when it did:
   * - `ended`: the server closed it (e.g. it restarted);
   * - `network`: the Jupyter server could not be reached;
   * - `http`: the server answered with an error (`detail` has its message);
   * - `silent`: nothing arrived for longer than the keepalive period;
   * - `not-found`: the endpoint answered 404 (server extension missing).
   */
  readonly reason: DisconnectReason | null;
  /**
   * The server's error message, for `http`.
   */
  readonly detail: string | null;
  /**
   * When the next attempt starts (epoch ms), while reconnecting.
   */
  readonly retryAt: number | null;
}

/**
 * The delay before reconnection attempt `attempt` (1-based): exponential
 * from `initial`, capped at `max`.
 */
export function backoffDelay(
  attempt: number,
  initial: number,
  max: number
): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(max, initial * Math.pow(2, Math.min(exponent, 30)));
}

/**
 * A self-reconnecting reader of the server extension's event stream.
 */
export class EventStreamConnection implements IDisposable {
  /**
   * Create a connection; call `start()` to open it.
   */
  constructor(options: EventStreamConnection.IOptions) {
    this._path = options.path ?? 'events';
    this._settings = options.serverSettings ?? ServerConnection.makeSettings();
    this._makeRequest =
      options.makeRequest ??
      ServerConnection.makeRequest.bind(ServerConnection);
    this._initialDelay = options.initialDelay ?? 1000;
    this._maxDelay = options.maxDelay ?? 30000;
    this._silenceTimeout = options.silenceTimeout ?? 45000;
  }

  /**
   * Emitted for every event the stream delivers.
   */
  get received(): ISignal<this, IServerSentEvent> {
    return this._received;
  }

  /**
   * Emitted when the connection state changes.
   */
  get statusChanged(): ISignal<this, IConnectionStatus> {
    return this._statusChanged;
  }

  /**
   * The current connection status.
   */
  get status(): IConnectionStatus {
    return this._status;
  }

  /**
   * Whether the connection is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Open the stream (no-op when it is already open or opening).
   */
  start(): void {
    if (this._isDisposed || this._running) {
      return;
    }
    this._running = true;
    void this._loop();
  }

  /**
   * Drop the current stream, if any, and connect again at once. The server
   * then sends a fresh snapshot.
   */
  reconnect(): void {
    if (this._isDisposed) {
      return;
    }
    this._attempt = 0;
    this._immediate = true;
    this._controller?.abort();
    this._wakeUp?.();
    this.start();
  }

  /**
   * Close the stream for good.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._controller?.abort();
    this._wakeUp?.();
    this._setStatus({
      state: 'stopped',
      reason: null,
      detail: null,
      retryAt: null
    });
    Signal.clearData(this);
  }

  /**
   * Connect, read until the stream ends, wait, repeat.
   */
  private async _loop(): Promise<void> {
    while (!this._isDisposed) {
      let reason: DisconnectReason = 'ended';
      let detail: string | null = null;
      try {
        await this._readOnce();
      } catch (error) {
        if (this._isDisposed) {
          break;
        }
        const status = errorStatus(error);
        if (status === 404) {
          this._setStatus({
            state: 'stopped',
            reason: 'not-found',
            detail: null,
            retryAt: null
          });
          this._running = false;
          return;
        }
        if (error instanceof Private.SilenceError) {
          reason = 'silent';
        } else if (status !== null) {
          reason = 'http';
          detail = (error as Error).message || null;
        } else {
          reason = 'network';
        }
      }
      if (this._isDisposed) {
        break;
      }
      if (this._immediate) {
        this._immediate = false;
        this._setStatus({
          state: 'reconnecting',
          reason: null,
          detail: null,
          retryAt: null
        });
        continue;
      }
      this._attempt++;
      const delay = backoffDelay(
        this._attempt,
        this._initialDelay,
        this._maxDelay
      );
      this._setStatus({
        state: 'reconnecting',
        reason,
        detail,
        retryAt: Date.now() + delay
      });
      await this._sleep(delay);
      this._immediate = false;
    }
    this._running = false;
  }

  /**
   * One connection: open it, dispatch its events until it ends.
   */
  private async _readOnce(): Promise<void> {
    const controller = new AbortController();
    this._controller = controller;
    const parser = new EventStreamParser();
    let silenceTimer: ReturnType<typeof setTimeout> | null = null;
    let silent = false;
    const armSilenceTimer = () => {
      if (silenceTimer !== null) {
        clearTimeout(silenceTimer);
      }
      silenceTimer = setTimeout(() => {
        silent = true;
        controller.abort();
      }, this._silenceTimeout);
    };
    try {
      armSilenceTimer();
      const response = await this._makeRequest(
        apiUrl(this._path, this._settings),
        {
          method: 'GET',
          headers: { Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: controller.signal
        },
        this._settings
      );
      if (!response.ok) {
        let message: string | undefined;
        try {
          const data = await response.json();
          message =
            typeof data?.message === 'string' ? data.message : undefined;
        } catch {
          message = undefined;
        }
        throw new ServerConnection.ResponseError(response, message);
      }
      if (!response.body) {
        throw new ServerConnection.ResponseError(response, '');
      }
      this._setStatus({
        state: 'connected',
        reason: null,
        detail: null,
        retryAt: null
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder('utf-8');
      let receivedEvent = false;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        armSilenceTimer();
        const text = decoder.decode(value, { stream: true });
        for (const event of parser.feed(text)) {
          if (!receivedEvent) {
            // A healthy stream: start the backoff over.
            receivedEvent = true;
            this._attempt = 0;
          }
          this._received.emit(event);
          if (this._isDisposed) {
            return;
          }
        }
      }
    } catch (error) {
      if (silent) {
        throw new Private.SilenceError();
      }
      if (controller.signal.aborted) {
        // Aborted by `reconnect()` or `dispose()`: not an error.
        return;
      }
      throw error;
    } finally {
      if (silenceTimer !== null) {
        clearTimeout(silenceTimer);
      }
      if (this._controller === controller) {
        this._controller = null;
      }
    }
  }

  /**
   * Wait `ms`, or less when `reconnect()` or `dispose()` wakes us up.
   */
  private _sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const done = (): void => {
        clearTimeout(timer);
        if (this._wakeUp === done) {
          this._wakeUp = null;
        }
        resolve();
      };
      const timer = setTimeout(done, ms);
      this._wakeUp = done;
    });
  }

  /**
   * Set the status and emit the change.
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

  private _path: string;
  private _settings: ServerConnection.ISettings;
  private _makeRequest: EventStreamConnection.MakeRequest;
  private _initialDelay: number;
  private _maxDelay: number;
  private _silenceTimeout: number;
  private _attempt = 0;
  private _running = false;
  private _isDisposed = false;
  private _controller: AbortController | null = null;
  private _wakeUp: (() => void) | null = null;
  private _immediate = false;
  private _status: IConnectionStatus = {
    state: 'connecting',
    reason: null,
    detail: null,
    retryAt: null
  };
  private _received = new Signal<this, IServerSentEvent>(this);
  private _statusChanged = new Signal<this, IConnectionStatus>(this);
}

/**
 * The namespace for `EventStreamConnection` statics.
 */
export namespace EventStreamConnection {
  /**
   * The signature of `ServerConnection.makeRequest`.
   */
  export type MakeRequest = (
    url: string,
    init: RequestInit,
    settings: ServerConnection.ISettings
  ) => Promise<Response>;

  /**
   * Options to create a connection.
   */
  export interface IOptions {
    /**
     * The API path below `saturn-panel/` (default `events`).
     */
    path?: string;
    /**
     * The server connection settings.
     */
    serverSettings?: ServerConnection.ISettings;
    /**
     * The request function (default `ServerConnection.makeRequest`); tests
     * pass a fake.
     */
    makeRequest?: MakeRequest;
    /**
     * The first reconnection delay in ms (default 1000).
     */
    initialDelay?: number;
    /**
     * The longest reconnection delay in ms (default 30000).
     */
    maxDelay?: number;
    /**
     * Reconnect when nothing arrives for this many ms (default 45000; the
     * server sends a keepalive at least every 15 s).
     */
    silenceTimeout?: number;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Thrown when the stream stayed silent for too long.
   */
  export class SilenceError extends Error {}
}
