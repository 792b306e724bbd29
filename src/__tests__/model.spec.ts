import { IResourceChange, ResourceModel } from '../model';
import { CAPTURED_STREAM } from './capturedStream';
import {
  config,
  feed,
  hubServer,
  parseStream,
  resource,
  saturnWorkspace
} from './fixtures';

const WS1 = '0123456789abcdef0123456789abcdef';
const WS2 = 'fedcba9876543210fedcba9876543210';

function event(name: string, payload: unknown) {
  return { event: name, data: JSON.stringify(payload) };
}

function snapshotModel(): ResourceModel {
  const model = new ResourceModel();
  feed(
    model,
    event('snapshot', {
      resources: [
        hubServer('bob', 'zeta'),
        hubServer('alice', 'dev', {
          status: 'running',
          url: 'http://127.0.0.1:8000/user/alice/dev/',
          actions: ['stop', 'open']
        }),
        hubServer('alice', ''),
        hubServer('bob', ''),
        hubServer('alice', 'Alpha2'.toLowerCase()),
        saturnWorkspace(WS2, 'rstudio-box', { details: { ide: 'rstudio' } }),
        saturnWorkspace(WS1, 'gpu-box')
      ]
    })
  );
  feed(model, event('backends', config()));
  return model;
}

describe('ResourceModel', () => {
  it('follows a real captured stream to its final state', () => {
    const model = new ResourceModel();
    const progress: (number | null)[] = [];
    model.resourceChanged.connect((_, change) => {
      if (change.key === 'hub/alice/dev' && change.newValue) {
        progress.push(change.newValue.progress);
      }
    });
    for (const event of parseStream(CAPTURED_STREAM)) {
      expect(feed(model, event)).toBe(true);
    }
    expect(model.config?.hub.user).toBe('alice');
    // The hub progress went up to running (sent twice: activity changed),
    // which clears it.
    expect(progress).toEqual([0, 26, 42, 58, 74, 90, null, null]);
    const dev = model.get('hub/alice/dev');
    expect(dev?.status).toBe('running');
    expect(dev?.displayName).toBe('Dev box');
    expect(dev?.url).toBe('http://127.0.0.1:18000/user/alice/dev/');
    expect(model.canDo('hub/alice/dev', 'open')).toBe(true);
    const ws = model.saturnWorkspaces().find(w => w.name === 'r-reports');
    expect(ws?.status).toBe('running');
    expect(ws?.progress).toBeNull();
    expect(ws?.details.ide).toBe('rstudio');
    // alice first, then the other users, each with the default server first.
    expect(model.hubServers()[0].owner).toBe('alice');
    expect(model.hubServers()[0].resources[0].key).toBe('hub/alice/');
  });

  it('applies a snapshot and groups hub servers: current user first, default server first, then by name', () => {
    const model = snapshotModel();
    expect(model.hasSnapshot).toBe(true);
    const groups = model.hubServers();
    expect(groups.map(g => g.owner)).toEqual(['alice', 'bob']);
    expect(groups[0].resources.map(r => r.key)).toEqual([
      'hub/alice/',
      'hub/alice/alpha2',
      'hub/alice/dev'
    ]);
    expect(groups[1].resources.map(r => r.key)).toEqual([
      'hub/bob/',
      'hub/bob/zeta'
    ]);
    expect(model.saturnWorkspaces().map(r => r.name)).toEqual([
      'gpu-box',
      'rstudio-box'
    ]);
  });

  it('puts another current user first when the config changes', () => {
    const model = snapshotModel();
    model.applyBackends(config({ hub: { user: 'bob' } }));
    expect(model.hubServers().map(g => g.owner)).toEqual(['bob', 'alice']);
  });

  it('updates the views on resource and removed events', () => {
    const model = snapshotModel();
    const changes: IResourceChange[] = [];
    model.resourceChanged.connect((_, change) => changes.push(change));

    feed(
      model,
      event(
        'resource',
        hubServer('carol', 'new', { status: 'pending', progress: 10 })
      )
    );
    expect(model.hubServers().map(g => g.owner)).toEqual([
      'alice',
      'bob',
      'carol'
    ]);
    expect(changes).toHaveLength(1);
    expect(changes[0].oldValue).toBeNull();
    expect(changes[0].newValue?.status).toBe('pending');

    feed(model, event('removed', { key: 'hub/bob/zeta' }));
    expect(model.hubServers()[1].resources.map(r => r.key)).toEqual([
      'hub/bob/'
    ]);
    expect(changes[1]).toEqual(
      expect.objectContaining({ key: 'hub/bob/zeta', newValue: null })
    );
    expect(model.get('hub/bob/zeta')).toBeUndefined();
  });

  it('reports removals and changes when a new snapshot replaces the old one', () => {
    const model = snapshotModel();
    const changes: IResourceChange[] = [];
    model.resourceChanged.connect((_, change) => changes.push(change));
    feed(
      model,
      event('snapshot', {
        resources: [
          hubServer('alice', ''),
          hubServer('alice', 'dev', { status: 'stopped' })
        ]
      })
    );
    const byKey = new Map(changes.map(c => [c.key, c]));
    expect(byKey.get('hub/bob/zeta')?.newValue).toBeNull();
    expect(byKey.get('hub/alice/dev')?.newValue?.status).toBe('stopped');
    // Unchanged resources are not reported.
    expect(byKey.has('hub/alice/')).toBe(false);
    expect(model.resources).toHaveLength(2);
  });

  it('keeps progress while pending and clears it on pending → running', () => {
    const model = snapshotModel();
    feed(
      model,
      event(
        'resource',
        hubServer('alice', 'alpha2', {
          status: 'pending',
          progress: 50,
          message: 'Fake step 2/4',
          actions: ['stop']
        })
      )
    );
    expect(model.get('hub/alice/alpha2')?.progress).toBe(50);
    expect(model.get('hub/alice/alpha2')?.message).toBe('Fake step 2/4');

    feed(
      model,
      event(
        'resource',
        hubServer('alice', 'alpha2', {
          status: 'running',
          progress: 100,
          url: 'http://127.0.0.1:8000/user/alice/alpha2/',
          actions: ['stop', 'open']
        })
      )
    );
    const running = model.get('hub/alice/alpha2');
    expect(running?.status).toBe('running');
    expect(running?.progress).toBeNull();
    expect(running?.url).toBe('http://127.0.0.1:8000/user/alice/alpha2/');
    expect(model.canDo('hub/alice/alpha2', 'open')).toBe(true);
    expect(model.canDo('hub/alice/alpha2', 'start')).toBe(false);
  });

  it('clamps progress to 0-100', () => {
    expect(
      resource(hubServer('a', 'b', { status: 'pending', progress: 140 }))
        .progress
    ).toBe(100);
    expect(
      resource(hubServer('a', 'b', { status: 'pending', progress: -3 }))
        .progress
    ).toBe(0);
  });

  it('filters by name, display name, owner or status, every word must match', () => {
    const model = snapshotModel();
    model.filter = 'BOB';
    expect(model.hubServers().map(g => g.owner)).toEqual(['bob']);
    expect(model.saturnWorkspaces()).toHaveLength(0);
    model.filter = 'alice running';
    expect(model.list('hub', 'server').map(r => r.key)).toEqual([
      'hub/alice/dev'
    ]);
    model.filter = 'gpu';
    expect(model.saturnWorkspaces().map(r => r.name)).toEqual(['gpu-box']);
    expect(model.count('hub', 'server')).toBe(5);
    model.filter = '';
    expect(model.list('hub', 'server')).toHaveLength(5);
  });

  it('emits changed once per filter change', () => {
    const model = snapshotModel();
    let count = 0;
    model.changed.connect(() => count++);
    model.filter = 'x';
    model.filter = 'x';
    expect(count).toBe(1);
  });

  it('applies backends events and exposes their messages', () => {
    const model = snapshotModel();
    feed(
      model,
      event('backends', {
        hub: {
          configured: true,
          reachable: true,
          user: 'alice',
          abilities: {
            listAllUsers: false,
            start: false,
            stop: true,
            delete: true
          },
          missingScopes: ['servers!user'],
          message: null,
          hint: 'Add "servers!user" to c.Spawner.server_token_scopes'
        },
        saturn: {
          configured: true,
          reachable: false,
          message: 'Saturn Cloud answered 401: token refused',
          hint: 'Check c.SaturnPanel.saturn_token'
        }
      })
    );
    expect(model.config?.hub.missingScopes).toEqual(['servers!user']);
    expect(model.config?.hub.hint).toContain('server_token_scopes');
    expect(model.config?.saturn.reachable).toBe(false);
    expect(model.config?.saturn.message).toBe(
      'Saturn Cloud answered 401: token refused'
    );
    // The token may not start hub servers: nothing is startable there.
    expect(model.canDo('hub/alice/alpha2', 'start')).toBe(false);
    expect(model.canDo('hub/alice/dev', 'stop')).toBe(true);
    // Saturn does not answer: its workspaces are a last known state and
    // nothing that needs Saturn is offered on them.
    expect(model.eligible('start').map(r => r.backend)).toEqual([]);
  });

  it('ignores malformed events', () => {
    const model = snapshotModel();
    expect(feed(model, event('resource', { key: 'x' }))).toBe(false);
    expect(feed(model, event('removed', { nope: 1 }))).toBe(false);
    expect(feed(model, event('mystery', {}))).toBe(false);
    expect(model.resources).toHaveLength(7);
  });

  it('skips a request answer when the stream already sent something newer', () => {
    const model = snapshotModel();
    const key = 'hub/alice/dev';
    const before = model.revision(key);
    // The stream reports the server gone before the DELETE answer arrives.
    feed(
      model,
      event('resource', hubServer('alice', 'dev', { status: 'stopped' }))
    );
    const stale = resource(
      hubServer('alice', 'dev', { status: 'stopping', actions: [] })
    );
    expect(model.applyResource(stale, before)).toBe(false);
    expect(model.get(key)?.status).toBe('stopped');
    // Without a newer event, the answer applies.
    const now = model.revision(key);
    expect(model.applyResource(stale, now)).toBe(true);
    expect(model.get(key)?.status).toBe('stopping');
  });

  it('disables actions while a request is in flight', () => {
    const model = snapshotModel();
    const key = 'hub/alice/alpha2';
    expect(model.canDo(key, 'start')).toBe(true);
    model.setBusy(key, true);
    expect(model.canDo(key, 'start')).toBe(false);
    expect(model.eligible('start').map(r => r.key)).not.toContain(key);
    model.setBusy(key, false);
    expect(model.canDo(key, 'start')).toBe(true);
  });

  it('records a missing server extension until a config arrives', () => {
    const model = new ResourceModel();
    expect(model.extensionState).toBe('loading');
    model.setExtensionFailure('missing', null);
    expect(model.extensionState).toBe('missing');
    model.applyBackends(config());
    expect(model.extensionState).toBe('ready');
  });
});
