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

// ---- rules from plain choices (the launch wizard) ---------------------------------------------

/** How a rule series repeats, as the wizard offers it. */
export const RULE_PATTERNS = ['weekday-of-month', 'month-day', 'weekly', 'rrule'] as const;
export type RulePattern = (typeof RULE_PATTERNS)[number];
/** Which weeks of the month: 1 to 5, or -1 for the last. */
export const WEEKS_OF_MONTH = ['1', '2', '3', '4', '5', '-1'] as const;
export const WEEKDAY_CODES = CODES;
export const WEEKDAY_NAMES = DAYS.map((d) => d[0]!.toUpperCase() + d.slice(1));
const ORDINAL_WORDS: Record<string, string> = {
  '1': '1st',
  '2': '2nd',
  '3': '3rd',
  '4': '4th',
  '5': '5th',
  '-1': 'last',
};

/** What a coordinator chose: a pattern and its parts (codes MO…SU, weeks '1'…'5' or '-1'). */
export interface RuleChoices {
  pattern: RulePattern;
  weeks?: string[];
  weekday?: string;
  monthDay?: string;
  weekdays?: string[];
  rrule?: string;
}
export type ChoiceField = 'weeks' | 'weekday' | 'monthDay' | 'weekdays' | 'rrule';

/** "1st and 3rd", "1st, 2nd and 4th". */
const inWords = (parts: string[]) =>
  parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;

/**
 * The config's form of the choices: a readable `every` ("1st and 3rd Thursday", "month on day 10",
 * "Monday and Wednesday") or the expert's `rrule`; and the problems of the choices, each under its
 * field. A rule is given even with a problem where one can be read, so its other parts are checked too.
 */
export function ruleFromChoices(c: RuleChoices): {
  every?: string;
  rrule?: string;
  problems: { field: ChoiceField; message: string }[];
} {
  const problems: { field: ChoiceField; message: string }[] = [];
  const dayName = (code: string | undefined) => {
    const i = CODES.indexOf(code ?? '');
    return i < 0 ? undefined : WEEKDAY_NAMES[i];
  };
  switch (c.pattern) {
    case 'weekday-of-month': {
      const name = dayName(c.weekday);
      if (!name) problems.push({ field: 'weekday', message: 'choose the day of the week' });
      const weeks = WEEKS_OF_MONTH.filter((w) => (c.weeks ?? []).includes(w));
      if (!weeks.length)
        problems.push({
          field: 'weeks',
          message: 'choose which weeks of the month, e.g. 2nd, or 1st and 3rd',
        });
      if (weeks.includes('5'))
        problems.push({
          field: 'weeks',
          message: `a 5th ${name ?? 'weekday'} does not happen every month; choose 1st–4th or last`,
        });
      if (weeks.includes('-1') && weeks.includes('4'))
        problems.push({
          field: 'weeks',
          message: `the 4th and the last ${name ?? 'weekday'} are the same day in most months; choose one`,
        });
      if (!name || !weeks.length) return { problems };
      return { every: `${inWords(weeks.map((w) => ORDINAL_WORDS[w]!))} ${name}`, problems };
    }
    case 'month-day': {
      const text = (c.monthDay ?? '').trim();
      const n = Number(text);
      if (!text) return { problems: [{ field: 'monthDay', message: 'give the day of the month, e.g. 10' }] };
      if (!/^\d{1,2}$/.test(text) || n < 1 || n > 31)
        return {
          problems: [{ field: 'monthDay', message: `"${text}" is not a day of a month; give 1 to 28` }],
        };
      if (n > 28)
        problems.push({
          field: 'monthDay',
          message: `day ${n} is not in every month (February has 28 or 29 days); choose 1 to 28`,
        });
      return { every: `month on day ${n}`, problems };
    }
    case 'weekly': {
      const codes = CODES.filter((d) => (c.weekdays ?? []).includes(d));
      if (!codes.length)
        return { problems: [{ field: 'weekdays', message: 'choose at least one day of the week' }] };
      return { every: inWords(codes.map((d) => dayName(d)!)), problems };
    }
    case 'rrule': {
      const rrule = (c.rrule ?? '').trim();
      if (!rrule)
        return { problems: [{ field: 'rrule', message: 'write the rule, e.g. FREQ=MONTHLY;BYDAY=2TU' }] };
      return { rrule, problems };
    }
  }
}

/**
 * An RRULE line (as a launched series keeps it) read back as the wizard's choices, its end apart:
 * the plain patterns where it is one, else the rule itself (without UNTIL and COUNT) for experts.
 */
export function choicesFromRrule(rrule: string): { choices: RuleChoices; until?: Date; count?: number } {
  const body = rrule.trim().replace(/^RRULE:/i, '');
  const parts = new Map(
    body.split(';').map((kv) => {
      const [k, v = ''] = kv.split('=');
      return [k!.toUpperCase(), v.toUpperCase()] as const;
    }),
  );
  let until: Date | undefined;
  let count: number | undefined;
  try {
    const o = RRule.parseString(body);
    until = o.until ?? undefined;
    count = o.count ?? undefined;
  } catch {
    // Not a rule we can read: the expert's field keeps it as it is.
  }
  const rest = [...parts.keys()].filter(
    (k) => !['FREQ', 'BYDAY', 'BYMONTHDAY', 'UNTIL', 'COUNT', 'WKST'].includes(k),
  );
  const freq = parts.get('FREQ');
  const byday = parts.get('BYDAY')?.split(',') ?? [];
  const interval = parts.get('INTERVAL');
  const plain = rest.length === 0 || (rest.length === 1 && interval === '1');
  const raw = body
    .split(';')
    .filter((kv) => !/^(UNTIL|COUNT)=/i.test(kv))
    .join(';');
  const end = { ...(until ? { until } : {}), ...(count !== undefined ? { count } : {}) };
  if (plain && freq === 'MONTHLY' && byday.length && !parts.has('BYMONTHDAY')) {
    const read = byday.map((d) => /^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$/.exec(d));
    const day = read[0]?.[2];
    if (read.every((m) => m && m[2] === day && WEEKS_OF_MONTH.includes(String(Number(m[1])) as never)))
      return {
        choices: { pattern: 'weekday-of-month', weekday: day, weeks: read.map((m) => String(Number(m![1]))) },
        ...end,
      };
  }
  const monthDay = parts.get('BYMONTHDAY');
  if (plain && freq === 'MONTHLY' && !byday.length && monthDay && /^\d{1,2}$/.test(monthDay))
    return { choices: { pattern: 'month-day', monthDay }, ...end };
  if (plain && freq === 'WEEKLY' && byday.length && byday.every((d) => CODES.includes(d)))
    return { choices: { pattern: 'weekly', weekdays: byday }, ...end };
  return { choices: { pattern: 'rrule', rrule: raw }, ...end };
}

/** A rule in words for a summary: "monthly on the 2nd Tuesday", "weekly on Monday", else the rule. */
export function ruleInWords(rrule: string): string {
  const { choices, count } = choicesFromRrule(rrule);
  const rule = choices.pattern === 'rrule' ? undefined : ruleFromChoices(choices).every;
  const words =
    choices.pattern === 'weekday-of-month'
      ? `monthly on the ${rule}`
      : choices.pattern === 'month-day'
        ? `monthly on day ${choices.monthDay}`
        : choices.pattern === 'weekly'
          ? `weekly on ${rule}`
          : `by the rule ${choices.rrule}`;
  return count === undefined ? words : `${words}, ${count} calls`;
}
