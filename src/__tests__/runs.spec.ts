import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { ResourceModel } from '../model';
import { jobIdFromKey } from '../api/keys';
import {
  cellPercent,
  jobRuns,
  normalizeCellProgress,
  normalizeRun,
  runDuration,
  shortRunName
} from '../api/runs';
import { RunNotifier } from '../jobs/runNotifier';
import { IRunFinished, RunWatcher } from '../jobs/runWatcher';
import { config, feed, jobRun, resource, saturnJob } from './fixtures';

const JOB = 'bb5fed2f9b12456699cade80c816dabf';
const OTHER = 'ff4b2d4b521a44418b69d5d2151ee223';
const KEY = `saturn/job/${JOB}`;
const R1 = `id-alice-train-model-${JOB}-vc-0-aaaaa`;
const R2 = `id-alice-train-model-${JOB}-vc-0-bbbbb`;
const R3 = `id-alice-train-model-${JOB}-vc-0-ccccc`;

function event(name: string, payload: unknown) {
  return { event: name, data: JSON.stringify(payload), id: '' };
}

/**
 * A model and a watcher, recording what the watcher reports.
 */
function setup() {
  const model = new ResourceModel();
  model.applyBackends(config());
  const watcher = new RunWatcher(model);
  const finished: IRunFinished[] = [];
  watcher.runFinished.connect((_, f) => finished.push(f));
  const job = (runs: { [key: string]: unknown }[]) =>
    feed(model, event('resource', saturnJob(JOB, 'train-model', runs)));
  const snapshot = (resources: unknown[]) =>
    feed(model, event('snapshot', { resources }));
  const reported = () => finished.map(f => [f.run.name, f.run.status]);
  return { model, watcher, finished, job, snapshot, reported };
}

