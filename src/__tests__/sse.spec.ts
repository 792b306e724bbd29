import { EventStreamParser, IServerSentEvent } from '../api/sse';
import { CAPTURED_STREAM } from './capturedStream';
import { hubServer } from './fixtures';

/**
 * A stream as `GET saturn-panel/events` sends it (docs/rest-api.md): a
 * snapshot, the backends, progress updates, a keepalive comment, a removal.
 */
const SNAPSHOT = JSON.stringify({
  resources: [hubServer('alice', ''), hubServer('alice', 'dev')]
});
const BACKENDS = JSON.stringify({
  hub: { configured: true, reachable: true, user: 'alice' },
  saturn: { configured: false, reachable: false, message: 'not configured' }
});
const PENDING = JSON.stringify(
  hubServer('alice', 'dev', {
    status: 'pending',
    progress: 40,
    message: 'Fake step 2/4 — «ünïcødé»'
  })
);
const PANEL_STREAM =
  'event: snapshot\n' +
  `data: ${SNAPSHOT}\n` +
  '\n' +
  'event: backends\n' +
  `data: ${BACKENDS}\n` +
  '\n' +
  ': keepalive\n' +
  '\n' +
  'event: resource\n' +
  `data: ${PENDING}\n` +
  '\n' +
  'event: removed\n' +
  'data: {"key": "hub/alice/dev"}\n' +
  '\n';

const PANEL_EVENTS: IServerSentEvent[] = [
  { event: 'snapshot', data: SNAPSHOT, id: '' },
  { event: 'backends', data: BACKENDS, id: '' },
  { event: 'resource', data: PENDING, id: '' },
  { event: 'removed', data: '{"key": "hub/alice/dev"}', id: '' }
];

/**
 * A JupyterHub progress stream (`users.py` SpawnProgressAPIHandler): `data:`
 * lines only, `\n\n` keepalives, and a final `failed` event.
 */
const HUB_PROGRESS =
  'data: {"progress": 0, "message": "Server requested"}\n\n' +
  '\n\n' +
  'data: {"progress": 50, "message": "Spawning server..."}\n\n' +
  '\n\n' +
  'data: {"progress": 100, "failed": true, "message": "Spawn failed: Timeout"}\n\n';

function feedAll(chunks: string[]): IServerSentEvent[] {
  const parser = new EventStreamParser();
  const events: IServerSentEvent[] = [];
  for (const chunk of chunks) {
    events.push(...parser.feed(chunk));
  }
  return events;
}

