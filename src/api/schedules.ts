/**
 * Endpoints of notebook-job outputs and job schedules (docs/rest-api.md).
 */
import { quote, requestAPI } from './request';
import { IResource, normalizeResource } from './resource';

/**
 * The answer of `POST saturn/jobs/{id}/runs/{run}/output`.
 */
export interface IRunOutput {
  /**
   * Where the executed notebook was saved, relative to the Jupyter root.
   */
  readonly path: string;
  /**
   * The index of the cell that raised (a failed run), else null.
   */
  readonly errorCell: number | null;
}

/**
 * Save the executed notebook of a finished run of a notebook job (beside
 * the source, or in `folder`).
 */
export async function saveRunOutput(
  id: string,
  run: string,
  folder?: string
): Promise<IRunOutput> {
  const answer = await requestAPI<{ [key: string]: unknown } | null>(
    `saturn/jobs/${quote(id)}/runs/${quote(run)}/output`,
    {
      method: 'POST',
      body: JSON.stringify(folder ? { folder } : {})
    }
  );
  const path = answer?.path;
  if (typeof path !== 'string' || !path) {
    throw new Error('The server did not say where it saved the notebook.');
  }
  const cell = answer?.errorCell;
  return {
    path,
    errorCell:
      typeof cell === 'number' && Number.isInteger(cell) && cell >= 0
        ? cell
        : null
  };
}

/**
 * Put a job on a cron schedule (`schedule`), or resume its own schedule
 * (no `schedule`).
 *
 * @returns the job as it now stands
 */
export async function scheduleJob(
  id: string,
  schedule?: string
): Promise<IResource | null> {
  return normalizeResource(
    await requestAPI<unknown>(`saturn/jobs/${quote(id)}/schedule`, {
      method: 'POST',
      body: JSON.stringify(schedule !== undefined ? { schedule } : {})
    })
  );
}

/**
 * Pause a job's schedule (kept for resume).
 *
 * @returns the job as it now stands
 */
export async function unscheduleJob(id: string): Promise<IResource | null> {
  return normalizeResource(
    await requestAPI<unknown>(`saturn/jobs/${quote(id)}/unschedule`, {
      method: 'POST',
      body: '{}'
    })
  );
}

/**
 * The answer of `POST saturn/schedule-preview`.
 */
export interface ISchedulePreview {
  /**
   * The expression as the server reads it.
   */
  readonly schedule: string;
  /**
   * The next run times (ISO), soonest first.
   */
  readonly next: ReadonlyArray<string>;
  /**
   * The schedule's time zone (Saturn's: UTC).
   */
  readonly timezone: string;
}

/**
 * Check a cron expression: its next three runs, or an error with the
 * server's reason (400).
 */
export async function previewSchedule(
  schedule: string,
  init: RequestInit = {}
): Promise<ISchedulePreview> {
  const answer = await requestAPI<{ [key: string]: unknown } | null>(
    'saturn/schedule-preview',
    { ...init, method: 'POST', body: JSON.stringify({ schedule }) }
  );
  const next = Array.isArray(answer?.next) ? answer!.next : [];
  return {
    schedule: typeof answer?.schedule === 'string' ? answer.schedule : schedule,
    next: next.filter((t): t is string => typeof t === 'string'),
    timezone:
      typeof answer?.timezone === 'string' && answer.timezone
        ? answer.timezone
        : 'UTC'
  };
}
