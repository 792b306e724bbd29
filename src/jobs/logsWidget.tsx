/**
 * A main-area tab with one job run's logs: a monospace scrolling view that
 * follows a running run's output, with the run's status in its toolbar.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  CommandToolbarButton,
  ReactWidget,
  refreshIcon,
  ToolbarButtonComponent,
  UseSignal
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import {
  cellPercent,
  ILogLine,
  IRunLogs,
  isActive,
  jobRuns,
  resourceLabel
} from '../api';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { saturnJobIcon } from '../icons';
import type { IResourceChange, ResourceModel } from '../model';
import { formatAbsoluteTime, parseTime } from '../time';
import { CommandIDs } from '../tokens';
import { ILinesUpdate, LogFollower } from './logFollower';
import { cellProgressText, jobTooltip, runName, runShortName } from './names';

/**
 * The scrolling list of log lines (the content of `RunLogsWidget`).
 *
 * Its node is the stable hook for browser tests: class
 * `jp-SaturnPanel-logLines`, `data-complete="true|false"`, `data-status`.
 */
export class RunLogsView extends Widget {
  /**
   * Create the view of a follower's lines.
   */
  constructor(options: RunLogsView.IOptions) {
    super();
    this._follower = options.follower;
    this._trans = options.trans;
    this.addClass('jp-SaturnPanel-logLines');
    this.node.setAttribute('role', 'log');
    this.node.setAttribute('aria-live', 'off');
    this.node.setAttribute('aria-label', this._trans.__('Logs of the run'));
    // Focusable, so the keyboard can scroll it.
    this.node.tabIndex = 0;
    this._note = document.createElement('div');
    this._note.className = 'jp-SaturnPanel-logNote';
    this._note.setAttribute('role', 'status');
    this.node.appendChild(this._note);
    this._follower.linesChanged.connect(this._onLines, this);
    this._follower.stateChanged.connect(this._onState, this);
    this._onLines(this._follower, {
      reset: true,
      lines: this._follower.lines
    });
    this._onState();
  }

  /**
   * The number of lines shown.
   */
  get lineCount(): number {
    return this._count;
  }

  /**
   * Whether the view is scrolled to its end (new lines then keep it there).
   */
  isAtBottom(): boolean {
    const node = this.node;
    return node.scrollHeight - node.scrollTop - node.clientHeight <= 4;
  }

  /**
   * Scroll to the last line.
   */
  scrollToEnd(): void {
    this.node.scrollTop = this.node.scrollHeight;
  }

  /**
   * Start following when first shown.
   */
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // A hidden browser tab reads no logs either (Lumino still calls its
    // widgets visible there).
    document.addEventListener('visibilitychange', this._onPageVisibility);
    if (!this._started) {
      this._started = true;
      if (this.isVisible && !document.hidden) {
        this._follower.start();
      } else {
        this._follower.pause();
        this._follower.start();
      }
    }
  }

  /**
   * Follow again when shown.
   */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!document.hidden) {
      this._follower.resume();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    document.removeEventListener('visibilitychange', this._onPageVisibility);
    super.onBeforeDetach(msg);
  }

  /**
   * The browser tab was hidden or shown again.
   */
  private _onPageVisibility = (): void => {
    if (document.hidden) {
      this._follower.pause();
    } else if (this.isVisible) {
      this._follower.resume();
    }
  };

  /**
   * Stop fetching while hidden.
   */
  protected onBeforeHide(msg: Message): void {
    super.onBeforeHide(msg);
    this._follower.pause();
  }

  /**
   * Append the new lines, keeping the view at its end only when the user
   * had it there.
   */
  private _onLines(_: LogFollower, update: ILinesUpdate): void {
    const stick = this._count === 0 || this.isAtBottom();
    if (update.reset) {
      for (const line of Array.from(
        this.node.querySelectorAll('.jp-SaturnPanel-logLine')
      )) {
        line.remove();
      }
      this._count = 0;
    }
    const fragment = document.createDocumentFragment();
    for (const line of update.lines) {
      fragment.appendChild(Private.renderLine(line));
    }
    this.node.insertBefore(fragment, this._note);
    this._count += update.lines.length;
    this._updateNote();
    if (stick) {
      this.scrollToEnd();
    }
  }

  /**
   * Reflect the follower's state in the data attributes and the note.
   */
  private _onState(): void {
    const follower = this._follower;
    this.node.dataset.complete = String(follower.complete);
    this.node.dataset.status = follower.status ?? '';
    this.node.setAttribute('aria-busy', String(follower.isLoading));
    this._updateNote();
  }

  /**
   * The text after the lines: waiting, nothing logged, or an error.
   */
  private _updateNote(): void {
    const follower = this._follower;
    const trans = this._trans;
    let text = '';
    let kind = '';
    if (follower.error) {
      kind = 'error';
      text = follower.isFollowing
        ? trans.__('Could not read the logs: %1 Retrying…', follower.error)
        : trans.__('Could not read the logs: %1', follower.error);
    } else if (follower.status === null) {
      text = trans.__('Loading logs…');
    } else if (this._count === 0) {
      text = follower.complete
        ? trans.__('The run logged nothing.')
        : isActive(follower.status)
          ? trans.__('Waiting for output…')
          : trans.__('Reading the log…');
    }
    this._note.textContent = text;
    this._note.className = `jp-SaturnPanel-logNote${kind ? ` jp-mod-${kind}` : ''}`;
    this._note.hidden = text === '';
    if (kind === 'error') {
      this._note.setAttribute('role', 'alert');
    } else {
      this._note.setAttribute('role', 'status');
    }
  }

  private _follower: LogFollower;
  private _trans: TranslationBundle;
  private _note: HTMLDivElement;
  private _count = 0;
  private _started = false;
}

