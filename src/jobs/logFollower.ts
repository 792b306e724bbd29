/**
 * Following a job run's logs: read `logs?run=&since=N` every few seconds
 * while the run is going (only the lines after those already shown), and
 * hand the view the new lines.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { errorStatus, ICellProgress, ILogLine, IRunLogs, Status } from '../api';

/**
 * What changed in the lines after a fetch.
 */
export interface ILinesUpdate {
  /**
   * True when the lines shown so far are no longer a prefix of the server's
   * (the log was rotated or cut): the view must start over with `lines`.
   */
  readonly reset: boolean;
  /**
   * The lines to append (all the lines, after a reset).
   */
  readonly lines: ReadonlyArray<ILogLine>;
}

/**
 * Compare the lines already shown with the server's full list.
 *
 * @param known - the lines shown so far
 * @param incoming - every line the server has now
 */
export function diffLines(
  known: ReadonlyArray<ILogLine>,
  incoming: ReadonlyArray<ILogLine>
): ILinesUpdate {
  const n = known.length;
  if (n === 0) {
    return { reset: false, lines: incoming.slice() };
  }
  const same = (a: ILogLine, b: ILogLine) =>
    a.content === b.content && a.timestamp === b.timestamp;
  if (
    incoming.length >= n &&
    same(known[0], incoming[0]) &&
    same(known[n - 1], incoming[n - 1])
  ) {
    return { reset: false, lines: incoming.slice(n) };
  }
  return { reset: true, lines: incoming.slice() };
}

/**
 * Follows one run's logs.
 *
 * #### Notes
 * After each answer, the next fetch is scheduled `interval` ms later, only
 * while the run is not complete, the follower is not paused (its widget is
 * hidden) and not disposed. Errors back off up to `maxInterval`; a 400, or
 * a 404 (no such run) `NOT_FOUND_TRIES` times in a row, ends following.
 */
export class LogFollower implements IDisposable {
  /**
   * Create a follower; call `start()` to fetch.
   */
  constructor(options: LogFollower.IOptions) {
    this._fetch = options.fetch;
    this._interval = options.interval ?? 2000;
    this._maxInterval = options.maxInterval ?? 30000;
  }

  /**
   * Emitted with the lines to show after each fetch that brought any.
   */
  get linesChanged(): ISignal<this, ILinesUpdate> {
    return this._linesChanged;
  }

  /**
   * Emitted when the status, completeness, error or following state changed.
   */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  /**
   * Every line received so far.
   */
  get lines(): ReadonlyArray<ILogLine> {
    return this._lines;
  }

  /**
   * The run's status as the last answer told, null before the first.
   */
  get status(): Status | null {
    return this._status;
  }

  /**
   * The cell papermill is on (notebook runs), as the last answer told.
   */
  get progress(): ICellProgress | null {
    return this._progress;
  }

  /**
   * Whether the run has ended (nothing more to fetch).
   */
  get complete(): boolean {
    return this._complete;
  }

  /**
   * The last fetch error's message, cleared by a successful fetch.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * The HTTP status of the last error, if it was one.
   */
  get errorStatus(): number | null {
    return this._errorStatus;
  }

  /**
   * Whether the follower will fetch again on its own.
   */
  get isFollowing(): boolean {
    return !this._isDisposed && !this._stopped && !this._complete;
  }

  /**
   * Whether following is paused (the view is hidden).
   */
  get isPaused(): boolean {
    return this._paused;
  }

  /**
   * Whether a fetch is in flight.
   */
  get isLoading(): boolean {
    return this._inFlight !== null;
  }

  /**
   * Whether the follower is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Fetch now and keep following.
   */
  start(): void {
    void this.refresh();
  }

  /**
   * Stop scheduling fetches until `resume()` (the view was hidden).
   */
  pause(): void {
    if (this._paused) {
      return;
    }
    this._paused = true;
    this._clearTimer();
    this._stateChanged.emit();
  }

  /**
   * Fetch at once and follow again (the view is shown).
   */
  resume(): void {
    if (!this._paused) {
      return;
    }
    this._paused = false;
    this._stateChanged.emit();
    if (this.isFollowing) {
      void this.refresh();
    }
  }

