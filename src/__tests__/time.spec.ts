import { nullTranslator } from '@jupyterlab/translation';

import { formatDuration, formatRelativeTime, parseTime } from '../time';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const NOW = Date.parse('2026-11-21T22:45:50Z');

function ago(seconds: number): string {
  return formatRelativeTime(new Date(NOW - seconds * 1000), NOW, trans);
}

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [44, 'just now'],
    [-30, 'just now'],
    [-120, 'in the future'],
    [45, '1 minute ago'],
    [60, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [59 * 60, '59 minutes ago'],
    [60 * 60, '1 hour ago'],
    [3 * 3600 + 10, '3 hours ago'],
    [24 * 3600, '1 day ago'],
    [6 * 86400, '6 days ago'],
    [45 * 86400, '1 month ago'],
    [200 * 86400, '7 months ago'],
    [400 * 86400, '1 year ago'],
    [3 * 365 * 86400, '3 years ago']
  ])('%i s ago → %s', (seconds, text) => {
    expect(ago(seconds)).toBe(text);
  });
});

describe('parseTime', () => {
  it('parses the server timestamps and rejects garbage', () => {
    expect(parseTime('2026-11-21T22:45:43.524189Z')?.getTime()).toBe(
      Date.parse('2026-11-21T22:45:43.524Z')
    );
    expect(parseTime(null)).toBeNull();
    expect(parseTime('')).toBeNull();
    expect(parseTime('yesterday')).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5, '0 s'],
    [12.9, '12 s'],
    [59, '59 s'],
    [60, '1 min 00 s'],
    [75, '1 min 15 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h 00 min'],
    [7 * 3600 + 5 * 60 + 30, '7 h 05 min']
  ])('formats %p s as %p', (seconds, text) => {
    expect(formatDuration(seconds, trans)).toBe(text);
  });
});
