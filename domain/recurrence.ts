/**
 * Recurrence rules for series of calls (RFC 5545 RRULE), as coordinators write them: an RRULE
 * string ("FREQ=MONTHLY;BYDAY=2TU") or a readable form ("2nd Tuesday", "1st and 3rd Thursday",
 * "month on day 10"), expanded to UTC instants in the collaborative's zone.
 *
 * The rule is expanded in floating local time (rrule's dates carry the local wall clock in their
 * UTC fields, no TZID) and each date is then placed in the zone with luxon: rrule's own TZID
 * support shifts times across DST, and 14:00 must stay 14:00 local all year.
 */
import { DateTime } from 'luxon';
import { RRule, type Options } from 'rrule';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const ORDINALS: Record<string, number> = {
  '1st': 1,
  first: 1,
  '2nd': 2,
  second: 2,
  '3rd': 3,
  third: 3,
  '4th': 4,
  fourth: 4,
  '5th': 5,
  fifth: 5,
  last: -1,
};

export const READABLE_EXAMPLES =
  '"2nd Tuesday", "1st and 3rd Thursday", "Tuesday", "other Monday" or "month on day 10"';

/** A readable form with an optional time of day ("2nd Tuesday 14:00"), read as an RRULE; else a problem. */
export function readableRule(text: string): { rrule: string; time?: string } | { problem: string } {
  let t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  let time: string | undefined;
  const at = / (?:at )?(\d{1,2}:\d\d)$/.exec(t);
  if (at) {
    time = at[1];
    t = t.slice(0, at.index);
  }
  t = t
    .replace(/^(?:every|monthly,?|each) /, '')
    .replace(/ (?:of )?(?:the|each|every) month$/, '')
    .replace(/^(?:on )?the /, '');
  const words = t.split(/,? and |, | /).filter((w) => w !== '');
  const unknownDay = (w: string) => `"${w}" in "${text}" is not a day of the week`;
  const day = (w: string) => DAYS.indexOf(w.replace(/s$/, ''));
  const done = (rrule: string) => ({ rrule, ...(time ? { time } : {}) });

  const monthDay =
    /^(?:month on )?(?:day|the) (\d{1,2})(?:st|nd|rd|th)?$/.exec(t) ??
    /^month on (\d{1,2})(?:st|nd|rd|th)?$/.exec(t);
  if (monthDay) {
    const n = Number(monthDay[1]);
    if (n < 1 || n > 31) return { problem: `day ${n} in "${text}" is not a day of a month (1 to 31)` };
    return done(`FREQ=MONTHLY;BYMONTHDAY=${n}`);
  }
  const last = words[words.length - 1];
  if (words.length >= 2 && words.slice(0, -1).every((w) => w in ORDINALS)) {
    if (!last || day(last) < 0) return { problem: unknownDay(last ?? '') };
    const code = CODES[day(last)];
    const byday = words.slice(0, -1).map((w) => `${ORDINALS[w]}${code}`);
    return done(`FREQ=MONTHLY;BYDAY=${byday.join(',')}`);
  }
  if (words[0] === 'other' && words.length >= 2) {
    const bad = words.slice(1).find((w) => day(w) < 0);
    if (bad) return { problem: unknownDay(bad) };
    return done(
      `FREQ=WEEKLY;INTERVAL=2;BYDAY=${words
        .slice(1)
        .map((w) => CODES[day(w)])
        .join(',')}`,
    );
  }
  if (words.length >= 1 && words.every((w) => day(w) >= 0))
    return done(`FREQ=WEEKLY;BYDAY=${words.map((w) => CODES[day(w)]).join(',')}`);
  const ordinalLike = words.find((w) => /^\d+(st|nd|rd|th)$/.test(w) && !(w in ORDINALS));
  if (ordinalLike)
    return {
      problem: `"${ordinalLike}" in "${text}": a month has at most 5 of each weekday (1st to 5th, or last)`,
    };
  const misspelt = words.length >= 2 && words.slice(0, -1).every((w) => w in ORDINALS) ? last : undefined;
  if (misspelt) return { problem: unknownDay(misspelt) };
  return { problem: `could not read "${text}" as a repeat; write for example ${READABLE_EXAMPLES}` };
}

