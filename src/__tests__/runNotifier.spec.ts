/**
 * Run toasts that go away (issue 19, finding 1): a run's end closes by
 * itself unless it failed, and updates the toast that said the run started
 * rather than adding a second one.
 */
import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import {
  ACTION_AUTO_CLOSE,
  SUCCESS_AUTO_CLOSE
} from '../commands/actionNotifier';
import { RunNotifier, runNotificationData } from '../jobs/runNotifier';
import { RunWatcher } from '../jobs/runWatcher';
import { ResourceModel } from '../model';
import { config, feed, jobRun, saturnJob } from './fixtures';

const JOB = 'bb5fed2f9b12456699cade80c816dabf';
const KEY = `saturn/job/${JOB}`;
const R1 = `id-alice-train-model-${JOB}-vc-0-aaaaa`;
const R2 = `id-alice-train-model-${JOB}-vc-0-bbbbb`;

function setup() {
  const model = new ResourceModel();
  model.applyBackends(config());
  const watcher = new RunWatcher(model);
  new RunNotifier({
    watcher,
    translator: nullTranslator,
    openLogs: () => undefined
  });
  const job = (runs: { [key: string]: unknown }[]) =>
    feed(model, {
      event: 'resource',
      data: JSON.stringify(saturnJob(JOB, 'train-model', runs))
    });
  feed(model, {
    event: 'snapshot',
    data: JSON.stringify({
      resources: [
        saturnJob(JOB, 'train-model', [
          jobRun(R2, 'running'),
          jobRun(R1, 'running')
        ])
      ]
    })
  });
  return { job };
}

const toasts = () => Notification.manager.notifications;

describe('RunNotifier toasts', () => {
  afterEach(() => Notification.dismiss());

  it('closes a completed run by itself and keeps a failed one', () => {
    const { job } = setup();
    job([jobRun(R2, 'running'), jobRun(R1, 'completed', { duration: 5 })]);
    expect(toasts()[0].type).toBe('success');
    // With its "Show logs": as long as the panel's other success toasts.
    expect(toasts()[0].options.autoClose).toBe(ACTION_AUTO_CLOSE);
    job([jobRun(R2, 'error'), jobRun(R1, 'completed', { duration: 5 })]);
    const error = toasts().find(t => t.type === 'error');
    expect(error?.options.autoClose).toBe(false);
    expect(SUCCESS_AUTO_CLOSE).toBe(5000);
  });

  it('updates the "Started … as a Saturn job" toast of the run in place', () => {
    const { job } = setup();
    const started = Notification.success(
      'Started report.ipynb as a Saturn job',
      {
        autoClose: ACTION_AUTO_CLOSE,
        data: runNotificationData(KEY, R1)
      }
    );
    const other = Notification.success('Started other.ipynb as a Saturn job', {
      autoClose: ACTION_AUTO_CLOSE,
      data: runNotificationData(KEY, R2)
    });
    job([jobRun(R2, 'running'), jobRun(R1, 'completed', { duration: 5 })]);
    expect(toasts()).toHaveLength(2);
    const updated = toasts().find(t => t.id === started)!;
    expect(updated.type).toBe('success');
    expect(updated.message).toBe(
      'The run of the Saturn job train-model completed in 5 s.'
    );
    expect((updated.options.actions ?? []).map(a => a.label)).toEqual([
      'Show logs'
    ]);
    // The other run's toast is left as it was.
    expect(toasts().find(t => t.id === other)!.message).toBe(
      'Started other.ipynb as a Saturn job'
    );
  });
});