describe('RunWatcher', () => {
  it('reports nothing for the history of the first snapshot', () => {
    const { snapshot, reported, watcher } = setup();
    snapshot([
      saturnJob(JOB, 'train-model', [
        jobRun(R2, 'error'),
        jobRun(R1, 'completed')
      ]),
      saturnJob(OTHER, 'nightly-report', [jobRun('nightly-x', 'stopped')])
    ]);
    expect(reported()).toEqual([]);
    expect(watcher.isWatching(KEY, R1)).toBe(false);
  });

  it('reports a run seen running at load when it completes', () => {
    const { snapshot, job, reported } = setup();
    snapshot([
      saturnJob(JOB, 'train-model', [
        jobRun(R2, 'running'),
        jobRun(R1, 'completed')
      ])
    ]);
    expect(reported()).toEqual([]);
    job([jobRun(R2, 'completed'), jobRun(R1, 'completed')]);
    expect(reported()).toEqual([[R2, 'completed']]);
  });

  it('follows a run started in this tab: pending → running → error, once', () => {
    const { snapshot, job, reported, watcher } = setup();
    snapshot([saturnJob(JOB, 'train-model', [jobRun(R1, 'completed')])]);
    job([jobRun(R2, 'pending'), jobRun(R1, 'completed')]);
    expect(watcher.isWatching(KEY, R2)).toBe(true);
    job([jobRun(R2, 'running'), jobRun(R1, 'completed')]);
    expect(reported()).toEqual([]);
    job([jobRun(R2, 'error'), jobRun(R1, 'completed')]);
    expect(reported()).toEqual([[R2, 'error']]);
    expect(watcher.isWatching(KEY, R2)).toBe(false);
    // The same finished state again (another field changed): not again.
    job([
      jobRun(R2, 'error', { finished: '2026-11-21T22:01:00+00:00' }),
      jobRun(R1, 'completed')
    ]);
    expect(reported()).toHaveLength(1);
  });

  it('reports a stop seen through stopping', () => {
    const { snapshot, job, reported } = setup();
    snapshot([saturnJob(JOB, 'train-model', [jobRun(R1, 'running')])]);
    job([jobRun(R1, 'stopping')]);
    expect(reported()).toEqual([]);
    job([jobRun(R1, 'stopped')]);
    expect(reported()).toEqual([[R1, 'stopped']]);
  });

  it('reports nothing for a job that appears with finished runs only', () => {
    const { snapshot, model, reported } = setup();
    snapshot([]);
    feed(
      model,
      event(
        'resource',
        saturnJob(OTHER, 'nb-report-abc123', [jobRun('nb-run-1', 'completed')])
      )
    );
    expect(reported()).toEqual([]);
  });

  it('reports several runs that ended together, oldest first', () => {
    const { snapshot, job, finished } = setup();
    snapshot([
      saturnJob(JOB, 'train-model', [
        jobRun(R3, 'running'),
        jobRun(R2, 'pending'),
        jobRun(R1, 'completed')
      ])
    ]);
    job([
      jobRun(R3, 'completed'),
      jobRun(R2, 'error'),
      jobRun(R1, 'completed')
    ]);
    expect(finished.map(f => f.run.name)).toEqual([R2, R3]);
    expect(finished[0].job.key).toBe(KEY);
  });

  it('forgets the runs of a removed job', () => {
    const { snapshot, job, model, reported, watcher } = setup();
    snapshot([saturnJob(JOB, 'train-model', [jobRun(R1, 'running')])]);
    feed(model, event('removed', { key: KEY }));
    expect(watcher.isWatching(KEY, R1)).toBe(false);
    job([jobRun(R1, 'completed')]);
    expect(reported()).toEqual([]);
  });

  it('reports a run that ended while the stream was reconnecting', () => {
    const { snapshot, reported } = setup();
    snapshot([saturnJob(JOB, 'train-model', [jobRun(R1, 'running')])]);
    // The reconnection's snapshot carries the run's end.
    snapshot([saturnJob(JOB, 'train-model', [jobRun(R1, 'completed')])]);
    expect(reported()).toEqual([[R1, 'completed']]);
  });

  it('counts the runs already in the model when created as seen', () => {
    const model = new ResourceModel();
    model.applySnapshot([
      resource(saturnJob(JOB, 'train-model', [jobRun(R1, 'running')])),
      resource(saturnJob(OTHER, 'other', [jobRun('x-1', 'completed')]))
    ]);
    const watcher = new RunWatcher(model);
    const finished: IRunFinished[] = [];
    watcher.runFinished.connect((_, f) => finished.push(f));
    model.applyResource(
      resource(saturnJob(JOB, 'train-model', [jobRun(R1, 'completed')]))
    );
    expect(finished.map(f => f.run.name)).toEqual([R1]);
    watcher.dispose();
    model.applyResource(
      resource(
        saturnJob(JOB, 'train-model', [
          jobRun(R2, 'running'),
          jobRun(R1, 'completed')
        ])
      )
    );
    model.applyResource(
      resource(
        saturnJob(JOB, 'train-model', [
          jobRun(R2, 'completed'),
          jobRun(R1, 'completed')
        ])
      )
    );
    expect(finished).toHaveLength(1);
  });
});

