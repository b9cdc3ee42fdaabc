/**
 * Metrics reporting periods: `monthlyPeriods` (domain/time.ts), how the launch config derives
 * `schedule.periods` from LS1 to the end (domain/config.ts), and the period filter of
 * `moveMilestone` (domain/schedule.ts). The expectations are computed independently of the product
 * code: months are counted by hand, instants come from luxon's `fromObject` in the zone, and local
 * wall-clock times are read back with Intl (no luxon).
 */
import { DateTime } from 'luxon';
import { parseLaunchConfig } from '../../domain/config';
import { moveMilestone, type ReportingPeriod, type Schedule } from '../../domain/schedule';
import { monthlyPeriods } from '../../domain/time';
import { exampleConfig } from '../helpers/configs';
import { problemsOf } from '../helpers/problems';

const NEW_YORK = 'America/New_York';
const SYDNEY = 'Australia/Sydney';
const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const iso = (millis: number) => new Date(millis).toISOString().replace('.000Z', 'Z');

/** A launch config whose LS1 and end are local date-times in `timeZone` ("2028-02-29T23:55"). */
const EXAMPLE = exampleConfig();
function configFor(o: { timeZone: string; ls1: string; end: string; dueDay?: number }) {
  const raw = structuredClone(EXAMPLE);
  const ls1 = DateTime.fromISO(o.ls1, { zone: o.timeZone }).toMillis();
  const at = (days: number) => iso(ls1 + days * DAY);
  raw.timeZone = o.timeZone;
  raw.scheduleChecks = 'compressed';
  raw.metrics.dueDay = o.dueDay ?? 10;
  raw.schedule = {
    announcement: at(-40),
    informationalCalls: [],
    applicationsOpen: at(-40),
    applicationsClose: at(-20),
    decisionsDue: at(-10),
    learningSessions: [
      { start: o.ls1, venue: 'Venue 1' },
      { start: at(7), venue: 'Venue 2' },
      { start: at(14), venue: 'Venue 3' },
    ],
    consultation: [],
    end: o.end,
  };
  return raw;
}
const scheduleFor = (o: Parameters<typeof configFor>[0]): Schedule =>
  parseLaunchConfig(configFor(o)).schedule;

/** "YYYY-MM-DD HH:mm" on the wall clock of `timeZone`, by Intl. */
const formats = new Map<string, Intl.DateTimeFormat>();
function wall(instant: string, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f)
    formats.set(
      timeZone,
      (f = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })),
    );
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
const nextMonth = (id: string) => {
  const [y, m] = id.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
};
/** Day `dueDay` of the month after `id`, 09:00 in the zone. */
const dueOf = (id: string, dueDay: number, timeZone: string) => {
  const [y, m] = nextMonth(id).split('-').map(Number) as [number, number];
  return DateTime.fromObject({ year: y, month: m, day: dueDay, hour: 9 }, { zone: timeZone }).toMillis();
};

/** The periods, counted month by month from LS1's local month while the due date is not after the end. */
function expectedPeriods(ls1: string, end: string, dueDay: number, timeZone: string): ReportingPeriod[] {
  const local = DateTime.fromMillis(Date.parse(ls1), { zone: timeZone });
  let id = `${local.year}-${pad(local.month)}`;
  const out: ReportingPeriod[] = [];
  for (;;) {
    const due = dueOf(id, dueDay, timeZone);
    if (due > Date.parse(end)) return out;
    const [y, m] = id.split('-').map(Number) as [number, number];
    const start = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone: timeZone }).toMillis();
    out.push({ id, start: iso(start), due: iso(due) });
    id = nextMonth(id);
  }
}

