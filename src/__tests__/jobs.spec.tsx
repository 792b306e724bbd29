import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification, WidgetTracker } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { ActionNotifier, addCommands } from '../commands';
import { SaturnPanel } from '../components/panel';
import { jobRuns, normalizeRun } from '../api';
import {
  addJobCommands,
  gpuConfirmationText,
  jobGpus,
  needsGpuConfirmation,
  runName,
  RunLogsWidget
} from '../jobs';
import { ResourceModel } from '../model';
import { CommandIDs, DEFAULT_JOB_SETTINGS, IJobSettings } from '../tokens';
import { config, jobRun, resource, saturnJob } from './fixtures';
import { typeInto, waitFor } from './dom';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const JOB = 'bb5fed2f9b12456699cade80c816dabf';
const KEY = `saturn/job/${JOB}`;
const R1 = `id-alice-train-model-${JOB}-vc-0-aaaaa`;
const R2 = `id-alice-train-model-${JOB}-vc-0-bbbbb`;
const R3 = `id-alice-train-model-${JOB}-vc-0-ccccc`;

/**
 * A request seen by the fake server.
 */
interface ISeen {
  method: string;
  path: string;
  body: unknown;
}

/**
 * Replace fetch with a fake server: `route(method, path, body)` answers
 * `[status, json]`. The path is below `saturn-panel/`, without the cache
 * buster `ServerConnection` appends.
 */
function fakeServer(
  route: (method: string, path: string, body: unknown) => [number, unknown]
) {
  const seen: ISeen[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = request.url
      .replace(/^.*\/saturn-panel\//, '')
      .replace(/[?&][0-9]+$/, '');
    const text = await request.text();
    const body = text ? JSON.parse(text) : null;
    seen.push({ method: request.method, path, body });
    const [status, answer] = route(request.method, path, body);
    return new Response(JSON.stringify(answer), { status });
  }) as typeof fetch;
  return {
    seen,
    restore: () => {
      globalThis.fetch = original;
    }
  };
}

function setup(settings: Partial<IJobSettings> = {}) {
  const model = new ResourceModel();
  const commands = new CommandRegistry();
  const opened: Widget[] = [];
  const app = {
    commands,
    contextMenuHitTest: () => undefined,
    serviceManager: { contents: {} },
    shell: {
      add: (widget: Widget) => {
        opened.push(widget);
        Widget.attach(widget, document.body);
      },
      activateById: jest.fn()
    }
  } as unknown as JupyterFrontEnd;
  const notifier = new ActionNotifier({
    model,
    translator: nullTranslator,
    onOpen: () => undefined,
    openInNewTab: () => true
  });
  const openPanel = jest.fn();
  const tracker = new WidgetTracker<RunLogsWidget>({
    namespace: `test-logs-${Math.random()}`
  });
  const current = { path: 'work/report.ipynb', dirty: false, saves: 0 };
  const notebook = {
    context: {
      get path() {
        return current.path;
      },
      model: {
        get dirty() {
          return current.dirty;
        }
      },
      save: async () => {
        current.saves += 1;
        current.dirty = false;
      }
    }
  };
  const notebookTracker = {
    currentWidget: notebook,
    currentChanged: { connect: () => true, disconnect: () => true },
    find: (fn: (w: typeof notebook) => boolean) =>
      fn(notebook) ? notebook : undefined
  } as unknown as INotebookTracker;
  const disposables = [
    addCommands({
      app,
      model,
      notifier,
      translator: nullTranslator,
      fileBrowser: null,
      refresh: async () => undefined,
      openPanel
    }),
    addJobCommands({
      app,
      model,
      translator: nullTranslator,
      tracker,
      notebookTracker,
      fileBrowser: null,
      settings: () => ({ ...DEFAULT_JOB_SETTINGS, ...settings }),
      openPanel,
      logsInterval: 50
    })
  ];
  const panel = new SaturnPanel({
    model,
    commands,
    translator: nullTranslator
  });
  Widget.attach(panel, document.body);
  return {
    model,
    commands,
    panel,
    tracker,
    opened,
    openPanel,
    current,
    dispose: () => {
      for (const widget of opened) {
        widget.dispose();
      }
      panel.dispose();
      for (const d of disposables) {
        d.dispose();
      }
      notifier.dispose();
      model.dispose();
    }
  };
}