describe('RunNotifier', () => {
  afterEach(() => Notification.dismiss());

  function notifierSetup() {
    const env = setup();
    const opened: [string, string][] = [];
    const notifier = new RunNotifier({
      watcher: env.watcher,
      translator: nullTranslator,
      openLogs: (key, run) => opened.push([key, run])
    });
    env.snapshot([
      saturnJob(JOB, 'train-model', [
        jobRun(R3, 'running'),
        jobRun(R2, 'running'),
        jobRun(R1, 'running')
      ])
    ]);
    return { ...env, notifier, opened };
  }

  const toasts = () => Notification.manager.notifications;

  it('does not toast the history at load', () => {
    const env = setup();
    new RunNotifier({
      watcher: env.watcher,
      translator: nullTranslator,
      openLogs: () => undefined
    });
    env.snapshot([saturnJob(JOB, 'train-model', [jobRun(R1, 'error')])]);
    expect(toasts()).toHaveLength(0);
  });

  it('toasts success, error and stop, each with a "Show logs" action', () => {
    const { job, opened } = notifierSetup();
    job([
      jobRun(R3, 'running'),
      jobRun(R2, 'running'),
      jobRun(R1, 'completed', { duration: 75 })
    ]);
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].type).toBe('success');
    expect(toasts()[0].message).toBe(
      'The run of the Saturn job train-model completed in 1 min 15 s.'
    );
    job([
      jobRun(R3, 'running'),
      jobRun(R2, 'error'),
      jobRun(R1, 'completed', { duration: 75 })
    ]);
    const error = toasts().find(t => t.type === 'error');
    expect(error?.message).toContain('train-model failed');
    expect(error?.options.autoClose).toBe(false);
    job([
      jobRun(R3, 'stopped'),
      jobRun(R2, 'error'),
      jobRun(R1, 'completed', { duration: 75 })
    ]);
    const stopped = toasts().find(t => t.type === 'info');
    expect(stopped?.message).toContain('was stopped');

    const action = error?.options.actions?.[0];
    expect(action?.label).toBe('Show logs');
    action?.callback(new MouseEvent('click'));
    expect(opened).toEqual([[KEY, R2]]);
  });

  it('only reports failures when completion toasts are off', () => {
    const { job, notifier } = notifierSetup();
    notifier.notifyOnComplete = false;
    job([jobRun(R3, 'stopped'), jobRun(R2, 'completed'), jobRun(R1, 'error')]);
    expect(toasts().map(t => t.type)).toEqual(['error']);
  });
});

describe('run helpers', () => {
  it('normalises runs and drops what is not one', () => {
    const job = resource(
      saturnJob(JOB, 'train-model', [
        jobRun(R1, 'running'),
        { status: 'running' },
        jobRun(R2, 'mystery'),
        'nonsense'
      ] as { [key: string]: unknown }[])
    );
    const runs = jobRuns(job);
    expect(runs.map(r => [r.name, r.status])).toEqual([
      [R1, 'running'],
      [R2, 'error']
    ]);
    expect(
      normalizeRun({ name: 'x', status: 'completed', duration: -3 })
    ).toEqual({
      name: 'x',
      status: 'completed',
      started: null,
      finished: null,
      duration: 0,
      progress: null
    });
  });

  it("reads a notebook run's cell progress, and drops a bad one", () => {
    expect(
      normalizeRun({
        ...jobRun(R1, 'running'),
        progress: { cell: 7, cells: 23 }
      })?.progress
    ).toEqual({ cell: 7, cells: 23 });
    // Clamped to the notebook's cells.
    expect(normalizeCellProgress({ cell: 30, cells: 23 })).toEqual({
      cell: 23,
      cells: 23
    });
    for (const bad of [
      null,
      {},
      { cell: 1 },
      { cell: 1, cells: 0 },
      'x',
      [1, 2]
    ]) {
      expect(normalizeCellProgress(bad)).toBeNull();
    }
    expect(cellPercent({ cell: 7, cells: 28 })).toBe(25);
    expect(cellPercent({ cell: 0, cells: 3 })).toBe(0);
  });

  it('measures a running run live and a finished one as told', () => {
    const started = Date.parse('2026-11-21T22:00:00Z');
    const running = normalizeRun(jobRun(R1, 'running'))!;
    expect(runDuration(running, started + 90_000)).toBe(90);
    expect(runDuration(running, started + 95_500)).toBe(95.5);
    const done = normalizeRun(jobRun(R1, 'completed'))!;
    expect(runDuration(done, started + 999_000)).toBe(28);
    const noDuration = normalizeRun({
      ...jobRun(R1, 'completed'),
      duration: null
    })!;
    expect(runDuration(noDuration, 0)).toBe(28);
    expect(
      runDuration(normalizeRun({ name: 'x', status: 'pending' })!, 0)
    ).toBe(null);
  });

  it('parses job keys and shortens run names', () => {
    expect(jobIdFromKey(KEY)).toBe(JOB);
    expect(jobIdFromKey('saturn/workspace/abc')).toBeNull();
    expect(jobIdFromKey('saturn/job/')).toBeNull();
    expect(shortRunName(R1, JOB)).toBe('vc-0-aaaaa');
    expect(shortRunName('other-run', JOB)).toBe('other-run');
  });
});