/** Every invariant a schedule's periods must hold; the list of those broken (empty when all hold). */
function broken(s: Schedule, dueDay: number, timeZone: string): string[] {
  const out: string[] = [];
  const ls1 = s.learningSessions[0]!.start;
  const ps = s.periods;
  if (!ps.length) return ['no periods'];
  if (ps[0]!.id !== wall(ls1, timeZone).slice(0, 7))
    out.push(`first period ${ps[0]!.id}, LS1 ${ls1} is ${wall(ls1, timeZone)} local`);
  ps.forEach((p, j) => {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(p.id)) out.push(`id ${p.id}`);
    if (j > 0 && p.id !== nextMonth(ps[j - 1]!.id)) out.push(`${p.id} follows ${ps[j - 1]!.id}`);
    if (
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.start) ||
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.due)
    )
      out.push(`${p.id}: not whole-second UTC instants: ${p.start}, ${p.due}`);
    if (wall(p.start, timeZone) !== `${p.id}-01 00:00`)
      out.push(`${p.id} starts ${p.start} = ${wall(p.start, timeZone)} local`);
    if (wall(p.due, timeZone) !== `${nextMonth(p.id)}-${pad(dueDay)} 09:00`)
      out.push(`${p.id} due ${p.due} = ${wall(p.due, timeZone)} local`);
    if (Date.parse(p.due) > Date.parse(s.end)) out.push(`${p.id} due ${p.due} after the end ${s.end}`);
  });
  const after = nextMonth(ps.at(-1)!.id);
  const following = dueOf(after, dueDay, timeZone);
  if (following <= Date.parse(s.end))
    out.push(`${after} is due ${iso(following)}, not after the end ${s.end}: missing`);
  return out;
}

const DAYS_2028 = Array.from({ length: 366 }, (_, i) =>
  DateTime.fromObject({ year: 2028, month: 1, day: 1 }, { zone: 'utc' }).plus({ days: i }).toISODate()!,
);

describe('reporting periods from LS1 to the end, for every day of 2028 as LS1', () => {
  it('covers 366 days, 29 February and the DST days', () => {
    expect(new Set(DAYS_2028).size).toBe(366);
    expect(DAYS_2028).toEqual(
      expect.arrayContaining(['2028-02-29', '2028-03-12', '2028-04-02', '2028-10-01']),
    );
    expect(DAYS_2028.at(-1)).toBe('2028-12-31');
    // The DST days this file relies on are the change days of their zone.
    const change = (d: string, zone: string) =>
      DateTime.fromISO(d, { zone }).offset !== DateTime.fromISO(d, { zone }).plus({ days: 1 }).offset;
    expect(['2028-03-12', '2028-11-05'].map((d) => change(d, NEW_YORK))).toEqual([true, true]);
    expect(['2028-04-02', '2028-10-01'].map((d) => change(d, SYDNEY))).toEqual([true, true]);
    expect(change('2028-03-11', NEW_YORK) || change('2028-04-01', SYDNEY)).toBe(false);
  });

  for (const timeZone of [NEW_YORK, SYDNEY, 'UTC']) {
    it(`${timeZone}: consecutive months from LS1's local month, starts at 00:00 on the 1st, dues on dueDay at 09:00, the last due no later than the end`, () => {
      const wrong: string[] = [];
      let cases = 0;
      let counts = 0;
      DAYS_2028.forEach((day, i) => {
        for (const time of ['00:05', '23:55']) {
          const dueDay = 1 + ((i * 5 + time.length) % 28);
          const months = 2 + (i % 13);
          const ls1Local = DateTime.fromISO(`${day}T${time}`, { zone: timeZone });
          // The end falls on the due date of the period `months` - 1 after LS1's, a minute before
          // it, or on the 20th at 17:00 of the month it is due in.
          const dueMonth = ls1Local.startOf('month').plus({ months });
          const kind = (i + (time === '00:05' ? 0 : 1)) % 3;
          const endLocal =
            kind === 0
              ? dueMonth.set({ day: dueDay, hour: 9 })
              : kind === 1
                ? dueMonth.set({ day: dueDay, hour: 8, minute: 59 })
                : dueMonth.set({ day: 20, hour: 17 });
          const o = {
            timeZone,
            ls1: `${day}T${time}`,
            end: endLocal.toFormat("yyyy-MM-dd'T'HH:mm"),
            dueDay,
          };
          const s = scheduleFor(o);
          const label = `LS1 ${o.ls1}, end ${o.end}, dueDay ${dueDay}`;
          const expected = expectedPeriods(s.learningSessions[0]!.start, s.end, dueDay, timeZone);
          if (JSON.stringify(s.periods) !== JSON.stringify(expected))
            wrong.push(`${label}: got ${JSON.stringify(s.periods)}, expected ${JSON.stringify(expected)}`);
          wrong.push(...broken(s, dueDay, timeZone).map((b) => `${label}: ${b}`));
          const count = kind === 0 || (kind === 2 && dueDay <= 20) ? months : months - 1;
          if (s.periods.length !== count)
            wrong.push(`${label}: ${s.periods.length} periods, expected ${count}`);
          // moveMilestone keeps the periods due by the new end: on a due date exactly it keeps that one.
          const ps = s.periods;
          const lastButOne = ps.at(-2)?.due ?? ps[0]!.due;
          const keep = (end: string) => moveMilestone(s, 'end', end).periods;
          if (JSON.stringify(keep(lastButOne)) !== JSON.stringify(ps.slice(0, Math.max(1, ps.length - 1))))
            wrong.push(`${label}: end moved to ${lastButOne} keeps ${keep(lastButOne).map((p) => p.id)}`);
          const justBefore = new Date(Date.parse(lastButOne) - 1).toISOString();
          if (JSON.stringify(keep(justBefore)) !== JSON.stringify(ps.slice(0, Math.max(0, ps.length - 2))))
            wrong.push(`${label}: end moved to ${justBefore} keeps ${keep(justBefore).map((p) => p.id)}`);
          if (
            JSON.stringify(keep(justBefore)) !==
            JSON.stringify(monthlyPeriods(s.learningSessions[0]!.start, justBefore, dueDay, timeZone))
          )
            wrong.push(`${label}: moved periods differ from the periods derived for ${justBefore}`);
          cases++;
          counts += s.periods.length;
        }
      });
      expect(wrong.slice(0, 20)).toEqual([]);
      expect(cases).toBe(732);
      expect(counts).toBeGreaterThan(732 * 2);
    });
  }
});

