import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { ActionNotifier, addCommands } from '../commands';
import { SaturnPanel } from '../components/panel';
import { ResourceModel } from '../model';
import { CommandIDs } from '../tokens';
import {
  config,
  hubServer,
  resource,
  saturnJob,
  saturnWorkspace
} from './fixtures';
import { waitFor } from './dom';

const WS = '0123456789abcdef0123456789abcdef';
const URL = 'http://127.0.0.1:8000/user/alice/dev/';

function setup() {
  const model = new ResourceModel();
  const commands = new CommandRegistry();
  const app = {
    commands,
    contextMenuHitTest: () => undefined,
    serviceManager: { contents: {} }
  } as unknown as JupyterFrontEnd;
  const notifier = new ActionNotifier({
    model,
    translator: nullTranslator,
    onOpen: () => undefined,
    openInNewTab: () => true
  });
  const commandsDisposable = addCommands({
    app,
    model,
    notifier,
    translator: nullTranslator,
    fileBrowser: null,
    refresh: async () => undefined,
    openPanel: () => undefined
  });
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
    dispose: () => {
      panel.dispose();
      commandsDisposable.dispose();
      notifier.dispose();
      model.dispose();
    }
  };
}

function row(panel: SaturnPanel, key: string): HTMLElement | null {
  return panel.node.querySelector(
    `.jp-SaturnPanel-row[data-key="${key}"]`
  ) as HTMLElement | null;
}

