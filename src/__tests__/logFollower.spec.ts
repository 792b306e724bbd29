import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { ILogLine, IRunLogs, Status } from '../api';
import { diffLines, LogFollower } from '../jobs/logFollower';
import { RunLogsView } from '../jobs/logsWidget';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

function lines(...contents: string[]): ILogLine[] {
  return contents.map((content, i) => ({
    timestamp: `2026-11-21T22:00:${String(i).padStart(2, '0')}Z`,
    content
  }));
}

/**
 * A fake `logs?run=` endpoint: every call answers the next scripted state
 * (the last one repeats), and the calls are counted.
 */
function script(
  ...states: { lines: ILogLine[]; status?: Status; complete?: boolean }[]
) {
  let calls = 0;
  const fetch = jest.fn(async (): Promise<IRunLogs> => {
    const state = states[Math.min(calls, states.length - 1)];
    calls += 1;
    return {
      run: 'run-1',
      status: state.status ?? 'running',
      complete: state.complete ?? false,
      lines: state.lines
    };
  });
  return fetch;
}

/**
 * Let pending promises settle.
 */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

describe('diffLines', () => {
  it('takes everything when nothing is shown yet', () => {
    expect(diffLines([], lines('a', 'b'))).toEqual({
      reset: false,
      lines: lines('a', 'b')
    });
  });

  it('keeps only the lines after those shown', () => {
    const update = diffLines(lines('a', 'b'), lines('a', 'b', 'c', 'd'));
    expect(update.reset).toBe(false);
    expect(update.lines.map(l => l.content)).toEqual(['c', 'd']);
    expect(diffLines(lines('a', 'b'), lines('a', 'b')).lines).toEqual([]);
  });

  it('starts over when the shown lines are no longer a prefix', () => {
    expect(diffLines(lines('a', 'b', 'c'), lines('a', 'b'))).toEqual({
      reset: true,
      lines: lines('a', 'b')
    });
    expect(diffLines(lines('a', 'b'), lines('x', 'b', 'c')).reset).toBe(true);
    // Same text but another time: another line.
    const moved: ILogLine[] = lines('a', 'b').map(l => ({
      ...l,
      timestamp: null
    }));
    expect(diffLines(lines('a', 'b'), moved.concat(lines('c'))).reset).toBe(
      true
    );
  });
});

