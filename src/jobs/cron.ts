/**
 * Cron schedules of Saturn jobs: the dialog's presets as cron expressions
 * and back, and a cron expression as a person reads it. Saturn runs
 * schedules in UTC; the times here are UTC times.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * How often a preset runs; `custom` is a free cron expression.
 */
export type ScheduleFrequency =
  'hourly' | 'daily' | 'weekdays' | 'weekly' | 'custom';

/**
 * The frequencies in the order the dialog offers them.
 */
export const SCHEDULE_FREQUENCIES: ReadonlyArray<ScheduleFrequency> = [
  'hourly',
  'daily',
  'weekdays',
  'weekly',
  'custom'
];

/**
 * A schedule as the dialog's preset fields hold it.
 */
export interface ISchedulePreset {
  readonly frequency: ScheduleFrequency;
  /**
   * 0-59: the minute of the hour (every preset).
   */
  readonly minute: number;
  /**
   * 0-23 (UTC): the hour of the day (daily, weekdays, weekly).
   */
  readonly hour: number;
  /**
   * 0-6, 0 = Sunday: the day of the week (weekly).
   */
  readonly day: number;
  /**
   * The free expression (custom).
   */
  readonly cron: string;
}

/**
 * The preset a new schedule starts from: every day at 07:00 UTC.
 */
export const DEFAULT_PRESET: ISchedulePreset = {
  frequency: 'daily',
  minute: 0,
  hour: 7,
  day: 1,
  cron: ''
};

/**
 * The cron expression of a preset (`custom`: its expression, trimmed).
 */
export function presetToCron(preset: ISchedulePreset): string {
  const minute = Private.clamp(preset.minute, 0, 59);
  const hour = Private.clamp(preset.hour, 0, 23);
  switch (preset.frequency) {
    case 'hourly':
      return `${minute} * * * *`;
    case 'daily':
      return `${minute} ${hour} * * *`;
    case 'weekdays':
      return `${minute} ${hour} * * 1-5`;
    case 'weekly':
      return `${minute} ${hour} * * ${Private.clamp(preset.day, 0, 6)}`;
    case 'custom':
      return Private.normalize(preset.cron);
  }
}

/**
 * The preset a cron expression is (for Edit schedule), else `custom` with
 * the expression; the other fields then keep `base`'s values.
 */
export function cronToPreset(
  cron: string,
  base: ISchedulePreset = DEFAULT_PRESET
): ISchedulePreset {
  const expression = Private.normalize(cron);
  const parsed = Private.parse(expression);
  const custom: ISchedulePreset = {
    ...base,
    frequency: 'custom',
    cron: expression
  };
  if (!parsed || parsed.minute === null) {
    return custom;
  }
  const { minute, hour, dom, month, dow } = parsed;
  if (dom !== '*' || month !== '*') {
    return custom;
  }
  if (hour === null) {
    return parsed.hourField === '*' && dow === '*'
      ? { ...base, frequency: 'hourly', minute, cron: expression }
      : custom;
  }
  if (dow === '*') {
    return { ...base, frequency: 'daily', minute, hour, cron: expression };
  }
  if (dow === '1-5') {
    return { ...base, frequency: 'weekdays', minute, hour, cron: expression };
  }
  const day = Private.dayNumber(dow);
  if (day !== null) {
    return {
      ...base,
      frequency: 'weekly',
      minute,
      hour,
      day,
      cron: expression
    };
  }
  return custom;
}

/**
 * The name of a day of the week (0 = Sunday, 7 = Sunday too).
 */
export function dayName(day: number, trans: TranslationBundle): string {
  switch (((day % 7) + 7) % 7) {
    case 0:
      return trans.__('Sunday');
    case 1:
      return trans.__('Monday');
    case 2:
      return trans.__('Tuesday');
    case 3:
      return trans.__('Wednesday');
    case 4:
      return trans.__('Thursday');
    case 5:
      return trans.__('Friday');
    default:
      return trans.__('Saturday');
  }
}

/**
 * A cron expression as a person reads it: "every minute", "every 15
 * minutes", "every hour at :30", "every day at 07:00 UTC", "weekdays at
 * 07:00 UTC", "every Monday at 07:00 UTC", "on day 1 of every month at
 * 00:00 UTC", "every 4h from when it was scheduled" (`@every 4h`); any
 * other expression as "cron 0 7 1,15 * * (UTC)".
 *
 * @param timezone - the schedule's time zone (Saturn's: UTC)
 */
