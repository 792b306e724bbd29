/**
 * One Saturn job in the Jobs section: name, its latest run's status, a "Run
 * now" button, and its recent runs with live status, start time and
 * duration, each with "Stop" and "Show logs" buttons.
 */
import { runIcon, stopIcon, textEditorIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  IResource,
  IRun,
  isActive,
  jobRuns,
  resourceLabel,
  runDuration
} from '../api';
import {
  formatAbsoluteTime,
  formatDuration,
  formatRelativeTime,
  parseTime
} from '../time';
import { CommandIDs } from '../tokens';
import { CommandButton } from './CommandButton';
import type { IPanelContext } from './context';
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
}

/**
 * A job row. Hooks for browser tests: `li.jp-SaturnPanel-row` with
 * `data-kind="job"`, `data-key`, `data-status`; each run
 * `.jp-SaturnPanel-run` with `data-run` and `data-status`.
 */
export function JobRow(props: IJobRowProps): JSX.Element {
  const { job, context, showOwner, now } = props;
  const { trans, commands, model } = context;
  const label = resourceLabel(job, trans);
  const args = { key: job.key };
  const runs = jobRuns(job);

  const meta = ownerAndSize(job, trans, showOwner);
  const command = job.details.command;

  return (
    <li
      className={`jp-SaturnPanel-row jp-SaturnPanel-job jp-mod-${job.status}${
        model.isBusy(job.key) ? ' jp-mod-busy' : ''
      }`}
      data-key={job.key}
      data-status={job.status}
      data-backend={job.backend}
      data-kind={job.kind}
    >
      <div className="jp-SaturnPanel-rowHeader">
        <span
          className="jp-SaturnPanel-name"
          title={trans.__('Saturn job %1', job.name)}
        >
          {label}
        </span>
        {runs.length > 0 && <StatusBadge status={job.status} trans={trans} />}
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
  return (
    <li
      className={`jp-SaturnPanel-run jp-mod-${run.status}`}
      data-run={run.name}
      data-status={run.status}
      title={trans.__('Run %1', run.name)}
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
        <CommandButton
          commands={commands}
          id={CommandIDs.openLogs}
          args={args}
          icon={textEditorIcon}
          className="jp-mod-logs"
        />
      </span>
    </li>
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
 * The duration of a run that is going, updated every second.
 */
function LiveDuration(props: {
  readonly run: IRun;
  readonly context: IPanelContext;
}): JSX.Element | null {
  const now = useNow(1000);
  return (
    <Duration seconds={runDuration(props.run, now)} context={props.context} />
  );
}
