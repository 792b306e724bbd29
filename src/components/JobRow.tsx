/**
 * One Saturn job in the Jobs section: name (a notebook job: its notebook's
 * name), its latest run's status, a "Run now" button, its schedule with
 * Pause/Resume/Edit, and its recent runs with live status (a notebook run:
 * its cell), start time and duration, each with "Stop", "Show logs" and, for
 * a finished notebook run, "Open output".
 */
import {
  editIcon,
  notebookIcon,
  pauseIcon,
  runIcon,
  stopIcon,
  textEditorIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  cellPercent,
  ICellProgress,
  IResource,
  IRun,
  isActive,
  jobRuns,
  resourceLabel,
  runDuration
} from '../api';
import { describeCron } from '../jobs/cron';
import {
  cellProgressText,
  formatRunTime,
  jobNotebook,
  jobSchedule,
  jobTooltip,
  runName
} from '../jobs/names';
import { isFinishedRun } from '../jobs/outputCommand';
import { advanceRunClock, IRunClock, runClockSeconds } from '../jobs/runClock';
import {
  formatAbsoluteTime,
  formatDuration,
  formatRelativeTime,
  parseTime
} from '../time';
import { CommandIDs } from '../tokens';
import { CommandButton } from './CommandButton';
import { useRowFocus } from './rowFocus';
import type { IPanelContext } from './context';
import { LastKnownMark } from './LastKnown';
import { ProgressBar } from './ProgressBar';
import { ownerAndSize } from './RowMeta';
import { StatusBadge } from './StatusBadge';
import { useNow } from './useNow';

/**
 * Properties of `JobRow`.
 */
export interface IJobRowProps {
  readonly job: IResource;
  readonly context: IPanelContext;
  /**
   * Show the owner (when the list holds other users' jobs).
   */
  readonly showOwner: boolean;
  /**
   * The current time, for relative times.
   */
  readonly now: number;
  /**
   * The job is Saturn Cloud's last known state (stale or not answering).
   */
  readonly lastKnown?: boolean;
}

/**
 * A job row. Hooks for browser tests: `li.jp-SaturnPanel-row` with
 * `data-kind="job"`, `data-key`, `data-status`; each run
 * `.jp-SaturnPanel-run` with `data-run` and `data-status`.
 */
export function JobRow(props: IJobRowProps): JSX.Element {
  const { job, context, showOwner, now, lastKnown = false } = props;
  const { trans, commands, model } = context;
  const label = resourceLabel(job, trans);
  const focus = useRowFocus(job.key);
  const args = { key: job.key };
  const runs = jobRuns(job);

  const meta = ownerAndSize(job, trans, showOwner);
  const command = job.details.command;

  return (
    <li
      className={`jp-SaturnPanel-row jp-SaturnPanel-job jp-mod-${job.status}${
        model.isBusy(job.key) ? ' jp-mod-busy' : ''
      }${lastKnown ? ' jp-mod-stale' : ''}`}
      data-key={job.key}
      data-status={job.status}
      data-stale={lastKnown ? 'true' : undefined}
      data-backend={job.backend}
      data-kind={job.kind}
      {...focus}
    >
      <div className="jp-SaturnPanel-rowHeader">
        <span className="jp-SaturnPanel-name" title={jobTooltip(job, trans)}>
          {label}
        </span>
        {runs.length > 0 && <StatusBadge status={job.status} trans={trans} />}
        {lastKnown && (
          <LastKnownMark backend="saturn" context={context} now={now} />
        )}
        <span className="jp-SaturnPanel-actions">
          {job.actions.includes('run') && (
            <CommandButton
              commands={commands}
              id={CommandIDs.runJob}
              args={args}
              icon={runIcon}
              className="jp-mod-run"
            />
          )}
        </span>
      </div>
      {meta.length > 0 && <div className="jp-SaturnPanel-meta">{meta}</div>}
      <ScheduleLine job={job} context={context} />
      {job.message && (
        // The job's own problem (a schedule that never fires, a history Saturn did not give).
        <div
          className={`jp-SaturnPanel-message jp-mod-${job.status}`}
          role={job.status === 'error' ? 'alert' : undefined}
        >
          {job.message}
        </div>
      )}
      {typeof command === 'string' && command && (
        <code className="jp-SaturnPanel-command" title={command}>
          {command}
        </code>
      )}
      {runs.length > 0 ? (
        <ul
          className="jp-SaturnPanel-runs"
          aria-label={trans.__('Recent runs of %1', label)}
        >
          {runs.map(run => (
            <RunItem
              key={run.name}
              job={job}
              run={run}
              context={context}
              now={now}
            />
          ))}
        </ul>
      ) : (
        <div className="jp-SaturnPanel-noRuns">{trans.__('No runs yet.')}</div>
      )}
    </li>
  );
}

