/**
 * Launcher cards for Saturn jobs: the jobs pinned in the settings, or by
 * default the first few by name. A card runs its job.
 */
import type { ILauncher } from '@jupyterlab/launcher';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import { backendCondition, IResource } from '../api';
import type { ResourceModel } from '../model';

/**
 * How many jobs get a card when none is pinned.
 */
export const DEFAULT_LAUNCHER_JOBS = 3;

/**
 * The names of the jobs that get a launcher card, in card order.
 *
 * @param jobs - the job names known now
 * @param pinned - the `pinnedJobs` setting: when not empty, exactly these
 *   (those that exist, in the pinned order, duplicates once)
 * @param count - how many jobs, by name, get a card when none is pinned
 */
export function selectLauncherJobs(
  jobs: ReadonlyArray<string>,
  pinned: ReadonlyArray<string>,
  count: number = DEFAULT_LAUNCHER_JOBS
): string[] {
  const known = new Set(jobs);
  const wanted = pinned.map(name => name.trim()).filter(Boolean);
  if (wanted.length > 0) {
    return Array.from(new Set(wanted)).filter(name => known.has(name));
  }
  const collator = new Intl.Collator(undefined, {
    numeric: true,
    sensitivity: 'base'
  });
  return Array.from(known)
    .sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, Math.max(0, count));
}

/**
 * Keeps the launcher's "Saturn Cloud" cards in line with the model's jobs
 * and the `pinnedJobs` setting.
 *
 * #### Notes
 * One card per job, each running the same command with the job's name as
 * argument. `ILauncher.add` answers a disposable that takes the card out of
 * the launcher's model (open launchers re-render), so cards also go away
 * when a job is unpinned or deleted. The model has no jobs until the event
 * stream's first snapshot, so cards appear a moment after the page loads.
 */
export class JobLauncherCards implements IDisposable {
  /**
   * Follow a model and add cards to a launcher.
   */
  constructor(options: JobLauncherCards.IOptions) {
    this._launcher = options.launcher;
    this._model = options.model;
    this._command = options.command;
    this._category = options.trans.__('Saturn Cloud');
    this._model.changed.connect(this._sync, this);
    this._sync();
  }

  /**
   * The pinned job names (the `pinnedJobs` setting).
   */
  get pinned(): ReadonlyArray<string> {
    return this._pinned;
  }
  set pinned(value: ReadonlyArray<string>) {
    this._pinned = value.slice();
    this._sync();
  }

  /**
   * The names that have a card now, in card order.
   */
  get names(): ReadonlyArray<string> {
    return Array.from(this._cards.keys());
  }

  /**
   * Whether the cards are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Remove every card and stop following the model.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.changed.disconnect(this._sync, this);
    for (const card of this._cards.values()) {
      card.dispose();
    }
    this._cards.clear();
  }

  /**
   * Add the cards now wanted, remove the others.
   */
  private _sync(): void {
    if (this._isDisposed) {
      return;
    }
    const names = this._model.resources
      .filter((r: IResource) => r.kind === 'job' && r.name)
      .map(r => r.name);
    const wanted = selectLauncherJobs(names, this._pinned);
    // Also when Saturn Cloud's condition changes: a launcher renders a card's
    // caption (why it cannot run now) only when its cards change.
    const key = [
      backendCondition(this._model.config, 'saturn'),
      ...wanted
    ].join('\n');
    if (key === this._lastKey) {
      return;
    }
    this._lastKey = key;
    // Start over, so every card has its rank in the new order.
    for (const card of this._cards.values()) {
      card.dispose();
    }
    this._cards.clear();
    wanted.forEach((name, rank) => {
      this._cards.set(
        name,
        this._launcher.add({
          command: this._command,
          args: { name, isLauncher: true },
          category: this._category,
          rank
        })
      );
    });
  }

  private _launcher: ILauncher;
  private _model: ResourceModel;
  private _command: string;
  private _category: string;
  private _pinned: string[] = [];
  private _cards = new Map<string, IDisposable>();
  private _lastKey: string | null = null;
  private _isDisposed = false;
}

/**
 * The namespace for `JobLauncherCards` statics.
 */
export namespace JobLauncherCards {
  /**
   * Options to create the cards.
   */
  export interface IOptions {
    launcher: ILauncher;
    model: ResourceModel;
    /**
     * The command of every card (run a job), called with `{name, isLauncher}`.
     */
    command: string;
    trans: TranslationBundle;
  }
}