describe('reporting periods: month ends, 29 February and the due day', () => {
  const first = (s: Schedule, n = 2) => s.periods.slice(0, n);

  it('31 January late at night: New York stays in January (UTC is in February already)', () => {
    const s = scheduleFor({ timeZone: NEW_YORK, ls1: '2028-01-31T23:55', end: '2028-06-30T12:00' });
    expect(s.learningSessions[0]!.start).toBe('2028-02-01T04:55:00Z');
    expect(first(s)).toEqual([
      { id: '2028-01', start: '2028-01-01T05:00:00Z', due: '2028-02-10T14:00:00Z' },
      { id: '2028-02', start: '2028-02-01T05:00:00Z', due: '2028-03-10T14:00:00Z' },
    ]);
    expect(s.periods.map((p) => p.id)).toEqual(['2028-01', '2028-02', '2028-03', '2028-04', '2028-05']);
  });

  it('1 February just after midnight in Sydney is still 31 January in UTC: the period is February', () => {
    const s = scheduleFor({ timeZone: SYDNEY, ls1: '2028-02-01T00:05', end: '2028-06-30T12:00' });
    expect(s.learningSessions[0]!.start).toBe('2028-01-31T13:05:00Z');
    expect(first(s)).toEqual([
      { id: '2028-02', start: '2028-01-31T13:00:00Z', due: '2028-03-09T22:00:00Z' },
      // Sydney leaves summer time on 2 April: 1 March 00:00 is +11, 10 April 09:00 is +10.
      { id: '2028-03', start: '2028-02-29T13:00:00Z', due: '2028-04-09T23:00:00Z' },
    ]);
  });

  it('30 April: the last minute of April in New York, the first of May in Sydney', () => {
    expect(
      first(scheduleFor({ timeZone: NEW_YORK, ls1: '2028-04-30T23:55', end: '2028-09-30T12:00' })),
    ).toEqual([
      { id: '2028-04', start: '2028-04-01T04:00:00Z', due: '2028-05-10T13:00:00Z' },
      { id: '2028-05', start: '2028-05-01T04:00:00Z', due: '2028-06-10T13:00:00Z' },
    ]);
    expect(
      first(scheduleFor({ timeZone: SYDNEY, ls1: '2028-05-01T00:05', end: '2028-09-30T12:00' })),
    ).toEqual([
      { id: '2028-05', start: '2028-04-30T14:00:00Z', due: '2028-06-09T23:00:00Z' },
      { id: '2028-06', start: '2028-05-31T14:00:00Z', due: '2028-07-09T23:00:00Z' },
    ]);
  });

  it('31 December: the periods run on into the next year', () => {
    const ny = scheduleFor({ timeZone: NEW_YORK, ls1: '2028-12-31T23:55', end: '2029-04-30T12:00' });
    expect(ny.learningSessions[0]!.start).toBe('2029-01-01T04:55:00Z');
    expect(ny.periods).toEqual([
      { id: '2028-12', start: '2028-12-01T05:00:00Z', due: '2029-01-10T14:00:00Z' },
      { id: '2029-01', start: '2029-01-01T05:00:00Z', due: '2029-02-10T14:00:00Z' },
      { id: '2029-02', start: '2029-02-01T05:00:00Z', due: '2029-03-10T14:00:00Z' },
      { id: '2029-03', start: '2029-03-01T05:00:00Z', due: '2029-04-10T13:00:00Z' },
    ]);
    const syd = scheduleFor({ timeZone: SYDNEY, ls1: '2029-01-01T00:05', end: '2029-04-30T12:00' });
    expect(syd.learningSessions[0]!.start).toBe('2028-12-31T13:05:00Z');
    expect(first(syd)).toEqual([
      { id: '2029-01', start: '2028-12-31T13:00:00Z', due: '2029-02-09T22:00:00Z' },
      { id: '2029-02', start: '2029-01-31T13:00:00Z', due: '2029-03-09T22:00:00Z' },
    ]);
  });

  it('29 February: a period of February 2028, and in Sydney 1 March whose UTC day is the 29th', () => {
    const ny = scheduleFor({
      timeZone: NEW_YORK,
      ls1: '2028-02-29T12:00',
      end: '2028-06-30T12:00',
      dueDay: 28,
    });
    expect(first(ny)).toEqual([
      { id: '2028-02', start: '2028-02-01T05:00:00Z', due: '2028-03-28T13:00:00Z' },
      { id: '2028-03', start: '2028-03-01T05:00:00Z', due: '2028-04-28T13:00:00Z' },
    ]);
    const syd = scheduleFor({ timeZone: SYDNEY, ls1: '2028-03-01T00:05', end: '2028-06-30T12:00' });
    expect(syd.learningSessions[0]!.start).toBe('2028-02-29T13:05:00Z');
    expect(syd.periods[0]).toEqual({
      id: '2028-03',
      start: '2028-02-29T13:00:00Z',
      due: '2028-04-09T23:00:00Z',
    });
  });

  it('dueDay 28: January is due on 28 February (not the 29th of the leap year), and so on', () => {
    const s = scheduleFor({
      timeZone: NEW_YORK,
      ls1: '2028-01-10T09:00',
      end: '2028-05-31T12:00',
      dueDay: 28,
    });
    expect(s.periods.map((p) => p.due)).toEqual([
      '2028-02-28T14:00:00Z',
      '2028-03-28T13:00:00Z',
      '2028-04-28T13:00:00Z',
      '2028-05-28T13:00:00Z',
    ]);
  });

  it('the schema takes dueDay 1 to 28 and refuses 29, 30 and 31 (no month-end due dates)', () => {
    for (const dueDay of [1, 28]) {
      const raw = configFor({ timeZone: NEW_YORK, ls1: '2028-01-10T09:00', end: '2028-05-31T12:00', dueDay });
      expect(parseLaunchConfig(raw).metrics!.dueDay).toBe(dueDay);
    }
    for (const dueDay of [0, 29, 30, 31, 10.5]) {
      const raw = configFor({ timeZone: NEW_YORK, ls1: '2028-01-10T09:00', end: '2028-05-31T12:00', dueDay });
      expect(problemsOf(parseLaunchConfig, raw)).toEqual([expect.stringMatching(/^metrics\.dueDay: /)]);
    }
  });

  it('monthlyPeriods: LS1 at local midnight on the 1st opens that month; a millisecond earlier, the month before', () => {
    const midnight = '2028-09-30T14:00:00Z'; // 1 October 00:00 in Sydney (+10, summer time from 02:00)
    expect(monthlyPeriods(midnight, '2028-12-31T00:00:00Z', 10, SYDNEY).map((p) => p.id)).toEqual([
      '2028-10',
      '2028-11',
    ]);
    expect(
      monthlyPeriods('2028-09-30T13:59:59.999Z', '2028-12-31T00:00:00Z', 10, SYDNEY).map((p) => p.id),
    ).toEqual(['2028-09', '2028-10', '2028-11']);
    // The end exactly on a due date keeps that period; a millisecond before, it does not.
    expect(monthlyPeriods(midnight, '2028-12-09T22:00:00Z', 10, SYDNEY).map((p) => p.id)).toEqual([
      '2028-10',
      '2028-11',
    ]);
    expect(monthlyPeriods(midnight, '2028-12-09T21:59:59.999Z', 10, SYDNEY).map((p) => p.id)).toEqual([
      '2028-10',
    ]);
    expect(monthlyPeriods(midnight, '2028-11-01T00:00:00Z', 10, SYDNEY)).toEqual([]);
  });
});

