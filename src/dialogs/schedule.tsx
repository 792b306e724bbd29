/**
 * The schedule dialog: presets (hourly, daily, weekdays, weekly at a time)
 * or a free cron expression, checked by the server as the user types, with
 * the next three runs in the user's time; for a notebook, its papermill
 * parameters too.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IParameters, ISchedulePreview } from '../api';
import {
  cronToPreset,
  dayName,
  DEFAULT_PRESET,
  describeCron,
  ISchedulePreset,
  presetToCron,
  ScheduleFrequency,
  SCHEDULE_FREQUENCIES
} from '../jobs/cron';
import { IParametersParse, parseParameters } from '../jobs/parameters';
import { FormBody, FormErrors, lastResultByText } from './form';

/**
 * What the schedule dialog gives.
 */
export interface IScheduleValue {
  /**
   * The cron expression (UTC).
   */
  readonly schedule: string;
  /**
   * The papermill parameters (empty without the parameters field).
   */
  readonly parameters: IParameters;
}

/**
 * The state of the server's check of the expression.
 */
interface ICheck {
  readonly cron: string;
  readonly state: 'checking' | 'ok' | 'error';
  readonly next: ReadonlyArray<string>;
  readonly timezone: string;
  readonly message: string | null;
}

/**
 * The body of the schedule dialog.
 */
export class ScheduleBody extends FormBody<IScheduleValue> {
  /**
   * Create the body; the first check of the expression starts at once.
   */
  constructor(options: ScheduleBody.IOptions) {
    super(options.submit);
    this._options = options;
    this._preset = options.schedule
      ? cronToPreset(options.schedule)
      : DEFAULT_PRESET;
    this._cron = options.schedule ?? presetToCron(this._preset);
    this._text = options.text ?? '';
    this.addClass('jp-SaturnPanel-scheduleForm');
    this._check(0);
  }

  /**
   * The cron expression as it stands.
   */
  get cron(): string {
    return this._cron.trim();
  }

  /**
   * The parameters text as typed (to offer it again next time).
   */
  get text(): string {
    return this._text;
  }

  handlesEnter(target: EventTarget | null): boolean {
    return target instanceof HTMLTextAreaElement;
  }

  getValue(): IScheduleValue {
    return {
      schedule: this.cron,
      parameters: this._options.withParameters ? this._parse().parameters : {}
    };
  }

