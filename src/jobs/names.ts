/**
 * The names a person reads for jobs and runs: a notebook job is its
 * notebook's name (the path on hover), a run is its start time and status
 * ("the run started 21:03, completed"); Saturn's job and pod names stay in
 * tooltips.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { ICellProgress, IResource, IRun, Status, statusLabel } from '../api';
import { parseTime } from '../time';
import { describeCron } from './cron';

/**
 * The notebook a job runs (its path, relative to the Jupyter root), or null
 * for a job that runs no notebook.
 */
export function jobNotebook(job: IResource): string | null {
  const notebook = job.details.notebook;
  return typeof notebook === 'string' && notebook ? notebook : null;
}

/**
 * The tooltip of a job's name: the notebook's path, else Saturn's name.
 */
export function jobTooltip(job: IResource, trans: TranslationBundle): string {
  const notebook = jobNotebook(job);
  return notebook
    ? trans.__('Notebook %1 (Saturn job %2)', notebook, job.name)
    : trans.__('Saturn job %1', job.name);
}

/**
 * A job's schedule as the server describes it (`details.schedule`, ...).
 */
export interface IJobSchedule {
  /**
   * The cron expression, or null when the job has none.
   */
  readonly schedule: string | null;
  /**
   * Whether it runs on its schedule now (false: paused).
   */
  readonly scheduled: boolean;
  /**
   * When it runs next (ISO), or null.
   */
  readonly nextRun: string | null;
  readonly timezone: string;
}

/**
 * The schedule of a job.
 */
export function jobSchedule(job: IResource): IJobSchedule {
  const d = job.details;
  const schedule =
    typeof d.schedule === 'string' && d.schedule.trim() ? d.schedule : null;
  return {
    schedule,
    scheduled: schedule !== null && d.scheduled === true,
    nextRun: typeof d.nextRun === 'string' ? d.nextRun : null,
    timezone:
      typeof d.scheduleTimezone === 'string' && d.scheduleTimezone
        ? d.scheduleTimezone
        : 'UTC'
  };
}

/**
 * A job's schedule in words: "every day at 07:00 UTC", "paused: every
 * minute"; null without a schedule.
 */
export function scheduleText(
  job: IResource,
  trans: TranslationBundle
): string | null {
  const { schedule, scheduled, timezone } = jobSchedule(job);
  if (schedule === null) {
    return null;
  }
  const text = describeCron(schedule, trans, timezone);
  return scheduled ? text : trans.__('paused: %1', text);
}

/**
 * A time of day, or a day and time when not today, in the user's locale:
 * "21:03", "30 Nov, 21:03".
 *
 * @param now - the current time (epoch ms)
 */
export function formatRunTime(value: Date, now: number): string {
  const today = new Date(now);
  const time = value.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit'
  });
  if (value.toDateString() === today.toDateString()) {
    return time;
  }
  const date = value.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(value.getFullYear() !== today.getFullYear()
      ? { year: 'numeric' as const }
      : {})
  });
  return `${date}, ${time}`;
}

/**
 * A status as said of a run ("error" reads "failed").
 */
export function runStatusLabel(
  status: Status,
  trans: TranslationBundle
): string {
  return status === 'error' ? trans.__('failed') : statusLabel(status, trans);
}

/**
 * A run as a person names it: "the run started 21:03" (no status), or with
 * its status "the run started 21:03, completed"; "the run not started yet"
 * before it has a start time.
 *
 * @param now - the current time (epoch ms)
 */
export function runName(
  run: IRun,
  trans: TranslationBundle,
  withStatus = true,
  now: number = Date.now()
): string {
  const started = parseTime(run.started);
  const status = runStatusLabel(run.status, trans);
  if (!started) {
    return withStatus
      ? trans.__('the run not started yet, %1', status)
      : trans.__('the run not started yet');
  }
  const at = formatRunTime(started, now);
  return withStatus
    ? trans.__('the run started %1, %2', at, status)
    : trans.__('the run started %1', at);
}

/**
 * The short name of a run, for a tab title: its start time, else "new run".
 */
export function runShortName(
  run: IRun | null,
  trans: TranslationBundle,
  now: number = Date.now()
): string {
  const started = parseTime(run?.started);
  return started ? formatRunTime(started, now) : trans.__('new run');
}

/**
 * A notebook run's progress: "cell 7 of 23".
 */
export function cellProgressText(
  progress: ICellProgress,
  trans: TranslationBundle
): string {
  return trans.__('cell %1 of %2', progress.cell, progress.cells);
}