describe('reporting periods on the DST change days', () => {
  it('New York, 12 March 2028 (spring forward): EST starts before, EDT dues after', () => {
    const s = scheduleFor({
      timeZone: NEW_YORK,
      ls1: '2028-03-12T00:05',
      end: '2028-07-31T12:00',
      dueDay: 12,
    });
    expect(s.learningSessions[0]!.start).toBe('2028-03-12T05:05:00Z');
    expect(first3(s)).toEqual([
      { id: '2028-03', start: '2028-03-01T05:00:00Z', due: '2028-04-12T13:00:00Z' },
      { id: '2028-04', start: '2028-04-01T04:00:00Z', due: '2028-05-12T13:00:00Z' },
      { id: '2028-05', start: '2028-05-01T04:00:00Z', due: '2028-06-12T13:00:00Z' },
    ]);
    // February's data due on the change day itself, at 09:00 EDT.
    const feb = scheduleFor({
      timeZone: NEW_YORK,
      ls1: '2028-02-15T09:00',
      end: '2028-06-30T12:00',
      dueDay: 12,
    });
    expect(feb.periods[0]).toEqual({
      id: '2028-02',
      start: '2028-02-01T05:00:00Z',
      due: '2028-03-12T13:00:00Z',
    });
  });

  it('New York, 5 November 2028 (fall back): EDT start, EST dues', () => {
    const s = scheduleFor({
      timeZone: NEW_YORK,
      ls1: '2028-11-05T00:05',
      end: '2029-02-28T12:00',
      dueDay: 5,
    });
    expect(s.learningSessions[0]!.start).toBe('2028-11-05T04:05:00Z');
    expect(first3(s)).toEqual([
      { id: '2028-11', start: '2028-11-01T04:00:00Z', due: '2028-12-05T14:00:00Z' },
      { id: '2028-12', start: '2028-12-01T05:00:00Z', due: '2029-01-05T14:00:00Z' },
      { id: '2029-01', start: '2029-01-01T05:00:00Z', due: '2029-02-05T14:00:00Z' },
    ]);
    const oct = scheduleFor({
      timeZone: NEW_YORK,
      ls1: '2028-10-15T09:00',
      end: '2029-01-31T12:00',
      dueDay: 5,
    });
    expect(oct.periods[0]).toEqual({
      id: '2028-10',
      start: '2028-10-01T04:00:00Z',
      due: '2028-11-05T14:00:00Z',
    });
  });

  it('Sydney, 2 April 2028 (summer time ends): the local month starts on the previous UTC day', () => {
    const s = scheduleFor({ timeZone: SYDNEY, ls1: '2028-04-02T00:05', end: '2028-07-31T12:00', dueDay: 2 });
    expect(s.learningSessions[0]!.start).toBe('2028-04-01T13:05:00Z');
    expect(first3(s)).toEqual([
      { id: '2028-04', start: '2028-03-31T13:00:00Z', due: '2028-05-01T23:00:00Z' },
      { id: '2028-05', start: '2028-04-30T14:00:00Z', due: '2028-06-01T23:00:00Z' },
      { id: '2028-06', start: '2028-05-31T14:00:00Z', due: '2028-07-01T23:00:00Z' },
    ]);
    // March's data due on the change day, 09:00 AEST: 23:00 UTC the day before.
    const mar = scheduleFor({
      timeZone: SYDNEY,
      ls1: '2028-03-15T09:00',
      end: '2028-06-30T12:00',
      dueDay: 2,
    });
    expect(mar.periods[0]).toEqual({
      id: '2028-03',
      start: '2028-02-29T13:00:00Z',
      due: '2028-04-01T23:00:00Z',
    });
  });

  it('Sydney, 1 October 2028 (summer time begins): October starts at +10, November at +11', () => {
    const s = scheduleFor({ timeZone: SYDNEY, ls1: '2028-10-01T00:05', end: '2029-01-31T12:00', dueDay: 1 });
    expect(s.learningSessions[0]!.start).toBe('2028-09-30T14:05:00Z');
    expect(first3(s)).toEqual([
      { id: '2028-10', start: '2028-09-30T14:00:00Z', due: '2028-10-31T22:00:00Z' },
      { id: '2028-11', start: '2028-10-31T13:00:00Z', due: '2028-11-30T22:00:00Z' },
      { id: '2028-12', start: '2028-11-30T13:00:00Z', due: '2028-12-31T22:00:00Z' },
    ]);
    const sep = scheduleFor({
      timeZone: SYDNEY,
      ls1: '2028-09-15T09:00',
      end: '2028-12-31T12:00',
      dueDay: 1,
    });
    expect(sep.periods[0]).toEqual({
      id: '2028-09',
      start: '2028-08-31T14:00:00Z',
      due: '2028-09-30T22:00:00Z',
    });
  });
});