/**
 * The namespace for `RunLogsView` statics.
 */
export namespace RunLogsView {
  /**
   * Options to create the view.
   */
  export interface IOptions {
    follower: LogFollower;
    trans: TranslationBundle;
  }
}

/**
 * The main-area tab of one run's logs (class `jp-SaturnPanel-logs`).
 */
export class RunLogsWidget extends MainAreaWidget<RunLogsView> {
  /**
   * Create the tab; it starts following when attached.
   */
  constructor(options: RunLogsWidget.IOptions) {
    const { trans, key, jobId, run } = options;
    const follower =
      options.follower ??
      new LogFollower({
        fetch: options.fetch,
        interval: options.interval
      });
    const content = new RunLogsView({ follower, trans });
    super({ content });
    this._follower = follower;
    this._model = options.model;
    this._trans = trans;
    this.key = key;
    this.jobId = jobId;
    this.run = run;
    this.id = RunLogsWidget.widgetId(jobId, run);
    this.addClass('jp-SaturnPanel-logs');
    this.title.icon = saturnJobIcon;
    this.title.closable = true;
    this._updateRunTitle();

    const status = ReactWidget.create(
      <UseSignal signal={follower.stateChanged}>
        {() => <Private.RunState follower={follower} trans={trans} />}
      </UseSignal>
    );
    status.addClass('jp-SaturnPanel-logStatus');
    this.toolbar.addItem('run-status', status);
    const progress = ReactWidget.create(
      <UseSignal signal={follower.stateChanged}>
        {() => <Private.CellProgress follower={follower} trans={trans} />}
      </UseSignal>
    );
    progress.addClass('jp-SaturnPanel-logProgress');
    this.toolbar.addItem('cell-progress', progress);
    const stop = new CommandToolbarButton({
      commands: options.commands,
      id: CommandIDs.stopRun,
      args: { key, run },
      label: trans.__('Stop'),
      caption: trans.__('Stop the run')
    });
    this.toolbar.addItem('stop-run', stop);
    // A finished run cannot be stopped: no button then. (Removed, not
    // hidden: the responsive toolbar shows its items again when it resizes.)
    const updateStop = () => {
      if (follower.complete && !stop.isDisposed) {
        stop.dispose();
      }
    };
    follower.stateChanged.connect(updateStop);
    updateStop();
    // The button's component, not a ToolbarButton: that one marks every button
    // aria-pressed="false", a toggle's state this action has not (axe: aria-allowed-attr).
    const reload = ReactWidget.create(
      <ToolbarButtonComponent
        icon={refreshIcon}
        tooltip={trans.__('Reload the logs')}
        onClick={() => void follower.refresh()}
      />
    );
    reload.addClass('jp-ToolbarButton');
    this.toolbar.addItem('reload-logs', reload);

    this._model?.resourceChanged.connect(this._onResourceChanged, this);
  }

  /**
   * The job's resource key.
   */
  readonly key: string;

  /**
   * The job's Saturn id.
   */
  readonly jobId: string;

  /**
   * The run name.
   */
  readonly run: string;

  /**
   * The follower of the run's logs.
   */
  get follower(): LogFollower {
    return this._follower;
  }

  /**
   * Dispose of the tab and stop following.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model?.resourceChanged.disconnect(this._onResourceChanged, this);
    this._follower.dispose();
    super.dispose();
  }

  /**
   * When the panel's model sees this run end, read the last lines at once
   * rather than at the next tick; keep the title's job name current.
   */
  private _onResourceChanged(_: ResourceModel, change: IResourceChange): void {
    if (change.key !== this.key || !change.newValue) {
      return;
    }
    this._updateRunTitle();
    const run = jobRuns(change.newValue).find(r => r.name === this.run);
    if (
      run &&
      !isActive(run.status) &&
      !this._follower.complete &&
      this._follower.status !== run.status &&
      !this._follower.isPaused
    ) {
      void this._follower.refresh();
    }
  }