export function describeCron(
  cron: string,
  trans: TranslationBundle,
  timezone = 'UTC'
): string {
  const expression = Private.normalize(cron);
  const every = /^@every (\S+)$/.exec(expression);
  if (every) {
    // Kubernetes counts these from when the schedule was set (or last ran).
    return trans.__('every %1 from when it was scheduled', every[1]);
  }
  const macro = Private.MACROS[expression.toLowerCase()];
  const parsed = Private.parse(macro ?? expression);
  const fallback = trans.__('cron %1 (%2)', expression, timezone);
  if (!parsed) {
    return fallback;
  }
  const { minute, hour, dom, month, dow, minuteField, hourField } = parsed;
  if (dom === '*' && month === '*' && dow === '*' && hourField === '*') {
    if (minuteField === '*') {
      return trans.__('every minute');
    }
    const step = /^\*\/(\d+)$/.exec(minuteField);
    if (step && Number(step[1]) >= 1 && Number(step[1]) <= 59) {
      return trans._n('every minute', 'every %1 minutes', Number(step[1]));
    }
    if (minute !== null) {
      return minute === 0
        ? trans.__('every hour, on the hour')
        : trans.__('every hour at :%1', Private.pad(minute));
    }
    return fallback;
  }
  if (minute === null || hour === null) {
    return fallback;
  }
  const time = trans.__('%1 %2', Private.time(hour, minute), timezone);
  if (month === '*' && dom === '*') {
    if (dow === '*') {
      return trans.__('every day at %1', time);
    }
    if (dow === '1-5') {
      return trans.__('weekdays at %1', time);
    }
    const day = Private.dayNumber(dow);
    if (day !== null) {
      return trans.__('every %1 at %2', dayName(day, trans), time);
    }
    return fallback;
  }
  if (month === '*' && dow === '*' && /^\d+$/.test(dom)) {
    const n = Number(dom);
    if (n >= 1 && n <= 31) {
      return trans.__('on day %1 of every month at %2', n, time);
    }
  }
  if (
    expression.toLowerCase() === '@yearly' ||
    expression.toLowerCase() === '@annually'
  ) {
    return trans.__('every year on 1 January at %1', time);
  }
  return fallback;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The macros Saturn accepts, as five fields.
   */
  export const MACROS: { [macro: string]: string } = {
    '@hourly': '0 * * * *',
    '@daily': '0 0 * * *',
    '@midnight': '0 0 * * *',
    '@weekly': '0 0 * * 0',
    '@monthly': '0 0 1 * *',
    '@yearly': '0 0 1 1 *',
    '@annually': '0 0 1 1 *'
  };

  /**
   * The five fields of an expression, with the minute and hour as numbers
   * when they are single values.
   */
  export interface IParsed {
    minuteField: string;
    hourField: string;
    minute: number | null;
    hour: number | null;
    dom: string;
    month: string;
    dow: string;
  }

  /**
   * Split an expression in its five fields, or null.
   */
  export function parse(expression: string): IParsed | null {
    const fields = expression.split(' ');
    if (fields.length !== 5 || fields.some(f => f === '')) {
      return null;
    }
    const [minuteField, hourField, dom, month, dow] = fields;
    return {
      minuteField,
      hourField,
      minute: single(minuteField, 59),
      hour: single(hourField, 23),
      dom,
      month,
      dow
    };
  }

  /**
   * A field that is one number in 0-max, else null.
   */
  export function single(field: string, max: number): number | null {
    if (!/^\d{1,2}$/.test(field)) {
      return null;
    }
    const value = Number(field);
    return value <= max ? value : null;
  }

  /**
   * A day-of-week field that is one day (0-7, 7 = Sunday), as 0-6.
   */
  export function dayNumber(field: string): number | null {
    const value = single(field, 7);
    return value === null ? null : value % 7;
  }

  /**
   * Collapse blanks.
   */
  export function normalize(cron: string): string {
    return cron.trim().split(/\s+/).join(' ');
  }

  /**
   * Two digits.
   */
  export function pad(value: number): string {
    return String(value).padStart(2, '0');
  }

  /**
   * `HH:MM`.
   */
  export function time(hour: number, minute: number): string {
    return `${pad(hour)}:${pad(minute)}`;
  }

  /**
   * An integer in [low, high].
   */
  export function clamp(value: number, low: number, high: number): number {
    const n = Number.isFinite(value) ? Math.round(value) : low;
    return Math.min(high, Math.max(low, n));
  }
}
