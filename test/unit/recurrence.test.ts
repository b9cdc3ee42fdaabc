/**
 * Recurrence rules expanded in the collaborative's zone (domain/recurrence.ts), compared with an
 * independent expansion: ical.js iterates the same RRULE in floating time, and Intl (not luxon)
 * reads our instants back as local wall-clock times.
 */
import ICAL from 'ical.js';
import { expandRule, readableRule, ruleOptions } from '../../domain/recurrence';

/** The wall-clock time of an instant in a zone, 'YYYY-MM-DDTHH:MM', by Intl. */
function wallClock(instant: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** ical.js's occurrences of `rrule` from `dtstart` (itself an occurrence), local, before `before`. */
function icalOccurrences(rrule: string, dtstart: string, before: string): string[] {
  const it = ICAL.Recur.fromString(rrule).iterator(ICAL.Time.fromDateTimeString(`${dtstart}:00`));
  const out: string[] = [];
  for (let t = it.next(); t && t.toString().slice(0, 16) < before; t = it.next())
    out.push(t.toString().slice(0, 16));
  return out;
}

function ours(rule: string, from: string, time: string, timeZone: string, until: string) {
  const parsed = ruleOptions(rule);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return expandRule(parsed.options, { from, time, timeZone, until, limit: 1000 });
}

describe('recurrence rules', () => {
  it('monthly on the 2nd Tuesday at 14:00 New York: the same dates and local times as ical.js, across both DST changes', () => {
    const calls = ours(
      'FREQ=MONTHLY;BYDAY=2TU',
      '2027-01-01',
      '14:00',
      'America/New_York',
      '2028-07-01T04:00:00Z',
    );
    expect(calls.map((c) => wallClock(c, 'America/New_York'))).toEqual(
      icalOccurrences('FREQ=MONTHLY;BYDAY=2TU', '2027-01-12T14:00', '2028-07-01'),
    );
    expect(calls).toHaveLength(18);
    // DST starts 14 March 2027 and ends 7 November 2027: 14:00 is 19:00Z in winter, 18:00Z in summer.
    expect(calls.slice(1, 4)).toEqual([
      '2027-02-09T19:00:00Z',
      '2027-03-09T19:00:00Z',
      '2027-04-13T18:00:00Z',
    ]);
    expect(calls.slice(9, 11)).toEqual(['2027-10-12T18:00:00Z', '2027-11-09T19:00:00Z']);
  });

  it('1st and 3rd Thursday at 12:00, read from the readable form, as ical.js expands it', () => {
    const readable = readableRule('1st and 3rd Thursday');
    expect(readable).toEqual({ rrule: 'FREQ=MONTHLY;BYDAY=1TH,3TH' });
    const calls = ours(
      'FREQ=MONTHLY;BYDAY=1TH,3TH',
      '2027-06-01',
      '12:00',
      'America/New_York',
      '2028-07-01T04:00:00Z',
    );
    const local = calls.map((c) => wallClock(c, 'America/New_York'));
    expect(local).toEqual(icalOccurrences('FREQ=MONTHLY;BYDAY=1TH,3TH', '2027-06-03T12:00', '2028-07-01'));
    expect(local.slice(0, 4)).toEqual([
      '2027-06-03T12:00',
      '2027-06-17T12:00',
      '2027-07-01T12:00',
      '2027-07-15T12:00',
    ]);
    expect(local.every((l) => new Date(`${l.slice(0, 10)}T12:00Z`).getUTCDay() === 4)).toBe(true);
  });

  it.each([
    // zone, DST change days, the UTC times of 09:00 before and after each change
    ['America/New_York', ['2027-03-14', '2027-11-07'], ['14:00', '13:00', '13:00', '14:00']],
    ['Australia/Sydney', ['2027-04-04', '2027-10-03'], ['22:00', '23:00', '23:00', '22:00']],
  ])('weekly on Sunday 09:00 in %s stays 09:00 on the days the clocks change', (zone, changes, utc) => {
    const calls = ours('FREQ=WEEKLY;BYDAY=SU', '2027-03-01', '09:00', zone, '2027-12-01T00:00:00Z');
    const local = calls.map((c) => wallClock(c, zone));
    expect(local).toEqual(icalOccurrences('FREQ=WEEKLY;BYDAY=SU', '2027-03-07T09:00', '2027-11-30'));
    const [spring, autumn] = changes as [string, string];
    const around = (day: string) => {
      const i = local.indexOf(`${day}T09:00`);
      expect(i).toBeGreaterThan(0);
      return [calls[i - 1]!.slice(11, 16), calls[i]!.slice(11, 16)];
    };
    expect([...around(spring), ...around(autumn)]).toEqual(utc);
  });

  it('monthly on day 10, until an end, and a count', () => {
    const rule = readableRule('month on day 10');
    expect(rule).toEqual({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=10' });
    const calls = ours(
      'FREQ=MONTHLY;BYMONTHDAY=10',
      '2027-05-11',
      '16:30',
      'Europe/London',
      '2027-10-11T00:00:00Z',
    );
    expect(calls.map((c) => wallClock(c, 'Europe/London'))).toEqual(
      icalOccurrences('FREQ=MONTHLY;BYMONTHDAY=10', '2027-06-10T16:30', '2027-10-11'),
    );
    const counted = ruleOptions('FREQ=MONTHLY;BYMONTHDAY=10;COUNT=3');
    if ('problem' in counted) throw new Error(counted.problem);
    const three = expandRule(counted.options, {
      from: '2027-05-01',
      time: '16:30',
      timeZone: 'Europe/London',
      until: '2028-01-01T00:00:00Z',
      limit: 1000,
    });
    expect(three.map((c) => wallClock(c, 'Europe/London'))).toEqual([
      '2027-05-10T16:30',
      '2027-06-10T16:30',
      '2027-07-10T16:30',
    ]);
  });

  it('reads the readable forms coordinators write', () => {
    expect(readableRule('2nd Tuesday 14:00')).toEqual({ rrule: 'FREQ=MONTHLY;BYDAY=2TU', time: '14:00' });
    expect(readableRule('every 2nd tuesday of the month')).toEqual({ rrule: 'FREQ=MONTHLY;BYDAY=2TU' });
    expect(readableRule('last Friday')).toEqual({ rrule: 'FREQ=MONTHLY;BYDAY=-1FR' });
    expect(readableRule('Tuesday and Thursday')).toEqual({ rrule: 'FREQ=WEEKLY;BYDAY=TU,TH' });
    expect(readableRule('other Monday')).toEqual({ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' });
    expect(readableRule('2nd Tuseday')).toEqual({
      problem: '"tuseday" in "2nd Tuseday" is not a day of the week',
    });
    expect(readableRule('6th Monday')).toEqual({
      problem: '"6th" in "6th Monday": a month has at most 5 of each weekday (1st to 5th, or last)',
    });
    expect(readableRule('when it rains')).toEqual({
      problem: expect.stringMatching(/^could not read "when it rains"/),
    });
  });

  it('refuses RRULE strings it cannot keep, in words', () => {
    const problem = (r: string) => {
      const p = ruleOptions(r);
      return 'problem' in p ? p.problem : undefined;
    };
    expect(problem('FREQ=MONTHLY;BYDAY=2TX')).toMatch(/names a day that is not MO, TU/);
    expect(problem('FREQ=HOURLY')).toMatch(/daily, weekly, monthly or yearly/);
    expect(problem('BYDAY=TU')).toMatch(/has no FREQ/);
    expect(problem('FREQ=WEEKLY;BYHOUR=14')).toMatch(/time of day as "time"/);
    expect(problem('DTSTART;TZID=America/New_York:20270112T140000')).toMatch(/start as "from"/);
    expect(problem('RRULE:FREQ=MONTHLY;BYDAY=2TU')).toBeUndefined();
  });
});
