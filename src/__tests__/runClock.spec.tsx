import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { JobRow } from '../components/JobRow';
import { ProgressBar, progressText } from '../components/ProgressBar';
import { advanceRunClock, IRunClock, runClockSeconds } from '../jobs/runClock';
import { ResourceModel } from '../model';
import { jobRun, resource, saturnJob } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const JOB = 'bb5fed2f9b12456699cade80c816dabf';
const RUN = `id-alice-train-model-${JOB}-vc-0-aaaaa`;
const STARTED = '2026-11-21T22:00:00+00:00';

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

/**
 * Renders an element, again on each `show`.
 */
class Holder extends ReactWidget {
  element: JSX.Element = (<div />);
  renderNow(element: JSX.Element): void {
    this.element = element;
    React.act(() => {
      MessageLoop.sendMessage(this, Widget.Msg.UpdateRequest);
    });
  }
  protected render(): JSX.Element {
    return this.element;
  }
}

/**
 * The counter's values, second by second, as confirmations arrive.
 *
 * @param steps - at each browser second (index), the duration the server
 *   sends then, or undefined for none
 */
function countSeconds(
  steps: ReadonlyArray<number | undefined>,
  t0: number
): number[] {
  let clock: IRunClock | null = null;
  const shown: number[] = [];
  steps.forEach((confirmed, second) => {
    const now = t0 + second * 1000;
    if (confirmed !== undefined) {
      clock = advanceRunClock(clock, confirmed, now);
    }
    if (clock) {
      shown.push(Math.floor(runClockSeconds(clock, now)));
    }
  });
  return shown;
}

describe('run clock', () => {
  it('never shows more than the final duration (the 0 → 9 s, then 7 s run)', () => {
    // Read at 0 s (just started), the run ends at 7 s, the next read (10 s)
    // says so: counting from the browser's clock showed 9 s, then 7 s.
    const steps: (number | undefined)[] = Array(10).fill(undefined);
    steps[0] = 0;
    const shown = countSeconds(steps, Date.parse(STARTED) + 5000);
    expect(Math.max(...shown)).toBeLessThanOrEqual(7);
  });

  it('moves a second per second between reads, never backwards, and ends at most at the final duration', () => {
    const steps: (number | undefined)[] = Array(40).fill(undefined);
    steps[0] = 0;
    steps[10] = 10;
    steps[20] = 20;
    steps[30] = 29.5; // the read after this: finished at 33 s
    const shown = countSeconds(steps, 0);
    for (let i = 1; i < shown.length; i++) {
      expect(shown[i]).toBeGreaterThanOrEqual(shown[i - 1]);
      expect(shown[i] - shown[i - 1]).toBeLessThanOrEqual(1);
    }
    expect(shown[15]).toBe(5);
    expect(Math.max(...shown)).toBeLessThanOrEqual(33);
    expect(shown[39]).toBe(29);
  });

  it('does not depend on the browser clock: a run first seen later starts at what Saturn confirmed', () => {
    // The browser is an hour ahead of Saturn: `now - started` would say 1 h.
    const t0 = Date.parse(STARTED) + 3600_000;
    expect(countSeconds([125, undefined, undefined], t0)).toEqual([
      125, 125, 125
    ]);
  });

  it('stays null until a duration is known and holds a confirmed value', () => {
    expect(advanceRunClock(null, null, 0)).toBeNull();
    const clock = advanceRunClock(null, 4, 0)!;
    expect(advanceRunClock(clock, 4, 5000)).toBe(clock);
    expect(runClockSeconds(clock, 60_000)).toBe(4);
  });
});

describe('JobRow live duration', () => {
  let holder: Holder;
  const model = new ResourceModel();
  const context = { model, commands: new CommandRegistry(), trans };

  function render(run: { [key: string]: unknown }): string {
    const job = resource(saturnJob(JOB, 'train-model', [run]));
    holder.renderNow(
      <JobRow job={job} context={context} showOwner={false} now={Date.now()} />
    );
    return (
      holder.node.querySelector(
        `[data-run="${RUN}"] .jp-SaturnPanel-runDuration`
      )?.textContent ?? ''
    );
  }

  beforeEach(() => {
    jest.useFakeTimers();
    holder = new Holder();
    React.act(() => Widget.attach(holder, document.body));
  });
  afterEach(() => {
    React.act(() => holder.dispose());
    jest.useRealTimers();
  });

  it('counts from the confirmed duration, not the browser clock, and agrees with the final one', () => {
    // The browser's clock is 60 s ahead of Saturn's.
    jest.setSystemTime(Date.parse(STARTED) + 60_000);
    expect(render(jobRun(RUN, 'running', { duration: 0 }))).toBe('0 s');
    React.act(() => {
      jest.advanceTimersByTime(9000);
    });
    expect(render(jobRun(RUN, 'running', { duration: 0 }))).toBe('0 s');
    // The next read: Saturn saw it going at 10 s.
    expect(render(jobRun(RUN, 'running', { duration: 10 }))).toBe('0 s');
    React.act(() => {
      jest.advanceTimersByTime(4000);
    });
    expect(render(jobRun(RUN, 'running', { duration: 10 }))).toBe('4 s');
    React.act(() => {
      jest.advanceTimersByTime(20_000);
    });
    expect(render(jobRun(RUN, 'running', { duration: 10 }))).toBe('10 s');
    // Finished at 17 s: the final duration, more than any value shown.
    expect(
      render(
        jobRun(RUN, 'completed', {
          duration: 17,
          finished: '2026-11-21T22:00:17+00:00'
        })
      )
    ).toBe('17 s');
  });
});

describe('ProgressBar without an estimate', () => {
  it('says there is no estimate yet, with an indeterminate bar', () => {
    expect(progressText(null, true, trans)).toBe('No estimate yet');
    expect(progressText(null, false, trans)).toBe('Waiting for progress…');
    const holder = new Holder();
    React.act(() => Widget.attach(holder, document.body));
    holder.renderNow(
      <ProgressBar
        progress={null}
        estimated={true}
        message="Saturn status: pending (12 s so far; no start of this size seen yet, so no estimate)"
        label="Starting gpu-box"
        trans={trans}
      />
    );
    const node = holder.node;
    const bar = node.querySelector('[role="progressbar"]')!;
    expect(bar.classList).toContain('jp-mod-indeterminate');
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    expect(bar.getAttribute('aria-valuetext')).toContain('No estimate yet');
    expect(node.textContent).toContain('12 s so far');
    React.act(() => holder.dispose());
  });
});
