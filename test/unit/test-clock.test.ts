/**
 * The clock-derived fixtures hold on every day: each is built as of every day of a leap year, at
 * the start, middle and end of the UTC day, and on the DST change days, and must give the shape
 * its suite relies on. A fixture that holds only on some days of the month fails here, not in CI
 * on the 1st.
 */
import { DateTime } from 'luxon';
import { parseLaunchConfig } from '../../domain/config';
import { ms } from '../../domain/schedule';
import { MEASURES } from '../helpers/measures';
import { compressedConfig, exampleConfig, twoPeriodConfig } from '../helpers/configs';
import { Story, testNow } from '../helpers/clock';

const DAYS_2028 = Array.from({ length: 366 }, (_, i) => DateTime.utc(2028, 1, 1).plus({ days: i }));
/** Spring and autumn changes in New York, Sydney and London, 2027–2028. */
const DST_DAYS = ['2027-03-14', '2027-11-07', '2027-04-04', '2027-10-03', '2028-03-26', '2028-10-29'];
const TIMES = [
  { hour: 0, minute: 5 },
  { hour: 13, minute: 30 },
  { hour: 23, minute: 55 },
];
const MOMENTS = [...DAYS_2028, ...DST_DAYS.map((d) => DateTime.fromISO(d, { zone: 'utc' }))].flatMap((d) =>
  TIMES.map((t) => d.set(t).toMillis()),
);

describe('clock-derived fixtures, as of every day of 2028 and the DST days', () => {
  it('covers 366 days and the DST days', () => {
    expect(new Set(DAYS_2028.map((d) => d.toISODate())).size).toBe(366);
    expect(DAYS_2028.some((d) => d.toISODate() === '2028-02-29')).toBe(true);
    expect(MOMENTS).toHaveLength((366 + DST_DAYS.length) * TIMES.length);
  });

  it('twoPeriodConfig: the current period has started, the next starts at least 6 hours later', () => {
    const wrong: string[] = [];
    for (const now of MOMENTS) {
      const raw = twoPeriodConfig('tp', now, 10);
      raw.metrics = { dueDay: 10, measures: MEASURES };
      const { schedule } = parseLaunchConfig(raw);
      const [a, b, ...rest] = schedule.periods;
      const ok = a && b && rest.length === 0 && ms(a.start) <= now && ms(b.start) >= now + 6 * 3600_000;
      if (!ok) wrong.push(`${new Date(now).toISOString()}: ${schedule.periods.map((p) => p.id).join(', ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('compressedConfig reads as a valid schedule at any moment', () => {
    for (const now of MOMENTS) expect(() => parseLaunchConfig(compressedConfig('cc', now))).not.toThrow();
  });

  it('the example story moves by whole weeks: same weekdays and local times, starting 1–2 weeks ahead', () => {
    const original = parseLaunchConfig(exampleConfig()).schedule;
    const local = (iso: string) => DateTime.fromISO(iso).setZone('America/New_York').toFormat('ccc HH:mm');
    for (const now of MOMENTS.filter((_, i) => i % 5 === 0)) {
      const story = new Story('2027-01-11', now);
      const moved = parseLaunchConfig(story.shift(exampleConfig())).schedule;
      const lead = ms(moved.announcement!) - now;
      expect(lead).toBeGreaterThan(7 * 86_400_000);
      if (story.weeks > 0) expect(lead).toBeLessThanOrEqual(14 * 86_400_000 + 3600_000);
      for (const k of ['learningSessions', 'informationalCalls'] as const)
        expect(moved[k].map((l) => local(l.start))).toEqual(original[k].map((l) => local(l.start)));
      expect(moved.consultation[1]!.calls.map(local)).toEqual(original.consultation[1]!.calls.map(local));
      // the same span, give or take the DST hours it now straddles differently
      expect(
        Math.abs(ms(moved.end) - ms(moved.announcement!) - (ms(original.end) - ms(original.announcement!))),
      ).toBeLessThanOrEqual(2 * 3600_000);
      expect(moved.periods.length).toBeGreaterThanOrEqual(9);
    }
    // Before the story's first week it runs as written.
    expect(new Story('2027-01-11', Date.parse('2026-12-01T12:00:00Z')).weeks).toBe(0);
    expect(new Story('2027-01-11', Date.parse('2027-01-31T12:00:00Z')).weeks).toBe(4);
    const story = new Story('2027-01-11', Date.parse('2027-01-31T12:00:00Z'));
    expect(story.date('2027-05-17')).toBe('2027-06-14');
    expect(story.date('2027-03-10T12:00')).toBe('2027-04-07T12:00'); // across the DST change: same wall time
    expect(story.date('2027-03-05T17:00:00Z')).toBe('2027-04-02T16:00:00Z');
  });

  it('LC_TEST_TODAY moves "today" for the test helpers only', () => {
    const saved = process.env.LC_TEST_TODAY;
    try {
      process.env.LC_TEST_TODAY = '2028-02-29';
      expect(new Date(testNow()).toISOString().slice(0, 10)).toBe('2028-02-29');
      process.env.LC_TEST_TODAY = '2027-03-14T06:30:00Z';
      expect(testNow()).toBe(Date.parse('2027-03-14T06:30:00Z'));
      process.env.LC_TEST_TODAY = 'someday';
      expect(() => testNow()).toThrow(/not a date/);
    } finally {
      if (saved === undefined) delete process.env.LC_TEST_TODAY;
      else process.env.LC_TEST_TODAY = saved;
    }
  });
});