/**
 * Properties of `RunItem`.
 */
interface IRunItemProps {
  readonly job: IResource;
  readonly run: IRun;
  readonly context: IPanelContext;
  readonly now: number;
}

/**
 * One run: status, start time, duration, stop and logs buttons.
 */
function RunItem(props: IRunItemProps): JSX.Element {
  const { job, run, context, now } = props;
  const { trans, commands } = context;
  const args = { key: job.key, run: run.name };
  const started = parseTime(run.started);
  const active = isActive(run.status);
  const notebook = jobNotebook(job) !== null;
  const progress = active && notebook ? run.progress : null;
  // How far a finished notebook run got (also one that ran between two
  // reads of Saturn: the server reads its log once more when it ends).
  const reached = !active && notebook ? run.progress : null;
  const name = runName(run, trans, true, now);
  return (
    <li
      className={`jp-SaturnPanel-run jp-mod-${run.status}`}
      data-run={run.name}
      data-status={run.status}
      aria-label={name}
      title={trans.__('Pod: %1', run.name)}
    >
      <StatusBadge status={run.status} trans={trans} />
      {started ? (
        <time
          className="jp-SaturnPanel-runStarted"
          dateTime={started.toISOString()}
          title={trans.__('Started: %1', formatAbsoluteTime(started))}
        >
          {formatRelativeTime(started, now, trans)}
        </time>
      ) : (
        <span className="jp-SaturnPanel-runStarted">
          {trans.__('not started')}
        </span>
      )}
      {active ? (
        <LiveDuration run={run} context={context} />
      ) : (
        <Duration seconds={runDuration(run, now)} context={context} />
      )}
      {reached && <CellsReached run={run} progress={reached} trans={trans} />}
      <span className="jp-SaturnPanel-actions">
        {active && (
          <CommandButton
            commands={commands}
            id={CommandIDs.stopRun}
            args={args}
            icon={stopIcon}
            className="jp-mod-stop"
          />
        )}
        {notebook &&
          isFinishedRun(run) &&
          (run.status === 'completed' || run.status === 'error') && (
            <CommandButton
              commands={commands}
              id={CommandIDs.openOutput}
              args={args}
              icon={notebookIcon}
              className="jp-mod-output"
            />
          )}
        <CommandButton
          commands={commands}
          id={CommandIDs.openLogs}
          args={args}
          icon={textEditorIcon}
          className="jp-mod-logs"
        />
      </span>
      {progress && (
        <div
          className="jp-SaturnPanel-cellProgress"
          data-cell={progress.cell}
          data-cells={progress.cells}
        >
          <ProgressBar
            progress={cellPercent(progress)}
            estimated={false}
            message={cellProgressText(progress, trans)}
            label={trans.__(
              'Progress of %1: %2',
              runName(run, trans, false, now),
              cellProgressText(progress, trans)
            )}
            trans={trans}
          />
        </div>
      )}
    </li>
  );
}

/**
 * A job's schedule and next run, with Pause / Resume and Edit schedule;
 * nothing for a job without a schedule.
 */