describe('reporting periods after a reschedule (moveMilestone)', () => {
  const s = scheduleFor({ timeZone: NEW_YORK, ls1: '2028-01-31T23:55', end: '2028-08-31T12:00' });

  it('the schedule has the periods January to July 2028', () => {
    expect(s.periods.map((p) => p.id)).toEqual([
      '2028-01',
      '2028-02',
      '2028-03',
      '2028-04',
      '2028-05',
      '2028-06',
      '2028-07',
    ]);
  });

  it('moving the end earlier keeps exactly the periods due by it (a due date on the end is kept)', () => {
    expect(moveMilestone(s, 'end', '2028-05-10T13:00:00.000Z').periods.map((p) => p.id)).toEqual([
      '2028-01',
      '2028-02',
      '2028-03',
      '2028-04',
    ]);
    expect(moveMilestone(s, 'end', '2028-05-10T12:59:59.999Z').periods.map((p) => p.id)).toEqual([
      '2028-01',
      '2028-02',
      '2028-03',
    ]);
    // The periods kept are untouched copies.
    expect(moveMilestone(s, 'end', '2028-05-10T13:00:00.000Z').periods).toEqual(s.periods.slice(0, 4));
  });

  it('moving any other milestone keeps every period', () => {
    for (const [name, at] of [
      ['applicationsClose', '2028-01-05T14:00:00.000Z'],
      ['learningSessions[1]', '2028-02-09T14:00:00.000Z'],
      ['learningSessions[0]', '2028-02-01T05:00:00.000Z'],
    ] as const)
      expect(moveMilestone(s, name, at).periods).toEqual(s.periods);
  });

  // Not a test of a rule stated anywhere: moveMilestone only filters. Moving the end later (or LS1
  // into another month) does not derive the periods again, unlike the launch config. See the report.
  it('moving the end later adds no period (moveMilestone only filters; the launch config would derive two more)', () => {
    const later = moveMilestone(s, 'end', '2028-10-31T12:00:00.000Z');
    expect(later.periods).toEqual(s.periods);
    expect(
      monthlyPeriods(s.learningSessions[0]!.start, '2028-10-31T12:00:00.000Z', 10, NEW_YORK)
        .map((p) => p.id)
        .slice(-2),
    ).toEqual(['2028-08', '2028-09']);
  });
});

function first3(s: Schedule) {
  return s.periods.slice(0, 3);
}
