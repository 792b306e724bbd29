/**
 * Saturn Cloud job runs: their shape (`Run` in docs/rest-api.md), helpers,
 * and the watcher that tells when a run this tab saw going finishes.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { IResourceChange, ResourceModel } from './model';
import type { IResource } from './resource';

/**
 * Every status a run can be in.
 */
export const RUN_STATUSES = [
  'pending',
  'running',
  'stopping',
  'completed',
  'error',
  'stopped'
] as const;

/**
 * The status of a run.
 */
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * One run of a Saturn job, newest first in `details.runs`.
 */
export interface IRun {
  /**
   * The run (pod) name, unique within the job.
   */
  readonly name: string;
  readonly status: RunStatus;
  /**
   * ISO time, or null.
   */
  readonly started: string | null;
  /**
   * ISO time once the run ended, else null.
   */
  readonly finished: string | null;
  /**
   * Seconds, as the server last measured them, or null.
   */
  readonly duration: number | null;
}

/**
 * The prefix of a Saturn job's resource key.
 */
export const JOB_KEY_PREFIX = 'saturn/job/';

/**
 * Whether a value is one of the known run statuses.
 */
export function isRunStatus(value: unknown): value is RunStatus {
  return (
    typeof value === 'string' &&
    (RUN_STATUSES as ReadonlyArray<string>).includes(value)
  );
}

/**
 * Whether a run is still going (it will change on its own).
 */
export function isRunActive(status: RunStatus): boolean {
  return status === 'pending' || status === 'running' || status === 'stopping';
}

/**
 * Turn untrusted JSON into a run, or null when it is not one.
 */
export function normalizeRun(value: unknown): IRun | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return null;
  }
  const raw = value as { [key: string]: unknown };
  if (typeof raw.name !== 'string' || raw.name === '') {
    return null;
  }
  return {
    name: raw.name,
    // An unknown status is not something to follow: count it as an error.
    status: isRunStatus(raw.status) ? raw.status : 'error',
    started: typeof raw.started === 'string' ? raw.started : null,
    finished: typeof raw.finished === 'string' ? raw.finished : null,
    duration:
      typeof raw.duration === 'number' && Number.isFinite(raw.duration)
        ? Math.max(0, raw.duration)
        : null
  };
}

/**
 * The recent runs of a job resource, newest first (empty for other kinds).
 */
export function jobRuns(resource: IResource): IRun[] {
  if (resource.kind !== 'job') {
    return [];
  }
  const runs = resource.details.runs;
  if (!Array.isArray(runs)) {
    return [];
  }
  return runs.map(normalizeRun).filter((r): r is IRun => r !== null);
}

/**
 * The newest run of a job that is still going, if any.
 */
export function activeRun(resource: IResource): IRun | null {
  return jobRuns(resource).find(r => isRunActive(r.status)) ?? null;
}

/**
 * How long a run took, or has been going for (live while it is active), in
 * seconds; null when unknown.
 *
 * @param now - the current time (epoch ms)
 */
export function runDuration(run: IRun, now: number): number | null {
  const started = run.started ? Date.parse(run.started) : NaN;
  if (isRunActive(run.status) && !Number.isNaN(started)) {
    return Math.max(0, (now - started) / 1000);
  }
  if (run.duration !== null) {
    return run.duration;
  }
  const finished = run.finished ? Date.parse(run.finished) : NaN;
  if (!Number.isNaN(started) && !Number.isNaN(finished)) {
    return Math.max(0, (finished - started) / 1000);
  }
  return null;
}

/**
 * The Saturn id of a job from its key, or null when the key is not a job's.
 */
export function jobIdFromKey(key: string): string | null {
  if (!key.startsWith(JOB_KEY_PREFIX)) {
    return null;
  }
  const id = key.slice(JOB_KEY_PREFIX.length);
  return id && !id.includes('/') ? id : null;
}

/**
 * A short name for a run: Saturn names runs
 * `id-{owner}-{job}-{job id}-{suffix}`; the suffix is what tells runs apart.
 */
export function shortRunName(run: string, jobId: string): string {
  const marker = jobId ? `${jobId}-` : '';
  const at = marker ? run.lastIndexOf(marker) : -1;
  if (at >= 0 && at + marker.length < run.length) {
    return run.slice(at + marker.length);
  }
  return run;
}

/**
 * A run that finished after this tab saw it going.
 */
export interface IRunFinished {
  /**
   * The job as it now stands.
   */
  readonly job: IResource;
  /**
   * The run as it now stands (`completed`, `error` or `stopped`).
   */
  readonly run: IRun;
}

/**
 * Watches the job resources of a model and tells when a run this tab saw
 * pending, running or stopping has finished.
 *
 * #### Notes
 * Runs already finished when first seen (the history of a snapshot at page
 * load, or of a job that just appeared) are never reported: only a
 * transition seen in this tab is.
 */
export class RunWatcher implements IDisposable {
  /**
   * Create a watcher on a model. Runs already in the model count as seen.
   */
  constructor(model: ResourceModel) {
    this._model = model;
    for (const resource of model.resources) {
      this._observe(resource);
    }
    model.resourceChanged.connect(this._onChanged, this);
  }

  /**
   * Emitted once for every run that finished after it was seen going.
   */
  get runFinished(): ISignal<this, IRunFinished> {
    return this._runFinished;
  }

  /**
   * Whether the watcher is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether a run was seen going and has not finished yet (for tests and
   * diagnostics).
   */
  isWatching(key: string, run: string): boolean {
    return this._active.get(key)?.has(run) ?? false;
  }

  /**
   * Dispose of the watcher.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.resourceChanged.disconnect(this._onChanged, this);
    this._active.clear();
    Signal.clearData(this);
  }

  /**
   * Follow one resource change.
   */
  private _onChanged(_: ResourceModel, change: IResourceChange): void {
    if (change.newValue === null) {
      this._active.delete(change.key);
      return;
    }
    const finished = this._observe(change.newValue);
    for (const run of finished) {
      this._runFinished.emit({ job: change.newValue, run });
    }
  }

  /**
   * Record the runs of a job; return those that finished since last seen
   * going.
   */
  private _observe(resource: IResource): IRun[] {
    if (resource.kind !== 'job') {
      return [];
    }
    const previous = this._active.get(resource.key) ?? new Set<string>();
    const next = new Set<string>();
    const finished: IRun[] = [];
    for (const run of jobRuns(resource)) {
      if (isRunActive(run.status)) {
        next.add(run.name);
      } else if (previous.has(run.name)) {
        finished.push(run);
      }
    }
    // Runs that left the recent list are forgotten (never reported).
    if (next.size > 0) {
      this._active.set(resource.key, next);
    } else {
      this._active.delete(resource.key);
    }
    // Oldest first, so notifications come in the order the runs ended.
    return finished.reverse();
  }

  private _model: ResourceModel;
  private _active = new Map<string, Set<string>>();
  private _isDisposed = false;
  private _runFinished = new Signal<this, IRunFinished>(this);
}
