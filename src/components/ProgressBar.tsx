/**
 * The progress of a starting resource.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/**
 * Properties of `ProgressBar`.
 */
export interface IProgressBarProps {
  /**
   * 0-100, or null when unknown (an indeterminate bar; for an estimate: no
   * basis for one yet).
   */
  readonly progress: number | null;
  /**
   * Whether the value is an estimate (Saturn gives no progress events).
   */
  readonly estimated: boolean;
  /**
   * The latest progress text from the backend.
   */
  readonly message: string | null;
  /**
   * The accessible name of the bar, e.g. "Starting dev".
   */
  readonly label: string;
  readonly trans: TranslationBundle;
}

/**
 * The text of a progress value: "40%", "~40% (estimate)", or for an unknown
 * one "Waiting for progress…" (hub) or "No estimate yet" (Saturn).
 */
export function progressText(
  progress: number | null,
  estimated: boolean,
  trans: TranslationBundle
): string {
  if (progress === null) {
    // An estimate with nothing to base it on (Saturn, no start of this size
    // seen yet): say so rather than make a number up; the message has the
    // time so far.
    return estimated
      ? trans.__('No estimate yet')
      : trans.__('Waiting for progress…');
  }
  const value = Math.round(progress);
  return estimated
    ? trans.__('~%1% (estimate)', value)
    : trans.__('%1%', value);
}

/**
 * A progress bar (`role="progressbar"`) with its value and the backend's
 * message under it.
 */
export function ProgressBar(props: IProgressBarProps): JSX.Element {
  const { progress, estimated, message, trans } = props;
  const text = progressText(progress, estimated, trans);
  const classes = ['jp-SaturnPanel-progressTrack'];
  if (progress === null) {
    classes.push('jp-mod-indeterminate');
  }
  if (estimated) {
    classes.push('jp-mod-estimated');
  }
  return (
    <div className="jp-SaturnPanel-progress">
      <div
        className={classes.join(' ')}
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress === null ? undefined : Math.round(progress)}
        aria-valuetext={message ? `${text} ${message}` : text}
      >
        <div
          className="jp-SaturnPanel-progressFill"
          style={{ width: progress === null ? undefined : `${progress}%` }}
        />
      </div>
      <div className="jp-SaturnPanel-progressText">
        <span className="jp-SaturnPanel-progressValue">{text}</span>
        {message && (
          <span className="jp-SaturnPanel-progressMessage" title={message}>
            {message}
          </span>
        )}
      </div>
    </div>
  );
}
