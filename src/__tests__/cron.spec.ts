import { nullTranslator } from '@jupyterlab/translation';

import {
  cronToPreset,
  DEFAULT_PRESET,
  describeCron,
  ISchedulePreset,
  presetToCron
} from '../jobs/cron';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

const preset = (change: Partial<ISchedulePreset>): ISchedulePreset => ({
  ...DEFAULT_PRESET,
  ...change
});

describe('presetToCron', () => {
  it('makes each preset a cron expression', () => {
    expect(presetToCron(preset({ frequency: 'hourly', minute: 15 }))).toBe(
      '15 * * * *'
    );
    expect(
      presetToCron(preset({ frequency: 'daily', hour: 7, minute: 30 }))
    ).toBe('30 7 * * *');
    expect(
      presetToCron(preset({ frequency: 'weekdays', hour: 18, minute: 0 }))
    ).toBe('0 18 * * 1-5');
    expect(
      presetToCron(preset({ frequency: 'weekly', day: 0, hour: 6, minute: 5 }))
    ).toBe('5 6 * * 0');
    expect(presetToCron(DEFAULT_PRESET)).toBe('0 7 * * *');
  });

  it('keeps a custom expression, blanks collapsed', () => {
    expect(
      presetToCron(preset({ frequency: 'custom', cron: '  */5   * * * * ' }))
    ).toBe('*/5 * * * *');
  });

  it('clamps fields out of range', () => {
    expect(
      presetToCron(
        preset({ frequency: 'weekly', day: 9, hour: 25, minute: -1 })
      )
    ).toBe('0 23 * * 6');
  });
});

describe('cronToPreset', () => {
  it('recognises every preset, and is presetToCron reversed', () => {
    const cases: ISchedulePreset[] = [
      preset({ frequency: 'hourly', minute: 45 }),
      preset({ frequency: 'daily', hour: 21, minute: 3 }),
      preset({ frequency: 'weekdays', hour: 8, minute: 0 }),
      preset({ frequency: 'weekly', day: 3, hour: 12, minute: 30 })
    ];
    for (const p of cases) {
      const cron = presetToCron(p);
      const back = cronToPreset(cron);
      expect(back.frequency).toBe(p.frequency);
      expect(presetToCron(back)).toBe(cron);
    }
    // 7 is Sunday too.
    expect(cronToPreset('0 9 * * 7')).toMatchObject({
      frequency: 'weekly',
      day: 0,
      hour: 9
    });
  });

  it('calls anything else custom, keeping the other fields', () => {
    for (const cron of [
      '* * * * *',
      '*/5 * * * *',
      '0 7 1 * *',
      '0 7 * * 1,3',
      '0 7-9 * * *',
      '@daily',
      'nonsense'
    ]) {
      const p = cronToPreset(cron, preset({ hour: 4 }));
      expect(p.frequency).toBe('custom');
      expect(p.cron).toBe(cron);
      expect(p.hour).toBe(4);
    }
  });
});

describe('describeCron', () => {
  it('says common schedules in words, with the time zone of a time', () => {
    expect(describeCron('* * * * *', trans)).toBe('every minute');
    expect(describeCron('*/15 * * * *', trans)).toBe('every 15 minutes');
    expect(describeCron('0 * * * *', trans)).toBe('every hour, on the hour');
    expect(describeCron('30 * * * *', trans)).toBe('every hour at :30');
    expect(describeCron('0 7 * * *', trans)).toBe('every day at 07:00 UTC');
    expect(describeCron('5 18 * * 1-5', trans)).toBe('weekdays at 18:05 UTC');
    expect(describeCron('0 6 * * 1', trans)).toBe('every Monday at 06:00 UTC');
    expect(describeCron('0 6 * * 7', trans)).toBe('every Sunday at 06:00 UTC');
    expect(describeCron('0 0 1 * *', trans)).toBe(
      'on day 1 of every month at 00:00 UTC'
    );
  });

  it('reads the macros', () => {
    expect(describeCron('@hourly', trans)).toBe('every hour, on the hour');
    expect(describeCron('@daily', trans)).toBe('every day at 00:00 UTC');
    expect(describeCron('@weekly', trans)).toBe('every Sunday at 00:00 UTC');
    expect(describeCron('@monthly', trans)).toBe(
      'on day 1 of every month at 00:00 UTC'
    );
    expect(describeCron('@yearly', trans)).toBe(
      'every year on 1 January at 00:00 UTC'
    );
  });

  it('shows other expressions as they are, with the time zone', () => {
    expect(describeCron('0 7 1,15 * *', trans)).toBe('cron 0 7 1,15 * * (UTC)');
    expect(describeCron('0 7 * * 1,3', trans, 'UTC')).toBe(
      'cron 0 7 * * 1,3 (UTC)'
    );
    expect(describeCron('not a cron', trans)).toBe('cron not a cron (UTC)');
    expect(describeCron('@every 4h', trans)).toBe(
      'every 4h from when it was scheduled'
    );
    expect(describeCron('@every  1h30m ', trans)).toBe(
      'every 1h30m from when it was scheduled'
    );
  });
});