/** The rule part we keep from an RRULE string: DTSTART, TZID and times of day come from the config. */
export function ruleOptions(rrule: string): { options: Partial<Options> } | { problem: string } {
  const body = rrule.trim().replace(/^RRULE:/i, '');
  if (/DTSTART|TZID/i.test(body))
    return { problem: 'give the start as "from" and the time as "time", not inside the rule' };
  if (/BYHOUR|BYMINUTE|BYSECOND/i.test(body))
    return { problem: 'give the time of day as "time", not inside the rule' };
  const byday = /BYDAY=([^;]*)/i.exec(body)?.[1];
  if (byday && !byday.split(',').every((d) => /^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$/i.test(d.trim())))
    return { problem: `BYDAY=${byday} in "${rrule}" names a day that is not MO, TU, WE, TH, FR, SA or SU` };
  let options: Partial<Options>;
  try {
    options = RRule.parseString(body);
  } catch {
    return { problem: `"${rrule}" is not a recurrence rule (RFC 5545), e.g. FREQ=MONTHLY;BYDAY=2TU` };
  }
  if (options.freq === undefined) return { problem: `"${rrule}" has no FREQ (e.g. FREQ=MONTHLY)` };
  if (![RRule.DAILY, RRule.WEEKLY, RRule.MONTHLY, RRule.YEARLY].includes(options.freq))
    return {
      problem: 'calls repeat daily, weekly, monthly or yearly (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)',
    };
  return { options };
}

export interface Expansion {
  /** A local date ('YYYY-MM-DD') the series starts on or after. */
  from: string;
  /** The local time of day, 'HH:MM'. */
  time: string;
  timeZone: string;
  /** No call at or after this instant. */
  until: string;
  count?: number;
  /** At most this many calls (a caller that refuses more than n asks for n + 1). */
  limit: number;
}

/** The floating local date-time of rrule's dates ('YYYY-MM-DDTHH:MM'). */
const floatingText = (d: Date) => d.toISOString().slice(0, 16);

/** A floating local date-time placed in the zone, as a UTC instant without milliseconds. */
export function localToInstant(local: string, timeZone: string): string {
  return DateTime.fromISO(local, { zone: timeZone }).toUTC().toISO({ suppressMilliseconds: true })!;
}

/** The local date-time ('YYYY-MM-DDTHH:MM') of an instant in the zone. */
export function instantToLocal(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** Every occurrence of the rule, as UTC instants in time order. */
export function expandRule(options: Partial<Options>, x: Expansion): string[] {
  const [h, m] = x.time.split(':').map(Number) as [number, number];
  const [y, mo, d] = x.from.split('-').map(Number) as [number, number, number];
  const end = Date.parse(x.until);
  // The end as a floating date too, so that a rule that never matches stops there (not in 9999).
  const floatingEnd = new Date(`${instantToLocal(x.until, x.timeZone)}:00Z`);
  const ruleEnd = options.until && options.until < floatingEnd ? options.until : floatingEnd;
  const rule = new RRule({
    ...options,
    ...(x.count !== undefined ? { count: x.count } : {}),
    until: ruleEnd,
    dtstart: new Date(Date.UTC(y, mo - 1, d, h, m)),
    tzid: null,
  });
  const out: string[] = [];
  rule.all((date) => {
    const instant = localToInstant(floatingText(date), x.timeZone);
    if (Date.parse(instant) >= end || out.length >= x.limit) return false;
    out.push(instant);
    return true;
  });
  return out;
}

/** The instant a local date ends (midnight after it) in the zone. */
export function endOfLocalDate(date: string, timeZone: string): string {
  return DateTime.fromISO(date, { zone: timeZone })
    .plus({ days: 1 })
    .toUTC()
    .toISO({ suppressMilliseconds: true })!;
}

/** The RRULE line of a rule (without DTSTART): with COUNT when it counts, else ending at `until` (UTC). */
export function rruleLine(options: Partial<Options>, until?: string, count?: number): string {
  const o: Partial<Options> = { ...options, dtstart: null, tzid: null };
  if (count !== undefined) o.count = count;
  else if (until) o.until = new Date(until);
  return RRule.optionsToString(o).replace(/^RRULE:/, '');
}
