import { nullTranslator } from '@jupyterlab/translation';

import { normalizeResource, normalizeRun } from '../api';
import {
  cellProgressText,
  formatRunTime,
  jobNotebook,
  jobSchedule,
  jobTooltip,
  runName,
  runShortName,
  scheduleText
} from '../jobs/names';
import { jobRun, saturnJob } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const JOB = 'bb5fed2f9b12456699cade80c816dabf';
const POD = `id-alice-nb-daily-report-107663-${JOB}-vc-0-aaaaa`;

function notebookJob(details: { [key: string]: unknown } = {}) {
  const raw = saturnJob(JOB, 'nb-daily-report-107663', [
    jobRun(POD, 'completed')
  ]);
  return normalizeResource({
    ...raw,
    displayName: 'daily-report.ipynb',
    details: {
      ...(raw.details as object),
      notebook: 'reports/daily-report.ipynb',
      ...details
    }
  })!;
}

describe('names a person reads', () => {
  it('names a run by its start time and status, never its pod', () => {
    const started = new Date(2026, 10, 21, 21, 3, 0);
    const run = normalizeRun({
      name: POD,
      status: 'completed',
      started: started.toISOString()
    })!;
    const now = new Date(2026, 10, 21, 23, 0, 0).getTime();
    const time = formatRunTime(started, now);
    // Today: the time alone, in the user's locale.
    expect(time).toBe(
      started.toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit'
      })
    );
    expect(runName(run, trans, true, now)).toBe(
      `the run started ${time}, completed`
    );
    expect(runName(run, trans, false, now)).toBe(`the run started ${time}`);
    expect(runName({ ...run, status: 'error' }, trans, true, now)).toBe(
      `the run started ${time}, failed`
    );
    expect(runName(run, trans, true, now)).not.toContain(JOB);
    expect(runShortName(run, trans, now)).toBe(time);
    expect(runShortName(null, trans, now)).toBe('new run');
    expect(
      runName({ ...run, started: null, status: 'pending' }, trans, true, now)
    ).toBe('the run not started yet, pending');
  });

  it('adds the day to a run of another day', () => {
    const started = new Date(2026, 10, 20, 9, 15, 0);
    const now = new Date(2026, 10, 21, 10, 0, 0).getTime();
    const text = formatRunTime(started, now);
    expect(text).toMatch(/20/);
    expect(text).toMatch(/09.15/);
    expect(text).not.toBe(formatRunTime(started, started.getTime()));
  });

  it("shows a notebook job's path on hover", () => {
    const job = notebookJob();
    expect(jobNotebook(job)).toBe('reports/daily-report.ipynb');
    expect(jobTooltip(job, trans)).toBe(
      'Notebook reports/daily-report.ipynb (Saturn job nb-daily-report-107663)'
    );
    const plain = normalizeResource(saturnJob(JOB, 'train-model'))!;
    expect(jobNotebook(plain)).toBeNull();
    expect(jobTooltip(plain, trans)).toBe('Saturn job train-model');
  });

  it("reads a job's schedule, paused or not", () => {
    expect(jobSchedule(notebookJob())).toEqual({
      schedule: null,
      scheduled: false,
      nextRun: null,
      timezone: 'UTC'
    });
    expect(scheduleText(notebookJob(), trans)).toBeNull();
    const scheduled = notebookJob({
      schedule: '0 7 * * 1-5',
      scheduled: true,
      nextRun: '2026-11-23T07:00:00Z',
      scheduleTimezone: 'UTC'
    });
    expect(jobSchedule(scheduled)).toEqual({
      schedule: '0 7 * * 1-5',
      scheduled: true,
      nextRun: '2026-11-23T07:00:00Z',
      timezone: 'UTC'
    });
    expect(scheduleText(scheduled, trans)).toBe('weekdays at 07:00 UTC');
    const paused = notebookJob({ schedule: '* * * * *', scheduled: false });
    expect(scheduleText(paused, trans)).toBe('paused: every minute');
  });

  it('says where a notebook run is', () => {
    expect(cellProgressText({ cell: 7, cells: 23 }, trans)).toBe(
      'cell 7 of 23'
    );
  });
});