  /**
   * Set the tab's label: the job's name and the run's start time (the pod
   * name only in the tooltip).
   */
  private _updateRunTitle(): void {
    const trans = this._trans;
    const job = this._model?.get(this.key);
    const run = job
      ? (jobRuns(job).find(r => r.name === this.run) ?? null)
      : null;
    const short = runShortName(run, trans);
    this.title.label = job
      ? trans.__('%1 · %2', resourceLabel(job, trans), short)
      : trans.__('Run logs · %1', short);
    const named = run ? runName(run, trans) : trans.__('the run');
    this.title.caption = job
      ? trans.__(
          'Logs of %1 of %2 (%3; run %4)',
          named,
          resourceLabel(job, trans),
          jobTooltip(job, trans),
          this.run
        )
      : trans.__('Logs of run %1', this.run);
    this.content.node.setAttribute(
      'aria-label',
      job
        ? trans.__('Logs of %1 of %2', named, resourceLabel(job, trans))
        : trans.__('Logs of the run')
    );
  }

  private _follower: LogFollower;
  private _model: ResourceModel | null;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `RunLogsWidget` statics.
 */
export namespace RunLogsWidget {
  /**
   * Options to create the tab.
   */
  export interface IOptions {
    /**
     * The job's resource key (`saturn/job/{id}`).
     */
    key: string;
    /**
     * The job's Saturn id.
     */
    jobId: string;
    /**
     * The run name.
     */
    run: string;
    /**
     * Read the run's logs from line `since` on (0: every line so far).
     */
    fetch: (since: number) => Promise<IRunLogs>;
    /**
     * Milliseconds between fetches while the run is going.
     */
    interval?: number;
    /**
     * A ready-made follower (tests); else one is made from `fetch`.
     */
    follower?: LogFollower;
    /**
     * The application commands (the Stop button runs one).
     */
    commands: CommandRegistry;
    /**
     * The panel's model, for the job's name and the run's end; optional.
     */
    model: ResourceModel | null;
    trans: TranslationBundle;
  }

  /**
   * The DOM id of the tab of a run.
   */
  export function widgetId(jobId: string, run: string): string {
    return `saturn-panel-logs-${jobId}-${run}`;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * One line: its time (if any) and its text.
   */
  export function renderLine(line: ILogLine): HTMLElement {
    const node = document.createElement('div');
    node.className = 'jp-SaturnPanel-logLine';
    const time = parseTime(line.timestamp);
    if (time) {
      const stamp = document.createElement('time');
      stamp.className = 'jp-SaturnPanel-logTime';
      stamp.dateTime = time.toISOString();
      stamp.title = formatAbsoluteTime(time);
      stamp.textContent = time.toLocaleTimeString(undefined, {
        hour12: false
      });
      node.appendChild(stamp);
    }
    const text = document.createElement('span');
    text.className = 'jp-SaturnPanel-logText';
    text.textContent = line.content;
    node.appendChild(text);
    return node;
  }

  /**
   * The cell a notebook run is on, with a bar, while it goes.
   */
  export function CellProgress(props: IRunStateProps): JSX.Element | null {
    const { follower, trans } = props;
    const progress = follower.progress;
    if (!progress || follower.complete || follower.status === null) {
      return null;
    }
    if (!isActive(follower.status)) {
      return null;
    }
    const text = cellProgressText(progress, trans);
    return (
      <span className="jp-SaturnPanel-cellProgress" data-cell={progress.cell}>
        <ProgressBar
          progress={cellPercent(progress)}
          estimated={false}
          message={text}
          label={trans.__('Notebook progress: %1', text)}
          trans={trans}
        />
      </span>
    );
  }

  /**
   * Properties of `RunState`.
   */
  export interface IRunStateProps {
    readonly follower: LogFollower;
    readonly trans: TranslationBundle;
  }

  /**
   * The run's status and whether the tab still follows it.
   */
  export function RunState(props: IRunStateProps): JSX.Element {
    const { follower, trans } = props;
    let detail: string;
    if (follower.status === null) {
      detail = follower.error ? trans.__('unavailable') : trans.__('loading…');
    } else if (follower.complete) {
      detail = trans.__('finished');
    } else if (!isActive(follower.status)) {
      // Ended, its last lines not read yet: nothing to follow any more.
      detail = follower.isFollowing
        ? trans.__('reading the end…')
        : trans.__('not read to the end');
    } else if (!follower.isFollowing) {
      detail = trans.__('not following');
    } else if (follower.isPaused) {
      detail = trans.__('paused while hidden');
    } else {
      detail = trans.__('following…');
    }
    return (
      <span className="jp-SaturnPanel-logState">
        {follower.status && (
          <StatusBadge status={follower.status} trans={trans} />
        )}
        <span className="jp-SaturnPanel-logDetail">{detail}</span>
      </span>
    );
  }
}