function ScheduleLine(props: {
  readonly job: IResource;
  readonly context: IPanelContext;
}): JSX.Element | null {
  const { job, context } = props;
  const { trans, commands } = context;
  const schedule = jobSchedule(job);
  if (schedule.schedule === null) {
    return null;
  }
  const text = describeCron(schedule.schedule, trans, schedule.timezone);
  const args = { key: job.key };
  const next = schedule.scheduled ? parseTime(schedule.nextRun) : null;
  return (
    <div
      className={`jp-SaturnPanel-schedule${
        schedule.scheduled ? '' : ' jp-mod-paused'
      }`}
      data-scheduled={String(schedule.scheduled)}
      data-schedule={schedule.schedule}
    >
      <span
        className="jp-SaturnPanel-scheduleText"
        title={trans.__(
          'Schedule: %1 (cron %2, %3)',
          text,
          schedule.schedule,
          schedule.timezone
        )}
      >
        {schedule.scheduled
          ? trans.__('Scheduled: %1', text)
          : trans.__('Schedule paused (%1)', text)}
      </span>
      {next && (
        <time
          className="jp-SaturnPanel-nextRun"
          dateTime={next.toISOString()}
          title={formatAbsoluteTime(next)}
        >
          {trans.__('next run %1', formatRunTime(next, Date.now()))}
        </time>
      )}
      <span className="jp-SaturnPanel-actions">
        {schedule.scheduled ? (
          <CommandButton
            commands={commands}
            id={CommandIDs.pauseSchedule}
            args={args}
            icon={pauseIcon}
            className="jp-mod-pause"
          />
        ) : (
          <CommandButton
            commands={commands}
            id={CommandIDs.resumeSchedule}
            args={args}
            icon={runIcon}
            className="jp-mod-resume"
          />
        )}
        <CommandButton
          commands={commands}
          id={CommandIDs.editSchedule}
          args={args}
          icon={editIcon}
          className="jp-mod-editSchedule"
        />
      </span>
    </div>
  );
}

/**
 * How many cells a finished notebook run ran ("3/3 cells"), or where it
 * stopped ("failed at cell 2/3").
 */
function CellsReached(props: {
  readonly run: IRun;
  readonly progress: ICellProgress;
  readonly trans: IPanelContext['trans'];
}): JSX.Element {
  const { run, progress, trans } = props;
  const of = trans.__('%1/%2', progress.cell, progress.cells);
  let text: string;
  let title: string;
  if (run.status === 'completed') {
    text = trans.__('%1 cells', of);
    title = trans.__('Ran cell %1', of);
  } else if (run.status === 'error') {
    text = trans.__('failed at cell %1', of);
    title = trans.__('Failed while running cell %1', of);
  } else {
    text = trans.__('ended at cell %1', of);
    title = trans.__('Ended while running cell %1', of);
  }
  return (
    <span
      className="jp-SaturnPanel-runCells"
      data-cell={progress.cell}
      data-cells={progress.cells}
      title={title}
      style={{ flex: '0 0 auto' }}
    >
      {text}
    </span>
  );
}

/**
 * Properties of `Duration`.
 */
interface IDurationProps {
  readonly seconds: number | null;
  readonly context: IPanelContext;
}

/**
 * A run's duration.
 */
function Duration(props: IDurationProps): JSX.Element | null {
  const { seconds, context } = props;
  if (seconds === null) {
    return null;
  }
  const text = formatDuration(seconds, context.trans);
  return (
    <span
      className="jp-SaturnPanel-runDuration"
      title={context.trans.__('Duration: %1', text)}
    >
      {text}
    </span>
  );
}

/**
 * The duration of a run that is going, updated every second: counted from
 * the duration the server last confirmed (Saturn's own timestamps, as the
 * final duration is), so it agrees with the final duration and never shows
 * more (see `jobs/runClock.ts`).
 */
function LiveDuration(props: {
  readonly run: IRun;
  readonly context: IPanelContext;
}): JSX.Element | null {
  useNow(1000); // render every second
  const now = Date.now();
  const clock = React.useRef<IRunClock | null>(null);
  clock.current = advanceRunClock(clock.current, props.run.duration, now);
  if (clock.current === null) {
    return null;
  }
  const seconds = runClockSeconds(clock.current, now);
  const { trans } = props.context;
  const text = formatDuration(seconds, trans);
  return (
    <span
      className="jp-SaturnPanel-runDuration jp-mod-live"
      title={trans.__(
        'Going for at least %1 (as Saturn Cloud last saw the run)',
        text
      )}
    >
      {text}
    </span>
  );
}
