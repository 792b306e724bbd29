import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification, WidgetTracker } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { ActionNotifier, addCommands } from '../commands';
import { SaturnPanel } from '../components/panel';
import { addJobCommands, RunLogsWidget } from '../jobs';
import { ResourceModel } from '../model';
import { CommandIDs, DEFAULT_JOB_SETTINGS, IJobSettings } from '../tokens';
import { config, jobRun, resource, saturnJob } from './fixtures';
import { typeInto, waitFor } from './dom';

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
    expect(completed.getAttribute('title')).toBe(`Run ${R1}`);

    const run = row.querySelector(
      '[aria-label="Run train-model now"]'
    ) as HTMLButtonElement;
    expect(run.disabled).toBe(false);
    // Only a run that is going can be stopped.
    expect(row.querySelector(`[aria-label="Stop run ${R3}"]`)).not.toBeNull();
    expect(row.querySelector(`[aria-label="Stop run ${R1}"]`)).toBeNull();
    for (const name of [R1, R2, R3]) {
      expect(
        row.querySelector(`[aria-label="Show logs of run ${name}"]`)
      ).not.toBeNull();
    }
    // The live duration of the running run counts up.
    const live = row.querySelector(
      `[data-run="${R3}"] .jp-SaturnPanel-runDuration`
    )!;
    const before = live.textContent;
    await waitFor(() => live.textContent !== before, 3000);
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
    const server = fakeServer((method, path) => {
      if (path === `saturn/jobs/${JOB}/start`) {
        return [202, saturnJob(JOB, 'train-model', [jobRun(R1, 'pending')])];
      }
      if (path === `saturn/jobs/${JOB}/logs?run=${R1}`) {
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