  /**
   * Fetch now (a fetch already in flight is reused), then schedule the next
   * one when still following.
   */
  refresh(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    if (this._inFlight) {
      return this._inFlight;
    }
    this._clearTimer();
    this._inFlight = this._fetchOnce().finally(() => {
      this._inFlight = null;
      this._schedule();
    });
    return this._inFlight;
  }

  /**
   * Dispose of the follower: no fetch is scheduled any more.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._clearTimer();
    Signal.clearData(this);
  }

  /**
   * One fetch and what follows from its answer.
   */
  private async _fetchOnce(): Promise<void> {
    let answer: IRunLogs;
    let update: ILinesUpdate;
    try {
      // Only the lines after those shown.
      const known = this._lines.length;
      answer = await this._fetch(known);
      const from = answer.since ?? 0;
      if (
        from > 0 &&
        (from !== this._lines.length ||
          (answer.total !== undefined && answer.total < from))
      ) {
        // Out of step (the log was cut, or lines came meanwhile): read it all.
        answer = await this._fetch(0);
      }
      update =
        (answer.since ?? 0) > 0
          ? { reset: false, lines: answer.lines.slice() }
          : diffLines(this._lines, answer.lines);
    } catch (error) {
      if (this._isDisposed) {
        return;
      }
      this._failures += 1;
      this._error = error instanceof Error ? error.message : String(error);
      this._errorStatus = errorStatus(error);
      if (
        this._errorStatus === 400 ||
        (this._errorStatus === 404 &&
          this._failures >= LogFollower.NOT_FOUND_TRIES)
      ) {
        // A bad run name, or a run the job does not have (a new run may take
        // a moment to be listed, hence a few tries): asking again will not help.
        this._stopped = true;
      }
      this._stateChanged.emit();
      return;
    }
    if (this._isDisposed) {
      return;
    }
    this._failures = 0;
    this._stopped = false;
    this._lines = update.reset
      ? update.lines.slice()
      : this._lines.concat(update.lines);
    const progress = answer.progress ?? null;
    const stateChanged =
      this._status !== answer.status ||
      this._complete !== answer.complete ||
      this._error !== null ||
      this._progress?.cell !== progress?.cell ||
      this._progress?.cells !== progress?.cells;
    this._status = answer.status;
    this._complete = answer.complete;
    this._progress = progress;
    this._error = null;
    this._errorStatus = null;
    if (update.reset || update.lines.length > 0) {
      this._linesChanged.emit(update);
    }
    if (stateChanged) {
      this._stateChanged.emit();
    }
  }

  /**
   * Schedule the next fetch when still following.
   */
  private _schedule(): void {
    this._clearTimer();
    if (!this.isFollowing || this._paused) {
      return;
    }
    const delay =
      this._failures === 0
        ? this._interval
        : Math.min(
            this._maxInterval,
            this._interval * Math.pow(2, this._failures)
          );
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, delay);
  }

  /**
   * Cancel a scheduled fetch.
   */
  private _clearTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _fetch: (since: number) => Promise<IRunLogs>;
  private _interval: number;
  private _maxInterval: number;
  private _lines: ILogLine[] = [];
  private _status: Status | null = null;
  private _complete = false;
  private _progress: ICellProgress | null = null;
  private _error: string | null = null;
  private _errorStatus: number | null = null;
  private _failures = 0;
  private _stopped = false;
  private _paused = false;
  private _inFlight: Promise<void> | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
  private _linesChanged = new Signal<this, ILinesUpdate>(this);
  private _stateChanged = new Signal<this, void>(this);
}

/**
 * The namespace for `LogFollower` statics.
 */
export namespace LogFollower {
  /**
   * How many 404 answers in a row end following.
   */
  export const NOT_FOUND_TRIES = 3;

  /**
   * Options to create a follower.
   */
  export interface IOptions {
    /**
     * Read the run's logs from line `since` on (0: every line so far).
     */
    fetch: (since: number) => Promise<IRunLogs>;
    /**
     * Milliseconds between fetches while the run is going (default 2000).
     */
    interval?: number;
    /**
     * The longest wait after repeated errors (default 30000).
     */
    maxInterval?: number;
  }
}
