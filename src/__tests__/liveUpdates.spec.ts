import { ServerConnection } from '@jupyterlab/services';
import type { Event } from '@jupyterlab/services';
import { Stream } from '@lumino/signaling';

import {
  CHANGED_SCHEMA_ID,
  IConnectionStatus,
  LiveUpdates,
  PanelEvent
} from '../api';
import { hubServer } from './fixtures';

/**
 * A fake `GET resources`: answers from the state it is given, records every
 * query.
 */
class FakeServer {
  queries: URLSearchParams[] = [];
  epoch = 'e1';
  seq = 3;
  fail: 'network' | 404 | 500 | null = null;

  fetch = async (query: string): Promise<unknown> => {
    const params = new URLSearchParams(query);
    this.queries.push(params);
    if (this.fail === 'network') {
      throw new ServerConnection.NetworkError(new TypeError('Failed to fetch'));
    }
    if (this.fail !== null) {
      throw new ServerConnection.ResponseError(
        new Response('{}', { status: this.fail }),
        'upstream broke'
      );
    }
    const since = params.get('since');
    const snapshot = since === null || params.get('epoch') !== this.epoch;
    return {
      epoch: this.epoch,
      seq: this.seq,
      snapshot,
      resources: [hubServer('alice', snapshot ? '' : `s${this.seq}`)],
      removed: [],
      backends: {}
    };
  };
}

/**
 * A fake event bus: what `app.serviceManager.events` is to the plugin.
 */
function eventBus(): Event.IManager {
  const manager = {} as { stream: Event.Stream };
  manager.stream = new Stream(manager as unknown as Event.IManager);
  return manager as unknown as Event.IManager;
}

function announce(bus: Event.IManager, seq: number, epoch = 'e1'): void {
  (bus.stream as Stream<Event.IManager, Event.Emission>).emit({
    schema_id: CHANGED_SCHEMA_ID,
    seq,
    epoch
  });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await sleep(5);
  }
}

describe('LiveUpdates', () => {
  let server: FakeServer;
  let bus: Event.IManager;
  let live: LiveUpdates;
  let events: PanelEvent[];
  let statuses: IConnectionStatus[];

  beforeEach(() => {
    server = new FakeServer();
    bus = eventBus();
    live = new LiveUpdates({
      events: bus,
      fetchChanges: server.fetch,
      interval: 40,
      maxInterval: 200
    });
    events = [];
    statuses = [];
    live.received.connect((_, event) => events.push(event));
    live.statusChanged.connect((_, status) => statuses.push(status));
  });

  afterEach(() => {
    live.dispose();
  });

  it('fetches the first state once, then nothing while the panel is closed', async () => {
    live.start();
    await until(() => live.status.state === 'connected');
    expect(server.queries.map(q => q.toString())).toEqual(['']);
    expect(events.map(e => e.type)).toEqual(['snapshot', 'backends']);
    await sleep(200); // five intervals
    expect(server.queries).toHaveLength(1);
  });

  it('fetches what changed when the event bus announces a newer state, once per burst', async () => {
    live.start();
    await until(() => live.status.state === 'connected');
    server.seq = 5;
    announce(bus, 4);
    announce(bus, 5);
    announce(bus, 5, 'e1');
    await until(() => server.queries.length === 2);
    await sleep(100);
    expect(server.queries).toHaveLength(2);
    const query = server.queries[1];
    expect(query.get('since')).toBe('3');
    expect(query.get('epoch')).toBe('e1');
    expect(query.has('watching')).toBe(false);
    expect(events.slice(2).map(e => e.type)).toEqual(['resource', 'backends']);
    // A notice of a state it holds, or of another schema, is no reason to ask.
    announce(bus, 5);
    (bus.stream as Stream<Event.IManager, Event.Emission>).emit({
      schema_id: 'https://events.jupyter.org/other',
      seq: 99,
      epoch: 'e1'
    });
    await sleep(100);
    expect(server.queries).toHaveLength(2);
  });

  it('asks with watching=1 at once and every interval while the panel is shown, and stops when hidden', async () => {
    live.start();
    await until(() => live.status.state === 'connected');
    live.watching = true;
    await until(() => server.queries.length >= 4);
    expect(server.queries.slice(1).every(q => q.get('watching') === '1')).toBe(
      true
    );
    live.watching = false;
    await sleep(60);
    const asked = server.queries.length;
    await sleep(200);
    expect(server.queries.length).toBe(asked);
  });

  it('takes a snapshot after the server restarted (another epoch)', async () => {
    live.start();
    await until(() => live.status.state === 'connected');
    server.epoch = 'e2';
    server.seq = 1;
    announce(bus, 1, 'e2');
    await until(() => server.queries.length === 2);
    await until(() => events.length === 4);
    expect(events[2].type).toBe('snapshot');
  });

  it('says it is reconnecting after a failure, retries with growing waits, and recovers', async () => {
    server.fail = 500;
    live.start();
    await until(() => server.queries.length >= 3, 3000);
    const failed = statuses.find(s => s.state === 'reconnecting');
    expect(failed).toMatchObject({ reason: 'http', detail: 'upstream broke' });
    server.fail = null;
    await until(() => live.status.state === 'connected', 3000);
    expect(events[0].type).toBe('snapshot');
  });

  it('a notice after a failure brings the shown panel back to its beat at once', async () => {
    live.dispose();
    // Retries after a failure come no sooner than 2 s here.
    live = new LiveUpdates({
      events: bus,
      fetchChanges: server.fetch,
      interval: 2000,
      maxInterval: 60000
    });
    server.fail = 'network';
    live.watching = true;
    live.start();
    // Two failures: the poll's next retry is then 2 s or more away.
    await until(() => server.queries.length >= 2, 3000);
    server.fail = null;
    server.seq = 9;
    const before = server.queries.length;
    announce(bus, 9);
    // The notice's fetch, then at once one that renews the attention lease,
    // long before the poll's own retry.
    await until(
      () => server.queries.slice(before).some(q => q.get('watching') === '1'),
      1000
    );
    expect(live.status.state).toBe('connected');
  });

  it('stops for good when the server extension is missing (404)', async () => {
    server.fail = 404;
    live.start();
    await until(() => live.status.state === 'stopped');
    expect(live.status.reason).toBe('not-found');
    await sleep(200);
    expect(server.queries).toHaveLength(1);
  });

  it('a panel in a hidden tab never says it is watching; the tab shown, it asks at once with watching=1', async () => {
    const page = new EventTarget() as EventTarget & { hidden: boolean };
    page.hidden = true;
    const hidden = new LiveUpdates({
      events: bus,
      fetchChanges: server.fetch,
      document: page as unknown as Document,
      interval: 10000
    });
    try {
      hidden.watching = true;
      hidden.start();
      await sleep(100);
      // Hidden for this test's document only: Poll's own check sees jsdom's
      // visible page, so the tick ran the factory; ours refused to say watching.
      expect(server.queries.every(q => !q.has('watching'))).toBe(true);
      const asked = server.queries.length;
      page.hidden = false;
      page.dispatchEvent(new Event('visibilitychange'));
      await until(() => server.queries.length > asked);
      expect(server.queries[server.queries.length - 1].get('watching')).toBe(
        '1'
      );
    } finally {
      hidden.dispose();
    }
  });

  it('refresh() fetches now even with the panel closed', async () => {
    live.start();
    await until(() => live.status.state === 'connected');
    await live.refresh();
    expect(server.queries.length).toBe(2);
    expect(server.queries[1].get('since')).toBe('3');
  });
});
