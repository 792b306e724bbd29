/**
 * Issue 19, finding 5: a finished notebook run shows how far it got, and a
 * logs tab never says "following…" for a run that has ended.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import type { IRunLogs } from '../api';
import { JobRow } from '../components/JobRow';
import { LogFollower } from '../jobs/logFollower';
import { RunLogsWidget } from '../jobs/logsWidget';
import { ResourceModel } from '../model';
import { jobRun, resource, saturnJob } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const JOB = 'cc5fed2f9b12456699cade80c816dabf';
const RUN = `id-alice-nb-report-${JOB}-vc-0-aaaaa`;

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

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

function notebookJob(run: { [key: string]: unknown }) {
  const raw = saturnJob(JOB, 'nb-report-107663', [run]);
  return resource({
    ...raw,
    displayName: 'report.ipynb',
    details: { ...(raw.details as object), notebook: 'report.ipynb' }
  });
}

describe('a finished notebook run in the Jobs section', () => {
  let holder: Holder;
  const context = {
    model: new ResourceModel(),
    commands: new CommandRegistry(),
    trans
  };
  beforeEach(() => {
    holder = new Holder();
    React.act(() => Widget.attach(holder, document.body));
  });
  afterEach(() => {
    React.act(() => holder.dispose());
  });

  function runNode(run: { [key: string]: unknown }): Element {
    holder.renderNow(
      <JobRow
        job={notebookJob(run)}
        context={context}
        showOwner={false}
        now={Date.now()}
      />
    );
    return holder.node.querySelector(`[data-run="${RUN}"]`)!;
  }

  it('shows its duration and the cells it ran, also when seen only pending before', () => {
    const done = runNode(
      jobRun(RUN, 'completed', { duration: 3, progress: { cell: 3, cells: 3 } })
    );
    expect(done.querySelector('.jp-SaturnPanel-runDuration')?.textContent).toBe(
      '3 s'
    );
    expect(done.querySelector('.jp-SaturnPanel-runCells')?.textContent).toBe(
      '3/3 cells'
    );
    const failed = runNode(
      jobRun(RUN, 'error', { duration: 2, progress: { cell: 2, cells: 5 } })
    );
    expect(failed.querySelector('.jp-SaturnPanel-runCells')?.textContent).toBe(
      'failed at cell 2/5'
    );
    // No bar for a run that has ended.
    expect(failed.querySelector('[role="progressbar"]')).toBeNull();
  });
});

describe('the logs tab of a run that has ended', () => {
  it('never says "following…" and shows no "Waiting for output…"', async () => {
    // What the server answered before the fix: the run completed, its log
    // as read while it was pending (empty), not complete.
    let answer: IRunLogs = {
      run: RUN,
      status: 'completed',
      complete: false,
      lines: []
    };
    const follower = new LogFollower({
      fetch: async () => answer,
      interval: 60_000
    });
    const widget = new RunLogsWidget({
      key: `saturn/job/${JOB}`,
      jobId: JOB,
      run: RUN,
      fetch: async () => answer,
      follower,
      commands: new CommandRegistry(),
      model: null,
      trans
    });
    Widget.attach(widget, document.body);
    await follower.refresh();
    await React.act(() => new Promise(resolve => setTimeout(resolve, 20)));
    const text = () => widget.node.textContent ?? '';
    expect(text()).not.toContain('following…');
    expect(text()).not.toContain('Waiting for output…');

    answer = {
      run: RUN,
      status: 'completed',
      complete: true,
      lines: [{ timestamp: null, content: 'hello from the job' }]
    };
    await follower.refresh();
    await React.act(() => new Promise(resolve => setTimeout(resolve, 20)));
    expect(text()).toContain('finished');
    expect(text()).toContain('hello from the job');
    widget.dispose();
  });
});
