/**
 * Relative and absolute time formatting for the rows.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * Parse an ISO 8601 timestamp; null for a missing or invalid one.
 */
export function parseTime(value: string | null | undefined): Date | null {
  if (!value) {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Format a past time relative to `now`: "just now", "5 minutes ago",
 * "1 hour ago", "3 days ago"... Times up to a minute in the future (clock
 * skew between browser and server) count as "just now".
 *
 * @param value - the time
 * @param now - the current time (epoch ms)
 * @param trans - the translation bundle
 */
export function formatRelativeTime(
  value: Date,
  now: number,
  trans: TranslationBundle
): string {
  const seconds = Math.round((now - value.getTime()) / 1000);
  if (seconds < -60) {
    return trans.__('in the future');
  }
  if (seconds < 45) {
    return trans.__('just now');
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return trans._n('%1 minute ago', '%1 minutes ago', minutes);
  }
  const hours = Math.round(seconds / 3600);
  if (hours < 24) {
    return trans._n('%1 hour ago', '%1 hours ago', hours);
  }
  const days = Math.round(seconds / 86400);
  if (days < 30) {
    return trans._n('%1 day ago', '%1 days ago', days);
  }
  const months = Math.round(days / 30.44);
  if (months < 12) {
    return trans._n('%1 month ago', '%1 months ago', months);
  }
  const years = Math.max(1, Math.round(days / 365.25));
  return trans._n('%1 year ago', '%1 years ago', years);
}

/**
 * Format a time in full, in the browser's locale, for a tooltip.
 */
export function formatAbsoluteTime(value: Date): string {
  return value.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium'
  } as Intl.DateTimeFormatOptions);
}

/**
 * Format a duration in seconds: "12 s", "3 min 05 s", "2 h 07 min".
 *
 * @param seconds - the duration (negative values count as 0)
 * @param trans - the translation bundle
 */
export function formatDuration(
  seconds: number,
  trans: TranslationBundle
): string {
  const total = Math.max(0, Math.floor(seconds));
  if (total < 60) {
    return trans.__('%1 s', total);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  const minutes = Math.floor(total / 60);
  if (minutes < 60) {
    return trans.__('%1 min %2 s', minutes, pad(total % 60));
  }
  const hours = Math.floor(minutes / 60);
  return trans.__('%1 h %2 min', hours, pad(minutes % 60));
}