describe('SaturnPanel', () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup();
  });
  afterEach(() => {
    env.dispose();
    Notification.dismiss();
  });

  it('exposes the stable hooks browser tests use', async () => {
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(hubServer('alice', '')),
      resource(
        hubServer('alice', 'dev', {
          status: 'running',
          url: URL,
          actions: ['stop', 'open']
        })
      ),
      resource(hubServer('alice', 'old')),
      resource(
        hubServer('bob', 'gpu', {
          status: 'pending',
          progress: 40,
          message: 'Fake step 2/4',
          actions: ['stop']
        })
      ),
      resource(
        saturnWorkspace(WS, 'ws', {
          status: 'pending',
          progress: 40,
          progressEstimated: true,
          message: 'Starting the server',
          actions: ['stop']
        })
      )
    ]);

    expect(panel.id).toBe('saturn-panel');
    expect(document.getElementById('saturn-panel')).toBe(panel.node);
    const hub = panel.node.querySelector('[data-section="hub"]');
    const saturn = panel.node.querySelector('[data-section="saturn"]');
    expect(hub).not.toBeNull();
    expect(saturn).not.toBeNull();

    const dev = await waitFor(() => row(panel, 'hub/alice/dev'));
    expect(dev.dataset.status).toBe('running');
    expect(dev.closest('[data-section="hub"]')).toBe(hub);
    expect(
      dev.querySelector('[aria-label="Stop alice\'s server dev"]')
    ).not.toBeNull();
    const link = dev.querySelector(
      'a[aria-label="Open alice\'s server dev in a new tab"]'
    ) as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe(URL);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');

    const old = await waitFor(() => row(panel, 'hub/alice/old'));
    expect(old.dataset.status).toBe('stopped');
    const startOld = old.querySelector(
      '[aria-label="Start alice\'s server old"]'
    ) as HTMLButtonElement;
    expect(startOld.disabled).toBe(false);
    expect(
      old.querySelector('[aria-label="Delete alice\'s server old"]')
    ).not.toBeNull();
    expect(old.querySelector('a')).toBeNull();

    const gpu = row(panel, 'hub/bob/gpu')!;
    const bar = gpu.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(gpu.textContent).toContain('Fake step 2/4');

    const ws = await waitFor(() => row(panel, `saturn/workspace/${WS}`));
    expect(ws.closest('[data-section="saturn"]')).toBe(saturn);
    expect(ws.textContent).toContain('~40% (estimate)');
    expect(ws.textContent).toContain('Starting the server');
    expect(ws.textContent).toContain('Large - 2 cores - 16 GB RAM');

    // Rows of other users are grouped under their owner.
    const owners = Array.from(
      hub!.querySelectorAll('.jp-SaturnPanel-group')
    ).map(g => (g as HTMLElement).dataset.owner);
    expect(owners).toEqual(['alice', 'bob']);

    // Toolbar buttons and the filter box live in the panel.
    await waitFor(() =>
      panel.node.querySelector('[aria-label="New named server"]')
    );
    await waitFor(() =>
      panel.node.querySelector('[aria-label="New workspace from recipe"]')
    );
    expect(
      panel.node.querySelector('input[aria-label="Filter servers"]')
    ).not.toBeNull();
  });

  it('updates rows live and filters them', async () => {
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(hubServer('alice', 'dev')),
      resource(hubServer('alice', 'other'))
    ]);
    await waitFor(() => row(panel, 'hub/alice/dev'));

    model.applyResource(
      resource(
        hubServer('alice', 'dev', {
          status: 'pending',
          progress: 75,
          actions: ['stop']
        })
      )
    );
    const bar = await waitFor(() =>
      row(panel, 'hub/alice/dev')?.querySelector('[role="progressbar"]')
    );
    expect(bar.getAttribute('aria-valuenow')).toBe('75');
    expect(row(panel, 'hub/alice/dev')!.dataset.status).toBe('pending');

    model.filter = 'oth';
    await waitFor(() => !row(panel, 'hub/alice/dev'));
    expect(row(panel, 'hub/alice/other')).not.toBeNull();
    model.filter = 'nothing-like-this';
    await waitFor(() => panel.node.textContent?.includes('Nothing matches'));
  });

  it('explains an unconfigured or refusing backend instead of listing', async () => {
    const { model, panel } = env;
    model.applyBackends(
      config({
        hub: {
          missingScopes: ['servers!user'],
          abilities: {
            listAllUsers: false,
            start: false,
            stop: true,
            delete: true
          },
          hint: 'Add "servers!user" to c.Spawner.server_token_scopes'
        },
        saturn: {
          configured: false,
          reachable: false,
          message: null,
          hint: null
        }
      })
    );
    model.applySnapshot([resource(hubServer('alice', 'dev'))]);
    const hub = panel.node.querySelector('[data-section="hub"]')!;
    const saturn = panel.node.querySelector('[data-section="saturn"]')!;
    await waitFor(() => saturn.textContent?.includes('not configured'));
    expect(saturn.textContent).toContain('c.SaturnPanel.saturn_url');
    // Said once: the deployments and jobs sections have a line, not a
    // second notice.
    for (const section of ['deployments', 'jobs']) {
      const other = panel.node.querySelector(`[data-section="${section}"]`)!;
      await waitFor(() => other.textContent !== '');
      expect(other.querySelector('.jp-SaturnPanel-notice')).toBeNull();
      expect(other.textContent).toBe('Saturn Cloud is not configured.');
    }
    expect(hub.textContent).toContain('servers!user');
    expect(hub.textContent).toContain('c.Spawner.server_token_scopes');
    expect(hub.textContent).toContain('cannot start servers');
    // The start button is there but disabled: the token may not start, and
    // its tooltip says so.
    const start = row(panel, 'hub/alice/dev')!.querySelector(
      '.jp-mod-start'
    ) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    expect(start.title).toBe(
      "Start alice's server dev (The JupyterHub token may not start servers: it lacks the scope servers!user.)"
    );
  });

  it('shows the connection state', async () => {
    const { model, panel } = env;
    model.applyBackends(config());
    model.setConnection({
      state: 'reconnecting',
      reason: 'network',
      detail: null,
      retryAt: Date.now() + 8000
    });
    const banner = await waitFor(() =>
      panel.node.querySelector('.jp-SaturnPanel-connection')
    );
    expect(banner.textContent).toContain('Disconnected from live updates.');
    expect(banner.textContent).toMatch(/Reconnecting in [78] s/);
    model.setConnection({
      state: 'connected',
      reason: null,
      detail: null,
      retryAt: null
    });
    await waitFor(
      () => !panel.node.querySelector('.jp-SaturnPanel-connection')
    );
  });

  it('hides and shows sections in their order', () => {
    const { panel } = env;
    panel.setSectionVisible('hub', false);
    expect(panel.node.querySelector('[data-section="hub"]')).toBeNull();
    panel.setSectionVisible('jobs', false);
    expect(panel.node.querySelector('[data-section="jobs"]')).toBeNull();
    panel.setSectionVisible('saturn', false);
    panel.setSectionVisible('jobs', true);
    panel.setSectionVisible('saturn', true);
    panel.setSectionVisible('hub', true);
    const sections = Array.from(
      panel.node.querySelectorAll('[data-section]')
    ).map(s => (s as HTMLElement).dataset.section);
    expect(sections).toEqual(['hub', 'saturn', 'deployments', 'jobs']);
  });

  it('enables commands from the resource actions', () => {
    const { model, commands } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(
        hubServer('alice', 'dev', {
          status: 'running',
          url: URL,
          actions: ['stop', 'open']
        })
      ),
      resource(hubServer('alice', ''))
    ]);
    expect(commands.isEnabled(CommandIDs.stop, { key: 'hub/alice/dev' })).toBe(
      true
    );
    expect(commands.isEnabled(CommandIDs.start, { key: 'hub/alice/dev' })).toBe(
      false
    );
    expect(commands.isEnabled(CommandIDs.open, { key: 'hub/alice/dev' })).toBe(
      true
    );
    expect(commands.isEnabled(CommandIDs.remove, { key: 'hub/alice/' })).toBe(
      false
    );
    expect(commands.label(CommandIDs.open, { key: 'hub/alice/dev' })).toBe(
      "Open alice's server dev in a new tab"
    );
    expect(commands.label(CommandIDs.start, { key: 'hub/alice/' })).toBe(
      "Start alice's default server"
    );
    // Without a key: enabled when some resource allows it.
    expect(commands.isEnabled(CommandIDs.start)).toBe(true);
    expect(commands.isEnabled(CommandIDs.remove)).toBe(false);
  });

  it("keeps a stale backend's rows, marked as last known, under one compact notice for the backend", async () => {
    const { model, panel, commands } = env;
    const lastGoodRead = new Date(Date.now() - 120_000).toISOString();
    model.applyBackends(
      config({
        saturn: {
          reachable: false,
          stale: true,
          lastGoodRead,
          message: 'Saturn Cloud is not answering (503).',
          hint: 'Check c.SaturnPanel.saturn_url.',
          detail: 'GET https://saturn.internal/api/user: 503',
          abilities: { createForOthers: false, start: false, stop: false }
        }
      })
    );
    model.applySnapshot([
      resource(
        hubServer('alice', 'dev', {
          status: 'running',
          url: URL,
          actions: ['stop', 'open']
        })
      ),
      resource(
        saturnWorkspace(WS, 'analysis', {
          status: 'running',
          url: 'http://saturn.example/analysis/',
          actions: ['stop', 'open']
        })
      ),
      resource(saturnJob('fedcba9876543210fedcba9876543210', 'train-model'))
    ]);
    const saturn = panel.node.querySelector('[data-section="saturn"]')!;
    const jobs = panel.node.querySelector('[data-section="jobs"]')!;
    const n = await waitFor(() =>
      saturn.querySelector('.jp-SaturnPanel-notice[data-condition="stale"]')
    );
    await waitFor(() =>
      row(panel, 'saturn/job/fedcba9876543210fedcba9876543210')
    );
    // One notice for Saturn Cloud: not repeated over the jobs.
    expect(
      panel.node.querySelectorAll(
        '.jp-SaturnPanel-notice[data-backend="saturn"]'
      )
    ).toHaveLength(1);
    expect(jobs.querySelector('.jp-SaturnPanel-notice')).toBeNull();
    // A sentence and Retry on its line; the rest behind "Details".
    const line = n.querySelector('.jp-SaturnPanel-noticeLine')!;
    expect(line.querySelector('.jp-SaturnPanel-noticeTitle')!.textContent).toBe(
      'Saturn Cloud is not answering: below is its last known state.'
    );
    const retry = line.querySelector(
      'button[aria-label="Retry reading Saturn Cloud"]'
    ) as HTMLButtonElement;
    expect(retry.disabled).toBe(false);
    expect(retry.classList.contains('jp-mod-accept')).toBe(true);
    const details = n.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Details');
    expect(
      details.querySelector('.jp-SaturnPanel-noticeMessage')!.textContent
    ).toBe('Saturn Cloud is not answering (503).');
    expect(
      details.querySelector('.jp-SaturnPanel-noticeStale')!.textContent
    ).toBe(
      'Shown below: the last known state, as of 2 minutes ago. Actions that need Saturn Cloud are paused.'
    );
    expect(
      details.querySelector('.jp-SaturnPanel-noticeHint')!.textContent
    ).toBe('Check c.SaturnPanel.saturn_url.');
    // The address is in the details, not the sentence.
    expect(details.textContent).toContain('https://saturn.internal/api/user');
    expect(n.getAttribute('role')).toBe('alert');

    // The Saturn Cloud section collapsed: the notice moves to the next
    // Saturn section, the deployments.
    const deployments = panel.node.querySelector(
      '[data-section="deployments"]'
    )!;
    expect(deployments.querySelector('.jp-SaturnPanel-notice')).toBeNull();
    const accordion = panel.content as AccordionPanel;
    accordion.collapse(1);
    await waitFor(() => deployments.querySelector('.jp-SaturnPanel-notice'));
    accordion.expand(1);
    await waitFor(() => !deployments.querySelector('.jp-SaturnPanel-notice'));
    expect(
      saturn.querySelectorAll('.jp-SaturnPanel-notice[data-backend="saturn"]')
    ).toHaveLength(1);
    // The Saturn Cloud sections hidden by a setting: the jobs hold it.
    panel.setSectionVisible('saturn', false);
    panel.setSectionVisible('deployments', false);
    await waitFor(() => jobs.querySelector('.jp-SaturnPanel-notice'));
    panel.setSectionVisible('saturn', true);
    panel.setSectionVisible('deployments', true);
    await waitFor(() => !jobs.querySelector('.jp-SaturnPanel-notice'));

    const ws = row(panel, `saturn/workspace/${WS}`)!;
    expect(ws.dataset.stale).toBe('true');
    expect(ws.classList.contains('jp-mod-stale')).toBe(true);
    expect(ws.querySelector('.jp-SaturnPanel-lastKnown')!.textContent).toBe(
      'last known, as of 2 minutes ago'
    );
    // No live link, and its Stop says why it is paused.
    expect(ws.querySelector('a')).toBeNull();
    const stop = ws.querySelector('.jp-mod-stop') as HTMLButtonElement;
    expect(stop.disabled).toBe(true);
    expect(stop.title).toMatch(
      /^Stop analysis \(Saturn Cloud is not answering \(503\)\. What the panel shows is the last known state, as of 2 minutes ago\.\)$/
    );
    const job = row(panel, 'saturn/job/fedcba9876543210fedcba9876543210')!;
    expect(job.dataset.stale).toBe('true');
    // The hub is not affected.
    const dev = row(panel, 'hub/alice/dev')!;
    expect(dev.dataset.stale).toBeUndefined();
    expect(dev.querySelector('a.jp-SaturnPanel-openLink')).not.toBeNull();
    // The palette and toolbar entries say why they are disabled.
    expect(commands.isEnabled(CommandIDs.createFromRecipe)).toBe(false);
    // In the palette (which hides disabled entries) it stays, saying why.
    expect(
      commands.isEnabled(CommandIDs.createFromRecipe, { isPalette: true })
    ).toBe(true);
    expect(commands.caption(CommandIDs.createFromRecipe)).toMatch(
      /last known state, as of 2 minutes ago/
    );
    // Nothing can be started (dev runs, Saturn is paused): the palette's
    // generic entry says why.
    expect(commands.isEnabled(CommandIDs.start)).toBe(false);
    expect(commands.caption(CommandIDs.start)).toBe(
      'Nothing can be started right now. Saturn Cloud is not answering (503). What the panel shows is the last known state, as of 2 minutes ago.'
    );
  });

  it('shows Retry busy while the refresh runs', async () => {
    const { model, panel } = env;
    model.applyBackends(config({ hub: { reachable: false, message: null } }));
    model.applySnapshot([]);
    const hub = panel.node.querySelector('[data-section="hub"]')!;
    const notice = await waitFor(() =>
      hub.querySelector('.jp-SaturnPanel-notice[data-condition="unreachable"]')
    );
    expect(
      notice.querySelector('.jp-SaturnPanel-noticeTitle')!.textContent
    ).toBe('JupyterHub is not answering.');
    expect(
      notice.querySelector('.jp-SaturnPanel-noticeMessage')!.textContent
    ).toBe('JupyterHub is not answering right now.');
    model.setRefreshing('hub', true);
    const busy = await waitFor(() =>
      hub.querySelector('button[aria-busy="true"]')
    );
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    expect(busy.textContent).toBe('Retrying…');
    model.setRefreshing('hub', false);
    await waitFor(() => hub.querySelector('button[aria-busy="false"]'));
  });
});
