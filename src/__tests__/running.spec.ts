/**
 * The panel's sections in JupyterLab's Running panel: what they list, what
 * Open and Shut Down do, and that they follow the model without reading
 * anything themselves.
 */
import { RunningSessionManagers } from '@jupyterlab/running';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { ResourceModel } from '../model';
import { addRunningSections } from '../running';
import { CommandIDs } from '../tokens';
import {
  hubServer,
  jobRun,
  resource,
  saturnJob,
  saturnWorkspace
} from './fixtures';

function setUp() {
  const model = new ResourceModel();
  model.applySnapshot(
    [
      hubServer('alice', 'dev', {
        status: 'running',
        url: '/user/alice/dev/',
        actions: ['stop', 'open']
      }),
      hubServer('alice', 'gpu', {
        status: 'pending',
        progress: 42,
        actions: ['stop']
      }),
      hubServer('alice', 'old'),
      hubServer('bob', '', {
        status: 'running',
        url: '/user/bob/',
        actions: ['open']
      }),
      saturnWorkspace('1'.repeat(32), 'analysis', {
        status: 'running',
        url: 'https://saturn.example/ide/alice/analysis/lab',
        actions: ['stop', 'open']
      }),
      saturnWorkspace('2'.repeat(32), 'idle'),
      saturnJob('3'.repeat(32), 'nightly', [
        jobRun(`id-alice-nightly-${'3'.repeat(32)}-abcde`, 'running')
      ]),
      saturnJob('4'.repeat(32), 'done', [
        jobRun(`id-alice-done-${'4'.repeat(32)}-fghij`, 'completed')
      ])
    ].map(resource)
  );
  const calls: [string, unknown][] = [];
  const commands = new CommandRegistry();
  for (const id of [
    CommandIDs.open,
    CommandIDs.stop,
    CommandIDs.openLogs,
    CommandIDs.stopRun
  ]) {
    commands.addCommand(id, {
      execute: args => {
        calls.push([id, args]);
      }
    });
  }
  const managers = new RunningSessionManagers();
  const sections = addRunningSections(
    managers,
    model,
    commands,
    nullTranslator.load('jupyterlab_saturn_panel')
  );
  const section = (name: string) => {
    const found = managers.items().find(m => m.name === name);
    if (!found) {
      throw new Error(`no section ${name}`);
    }
    return found;
  };
  return { model, calls, managers, sections, section };
}

describe('the Running panel sections', () => {
  it('list what runs, starts or stops, each in its section', () => {
    const { section } = setUp();
    const labels = (name: string) =>
      section(name)
        .running({ mode: 'list' })
        .map(item => `${item.label()} (${item.detail?.()})`);
    expect(labels('JupyterHub Servers')).toEqual([
      'alice/dev (running)',
      'alice/gpu (starting 42%)',
      'bob/ (running)'
    ]);
    expect(labels('Saturn Workspaces')).toEqual(['analysis (running)']);
    expect(labels('Saturn Job Runs')).toEqual(['nightly · abcde (running)']);
  });

  it('open and shut down through the panel commands', async () => {
    const { section, calls } = setUp();
    const [dev, gpu, bob] = section('JupyterHub Servers').running({
      mode: 'list'
    });
    dev.open?.();
    dev.shutdown?.();
    expect(gpu.open).toBeUndefined(); // nothing to open while it starts
    expect(bob.shutdown).toBeUndefined(); // the token may not stop it
    const [run] = section('Saturn Job Runs').running({ mode: 'list' });
    run.open?.();
    run.shutdown?.();
    await Promise.resolve();
    expect(calls).toEqual([
      [CommandIDs.open, { key: 'hub/alice/dev' }],
      [CommandIDs.stop, { key: 'hub/alice/dev' }],
      [
        CommandIDs.openLogs,
        {
          key: `saturn/job/${'3'.repeat(32)}`,
          run: `id-alice-nightly-${'3'.repeat(32)}-abcde`
        }
      ],
      [
        CommandIDs.stopRun,
        {
          key: `saturn/job/${'3'.repeat(32)}`,
          run: `id-alice-nightly-${'3'.repeat(32)}-abcde`
        }
      ]
    ]);
  });

  it('shut down all stops only what the token may stop', () => {
    const { section, calls } = setUp();
    section('JupyterHub Servers').shutdownAll();
    expect(calls).toEqual([
      [CommandIDs.stop, { key: 'hub/alice/dev' }],
      [CommandIDs.stop, { key: 'hub/alice/gpu' }]
    ]);
  });

  it('follow the model, and refresh reads nothing upstream', () => {
    const fetchSpy = jest.fn();
    const saved = globalThis.fetch;
    globalThis.fetch = fetchSpy as unknown as typeof fetch;
    try {
      const { model, section } = setUp();
      const servers = section('JupyterHub Servers');
      const changed = jest.fn();
      servers.runningChanged.connect(changed);
      model.applyResource(
        resource(hubServer('alice', 'dev', { status: 'stopping' }))
      );
      expect(changed).toHaveBeenCalled();
      expect(
        servers.running({ mode: 'list' }).map(item => item.detail?.())
      ).toEqual(['stopping', 'starting 42%', 'running']);
      servers.refreshRunning();
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      globalThis.fetch = saved;
    }
  });

  it('go away when disposed', () => {
    const { managers, sections, model, section } = setUp();
    const servers = section('JupyterHub Servers');
    const changed = jest.fn();
    servers.runningChanged.connect(changed);
    sections.dispose();
    expect(managers.items()).toEqual([]);
    model.applyResource(
      resource(hubServer('alice', 'dev', { status: 'stopped' }))
    );
    expect(changed).not.toHaveBeenCalled();
  });
});

describe('watchVisibility', () => {
  it('tells when the Running sidebar is shown or hidden, and stops when disposed', async () => {
    const { Widget } = await import('@lumino/widgets');
    const { watchVisibility } = await import('../running');
    const sidebar = new Widget();
    Widget.attach(sidebar, document.body);
    const seen: boolean[] = [];
    const watch = watchVisibility(sidebar, shown => seen.push(shown));
    const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
    sidebar.hide();
    await frame();
    sidebar.show();
    await frame();
    watch.dispose();
    sidebar.hide();
    await frame();
    expect(seen).toEqual([true, false, true]);
    Widget.detach(sidebar);
  });
});