  isValid(): boolean {
    const check = this._result;
    return (
      check.cron === this.cron &&
      check.state === 'ok' &&
      (!this._options.withParameters || this._parse().errors.length === 0)
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._cancel();
    super.dispose();
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    const preset = this._preset;
    const frequency = preset.frequency;
    const time = `${Private.pad(preset.hour)}:${Private.pad(preset.minute)}`;
    return (
      <div className="jp-SaturnPanel-formFields">
        {this._options.description && (
          <div className="jp-SaturnPanel-fieldHelp">
            {this._options.description}
          </div>
        )}
        <div className="jp-SaturnPanel-scheduleFields">
          <label className="jp-SaturnPanel-field">
            <span>{trans.__('Repeat')}</span>
            <select
              className="jp-mod-styled"
              name="frequency"
              value={frequency}
              onChange={event =>
                this._setPreset({
                  frequency: event.target.value as ScheduleFrequency,
                  cron: this.cron
                })
              }
            >
              {SCHEDULE_FREQUENCIES.map(f => (
                <option key={f} value={f}>
                  {Private.frequencyLabel(f, trans)}
                </option>
              ))}
            </select>
          </label>
          {frequency === 'weekly' && (
            <label className="jp-SaturnPanel-field">
              <span>{trans.__('On')}</span>
              <select
                className="jp-mod-styled"
                name="day"
                value={preset.day}
                onChange={event =>
                  this._setPreset({ day: Number(event.target.value) })
                }
              >
                {[1, 2, 3, 4, 5, 6, 0].map(day => (
                  <option key={day} value={day}>
                    {dayName(day, trans)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {frequency === 'hourly' && (
            <label className="jp-SaturnPanel-field">
              <span>{trans.__('Minutes past the hour')}</span>
              <input
                className="jp-mod-styled"
                type="number"
                name="minute"
                min={0}
                max={59}
                value={preset.minute}
                onChange={event => {
                  const minute = Number(event.target.value);
                  if (Number.isInteger(minute) && minute >= 0 && minute < 60) {
                    this._setPreset({ minute });
                  }
                }}
              />
            </label>
          )}
          {(frequency === 'daily' ||
            frequency === 'weekdays' ||
            frequency === 'weekly') && (
            <label className="jp-SaturnPanel-field">
              <span>{trans.__('At (UTC)')}</span>
              <input
                className="jp-mod-styled"
                type="time"
                name="time"
                value={time}
                onChange={event => {
                  const match = /^(\d{1,2}):(\d{2})/.exec(event.target.value);
                  if (match) {
                    this._setPreset({
                      hour: Number(match[1]),
                      minute: Number(match[2])
                    });
                  }
                }}
              />
            </label>
          )}
        </div>
        <label className="jp-SaturnPanel-field">
          <span>{trans.__('Cron expression (UTC)')}</span>
          <input
            className="jp-mod-styled jp-SaturnPanel-cronInput"
            type="text"
            name="cron"
            spellCheck={false}
            autoComplete="off"
            aria-describedby="saturn-panel-cron-help"
            aria-invalid={this._result.state === 'error' ? true : undefined}
            value={this._cron}
            onChange={event => this._setCron(event.target.value)}
          />
          <span
            id="saturn-panel-cron-help"
            className="jp-SaturnPanel-fieldHelp"
          >
            {trans.__(
              'Five fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * 1-5"; or @hourly, @daily, @weekly. Saturn Cloud runs schedules in UTC.'
            )}
          </span>
        </label>
        {this._renderCheck()}
        {this._options.withParameters && this._renderParameters()}
        {this.renderFeedback(trans.__('Scheduling…'))}
      </div>
    );
  }

  /**
   * The server's check: the next runs in the user's time, or what is wrong.
   */
  private _renderCheck(): JSX.Element {
    const trans = this._options.trans;
    const check = this._result;
    if (!this.cron) {
      return (
        <div className="jp-SaturnPanel-schedulePreview" role="status">
          {trans.__('Type a cron expression, or pick a preset.')}
        </div>
      );
    }
    if (check.cron !== this.cron || check.state === 'checking') {
      return (
        <div
          className="jp-SaturnPanel-schedulePreview"
          role="status"
          data-state="checking"
        >
          {trans.__('Checking the schedule…')}
        </div>
      );
    }
    if (check.state === 'error') {
      return (
        <div
          className="jp-SaturnPanel-schedulePreview jp-mod-error"
          role="alert"
          data-state="error"
        >
          {check.message}
        </div>
      );
    }
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return (
      <div
        className="jp-SaturnPanel-schedulePreview"
        role="status"
        data-state="ok"
      >
        <div className="jp-SaturnPanel-scheduleSummary">
          {trans.__(
            'Runs %1 (time zone of the schedule: %2).',
            describeCron(check.cron, trans, check.timezone),
            check.timezone
          )}
        </div>
        <div>
          {local
            ? trans.__('Next runs, in your time (%1):', local)
            : trans.__('Next runs, in your time:')}
        </div>
        <ol className="jp-SaturnPanel-nextRuns">
          {check.next.map(iso => {
            const date = new Date(iso);
            return (
              <li key={iso}>
                <time dateTime={iso} title={iso}>
                  {Number.isNaN(date.getTime())
                    ? iso
                    : date.toLocaleString(undefined, {
                        weekday: 'short',
                        year: 'numeric',
                        month: 'short',
                        day: 'numeric',
                        hour: '2-digit',
                        minute: '2-digit'
                      })}
                </time>
              </li>
            );
          })}
        </ol>
      </div>
    );
  }

  /**
   * The papermill parameters field, as in the run dialog.
   */
  private _renderParameters(): JSX.Element {
    const trans = this._options.trans;
    const parsed = this._parse();
    return (
      <>
        <label className="jp-SaturnPanel-field">
          <span>{trans.__('Parameters (optional)')}</span>
          <textarea
            className="jp-mod-styled jp-SaturnPanel-parametersText"
            name="parameters"
            aria-label={trans.__('Papermill parameters')}
            aria-invalid={parsed.errors.length > 0 ? true : undefined}
            rows={4}
            spellCheck={false}
            placeholder={this._options.placeholder ?? 'region = "eu-west"'}
            value={this._text}
            onChange={event => {
              this._text = event.target.value;
              this.serverError = null;
              this.update();
            }}
          />
          <span className="jp-SaturnPanel-fieldHelp">
            {trans.__(
              'One name = value per line, passed to papermill as -p name value on every scheduled run.'
            )}
          </span>
        </label>
        <FormErrors errors={parsed.errors} />
      </>
    );
  }

  /**
   * Change preset fields; the expression follows (a custom one is kept).
   */
  private _setPreset(change: Partial<ISchedulePreset>): void {
    this._preset = { ...this._preset, ...change };
    if (this._preset.frequency !== 'custom') {
      this._cron = presetToCron(this._preset);
    }
    this.serverError = null;
    this._check(this._options.delay ?? 300);
    this.update();
  }

  /**
   * The expression typed: the preset fields follow when it is a preset.
   */
  private _setCron(text: string): void {
    this._cron = text;
    this._preset = cronToPreset(text, this._preset);
    this.serverError = null;
    this._check(this._options.delay ?? 300);
    this.update();
  }

  /**
   * Ask the server about the expression after `delay` ms of quiet.
   */
  private _check(delay: number): void {
    this._cancel();
    const cron = this.cron;
    if (!cron) {
      this._result = { ...Private.EMPTY, cron };
      return;
    }
    if (this._result.cron === cron && this._result.state !== 'checking') {
      return;
    }
    this._result = { ...Private.EMPTY, cron, state: 'checking' };
    const controller = new AbortController();
    this._abort = controller;
    this._timer = setTimeout(() => {
      this._timer = null;
      this._options
        .preview(cron, controller.signal)
        .then(answer => {
          if (controller.signal.aborted) {
            return;
          }
          this._result = {
            cron,
            state: 'ok',
            next: answer.next,
            timezone: answer.timezone,
            message: null
          };
        })
        .catch(error => {
          if (controller.signal.aborted) {
            return;
          }
          this._result = {
            ...Private.EMPTY,
            cron,
            state: 'error',
            message: this._options.errorText(error)
          };
        })
        .finally(() => {
          if (!controller.signal.aborted && !this.isDisposed) {
            this.update();
          }
        });
    }, delay);
  }

  /**
   * Forget a check in progress.
   */
  private _cancel(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this._abort?.abort();
    this._abort = null;
  }

  /**
   * The parse of the parameters text.
   */
  private _parse(): IParametersParse {
    return this._parseText(this._text);
  }

  private _options: ScheduleBody.IOptions;
  private _preset: ISchedulePreset;
  private _cron: string;
  private _text: string;
  private _result: ICheck = Private.EMPTY;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _abort: AbortController | null = null;
  private _parseText = lastResultByText(text =>
    parseParameters(text, this._options.trans)
  );
}

/**
 * The namespace for `ScheduleBody` statics.
 */
export namespace ScheduleBody {
  /**
   * Options of the schedule body.
   */
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * What will be scheduled.
     */
    description?: string;
    /**
     * The expression to start with (Edit schedule); a daily preset without.
     */
    schedule?: string;
    /**
     * Whether to ask for papermill parameters (a notebook).
     */
    withParameters: boolean;
    /**
     * The parameters text to start with.
     */
    text?: string;
    /**
     * The placeholder of the parameters (the notebook's parameters cell).
     */
    placeholder?: string;
    /**
     * Milliseconds of quiet before the expression is checked (default 300).
     */
    delay?: number;
    /**
     * Ask the server about an expression (`POST saturn/schedule-preview`).
     */
    preview: (cron: string, signal: AbortSignal) => Promise<ISchedulePreview>;
    /**
     * The message of a refused expression (the server's).
     */
    errorText: (error: unknown) => string;
    /**
     * Schedule; resolve an error message to keep the dialog open.
     */
    submit: (value: IScheduleValue) => Promise<string | null>;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * No check yet.
   */
  export const EMPTY: ICheck = {
    cron: '',
    state: 'checking',
    next: [],
    timezone: 'UTC',
    message: null
  };

  /**
   * Two digits.
   */
  export function pad(value: number): string {
    return String(value).padStart(2, '0');
  }

  /**
   * The label of a frequency.
   */
  export function frequencyLabel(
    frequency: ScheduleFrequency,
    trans: TranslationBundle
  ): string {
    switch (frequency) {
      case 'hourly':
        return trans.__('Every hour');
      case 'daily':
        return trans.__('Every day');
      case 'weekdays':
        return trans.__('Weekdays (Monday to Friday)');
      case 'weekly':
        return trans.__('Every week');
      case 'custom':
        return trans.__('Custom (cron expression)');
    }
  }
}
