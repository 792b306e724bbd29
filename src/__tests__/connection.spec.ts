import { ServerConnection } from '@jupyterlab/services';

import type { IServerSentEvent } from '../api/sse';
import {
  backoffDelay,
  EventStreamConnection,
  IConnectionStatus
} from '../api/connection';

const settings = ServerConnection.makeSettings({
  baseUrl: 'http://localhost:8888/lab-base/'
});

/**
 * What one fake request should answer.
 */
type Answer =
  | { kind: 'stream'; chunks: Uint8Array[]; hang: boolean }
  | { kind: 'status'; status: number; body: unknown }
  | { kind: 'network' };

/**
 * A fake `makeRequest` answering from a queue and recording the requests.
 */
class FakeServer {
  requests: { url: string; init: RequestInit }[] = [];
  answers: Answer[] = [];
  signals: AbortSignal[] = [];

  makeRequest = async (url: string, init: RequestInit): Promise<Response> => {
    this.requests.push({ url, init });
    const signal = init.signal as AbortSignal;
    this.signals.push(signal);
    const answer = this.answers.shift() ?? {
      kind: 'stream',
      chunks: [],
      hang: true
    };
    if (answer.kind === 'network') {
      throw new ServerConnection.NetworkError(new TypeError('Failed to fetch'));
    }
    if (answer.kind === 'status') {
      return new Response(JSON.stringify(answer.body), {
        status: answer.status
      });
    }
    let i = 0;
    const reader = {
      read: (): Promise<{ done: boolean; value?: Uint8Array }> => {
        if (signal.aborted) {
          return Promise.reject(new DOMException('aborted', 'AbortError'));
        }
        if (i < answer.chunks.length) {
          return Promise.resolve({ done: false, value: answer.chunks[i++] });
        }
        if (!answer.hang) {
          return Promise.resolve({ done: true });
        }
        return new Promise((_, reject) => {
          signal.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'AbortError'))
          );
        });
      }
    };
    return {
      ok: true,
      status: 200,
      body: { getReader: () => reader }
    } as unknown as Response;
  };
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

async function waitFor(
  condition: () => boolean,
  timeout = 2000
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeout) {
      throw new Error('timed out waiting');
    }
    await new Promise(resolve => setTimeout(resolve, 2));
  }
}

function connect(
  server: FakeServer,
  options: Partial<EventStreamConnection.IOptions> = {}
) {
  const connection = new EventStreamConnection({
    serverSettings: settings,
    makeRequest: server.makeRequest,
    initialDelay: 10,
    maxDelay: 40,
    silenceTimeout: 5000,
    ...options
  });
  const events: IServerSentEvent[] = [];
  const statuses: IConnectionStatus[] = [];
  connection.received.connect((_, e) => events.push(e));
  connection.statusChanged.connect((_, s) => statuses.push(s));
  return { connection, events, statuses };
}

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect(
      [1, 2, 3, 4, 5, 6, 7].map(a => backoffDelay(a, 1000, 30000))
    ).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(500, 1000, 30000)).toBe(30000);
  });
});

describe('EventStreamConnection', () => {
  it('requests the events endpoint as a stream and emits parsed events, even with UTF-8 split across chunks', async () => {
    const server = new FakeServer();
    const all = bytes(
      'event: resource\ndata: {"message": "ünï"}\n\n: keepalive\n\n'
    );
    // Cut inside the two bytes of "ü".
    const cut = all.indexOf(0xc3) + 1;
    server.answers.push({
      kind: 'stream',
      chunks: [all.slice(0, cut), all.slice(cut)],
      hang: true
    });
    const { connection, events, statuses } = connect(server);
    connection.start();
    await waitFor(() => events.length === 1);
    expect(events[0]).toEqual({
      event: 'resource',
      data: '{"message": "ünï"}',
      id: ''
    });
    expect(server.requests[0].url).toBe(
      'http://localhost:8888/lab-base/saturn-panel/events'
    );
    expect(new Headers(server.requests[0].init.headers).get('Accept')).toBe(
      'text/event-stream'
    );
    expect(statuses.map(s => s.state)).toEqual(['connected']);
    connection.dispose();
    expect(server.signals[0].aborted).toBe(true);
    expect(connection.status.state).toBe('stopped');
  });

  it('reconnects after the stream ends and gets a new snapshot', async () => {
    const server = new FakeServer();
    server.answers.push(
      {
        kind: 'stream',
        chunks: [bytes('event: snapshot\ndata: 1\n\n')],
        hang: false
      },
      {
        kind: 'stream',
        chunks: [bytes('event: snapshot\ndata: 2\n\n')],
        hang: true
      }
    );
    const { connection, events, statuses } = connect(server);
    connection.start();
    await waitFor(() => events.length === 2);
    expect(events.map(e => e.data)).toEqual(['1', '2']);
    const reconnecting = statuses.find(s => s.state === 'reconnecting');
    expect(reconnecting?.reason).toBe('ended');
    expect(reconnecting?.retryAt).toEqual(expect.any(Number));
    expect(connection.status.state).toBe('connected');
    connection.dispose();
  });

  it('backs off while the server cannot be reached, then recovers', async () => {
    const server = new FakeServer();
    server.answers.push(
      { kind: 'network' },
      { kind: 'network' },
      { kind: 'status', status: 503, body: { message: 'Restarting' } },
      { kind: 'stream', chunks: [bytes('data: ok\n\n')], hang: true }
    );
    const { connection, events, statuses } = connect(server);
    const started = Date.now();
    connection.start();
    await waitFor(() => events.length === 1);
    // 10 + 20 + 40 ms of backoff at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    const failures = statuses.filter(s => s.state === 'reconnecting');
    expect(failures.map(s => s.reason)).toEqual(['network', 'network', 'http']);
    expect(failures[2].detail).toBe('Restarting');
    expect(server.requests).toHaveLength(4);
    connection.dispose();
  });

  it('stops for good when the endpoint answers 404', async () => {
    const server = new FakeServer();
    server.answers.push({
      kind: 'status',
      status: 404,
      body: { message: 'Not Found' }
    });
    const { connection } = connect(server);
    connection.start();
    await waitFor(() => connection.status.state === 'stopped');
    expect(connection.status.reason).toBe('not-found');
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(1);
    connection.dispose();
  });

  it('reconnects when the stream goes silent', async () => {
    const server = new FakeServer();
    server.answers.push(
      { kind: 'stream', chunks: [], hang: true },
      { kind: 'stream', chunks: [bytes('data: back\n\n')], hang: true }
    );
    const { connection, events, statuses } = connect(server, {
      silenceTimeout: 30
    });
    connection.start();
    await waitFor(() => events.length === 1);
    expect(statuses.some(s => s.reason === 'silent')).toBe(true);
    expect(server.signals[0].aborted).toBe(true);
    connection.dispose();
  });

  it('reconnect() drops the open stream and connects again at once', async () => {
    const server = new FakeServer();
    server.answers.push(
      { kind: 'stream', chunks: [bytes('data: first\n\n')], hang: true },
      { kind: 'stream', chunks: [bytes('data: second\n\n')], hang: true }
    );
    const { connection, events } = connect(server, {
      initialDelay: 10000,
      maxDelay: 10000
    });
    connection.start();
    await waitFor(() => events.length === 1);
    connection.reconnect();
    await waitFor(() => events.length === 2, 1000);
    expect(server.signals[0].aborted).toBe(true);
    expect(events[1].data).toBe('second');
    connection.dispose();
  });
});
