import { nullTranslator } from '@jupyterlab/translation';

import {
  abilityReason,
  backendBlockedReason,
  backendCondition,
  backendDetail,
  backendHeadline,
  hubServerLabel,
  isLastKnown,
  lastGoodReadText,
  normalizeConfig,
  refreshBackends,
  resourceLabel
} from '../api';
import {
  actionBlockedReason,
  retryBackend,
  runBlockedReason,
  saturnBlockedReason,
  saturnUsable
} from '../commands/kit';
import { ResourceModel } from '../model';
import {
  config,
  hubServer,
  resource,
  saturnJob,
  saturnWorkspace
} from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const WS = '0123456789abcdef0123456789abcdef';
const JOB = 'fedcba9876543210fedcba9876543210';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const TWO_MIN_AGO = '2026-12-01T11:58:00Z';

/** Saturn down since two minutes: its last read failed, the last good one is known. */
const SATURN_DOWN = {
  reachable: false,
  stale: true,
  lastGoodRead: TWO_MIN_AGO,
  message: 'Saturn Cloud is not answering (503).',
  hint: 'Check c.SaturnPanel.saturn_url.',
  detail: 'GET https://saturn.internal:8443/api/user: 503 Service Unavailable',
  abilities: { createForOthers: false, start: false, stop: false }
};

const RUNNING = {
  status: 'running',
  url: 'http://127.0.0.1:8000/x/',
  actions: ['stop', 'open']
};

function modelWith(overrides: Parameters<typeof config>[0]): ResourceModel {
  const model = new ResourceModel();
  model.applyBackends(config(overrides));
  model.applySnapshot([
    resource(hubServer('alice', 'dev', RUNNING)),
    resource(hubServer('bob', '')),
    resource(saturnWorkspace(WS, 'analysis', RUNNING)),
    resource(saturnJob(JOB, 'train-model'))
  ]);
  return model;
}

describe('normalizeConfig: staleness and details', () => {
  it('reads stale, lastGoodRead and detail, with safe defaults', () => {
    const c = normalizeConfig({ saturn: { configured: true, ...SATURN_DOWN } });
    expect(c.saturn.stale).toBe(true);
    expect(c.saturn.lastGoodRead).toBe(TWO_MIN_AGO);
    expect(c.saturn.detail).toContain('saturn.internal');
    expect(c.hub.stale).toBe(false);
    expect(c.hub.lastGoodRead).toBeNull();
    expect(c.hub.detail).toBeNull();
    // A time without staleness means nothing.
    expect(
      normalizeConfig({ hub: { stale: false, lastGoodRead: TWO_MIN_AGO } }).hub
        .lastGoodRead
    ).toBeNull();
  });
});

describe('backendCondition and isLastKnown', () => {
  it('tells unknown, unconfigured, stale, unreachable and live apart', () => {
    expect(backendCondition(null, 'hub')).toBe('unknown');
    expect(
      backendCondition(config({ hub: { configured: false } }), 'hub')
    ).toBe('unconfigured');
    expect(backendCondition(config({ saturn: SATURN_DOWN }), 'saturn')).toBe(
      'stale'
    );
    // A refused token: the hub answers, but the last read failed.
    expect(
      backendCondition(
        config({ hub: { stale: true, lastGoodRead: TWO_MIN_AGO } }),
        'hub'
      )
    ).toBe('stale');
    expect(
      backendCondition(config({ saturn: { reachable: false } }), 'saturn')
    ).toBe('unreachable');
    expect(backendCondition(config(), 'saturn')).toBe('live');
    expect(isLastKnown(config({ saturn: SATURN_DOWN }), 'saturn')).toBe(true);
    expect(isLastKnown(config({ saturn: SATURN_DOWN }), 'hub')).toBe(false);
    expect(isLastKnown(config({ hub: { configured: false } }), 'hub')).toBe(
      false
    );
  });
});