describe('EventStreamParser', () => {
  describe('on a real captured stream', () => {
    const expected = feedAll([CAPTURED_STREAM]);

    it('finds every event of it', () => {
      expect(expected.map(e => e.event)).toEqual([
        'snapshot',
        'backends',
        ...Array(expected.length - 2).fill('resource')
      ]);
      expect(expected.length).toBe(
        CAPTURED_STREAM.split('\n').filter(l => l.startsWith('event:')).length
      );
      for (const event of expected) {
        expect(() => JSON.parse(event.data)).not.toThrow();
      }
    });

    /**
     * Check every split of `text` in two chunks against `expected`
     * (compared as JSON text: thousands of splits, kept fast).
     */
    function checkEverySplit(text: string): number {
      const want = JSON.stringify(expected);
      let checked = 0;
      for (let i = 0; i <= text.length; i++) {
        const got = JSON.stringify(feedAll([text.slice(0, i), text.slice(i)]));
        if (got !== want) {
          // Show the difference for the first failing split.
          expect({ split: i, events: JSON.parse(got) }).toEqual({
            split: i,
            events: expected
          });
        }
        checked++;
      }
      return checked;
    }

    it('gives the same events whatever the position of one chunk boundary', () => {
      expect(checkEverySplit(CAPTURED_STREAM)).toBe(CAPTURED_STREAM.length + 1);
    });

    it('gives the same events with \\r\\n endings cut at every position', () => {
      const crlf = CAPTURED_STREAM.replace(/\n/g, '\r\n');
      expect(checkEverySplit(crlf)).toBe(crlf.length + 1);
    });
  });

  it('parses the panel stream fed at once', () => {
    expect(feedAll([PANEL_STREAM])).toEqual(PANEL_EVENTS);
  });

  it('gives the same events whatever the position of one chunk boundary', () => {
    for (let i = 0; i <= PANEL_STREAM.length; i++) {
      const events = feedAll([PANEL_STREAM.slice(0, i), PANEL_STREAM.slice(i)]);
      expect({ split: i, events }).toEqual({ split: i, events: PANEL_EVENTS });
    }
  });

  it('gives the same events with \\r\\n line endings cut anywhere, including between \\r and \\n', () => {
    const crlf = PANEL_STREAM.replace(/\n/g, '\r\n');
    let cutInsidePair = 0;
    for (let i = 0; i <= crlf.length; i++) {
      if (crlf[i - 1] === '\r' && crlf[i] === '\n') {
        cutInsidePair++;
      }
      const events = feedAll([crlf.slice(0, i), crlf.slice(i)]);
      expect({ split: i, events }).toEqual({ split: i, events: PANEL_EVENTS });
    }
    expect(cutInsidePair).toBeGreaterThan(10);
  });

  it('accepts lone \\r line endings', () => {
    const cr = PANEL_STREAM.replace(/\n/g, '\r');
    expect(feedAll([cr])).toEqual(PANEL_EVENTS);
    expect(feedAll(cr.split(''))).toEqual(PANEL_EVENTS);
  });

  it('gives the same events fed one character at a time', () => {
    expect(feedAll(PANEL_STREAM.split(''))).toEqual(PANEL_EVENTS);
    expect(feedAll(PANEL_STREAM.replace(/\n/g, '\r\n').split(''))).toEqual(
      PANEL_EVENTS
    );
  });

  it('gives the same events for random chunkings', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 200; round++) {
      const chunks: string[] = [];
      let pos = 0;
      while (pos < PANEL_STREAM.length) {
        const size = Math.floor(random() * 40);
        chunks.push(PANEL_STREAM.slice(pos, pos + size));
        pos += size;
      }
      expect(feedAll(chunks)).toEqual(PANEL_EVENTS);
    }
  });

  it('returns events as soon as their blank line arrives', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('event: resource\ndata: {"a": 1}\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([
      { event: 'resource', data: '{"a": 1}', id: '' }
    ]);
  });

  it('ignores blank keepalive lines and counts comment lines', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('\n\n\n: keepalive\n\n:\n\n')).toEqual([]);
    expect(parser.comments).toBe(2);
    expect(parser.feed('data: x\n\n')).toEqual([
      { event: 'message', data: 'x', id: '' }
    ]);
  });

  it('does not let a comment end or split an event', () => {
    expect(
      feedAll([
        'event: resource\n: in the middle\ndata: a\n: again\ndata: b\n\n'
      ])
    ).toEqual([{ event: 'resource', data: 'a\nb', id: '' }]);
  });

  it('joins multi-line data with \\n', () => {
    expect(
      feedAll(['data: first\ndata:second\ndata:  third\ndata\n\n'])
    ).toEqual([{ event: 'message', data: 'first\nsecond\n third\n', id: '' }]);
  });

  it('parses a JupyterHub progress stream with data-only events and a failed event', () => {
    const events = feedAll([HUB_PROGRESS]);
    expect(events.map(e => e.event)).toEqual(['message', 'message', 'message']);
    const last = JSON.parse(events[2].data);
    expect(last).toEqual({
      progress: 100,
      failed: true,
      message: 'Spawn failed: Timeout'
    });
    for (let i = 0; i <= HUB_PROGRESS.length; i++) {
      expect(
        feedAll([HUB_PROGRESS.slice(0, i), HUB_PROGRESS.slice(i)])
      ).toEqual(events);
    }
  });

  it('resets the event name after each event', () => {
    expect(feedAll(['event: snapshot\ndata: 1\n\ndata: 2\n\n'])).toEqual([
      { event: 'snapshot', data: '1', id: '' },
      { event: 'message', data: '2', id: '' }
    ]);
  });

  it('drops an event name without data', () => {
    expect(feedAll(['event: snapshot\n\ndata: 2\n\n'])).toEqual([
      { event: 'message', data: '2', id: '' }
    ]);
  });

  it('does not dispatch an unterminated event', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('event: resource\ndata: {"partial": true}')).toEqual([]);
    expect(parser.feed('\n')).toEqual([]);
    parser.reset();
    expect(parser.feed('\ndata: after\n\n')).toEqual([
      { event: 'message', data: 'after', id: '' }
    ]);
  });

  it('keeps the last id and the retry value, and ignores unknown fields', () => {
    const parser = new EventStreamParser();
    const events = parser.feed(
      'id: 7\nretry: 3000\nfoo: bar\ndata: a\n\nretry: soon\ndata: b\n\n'
    );
    expect(events).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' }
    ]);
    expect(parser.retry).toBe(3000);
  });

  it('strips a leading byte-order mark once', () => {
    expect(feedAll(['\ufeff', 'data: x\n\n'])).toEqual([
      { event: 'message', data: 'x', id: '' }
    ]);
    expect(feedAll(['\ufeffdata: \ufeffx\n\n'])).toEqual([
      { event: 'message', data: '\ufeffx', id: '' }
    ]);
  });
});
