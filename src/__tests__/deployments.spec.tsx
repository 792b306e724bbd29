/**
 * Saturn deployments (issue 21): the resource kind and its normalizer, the
 * endpoints, the Deployments section of the panel, and its commands.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { normalizeResource, parseKey, saturnKey } from '../api';
import {
  deploymentAction,
  fetchDeploymentLogs,
  startResource,
  stopResource
} from '../api/endpoints';
import { ActionNotifier, addCommands } from '../commands';
import { DeploymentLogsWidget } from '../commands/deploymentLogs';
import { SaturnPanel } from '../components/panel';
import { ResourceModel } from '../model';
import { CommandIDs } from '../tokens';
import {
  config,
  resource,
  saturnDeployment,
  saturnJob,
  saturnWorkspace
} from './fixtures';
import { waitFor } from './dom';

const DEP = '00112233445566778899aabbccddeeff';
const DEP2 = 'ffeeddccbbaa99887766554433221100';
const WS = '0123456789abcdef0123456789abcdef';
const JOB = 'fedcba9876543210fedcba9876543210';
const APP_URL = 'http://127.0.0.1:9000/deploy/alice/model-api/';

function running(id: string, name: string) {
  return saturnDeployment(id, name, {
    status: 'running',
    url: APP_URL,
    actions: ['stop', 'open', 'restart', 'logs'],
    details: {
      command: 'uvicorn app:api',
      scale: 2,
      runningCount: 2,
      lastDeploy: '2026-12-01T10:00:00+00:00',
      size: 'Medium - 2 cores - 4 GB RAM'
    }
  });
}

function apiPath(request: Request): string {
  return request.url
    .replace(/^.*\/saturn-panel\//, '')
    .replace(/[?&][0-9]+$/, '');
}

function fakeFetch(status: number, body: unknown) {
  const requests: Request[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    requests.push(input as Request);
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return {
    requests,
    restore: () => {
      globalThis.fetch = original;
    }
  };
}

describe('the deployment resource kind', () => {
  it('normalizes a deployment with its actions, url and details', () => {
    const value = normalizeResource(running(DEP, 'model-api'));
    expect(value).not.toBeNull();
    expect(value!.kind).toBe('deployment');
    expect(value!.key).toBe(`saturn/deployment/${DEP}`);
    expect(value!.url).toBe(APP_URL);
    expect(value!.actions).toEqual(['stop', 'open', 'restart', 'logs']);
    expect(value!.details.command).toBe('uvicorn app:api');
  });

  it('drops the url of a deployment that is not running, and unknown actions', () => {
    const value = normalizeResource(
      saturnDeployment(DEP, 'model-api', {
        status: 'stopping',
        url: APP_URL,
        actions: ['stop', 'scale-up', 'logs']
      })
    );
    expect(value!.url).toBeNull();
    expect(value!.actions).toEqual(['stop', 'logs']);
  });

  it('still refuses kinds it does not know', () => {
    expect(
      normalizeResource({ ...saturnDeployment(DEP, 'x'), kind: 'cluster' })
    ).toBeNull();
  });

  it('builds and reads deployment keys', () => {
    expect(saturnKey('deployment', DEP)).toBe(`saturn/deployment/${DEP}`);
    expect(parseKey(`saturn/deployment/${DEP}`)).toEqual({
      backend: 'saturn',
      kind: 'deployment',
      id: DEP
    });
  });
});

describe('the deployment endpoints', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('starts, stops and restarts through saturn/deployments/{id}', async () => {
    const fake = fakeFetch(202, running(DEP, 'model-api'));
    restore = fake.restore;
    const stopped = resource(saturnDeployment(DEP, 'model-api'));
    expect((await startResource(stopped))!.status).toBe('running');
    await stopResource(stopped);
    await deploymentAction(DEP, 'restart');
    expect(fake.requests.map(r => [r.method, apiPath(r)])).toEqual([
      ['POST', `saturn/deployments/${DEP}/start`],
      ['POST', `saturn/deployments/${DEP}/stop`],
      ['POST', `saturn/deployments/${DEP}/restart`]
    ]);
  });

  it('reads the logs from a line on', async () => {
    const fake = fakeFetch(200, {
      run: 'd-alice-model-api-pod',
      status: 'running',
      complete: false,
      since: 2,
      total: 3,
      progress: null,
      lines: [{ timestamp: null, content: 'Application startup complete.' }]
    });
    restore = fake.restore;
    const logs = await fetchDeploymentLogs(DEP, 2);
    expect(apiPath(fake.requests[0])).toBe(
      `saturn/deployments/${DEP}/logs?since=2`
    );
    expect(logs.run).toBe('d-alice-model-api-pod');
    expect(logs.status).toBe('running');
    expect(logs.complete).toBe(false);
    expect(logs.lines.map(l => l.content)).toEqual([
      'Application startup complete.'
    ]);
  });
});

function setup() {
  const model = new ResourceModel();
  const commands = new CommandRegistry();
  const added: Widget[] = [];
  const app = {
    commands,
    contextMenuHitTest: () => undefined,
    serviceManager: { contents: {} },
    shell: {
      widgets: () => added[Symbol.iterator](),
      add: (widget: Widget) => {
        added.push(widget);
      },
      activateById: () => undefined
    }
  } as unknown as JupyterFrontEnd;
  const opened: string[] = [];
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
  const original = window.open;
  window.open = ((url: string) => {
    opened.push(url);
    return {} as Window;
  }) as typeof window.open;
  return {
    model,
    commands,
    panel,
    added,
    opened,
    dispose: () => {
      window.open = original;
      added.forEach(w => w.dispose());
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

describe('the Deployments section', () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup();
  });
  afterEach(() => {
    env.dispose();
    Notification.dismiss();
  });

  it('comes after the workspaces and lists deployments only', async () => {
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(saturnWorkspace(WS, 'analysis')),
      resource(running(DEP, 'model-api')),
      resource(saturnDeployment(DEP2, 'dashboard')),
      resource(saturnJob(JOB, 'train-model'))
    ]);
    const sections = Array.from(
      panel.node.querySelectorAll<HTMLElement>('[data-section]')
    ).map(s => s.dataset.section);
    expect(sections).toEqual(['hub', 'saturn', 'deployments', 'jobs']);
    const section = panel.node.querySelector('[data-section="deployments"]')!;
    await waitFor(() => section.querySelector('.jp-SaturnPanel-row'));
    const keys = Array.from(
      section.querySelectorAll<HTMLElement>('.jp-SaturnPanel-row')
    ).map(r => r.dataset.key);
    expect(keys.sort()).toEqual(
      [`saturn/deployment/${DEP}`, `saturn/deployment/${DEP2}`].sort()
    );
    const saturn = panel.node.querySelector('[data-section="saturn"]')!;
    expect(saturn.querySelector('[data-kind="deployment"]')).toBeNull();
    expect(
      section.querySelector('.jp-SaturnPanel-list')!.getAttribute('aria-label')
    ).toBe('Saturn Cloud deployments');
  });

  it('shows a row with its status and Stop, Restart, Logs and Open', async () => {
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(running(DEP, 'model-api')),
      resource(saturnDeployment(DEP2, 'dashboard'))
    ]);
    const api = await waitFor(() => row(panel, `saturn/deployment/${DEP}`));
    expect(api.dataset.status).toBe('running');
    expect(api.dataset.kind).toBe('deployment');
    expect(api.querySelector('.jp-mod-stop')).not.toBeNull();
    expect(api.querySelector('.jp-mod-restart')).not.toBeNull();
    expect(api.querySelector('.jp-mod-logs')).not.toBeNull();
    expect(api.querySelector('.jp-mod-start')).toBeNull();
    const link = api.querySelector<HTMLAnchorElement>('a.jp-SaturnPanel-link')!;
    expect(link.href).toBe(APP_URL);
    expect(link.target).toBe('_blank');
    const dashboard = row(panel, `saturn/deployment/${DEP2}`)!;
    expect(dashboard.dataset.status).toBe('stopped');
    expect(dashboard.querySelector('.jp-mod-start')).not.toBeNull();
    expect(dashboard.querySelector('.jp-mod-logs')).toBeNull();
    expect(dashboard.querySelector('a')).toBeNull();
  });

  it('says so when there are no deployments', async () => {
    const { model, panel } = env;
    model.applyBackends(config());
    model.applySnapshot([resource(saturnWorkspace(WS, 'analysis'))]);
    const section = panel.node.querySelector('[data-section="deployments"]')!;
    const empty = await waitFor(() =>
      section.querySelector('.jp-SaturnPanel-empty')
    );
    expect(empty.textContent).toContain('No deployments yet');
  });

  it('runs its actions through commands', async () => {
    const { model, commands, added, opened } = env;
    model.applyBackends(config());
    model.applySnapshot([
      resource(running(DEP, 'model-api')),
      resource(saturnDeployment(DEP2, 'dashboard'))
    ]);
    const key = `saturn/deployment/${DEP}`;
    expect(commands.isEnabled(CommandIDs.restart, { key })).toBe(true);
    expect(commands.isEnabled(CommandIDs.openDeploymentLogs, { key })).toBe(
      true
    );
    expect(commands.label(CommandIDs.restart, { key })).toBe(
      'Restart model-api'
    );
    const other = { key: `saturn/deployment/${DEP2}` };
    expect(commands.isEnabled(CommandIDs.restart, other)).toBe(false);
    expect(commands.isEnabled(CommandIDs.openDeploymentLogs, other)).toBe(
      false
    );
    expect(commands.isEnabled(CommandIDs.start, other)).toBe(true);

    await commands.execute(CommandIDs.open, { key });
    expect(opened).toEqual([APP_URL]);

    const fake = fakeFetch(200, {
      run: 'pod',
      status: 'running',
      complete: false,
      since: 0,
      total: 0,
      progress: null,
      lines: []
    });
    try {
      await commands.execute(CommandIDs.openDeploymentLogs, { key });
      expect(added).toHaveLength(1);
      const tab = added[0] as DeploymentLogsWidget;
      expect(tab).toBeInstanceOf(DeploymentLogsWidget);
      expect(tab.key).toBe(key);
      expect(tab.title.label).toBe('Logs: model-api');
      // Again: the same tab, not a second one.
      await commands.execute(CommandIDs.openDeploymentLogs, { key });
      expect(added).toHaveLength(1);
    } finally {
      fake.restore();
    }

    const restart = fakeFetch(202, {
      ...running(DEP, 'model-api'),
      status: 'stopping',
      url: null,
      actions: ['stop']
    });
    try {
      await commands.execute(CommandIDs.restart, { key });
      expect(apiPath(restart.requests[0])).toBe(
        `saturn/deployments/${DEP}/restart`
      );
      expect(model.get(key)!.status).toBe('stopping');
    } finally {
      restart.restore();
    }
  });
});