describe('notice texts', () => {
  it('heads with the one-sentence message, never an internal address', () => {
    const down = config({ saturn: SATURN_DOWN }).saturn;
    expect(backendHeadline(down, 'saturn', trans)).toBe(
      'Saturn Cloud is not answering (503).'
    );
    expect(backendDetail(down)).toBe(SATURN_DOWN.detail);
    // The upstream's words end as a sentence, so a reason can follow them.
    expect(
      backendHeadline(
        config({
          saturn: { ...SATURN_DOWN, message: 'Saturn Cloud refused (outage)' }
        }).saturn,
        'saturn',
        trans
      )
    ).toBe('Saturn Cloud refused (outage).');
    const leaky = config({
      saturn: {
        ...SATURN_DOWN,
        message: 'Could not reach http://10.0.0.7:8000'
      }
    }).saturn;
    expect(backendHeadline(leaky, 'saturn', trans)).toBe(
      'Saturn Cloud is not answering right now.'
    );
    // The address is not lost: it goes to the details.
    expect(backendDetail(leaky)).toContain('http://10.0.0.7:8000');
    expect(
      backendHeadline(config({ hub: { configured: false } }).hub, 'hub', trans)
    ).toBe('JupyterHub is not configured.');
  });

  it('says "as of" a relative time that moves with the clock', () => {
    const down = config({ saturn: SATURN_DOWN }).saturn;
    expect(lastGoodReadText(down, NOW, trans)).toBe('as of 2 minutes ago');
    expect(lastGoodReadText(down, NOW + 60_000, trans)).toBe(
      'as of 3 minutes ago'
    );
    expect(
      lastGoodReadText(down, Date.parse(TWO_MIN_AGO) + 10_000, trans)
    ).toBe('as of just now');
    expect(lastGoodReadText(config().saturn, NOW, trans)).toBeNull();
  });
});

describe('reasons of blocked actions', () => {
  it('names the backend state: not configured, last known, not answering', () => {
    expect(
      backendBlockedReason(
        config({ saturn: SATURN_DOWN }),
        'saturn',
        trans,
        NOW
      )
    ).toBe(
      'Saturn Cloud is not answering (503). What the panel shows is the last known state, as of 2 minutes ago.'
    );
    expect(
      backendBlockedReason(
        config({ saturn: { configured: false } }),
        'saturn',
        trans
      )
    ).toBe(
      'Saturn Cloud is not configured: see the Saturn Cloud section of the Saturn Panel.'
    );
    expect(
      backendBlockedReason(
        config({ hub: { reachable: false, message: null } }),
        'hub',
        trans
      )
    ).toBe('JupyterHub is not answering right now.');
    expect(backendBlockedReason(config(), 'hub', trans)).toBeNull();
    expect(backendBlockedReason(null, 'hub', trans)).toBeNull();
  });

  it('names the scope a token lacks', () => {
    const c = config({
      hub: {
        abilities: {
          listAllUsers: false,
          start: false,
          stop: true,
          delete: false
        },
        missingScopes: ['servers!user', 'delete:servers!user']
      }
    });
    expect(abilityReason(c, 'hub', 'start', trans)).toBe(
      'The JupyterHub token may not start servers: it lacks the scope servers!user.'
    );
    expect(abilityReason(c, 'hub', 'delete', trans)).toBe(
      'The JupyterHub token may not delete servers: it lacks the scope delete:servers!user.'
    );
    expect(abilityReason(c, 'hub', 'stop', trans)).toBeNull();
    expect(abilityReason(c, 'hub', 'open', trans)).toBeNull();
  });

  it('blocks every action on a last known resource, saying why', () => {
    const model = modelWith({ saturn: SATURN_DOWN });
    const key = `saturn/workspace/${WS}`;
    expect(model.canDo(key, 'stop')).toBe(false);
    // No live link either.
    expect(model.canDo(key, 'open')).toBe(false);
    expect(actionBlockedReason(model, key, 'stop', trans, NOW)).toBe(
      'Saturn Cloud is not answering (503). What the panel shows is the last known state, as of 2 minutes ago.'
    );
    // The other backend is not affected.
    expect(model.canDo('hub/alice/dev', 'stop')).toBe(true);
    expect(actionBlockedReason(model, 'hub/alice/dev', 'stop', trans)).toBe(
      null
    );
    expect(saturnUsable(model)).toBe(false);
    expect(saturnBlockedReason(model, trans)).toMatch(/last known state/);
    expect(runBlockedReason(model, `saturn/job/${JOB}`, trans)).toMatch(
      /^Saturn Cloud is not answering \(503\)\./
    );
    expect(runBlockedReason(model, null, trans)).toMatch(/last known state/);
  });

  it("blocks a refused token's last known rows too, not only an unreachable backend", () => {
    const model = modelWith({
      hub: {
        stale: true,
        lastGoodRead: TWO_MIN_AGO,
        message: 'JupyterHub no longer accepts the configured token.'
      }
    });
    expect(model.canDo('hub/alice/dev', 'open')).toBe(false);
    expect(model.canDo('hub/alice/dev', 'stop')).toBe(false);
    expect(
      actionBlockedReason(model, 'hub/alice/dev', 'stop', trans, NOW)
    ).toBe(
      'JupyterHub no longer accepts the configured token. What the panel shows is the last known state, as of 2 minutes ago.'
    );
  });

  it('falls back to the scope, the busy state, then the status', () => {
    const model = modelWith({
      hub: {
        abilities: {
          listAllUsers: true,
          start: true,
          stop: false,
          delete: true
        },
        missingScopes: ['delete:servers']
      }
    });
    expect(actionBlockedReason(model, 'hub/alice/dev', 'stop', trans)).toBe(
      'The JupyterHub token may not stop servers: it lacks the scope delete:servers.'
    );
    expect(actionBlockedReason(model, 'hub/alice/dev', 'start', trans)).toBe(
      "alice's server dev cannot be started now (status: running)."
    );
    model.setBusy('hub/bob/', true);
    expect(actionBlockedReason(model, 'hub/bob/', 'start', trans)).toBe(
      "bob's default server is busy with another request."
    );
    expect(actionBlockedReason(model, 'hub/nobody/x', 'start', trans)).toBe(
      'No server, workspace or job "hub/nobody/x".'
    );
    // A Saturn job whose backend is fine: no reason to give.
    expect(runBlockedReason(model, `saturn/job/${JOB}`, trans)).toBeNull();
  });
});

