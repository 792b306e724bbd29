/**
 * Watches the job resources of the model and tells when a run this tab saw
 * going finishes.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { IResource, IRun, isActive, jobRuns } from '../api';
import type { IResourceChange, ResourceModel } from '../model';

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
      if (isActive(run.status)) {
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