function jobRow(panel: SaturnPanel): HTMLElement | null {
  return panel.node.querySelector(
    `li.jp-SaturnPanel-row[data-kind="job"][data-key="${KEY}"]`
  );
}

const toasts = () => Notification.manager.notifications;

describe('The Jobs section and the job commands', () => {
  let env: ReturnType<typeof setup>;
  let restore: () => void = () => undefined;
  afterEach(() => {
    env.dispose();
    restore();
    restore = () => undefined;
    Notification.dismiss();
    document.body.innerHTML = '';
  });

  it('lists jobs with their runs, newest first, with the stable hooks', async () => {
    env = setup();
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(
        saturnJob(JOB, 'train-model', [
          jobRun(R3, 'running', { started: new Date().toISOString() }),
          jobRun(R2, 'error'),
          jobRun(R1, 'completed')
        ])
      )
    ]);
    const jobs = panel.node.querySelector('[data-section="jobs"]')!;
    expect(jobs).not.toBeNull();
    const row = await waitFor(() => jobRow(panel));
    expect(row.closest('[data-section="jobs"]')).toBe(jobs);
    expect(row.dataset.status).toBe('running');

    const runs = Array.from(row.querySelectorAll('.jp-SaturnPanel-run')).map(
      n => [(n as HTMLElement).dataset.run, (n as HTMLElement).dataset.status]
    );
    expect(runs).toEqual([
      [R3, 'running'],
      [R2, 'error'],
      [R1, 'completed']
    ]);
    const completed = row.querySelector(`[data-run="${R1}"]`)!;
    expect(completed.textContent).toContain('completed');
    expect(completed.textContent).toContain('28 s');
    // A person reads the run's start time and status; the pod name only in
    // the tooltip.
    const r1 = normalizeRun(jobRun(R1, 'completed'))!;
    const r3 = model.get(KEY)!.details.runs as unknown[];
    const running = normalizeRun(r3[0])!;
    expect(completed.getAttribute('title')).toBe(`Pod: ${R1}`);
    expect(completed.getAttribute('aria-label')).toBe(runName(r1, trans));
    expect(runName(r1, trans)).toMatch(/^the run started .+, completed$/);

    const run = row.querySelector(
      '[aria-label="Run train-model now"]'
    ) as HTMLButtonElement;
    expect(run.disabled).toBe(false);
    // Only a run that is going can be stopped.
    const stops = Array.from(row.querySelectorAll('.jp-mod-stop')).map(n =>
      n.getAttribute('aria-label')
    );
    expect(stops).toEqual([`Stop ${runName(running, trans, false)}`]);
    const logs = Array.from(row.querySelectorAll('.jp-mod-logs')).map(n =>
      n.getAttribute('aria-label')
    );
    expect(logs).toHaveLength(3);
    expect(logs[2]).toBe(`Show logs of ${runName(r1, trans)}`);
    // No pod name anywhere a person reads.
    for (const label of [...stops, ...logs]) {
      expect(label).not.toContain(JOB);
    }
    expect(row.textContent).not.toContain(JOB);
    // train-model runs no notebook: no output to open.
    expect(row.querySelector('.jp-mod-output')).toBeNull();
    // The live duration of the running run counts up from what Saturn
    // confirmed (3 s), not from the browser's clock, towards the next value.
    const live = row.querySelector(
      `[data-run="${R3}"] .jp-SaturnPanel-runDuration`
    )!;
    expect(live.textContent).toBe('3 s');
    model.applySnapshot([
      resource(
        saturnJob(JOB, 'train-model', [
          jobRun(R3, 'running', {
            started: new Date().toISOString(),
            duration: 13
          }),
          jobRun(R2, 'error'),
          jobRun(R1, 'completed')
        ])
      )
    ]);
    await waitFor(() => live.textContent === '4 s', 3000);
  });

  it('runs a job now and stops a run, through the REST routes', async () => {
    env = setup();
    const { model, panel, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(saturnJob(JOB, 'train-model', [jobRun(R1, 'completed')]))
    ]);
    const server = fakeServer((method, path) => {
      if (path === `saturn/jobs/${JOB}/start`) {
        return [
          202,
          saturnJob(JOB, 'train-model', [
            jobRun(R2, 'pending'),
            jobRun(R1, 'completed')
          ])
        ];
      }
      if (path === `saturn/jobs/${JOB}/runs/${R2}/stop`) {
        return [
          202,
          saturnJob(JOB, 'train-model', [
            jobRun(R2, 'stopping'),
            jobRun(R1, 'completed')
          ])
        ];
      }
      return [404, { message: 'no' }];
    });
    restore = server.restore;

    const row = await waitFor(() => jobRow(panel));
    (
      row.querySelector('[aria-label="Run train-model now"]') as HTMLElement
    ).click();
    await waitFor(() => jobRow(panel)?.querySelector(`[data-run="${R2}"]`));
    expect(server.seen[0]).toEqual(
      expect.objectContaining({
        method: 'POST',
        path: `saturn/jobs/${JOB}/start`
      })
    );
    await waitFor(() =>
      toasts().find(t => t.message.includes('Started a run of'))
    );

    expect(commands.isEnabled(CommandIDs.stopRun, { key: KEY, run: R2 })).toBe(
      true
    );
    await commands.execute(CommandIDs.stopRun, { key: KEY, run: R2 });
    expect(server.seen[1]).toEqual(
      expect.objectContaining({
        method: 'POST',
        path: `saturn/jobs/${JOB}/runs/${R2}/stop`
      })
    );
    expect(model.get(KEY)?.status).toBe('stopping');
    // Stopping: no second stop.
    expect(commands.isEnabled(CommandIDs.stopRun, { key: KEY, run: R2 })).toBe(
      false
    );
    // The generic stop leaves jobs to the run commands.
    expect(commands.isEnabled(CommandIDs.stop, { key: KEY })).toBe(false);
  });

  it('runs a job by name from a launcher card: reveals the panel, opens the logs', async () => {
    env = setup();
    const { model, commands, opened, openPanel } = env;
    model.applyBackends(config());
    model.applySnapshot([resource(saturnJob(JOB, 'train-model', []))]);
    let logCalls = 0;
    const logPaths: string[] = [];
    const server = fakeServer((method, path) => {
      if (path === `saturn/jobs/${JOB}/start`) {
        return [202, saturnJob(JOB, 'train-model', [jobRun(R1, 'pending')])];
      }
      if (path.startsWith(`saturn/jobs/${JOB}/logs?run=${R1}`)) {
        logPaths.push(path);
        logCalls += 1;
        return logCalls < 3
          ? [
              200,
              {
                run: R1,
                status: 'running',
                complete: false,
                lines: [
                  { timestamp: null, content: `line ${logCalls}` }
                ].concat(
                  logCalls > 1 ? [{ timestamp: null, content: 'line 2' }] : []
                )
              }
            ]
          : [
              200,
              {
                run: R1,
                status: 'completed',
                complete: true,
                lines: [
                  { timestamp: null, content: 'line 1' },
                  { timestamp: null, content: 'line 2' },
                  { timestamp: null, content: 'done' }
                ]
              }
            ];
      }
      return [404, { message: 'no' }];
    });
    restore = server.restore;

    const args = { name: 'train-model', isLauncher: true };
    expect(commands.label(CommandIDs.runJob, args)).toBe('train-model');
    await commands.execute(CommandIDs.runJob, args);
    expect(openPanel).toHaveBeenCalled();
    const logs = opened[0] as RunLogsWidget;
    expect(logs.node.classList).toContain('jp-SaturnPanel-logs');
    const body = logs.node.querySelector(
      '.jp-SaturnPanel-logLines'
    ) as HTMLElement;
    await waitFor(() => body.dataset.complete === 'true');
    expect(body.dataset.status).toBe('completed');
    expect(
      Array.from(body.querySelectorAll('.jp-SaturnPanel-logText')).map(
        n => n.textContent
      )
    ).toEqual(['line 1', 'line 2', 'done']);
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(logCalls).toBe(3);
    // After the first read, only the lines after those shown are asked for.
    expect(logPaths).toEqual([
      `saturn/jobs/${JOB}/logs?run=${R1}`,
      `saturn/jobs/${JOB}/logs?run=${R1}&since=1`,
      `saturn/jobs/${JOB}/logs?run=${R1}&since=2`
    ]);

    // Opening the same run's logs again shows the same tab.
    await commands.execute(CommandIDs.openLogs, { key: KEY, run: R1 });
    expect(opened).toHaveLength(1);

    // An unknown job name says so.
    await commands.execute(CommandIDs.runJob, {
      name: 'nope',
      isLauncher: true
    });
    expect(toasts().some(t => t.message.includes('no Saturn job named'))).toBe(
      true
    );
  });

  it('runs the current notebook: saves it, asks for parameters, posts them', async () => {
    env = setup();
    const { model, commands, current } = env;
    current.dirty = true;
    model.applyBackends(config());
    model.applySnapshot([]);
    const answers: [number, unknown][] = [
      [
        400,
        {
          message: 'image must look like "owner/name:version".',
          hint: 'Fix the jobImage setting.'
        }
      ],
      [202, saturnJob(JOB, 'nb-report-abc123', [jobRun(R1, 'pending')])]
    ];
    const server = fakeServer(() => answers.shift()!);
    restore = server.restore;

    expect(commands.isEnabled(CommandIDs.runNotebook, { toolbar: true })).toBe(
      true
    );
    // The dialog gives the focus back on close: something must have it.
    const toolbarButton = document.createElement('button');
    document.body.appendChild(toolbarButton);
    toolbarButton.focus();
    const done = commands.execute(CommandIDs.runNotebook, { toolbar: true });
    const textarea = await waitFor(
      () =>
        document.querySelector(
          'textarea[name="parameters"]'
        ) as HTMLTextAreaElement | null
    );
    expect(current.saves).toBe(1);
    const accept = document.querySelector(
      '.jp-Dialog-footer .jp-mod-accept'
    ) as HTMLButtonElement;

    typeInto(textarea, 'epochs = 10\n2bad = x');
    await waitFor(() => document.body.textContent?.includes('Line 2:'));
    expect(accept.disabled).toBe(true);

    typeInto(textarea, 'epochs = 10\nregion = eu-west\ndry_run = true');
    await waitFor(() => !accept.disabled);
    accept.click();
    // The server refuses: its message and hint show, the dialog stays.
    await waitFor(() =>
      document.body.textContent?.includes('Fix the jobImage setting.')
    );
    expect(
      document.querySelector('textarea[name="parameters"]')
    ).not.toBeNull();
    accept.click();
    await done;

    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]).toEqual({
      method: 'POST',
      path: 'saturn/notebook-jobs',
      body: {
        path: 'work/report.ipynb',
        parameters: { epochs: 10, region: 'eu-west', dry_run: true },
        source: 'recipe'
      }
    });
    expect(model.get(KEY)?.name).toBe('nb-report-abc123');
    const toast = toasts().find(
      t => t.message === 'Started report.ipynb as a Saturn job'
    );
    expect(toast?.type).toBe('success');
    expect(toast?.options.actions?.map(a => a.label)).toEqual([
      'Show logs',
      'Show in panel'
    ]);
  });

  it('runs a notebook without asking when told so, and reports errors', async () => {
    env = setup({ askForParameters: false, jobInstanceType: 'xlarge' });
    const { model, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([]);
    const server = fakeServer(() => [
      404,
      { message: 'No notebook at gone.ipynb.' }
    ]);
    restore = server.restore;
    await commands.execute(CommandIDs.runNotebook, { path: 'gone.ipynb' });
    expect(server.seen[0].body).toEqual({
      path: 'gone.ipynb',
      parameters: {},
      source: 'recipe',
      instanceType: 'xlarge'
    });
    const error = toasts().find(t => t.type === 'error');
    expect(error?.message).toContain('No notebook at gone.ipynb.');
  });

  it('enables the notebook command only when Saturn is configured and reachable', () => {
    env = setup();
    const { model, commands } = env;
    expect(
      commands.isEnabled(CommandIDs.runNotebook, { path: 'a.ipynb' })
    ).toBe(false);
    model.applyBackends(
      config({ saturn: { configured: true, reachable: false } })
    );
    expect(
      commands.isEnabled(CommandIDs.runNotebook, { path: 'a.ipynb' })
    ).toBe(false);
    model.applyBackends(config());
    expect(
      commands.isEnabled(CommandIDs.runNotebook, { path: 'a.ipynb' })
    ).toBe(true);
    expect(commands.isEnabled(CommandIDs.runJob, { name: 'missing-job' })).toBe(
      false
    );
  });
});