describe('resourceLabel: one naming helper', () => {
  it('says whose server it is, in full', () => {
    const dev = resource(hubServer('alice', 'dev'));
    const bobs = resource(hubServer('bob', ''));
    expect(resourceLabel(bobs, trans)).toBe("bob's default server");
    expect(resourceLabel(dev, trans)).toBe("alice's server dev");
    expect(
      resourceLabel(
        resource(hubServer('alice', 'dev', { displayName: 'Dev box' })),
        trans
      )
    ).toBe("alice's server Dev box");
    expect(hubServerLabel('carol', 'gpu', '', trans)).toBe(
      "carol's server gpu"
    );
  });

  it('keeps rows short inside their owner group, and Saturn names as they are', () => {
    expect(resourceLabel(resource(hubServer('bob', '')), trans, 'short')).toBe(
      'Default'
    );
    expect(
      resourceLabel(resource(hubServer('alice', 'dev')), trans, 'short')
    ).toBe('dev');
    expect(
      resourceLabel(resource(saturnWorkspace(WS, 'analysis')), trans)
    ).toBe('analysis');
  });
});

describe('retryBackend', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('posts refresh for one backend, is busy meanwhile, and applies the answer', async () => {
    const model = modelWith({ saturn: SATURN_DOWN });
    const bodies: string[] = [];
    let release: () => void = () => undefined;
    globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      expect(request.method).toBe('POST');
      expect(request.url).toMatch(/saturn-panel\/refresh/);
      bodies.push(await request.text());
      await new Promise<void>(resolve => (release = resolve));
      return new Response(
        JSON.stringify({
          hub: config().hub,
          saturn: { ...config().saturn, stale: false }
        }),
        { status: 200 }
      );
    }) as typeof fetch;
    const done = retryBackend(model, 'saturn', trans);
    expect(model.isRefreshing('saturn')).toBe(true);
    expect(model.isRefreshing('hub')).toBe(false);
    // A second click while it runs does not send another request.
    expect(await retryBackend(model, 'saturn', trans)).toBe(false);
    await new Promise(resolve => setTimeout(resolve, 0));
    release();
    expect(await done).toBe(true);
    expect(bodies).toEqual(['{"backend":"saturn"}']);
    expect(model.isRefreshing('saturn')).toBe(false);
    expect(model.config?.saturn.stale).toBe(false);
    expect(model.canDo(`saturn/workspace/${WS}`, 'stop')).toBe(true);
  });

  it('refreshBackends sends an empty body for both backends', async () => {
    const bodies: string[] = [];
    globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
      bodies.push(await (input as Request).text());
      return new Response(JSON.stringify({}), { status: 200 });
    }) as typeof fetch;
    const answer = await refreshBackends();
    expect(bodies).toEqual(['{}']);
    expect(answer.saturn.configured).toBe(false);
  });
});