describe('LogFollower', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('appends only the new lines at each fetch, every interval', async () => {
    const fetch = script(
      { lines: lines('a') },
      { lines: lines('a', 'b', 'c') },
      { lines: lines('a', 'b', 'c') },
      { lines: lines('a', 'b', 'c', 'd') }
    );
    const follower = new LogFollower({ fetch, interval: 2000 });
    const appended: string[][] = [];
    follower.linesChanged.connect((_, update) => {
      expect(update.reset).toBe(false);
      appended.push(update.lines.map(l => l.content));
    });
    follower.start();
    await flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(appended).toEqual([['a']]);

    await jest.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(appended).toEqual([['a'], ['b', 'c']]);

    // Nothing new: no signal.
    await jest.advanceTimersByTimeAsync(2000);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(appended).toHaveLength(2);

    await jest.advanceTimersByTimeAsync(2000);
    expect(appended).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(follower.lines.map(l => l.content)).toEqual(['a', 'b', 'c', 'd']);
    follower.dispose();
  });

  it('stops fetching once the run is complete', async () => {
    const fetch = script(
      { lines: lines('a') },
      { lines: lines('a', 'b'), status: 'completed', complete: true }
    );
    const follower = new LogFollower({ fetch, interval: 2000 });
    const states: [Status | null, boolean][] = [];
    follower.stateChanged.connect(() =>
      states.push([follower.status, follower.complete])
    );
    follower.start();
    await flush();
    expect(follower.isFollowing).toBe(true);
    await jest.advanceTimersByTimeAsync(2000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(follower.complete).toBe(true);
    expect(follower.status).toBe('completed');
    expect(follower.isFollowing).toBe(false);
    expect(states).toEqual([
      ['running', false],
      ['completed', true]
    ]);
    await jest.advanceTimersByTimeAsync(60000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(jest.getTimerCount()).toBe(0);
    follower.dispose();
  });

  it('does not fetch while paused and catches up at once on resume', async () => {
    const fetch = script(
      { lines: lines('a') },
      { lines: lines('a', 'b', 'c') }
    );
    const follower = new LogFollower({ fetch, interval: 2000 });
    const appended: string[][] = [];
    follower.linesChanged.connect((_, u) =>
      appended.push(u.lines.map(l => l.content))
    );
    follower.start();
    await flush();
    follower.pause();
    await jest.advanceTimersByTimeAsync(30000);
    expect(fetch).toHaveBeenCalledTimes(1);
    follower.resume();
    await flush();
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(appended).toEqual([['a'], ['b', 'c']]);
    follower.dispose();
  });

  it('stops for good when disposed, even with a fetch in flight', async () => {
    let resolve: (value: IRunLogs) => void = () => undefined;
    const fetch = jest.fn(
      () =>
        new Promise<IRunLogs>(r => {
          resolve = r;
        })
    );
    const follower = new LogFollower({ fetch, interval: 2000 });
    const seen = jest.fn();
    follower.linesChanged.connect(seen);
    follower.start();
    follower.dispose();
    resolve({
      run: 'run-1',
      status: 'running',
      complete: false,
      lines: lines('late')
    });
    await flush();
    await jest.advanceTimersByTimeAsync(60000);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(seen).not.toHaveBeenCalled();
  });

  it('backs off after errors and gives up on a run that does not exist', async () => {
    const notFound = new ServerConnection.ResponseError(
      new Response('', { status: 404 }),
      'The job has no run named run-1.'
    );
    const fetch = jest.fn(async (): Promise<IRunLogs> => {
      throw notFound;
    });
    const follower = new LogFollower({ fetch, interval: 1000 });
    follower.start();
    await flush();
    expect(follower.error).toBe('The job has no run named run-1.');
    expect(follower.errorStatus).toBe(404);
    expect(follower.isFollowing).toBe(true);
    // 2 s after the first failure, then 4 s after the second.
    await jest.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(4000);
    expect(fetch).toHaveBeenCalledTimes(LogFollower.NOT_FOUND_TRIES);
    expect(follower.isFollowing).toBe(false);
    await jest.advanceTimersByTimeAsync(120000);
    expect(fetch).toHaveBeenCalledTimes(LogFollower.NOT_FOUND_TRIES);
    follower.dispose();
  });

  it('keeps following through network errors and recovers', async () => {
    let fail = true;
    const fetch = jest.fn(async (): Promise<IRunLogs> => {
      if (fail) {
        throw new ServerConnection.NetworkError(new TypeError('offline'));
      }
      return {
        run: 'r',
        status: 'running',
        complete: false,
        lines: lines('a')
      };
    });
    const follower = new LogFollower({
      fetch,
      interval: 1000,
      maxInterval: 4000
    });
    follower.start();
    await flush();
    await jest.advanceTimersByTimeAsync(2000 + 4000 + 4000);
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(follower.isFollowing).toBe(true);
    fail = false;
    await jest.advanceTimersByTimeAsync(4000);
    expect(follower.error).toBeNull();
    expect(follower.lines).toHaveLength(1);
    // Back to the normal interval.
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetch).toHaveBeenCalledTimes(6);
    follower.dispose();
  });
});