/**
 * A notebook job as the server sends it: its notebook's name, its path.
 */
function notebookJob(
  runs: { [key: string]: unknown }[],
  details: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  const raw = saturnJob(JOB, 'nb-daily-report-107663', runs);
  return {
    ...raw,
    displayName: 'daily-report.ipynb',
    details: {
      ...(raw.details as object),
      notebook: 'reports/daily-report.ipynb',
      schedule: null,
      scheduled: false,
      nextRun: null,
      scheduleTimezone: 'UTC',
      ...details
    }
  };
}

describe('Notebook jobs: output, cell progress, schedules, names', () => {
  let env: ReturnType<typeof setup>;
  let restore: () => void = () => undefined;
  afterEach(() => {
    env.dispose();
    restore();
    restore = () => undefined;
    Notification.dismiss();
    document.body.innerHTML = '';
  });

  it("shows the notebook's name, the cell a run is on, and Open output on finished runs", async () => {
    env = setup();
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(
        notebookJob([
          jobRun(R3, 'running', {
            started: new Date().toISOString(),
            progress: { cell: 7, cells: 23 }
          }),
          jobRun(R2, 'error'),
          jobRun(R1, 'completed')
        ])
      ),
      resource(
        saturnJob('a'.repeat(32), 'train-model', [
          jobRun('train-run', 'running', { started: new Date().toISOString() })
        ])
      )
    ]);
    const row = await waitFor(() => jobRow(panel));
    const name = row.querySelector('.jp-SaturnPanel-name')!;
    expect(name.textContent).toBe('daily-report.ipynb');
    expect(name.getAttribute('title')).toContain('reports/daily-report.ipynb');
    // No nb-…-hash name and no pod name anywhere a person reads.
    expect(row.textContent).not.toContain('nb-daily-report');
    expect(row.textContent).not.toContain(JOB);

    // The running run: "cell 7 of 23" and a bar.
    const going = row.querySelector(`[data-run="${R3}"]`)!;
    const bar = going.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('30');
    expect(going.textContent).toContain('cell 7 of 23');
    expect(going.querySelector('.jp-SaturnPanel-runDuration')).not.toBeNull();
    // A job that runs no notebook: elapsed time, no bar.
    const other = panel.node.querySelector('[data-run="train-run"]')!;
    expect(other.querySelector('[role="progressbar"]')).toBeNull();
    expect(other.querySelector('.jp-SaturnPanel-runDuration')).not.toBeNull();

    // Open output on the finished runs only, named by start time and status.
    const outputs = Array.from(row.querySelectorAll('.jp-mod-output')).map(n =>
      n.getAttribute('aria-label')
    );
    const runs = jobRuns(model.get(KEY)!);
    expect(outputs).toEqual([
      `Open the output of ${runName(runs[1], trans)}`,
      `Open the output of ${runName(runs[2], trans)}`
    ]);
    expect(outputs[0]).toMatch(/, failed$/);
  });

  it('opens the output: POST output with the folder setting, then the notebook at the cell that raised', async () => {
    env = setup({ outputFolder: '/results/' });
    const { model, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(notebookJob([jobRun(R2, 'error'), jobRun(R1, 'running')]))
    ]);
    const docs: unknown[] = [];
    commands.addCommand('docmanager:open', {
      execute: args => {
        docs.push(args);
        return null;
      }
    });
    const answers: [number, unknown][] = [
      [
        409,
        {
          message: 'The log of this run holds no complete notebook: it was cut.'
        }
      ],
      [
        201,
        {
          path: 'results/daily-report.runs/2026-11-21T22-00-00.ipynb',
          errorCell: 4
        }
      ]
    ];
    const server = fakeServer(() => answers.shift()!);
    restore = server.restore;

    // A run still going has no output yet.
    expect(
      commands.isEnabled(CommandIDs.openOutput, { key: KEY, run: R1 })
    ).toBe(false);
    expect(
      commands.isEnabled(CommandIDs.openOutput, { key: KEY, run: R2 })
    ).toBe(true);
    await commands.execute(CommandIDs.openOutput, { key: KEY, run: R2 });
    expect(server.seen[0]).toEqual({
      method: 'POST',
      path: `saturn/jobs/${JOB}/runs/${R2}/output`,
      body: { folder: 'results' }
    });
    // The server's message, nothing opened.
    const error = toasts().find(t => t.type === 'error');
    expect(error?.message).toContain(
      'The log of this run holds no complete notebook: it was cut.'
    );
    expect(docs).toHaveLength(0);

    await commands.execute(CommandIDs.openOutput, { key: KEY, run: R2 });
    expect(docs).toEqual([
      {
        path: 'results/daily-report.runs/2026-11-21T22-00-00.ipynb',
        factory: 'Notebook'
      }
    ]);
    expect(
      toasts().some(t => t.message.includes('The run failed at cell 5'))
    ).toBe(true);
  });

  it('shows the schedule and next run; Pause and Resume call the routes', async () => {
    env = setup();
    const { model, panel } = env;
    model.applyBackends(config());
    const scheduled = {
      schedule: '* * * * *',
      scheduled: true,
      nextRun: new Date(Date.now() + 30000).toISOString()
    };
    model.applySnapshot([resource(notebookJob([], scheduled))]);
    const server = fakeServer((method, path) => {
      if (path === `saturn/jobs/${JOB}/unschedule`) {
        return [
          200,
          notebookJob([], { ...scheduled, scheduled: false, nextRun: null })
        ];
      }
      if (path === `saturn/jobs/${JOB}/schedule`) {
        return [200, notebookJob([], scheduled)];
      }
      return [404, { message: 'no' }];
    });
    restore = server.restore;
    const row = await waitFor(() => jobRow(panel));
    const line = row.querySelector('.jp-SaturnPanel-schedule') as HTMLElement;
    expect(line.dataset.scheduled).toBe('true');
    expect(line.textContent).toContain('Scheduled: every minute');
    expect(line.querySelector('.jp-SaturnPanel-nextRun')?.textContent).toMatch(
      /^next run /
    );
    const pause = line.querySelector('.jp-mod-pause') as HTMLButtonElement;
    expect(pause.getAttribute('aria-label')).toBe(
      'Pause the schedule of daily-report.ipynb'
    );
    pause.click();
    await waitFor(
      () =>
        (row.querySelector('.jp-SaturnPanel-schedule') as HTMLElement)?.dataset
          .scheduled === 'false'
    );
    expect(server.seen[0]).toMatchObject({
      method: 'POST',
      path: `saturn/jobs/${JOB}/unschedule`
    });
    expect(
      row.querySelector('.jp-SaturnPanel-schedule')!.textContent
    ).toContain('Schedule paused (every minute)');
    (row.querySelector('.jp-mod-resume') as HTMLButtonElement).click();
    await waitFor(
      () =>
        (row.querySelector('.jp-SaturnPanel-schedule') as HTMLElement)?.dataset
          .scheduled === 'true'
    );
    expect(server.seen[1]).toEqual({
      method: 'POST',
      path: `saturn/jobs/${JOB}/schedule`,
      body: {}
    });
  });

  it('schedules the current notebook: presets, a cron checked as you type, parameters', async () => {
    env = setup();
    const { model, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([]);
    const previews: string[] = [];
    const server = fakeServer((method, path, body) => {
      if (path === 'saturn/schedule-preview') {
        const cron = (body as { schedule: string }).schedule;
        previews.push(cron);
        if (cron.split(' ').length !== 5) {
          return [400, { message: `"${cron}" needs five fields.` }];
        }
        return [
          200,
          {
            schedule: cron,
            next: [
              '2026-11-21T22:01:00Z',
              '2026-11-21T22:02:00Z',
              '2026-11-21T22:03:00Z'
            ],
            timezone: 'UTC'
          }
        ];
      }
      if (path === 'saturn/notebook-jobs') {
        return [
          202,
          notebookJob([], { schedule: '* * * * *', scheduled: true })
        ];
      }
      return [404, { message: 'no' }];
    });
    restore = server.restore;
    const focus = document.createElement('button');
    document.body.appendChild(focus);
    focus.focus();

    const done = commands.execute(CommandIDs.scheduleNotebook, {});
    const cron = await waitFor(
      () =>
        document.querySelector('input[name="cron"]') as HTMLInputElement | null
    );
    const frequency = document.querySelector(
      'select[name="frequency"]'
    ) as HTMLSelectElement;
    // A daily preset to start with, checked at once.
    expect(frequency.value).toBe('daily');
    expect(cron.value).toBe('0 7 * * *');
    await waitFor(() =>
      document.body.textContent?.includes(
        'Runs every day at 07:00 UTC (time zone of the schedule: UTC).'
      )
    );
    expect(
      document.querySelectorAll('.jp-SaturnPanel-nextRuns li')
    ).toHaveLength(3);

    // Weekly on Monday at 09:30.
    choose(frequency, 'weekly');
    await waitFor(() => document.querySelector('select[name="day"]'));
    choose(document.querySelector('select[name="day"]')!, '1');
    typeInto(document.querySelector('input[name="time"]')!, '09:30');
    await waitFor(() => cron.value === '30 9 * * 1');
    await waitFor(() =>
      document.body.textContent?.includes('every Monday at 09:30 UTC')
    );

    // A free expression, typed quickly: checked once, after a pause.
    const before = previews.length;
    typeInto(cron, '*');
    typeInto(cron, '* *');
    const accept = document.querySelector(
      '.jp-Dialog-footer .jp-mod-accept'
    ) as HTMLButtonElement;
    await waitFor(() =>
      document.body.textContent?.includes('needs five fields')
    );
    expect(previews.slice(before)).toEqual(['* *']);
    expect(accept.disabled).toBe(true);
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    typeInto(cron, '* * * * *');
    await waitFor(() =>
      document.body.textContent?.includes('Runs every minute')
    );
    expect(frequency.value).toBe('custom');
    typeInto(
      document.querySelector('textarea[name="parameters"]')!,
      'days = 3'
    );
    await waitFor(() => !accept.disabled);
    accept.click();
    await done;

    const post = server.seen.find(s => s.path === 'saturn/notebook-jobs');
    expect(post?.body).toEqual({
      path: 'work/report.ipynb',
      parameters: { days: 3 },
      source: 'recipe',
      schedule: '* * * * *'
    });
    expect(model.get(KEY)?.displayName).toBe('daily-report.ipynb');
    expect(
      toasts().some(t => t.message === 'Scheduled report.ipynb: every minute.')
    ).toBe(true);
  });

  it('edits a schedule in the same dialog, prefilled', async () => {
    env = setup();
    const { model, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(notebookJob([], { schedule: '0 18 * * 1-5', scheduled: true }))
    ]);
    const server = fakeServer((method, path, body) => {
      if (path === 'saturn/schedule-preview') {
        return [
          200,
          {
            schedule: (body as any).schedule,
            next: ['2026-11-23T18:00:00Z'],
            timezone: 'UTC'
          }
        ];
      }
      return [
        200,
        notebookJob([], { schedule: '0 6 * * 1-5', scheduled: true })
      ];
    });
    restore = server.restore;
    const focus = document.createElement('button');
    document.body.appendChild(focus);
    focus.focus();
    const done = commands.execute(CommandIDs.editSchedule, { key: KEY });
    const frequency = await waitFor(
      () =>
        document.querySelector(
          'select[name="frequency"]'
        ) as HTMLSelectElement | null
    );
    expect(frequency.value).toBe('weekdays');
    const time = document.querySelector(
      'input[name="time"]'
    ) as HTMLInputElement;
    expect(time.value).toBe('18:00');
    // No parameters when editing a schedule.
    expect(document.querySelector('textarea[name="parameters"]')).toBeNull();
    typeInto(time, '06:00');
    const accept = document.querySelector(
      '.jp-Dialog-footer .jp-mod-accept'
    ) as HTMLButtonElement;
    await waitFor(
      () =>
        document.body.textContent?.includes('weekdays at 06:00 UTC') &&
        !accept.disabled
    );
    accept.click();
    await done;
    expect(server.seen[server.seen.length - 1]).toEqual({
      method: 'POST',
      path: `saturn/jobs/${JOB}/schedule`,
      body: { schedule: '0 6 * * 1-5' }
    });
    expect(model.get(KEY)?.details.schedule).toBe('0 6 * * 1-5');
  });

  it("gives a notebook job's launcher card the notebook's name", () => {
    env = setup();
    const { model, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([resource(notebookJob([]))]);
    expect(
      commands.label(CommandIDs.runJob, {
        name: 'nb-daily-report-107663',
        isLauncher: true
      })
    ).toBe('daily-report.ipynb');
  });
});

