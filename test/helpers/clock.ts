/**
 * "Today" for the tests. `LC_TEST_TODAY=2028-02-29` (a date, read at the current time of day in
 * UTC, or a full ISO date-time) makes every clock-derived fixture and the time-skipping suites
 * run as of that day; unset, it is the real clock. Product code never reads it: only test helpers.
 *
 *   LC_TEST_TODAY=2027-01-31 npx jest test/workflows
 */
import { DateTime } from 'luxon';
import { DAY } from '../../domain/schedule';

export function testNow(): number {
  const v = process.env.LC_TEST_TODAY?.trim();
  if (!v) return Date.now();
  if (/^\d{4}-\d\d-\d\d$/.test(v)) {
    const now = new Date();
    const ms = now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return Date.parse(`${v}T00:00:00Z`) + ms;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Error(`LC_TEST_TODAY="${v}" is not a date such as 2028-02-29`);
  return t;
}

/** Whether the tests run as of another day than today (the time-skipping server then skips there first). */
export const asOfAnotherDay = () => !!process.env.LC_TEST_TODAY?.trim();

const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;
const LOCAL_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;
const UTC_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/;

/**
 * A story written with literal dates (the examples' 2027 timeline), run under the time-skipping
 * server, whose clock starts at today and only moves forward. While the story's first date is more
 * than a week ahead of today it runs as written; later it moves forward by whole weeks to start
 * within one to two weeks of today — same weekdays, same local times in `timeZone`, other days of
 * the month — so the suites hold on any day (and as of any LC_TEST_TODAY), not only before 2027.
 */
export class Story {
  readonly weeks: number;

  constructor(
    firstDate: string,
    now = testNow(),
    readonly timeZone = 'America/New_York',
  ) {
    const first = DateTime.fromISO(firstDate, { zone: timeZone }).toMillis();
    const week = 7 * DAY;
    this.weeks = first > now + week ? 0 : Math.ceil((now + week - first) / week);
  }

  /** A date literal of the story ('2027-05-17', '2027-05-17T13:00' in the zone, '…Z'), moved with it. */
  date(literal: string): string {
    const v = literal.trim();
    if (DATE_ONLY.test(v)) return DateTime.fromISO(v).plus({ weeks: this.weeks }).toISODate()!;
    if (LOCAL_DATE_TIME.test(v))
      return DateTime.fromISO(v, { zone: this.timeZone })
        .plus({ weeks: this.weeks })
        .toISO({
          includeOffset: false,
          suppressMilliseconds: true,
          suppressSeconds: !/T\d\d:\d\d:/.test(v),
        })!;
    if (UTC_DATE_TIME.test(v))
      return DateTime.fromISO(v, { zone: this.timeZone })
        .plus({ weeks: this.weeks })
        .toUTC()
        .toISO({ suppressMilliseconds: true })!;
    throw new Error(`not a date literal of the story: ${literal}`);
  }

  /** Every date literal anywhere in `value`, moved with the story. */
  shift<T>(value: T): T {
    const isDate = (v: string) => [DATE_ONLY, LOCAL_DATE_TIME, UTC_DATE_TIME].some((r) => r.test(v.trim()));
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return isDate(v) ? this.date(v) : v;
      if (v instanceof Date) return new Date(v.getTime() + this.weeks * 7 * DAY);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(value) as T;
  }
}
