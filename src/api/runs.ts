/**
 * Saturn Cloud job runs: their shape (`Run` in docs/rest-api.md) and helpers.
 */
import type { IResource } from './resource';
import { isActive, isStatus, Status } from './statuses';

/**
 * One run of a Saturn job, newest first in `details.runs`.
 */
export interface IRun {
  /**
   * The run (pod) name, unique within the job.
   */
  readonly name: string;
  readonly status: Status;
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
  /**
   * The cell papermill is on (notebook jobs, from the run's log), or null.
   */
  readonly progress: ICellProgress | null;
}

/**
 * Where a notebook run is: papermill's cell `cell` of `cells` (1-based).
 */
export interface ICellProgress {
  readonly cell: number;
  readonly cells: number;
}

/**
 * Turn untrusted JSON into cell progress, or null when it is not one.
 */
export function normalizeCellProgress(value: unknown): ICellProgress | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return null;
  }
  const { cell, cells } = value as { cell?: unknown; cells?: unknown };
  if (
    typeof cell !== 'number' ||
    typeof cells !== 'number' ||
    !Number.isFinite(cell) ||
    !Number.isFinite(cells) ||
    cells < 1
  ) {
    return null;
  }
  const total = Math.floor(cells);
  return { cell: Math.min(total, Math.max(0, Math.floor(cell))), cells: total };
}

/**
 * The share of a notebook run done, 0-100.
 */
export function cellPercent(progress: ICellProgress): number {
  return Math.min(100, Math.max(0, (100 * progress.cell) / progress.cells));
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
    status: isStatus(raw.status) ? raw.status : 'error',
    started: typeof raw.started === 'string' ? raw.started : null,
    finished: typeof raw.finished === 'string' ? raw.finished : null,
    duration:
      typeof raw.duration === 'number' && Number.isFinite(raw.duration)
        ? Math.max(0, raw.duration)
        : null,
    progress: normalizeCellProgress(raw.progress)
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
  return jobRuns(resource).find(r => isActive(r.status)) ?? null;
}

/**
 * How long a run took, or has been going for (live while it is active), in
 * seconds; null when unknown.
 *
 * @param now - the current time (epoch ms)
 */
export function runDuration(run: IRun, now: number): number | null {
  const started = run.started ? Date.parse(run.started) : NaN;
  if (isActive(run.status) && !Number.isNaN(started)) {
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