/**
 * Pick an option of a React-controlled select.
 */
function choose(select: Element, value: string): void {
  Object.getOwnPropertyDescriptor(
    HTMLSelectElement.prototype,
    'value'
  )!.set!.call(select, value);
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('A run on a GPU size asks first', () => {
  const GPU_DETAILS = {
    details: {
      command: 'python train.py --epochs 5',
      size: 'T4-XLarge - 4 cores - 16 GB RAM - 1 GPU',
      gpus: 1,
      gpuType: 'T4',
      runs: []
    }
  };
  const gpuJob = () => resource(saturnJob(JOB, 'train-model', [], GPU_DETAILS));
  let env: ReturnType<typeof setup> | undefined;
  let restore: () => void = () => undefined;
  afterEach(() => {
    env?.dispose();
    env = undefined;
    restore();
    restore = () => undefined;
    Notification.dismiss();
    document.body.innerHTML = '';
  });

  it('decides from the size GPUs Saturn reports and the setting', () => {
    const cpu = resource(saturnJob(JOB, 'report', []));
    const unknown = resource(
      saturnJob(JOB, 'x', [], { details: { gpus: null, runs: [] } })
    );
    expect(jobGpus(gpuJob())).toEqual({ gpus: 1, gpuType: 'T4' });
    expect(needsGpuConfirmation(gpuJob(), { confirmGpuRuns: true })).toBe(true);
    expect(needsGpuConfirmation(gpuJob(), { confirmGpuRuns: false })).toBe(
      false
    );
    expect(needsGpuConfirmation(cpu, { confirmGpuRuns: true })).toBe(false);
    expect(needsGpuConfirmation(unknown, { confirmGpuRuns: true })).toBe(false);
    expect(gpuConfirmationText(gpuJob(), trans)).toBe(
      'This starts a run of the command "python train.py --epochs 5" on T4-XLarge - 4 cores - 16 GB RAM - 1 GPU, with 1 T4 GPU. GPU sizes cost more than others; the run goes on until it ends or you stop it.'
    );
  });

  it('from a launcher card: Cancel is focused and starts nothing; Run on GPU starts it', async () => {
    const { model, commands } = (env = setup());
    model.applyBackends(config());
    model.applySnapshot([gpuJob()]);
    const server = fakeServer(() => [
      202,
      saturnJob(JOB, 'train-model', [jobRun(R1, 'pending')], GPU_DETAILS)
    ]);
    restore = server.restore;

    const first = commands.execute(CommandIDs.runJob, {
      name: 'train-model',
      isLauncher: true
    });
    const dialog = await waitFor(() => document.querySelector('.jp-Dialog'));
    await waitFor(() =>
      dialog.textContent?.includes('Run train-model on a GPU?') ? true : null
    );
    expect(dialog.textContent).toContain('with 1 T4 GPU');
    await waitFor(
      () =>
        (document.activeElement as HTMLElement | null)?.classList.contains(
          'jp-mod-reject'
        ) || null
    );
    (document.activeElement as HTMLElement).click();
    await first;
    expect(server.seen).toHaveLength(0);

    const second = commands.execute(CommandIDs.runJob, {
      name: 'train-model',
      isLauncher: true
    });
    (
      await waitFor(() =>
        document.querySelector('.jp-Dialog-footer .jp-mod-accept')
      )
    ).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await second;
    expect(server.seen.map(s => s.path)).toEqual([`saturn/jobs/${JOB}/start`]);
  });

  it('with confirmGpuRuns off, runs at once', async () => {
    const { model, commands } = (env = setup({ confirmGpuRuns: false }));
    model.applyBackends(config());
    model.applySnapshot([gpuJob()]);
    const server = fakeServer(() => [
      202,
      saturnJob(JOB, 'train-model', [jobRun(R1, 'pending')], GPU_DETAILS)
    ]);
    restore = server.restore;
    await commands.execute(CommandIDs.runJob, { key: KEY });
    expect(document.querySelector('.jp-Dialog')).toBeNull();
    expect(server.seen.map(s => s.path)).toEqual([`saturn/jobs/${JOB}/start`]);
  });
});