describe('RunLogsView', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pauses while the browser tab is hidden and follows again when it is shown', () => {
    const follower = new LogFollower({
      fetch: script({ lines: lines('a'), status: 'running' }),
      interval: 1000
    });
    const view = new RunLogsView({ follower, trans });
    let hidden = false;
    Object.defineProperty(document, 'hidden', {
      configurable: true,
      get: () => hidden
    });
    try {
      Widget.attach(view, document.body);
      expect(follower.isPaused).toBe(false);
      hidden = true;
      document.dispatchEvent(new Event('visibilitychange'));
      // Lumino still calls the widget visible: only the page's state says.
      expect(view.isVisible).toBe(true);
      expect(follower.isPaused).toBe(true);
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      expect(follower.isPaused).toBe(false);
    } finally {
      Widget.detach(view);
      view.dispose();
      follower.dispose();
      delete (document as { hidden?: boolean }).hidden;
    }
  });

  /**
   * Give the view a fake layout: jsdom does not compute one.
   */
  function fakeLayout(node: HTMLElement, clientHeight: number) {
    Object.defineProperty(node, 'clientHeight', {
      configurable: true,
      get: () => clientHeight
    });
    const scrollHeight = () =>
      node.querySelectorAll('.jp-SaturnPanel-logLine').length * 20;
    Object.defineProperty(node, 'scrollHeight', {
      configurable: true,
      get: scrollHeight
    });
    // A browser clamps scrollTop to the content.
    let top = 0;
    Object.defineProperty(node, 'scrollTop', {
      configurable: true,
      get: () => top,
      set: (value: number) => {
        top = Math.max(0, Math.min(value, scrollHeight() - clientHeight));
      }
    });
  }

  it('shows the lines, the state hooks, and follows the end only when there', async () => {
    const fetch = script(
      { lines: lines('a', 'b', 'c', 'd', 'e', 'f') },
      { lines: lines('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h') },
      {
        lines: lines('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'),
        status: 'error',
        complete: true
      }
    );
    const follower = new LogFollower({ fetch, interval: 2000 });
    const view = new RunLogsView({ follower, trans });
    fakeLayout(view.node, 60);
    expect(view.node.classList).toContain('jp-SaturnPanel-logLines');
    expect(view.node.dataset.complete).toBe('false');
    Widget.attach(view, document.body);
    await flush();

    const texts = () =>
      Array.from(view.node.querySelectorAll('.jp-SaturnPanel-logText')).map(
        n => n.textContent
      );
    expect(texts()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(view.node.dataset.status).toBe('running');
    // The first lines scroll to the end.
    expect(view.node.scrollTop).toBe(120 - 60);

    // The user scrolled up to read: new lines do not move the view.
    view.node.scrollTop = 10;
    await jest.advanceTimersByTimeAsync(2000);
    expect(texts()).toHaveLength(8);
    expect(view.node.scrollTop).toBe(10);

    // Back at the end: the view follows again.
    view.node.scrollTop = 160 - 60;
    await jest.advanceTimersByTimeAsync(2000);
    expect(texts()).toHaveLength(9);
    expect(view.node.scrollTop).toBe(180 - 60);
    expect(view.node.dataset.complete).toBe('true');
    expect(view.node.dataset.status).toBe('error');
    expect(view.lineCount).toBe(9);

    await jest.advanceTimersByTimeAsync(20000);
    expect(fetch).toHaveBeenCalledTimes(3);
    view.dispose();
    follower.dispose();
  });

  it('stops fetching while hidden and when disposed', async () => {
    const fetch = script({ lines: lines('a') });
    const follower = new LogFollower({ fetch, interval: 2000 });
    const view = new RunLogsView({ follower, trans });
    Widget.attach(view, document.body);
    await flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    view.hide();
    await jest.advanceTimersByTimeAsync(10000);
    expect(fetch).toHaveBeenCalledTimes(1);
    view.show();
    await flush();
    expect(fetch).toHaveBeenCalledTimes(2);
    view.dispose();
    follower.dispose();
    await jest.advanceTimersByTimeAsync(10000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('says when a finished run logged nothing', async () => {
    const fetch = script({ lines: [], status: 'completed', complete: true });
    const follower = new LogFollower({ fetch });
    const view = new RunLogsView({ follower, trans });
    Widget.attach(view, document.body);
    await flush();
    expect(view.node.textContent).toContain('The run logged nothing.');
    view.dispose();
    follower.dispose();
  });

  it('asks only for the lines after those shown (since), and follows the cell', async () => {
    // A server that honours `since`, as the logs route does.
    const log = lines('a', 'b', 'c', 'd', 'e');
    let shown = 2;
    let cut = false;
    const calls: number[] = [];
    const fetch = jest.fn(async (since: number): Promise<IRunLogs> => {
      calls.push(since);
      const all = cut ? lines('x') : log.slice(0, shown);
      const from = Math.min(since, all.length);
      return {
        run: 'run-1',
        status: 'running',
        complete: false,
        lines: all.slice(from),
        since: from,
        total: all.length,
        progress: { cell: shown, cells: 5 }
      };
    });
    const follower = new LogFollower({ fetch, interval: 1000 });
    const appended: string[][] = [];
    follower.linesChanged.connect((_, update) =>
      appended.push(
        (update.reset ? ['(reset)'] : []).concat(
          update.lines.map(l => l.content)
        )
      )
    );
    follower.start();
    await flush();
    expect(calls).toEqual([0]);
    expect(follower.progress).toEqual({ cell: 2, cells: 5 });

    shown = 5;
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([0, 2]);
    expect(appended).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e']
    ]);
    expect(follower.progress).toEqual({ cell: 5, cells: 5 });

    // Nothing new: asked from 5, nothing appended.
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([0, 2, 5]);
    expect(appended).toHaveLength(2);

    // The log was cut (fewer lines than shown): read it all again.
    cut = true;
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([0, 2, 5, 5, 0]);
    expect(appended[2]).toEqual(['(reset)', 'x']);
    expect(follower.lines.map(l => l.content)).toEqual(['x']);
    follower.dispose();
  });
});
