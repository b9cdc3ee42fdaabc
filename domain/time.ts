import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

export function isTimeZone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

export const timeZoneSchema = z.string().refine(isTimeZone, (tz) => ({
  message: `unknown time zone "${tz}" (use an IANA name such as America/New_York)`,
}));

/** A date as people write it in a launch config (YAML may hand it over as a Date). */
export const dateInputSchema = z.union([z.string().trim().min(1), z.date()], {
  errorMap: () => ({ message: 'expected a date such as 2027-03-04 or 2027-03-04T09:00' }),
});
export type DateInput = z.infer<typeof dateInputSchema>;

/** The years a config's dates fall in: anything else is a typo (or "9999-12-31" meaning "never"). */
export const YEARS = { min: 1970, max: 2199 } as const;

/**
 * Reads a config's dates in its time zone as UTC instants (see toInstant). An unreadable date is
 * reported on `ctx` at `[...base, ...path]` and read as '', which the cross-field checks skip.
 */
export function instantReader(timeZone: string, ctx: z.RefinementCtx, base: (string | number)[] = []) {
  return (value: DateInput, path: (string | number)[]): string => {
    const text = value instanceof Date ? value.toISOString() : value;
    const instant = toInstant(text, timeZone);
    const year = instant ? new Date(instant).getUTCFullYear() : NaN;
    if (instant && year >= YEARS.min && year <= YEARS.max) return instant;
    if (instant) {
      ctx.addIssue({
        code: 'custom',
        path: [...base, ...path],
        message: `"${text}" is out of range: dates fall in the years ${YEARS.min} to ${YEARS.max}`,
      });
      return '';
    }
    ctx.addIssue({
      code: 'custom',
      path: [...base, ...path],
      message: `"${text}" is not a date (e.g. 2027-03-04)`,
    });
    return '';
  };
}

/**
 * A point in time as people write it in a config: an ISO date-time with an offset
 * ("2027-03-04T09:00:00-05:00", "…Z"), or a local date-time / date without one, read in the
 * collaborative's time zone (a bare date means 09:00 there). Normalised to a UTC ISO string.
 */
export function toInstant(value: string, timeZone: string): string | undefined {
  const hasOffset = /([zZ]|[+-]\d\d:?\d\d)$/.test(value);
  let dt = hasOffset
    ? DateTime.fromISO(value, { setZone: true })
    : DateTime.fromISO(value, { zone: timeZone });
  if (!dt.isValid) return undefined;
  if (/^\d{4}-\d\d-\d\d$/.test(value)) dt = dt.set({ hour: 9 });
  dt = dt.startOf('second'); // calendar invites carry whole seconds
  return dt.toUTC().toISO({ suppressMilliseconds: true }) ?? undefined;
}

export { formatInZone } from './dates';

/**
 * Monthly reporting periods from the month of `from` through the last month whose data is due
 * (day `dueDay` of the next month, 09:00 local) no later than `until`.
 */
export function monthlyPeriods(from: string, until: string, dueDay: number, timeZone: string) {
  const out: { id: string; start: string; due: string }[] = [];
  let month = DateTime.fromISO(from, { zone: 'utc' }).setZone(timeZone).startOf('month');
  for (;;) {
    const due = month.plus({ months: 1 }).set({ day: dueDay, hour: 9 });
    if (due.toMillis() > Date.parse(until)) return out;
    const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
    out.push({ id: month.toFormat('yyyy-MM'), start: iso(month), due: iso(due) });
    month = month.plus({ months: 1 });
  }
}

/**
 * `first`, then every `everyDays` days at the same local time in `timeZone`, while before `until`;
 * at most `limit` dates (a caller that refuses more than n asks for n + 1).
 */
export function repeatEveryDays(
  first: string,
  everyDays: number,
  until: string,
  timeZone: string,
  limit = Infinity,
): string[] {
  const start = DateTime.fromISO(first, { zone: 'utc' }).setZone(timeZone);
  const end = Date.parse(until);
  const out: string[] = [];
  for (let k = 0; ; k++) {
    const t = start.plus({ days: k * everyDays });
    if (t.toMillis() >= end || out.length >= limit) return out;
    out.push(t.toUTC().toISO({ suppressMilliseconds: true })!);
  }
}

/** An instant as ISO text, cut to whole seconds (calendar entries and periods carry no milliseconds). */
export const wholeSecondIso = (t: number) =>
  new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The reporting periods of a rehearsal in compressed time (see the config's `timeScale`): 30
 * programme days each from `from`, labelled with the months they stand for (the month of `from`,
 * then the next…), each due `dueDay` days into the next, while due no later than `until`.
 */
export function scaledPeriods(from: string, until: string, dueDay: number, dayMs: number, timeZone: string) {
  const out: { id: string; start: string; due: string }[] = [];
  const first = DateTime.fromISO(from, { zone: 'utc' }).setZone(timeZone).startOf('month');
  for (let k = 0; ; k++) {
    const start = Date.parse(from) + k * 30 * dayMs;
    const due = start + (30 + dueDay - 1) * dayMs;
    if (due > Date.parse(until)) return out;
    out.push({
      id: first.plus({ months: k }).toFormat('yyyy-MM'),
      start: wholeSecondIso(start),
      due: wholeSecondIso(due),
    });
  }
}

/** `first`, then every `stepMs` while before `until`; at most `limit` dates (compressed time). */
export function repeatEvery(first: string, stepMs: number, until: string, limit = Infinity): string[] {
  const out: string[] = [];
  for (let t = Date.parse(first); t < Date.parse(until) && out.length < limit; t += stepMs)
    out.push(wholeSecondIso(t));
  return out;
}
