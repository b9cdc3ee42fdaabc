/**
 * The agenda items of what teams share (#21): the monthly digest (its months counted in the
 * collaborative's zone, from the first learning session: month ends clamped, the local time kept
 * across DST) and the storyboard request and reminder before each session. Both only with their
 * options (patches `shared-digest`, `storyboard-requests`): an agenda without them is unchanged.
 */
import {
  collaborativeAgenda,
  sharedDigestTimes,
  sharedDigestWindow,
  STORYBOARD_REMINDER_DAYS,
  STORYBOARD_REQUEST_DAYS,
  type AgendaItem,
} from '../../domain/agenda';
import { parseLaunchConfig } from '../../domain/config';
import { plusMonths } from '../../domain/months';
import { DAY, ms, plus, type Schedule } from '../../domain/schedule';
import { exampleConfig } from '../helpers/configs';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const example = () => parseLaunchConfig(exampleConfig());
const BEFORE = { remindersAfterInvitation: true, ownDates: true, seriesInvites: true };
const NEW = { ...BEFORE, sharedDigest: { timeZone: NY }, storyboardRequests: true };

/** 'YYYY-MM-DD HH:MM' of an instant in a zone, by Intl (independent of the code under test). */
function local(iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The example's schedule with LS1 at `ls1` and the end at `end`. */
function withLs1(ls1: string, end: string): Schedule {
  const s = example().schedule;
  return {
    ...s,
    learningSessions: [{ ...s.learningSessions[0]!, start: ls1, end: plus(ls1, DAY) }],
    consultation: [],
    end,
  };
}
const items = (agenda: AgendaItem[], kind: string) => agenda.filter((i) => i.kind === kind);

describe('the monthly digest of what teams shared: its times', () => {
  it('is not on the agenda of a run started before the patch (the agenda is as it was)', () => {
    const s = example().schedule;
    const old = collaborativeAgenda(s, s.announcement!, undefined, BEFORE);
    const now = collaborativeAgenda(s, s.announcement!, undefined, NEW);
    expect(old.filter((i) => /shared-digest|storyboard-/.test(i.kind))).toEqual([]);
    expect(now.filter((i) => !/shared-digest|storyboard-/.test(i.kind))).toEqual(old);
  });

  it('from LS1 on 31 January: the last day of each shorter month, 09:00 New York across the March DST change', () => {
    const s = withLs1('2027-01-31T14:00:00.000Z', '2027-06-15T13:00:00.000Z'); // 09:00 EST
    expect(sharedDigestTimes(s, NY).map((t) => local(t, NY))).toEqual([
      '2027-02-28 09:00',
      '2027-03-31 09:00', // EDT from 14 March: 13:00Z, not 14:00Z
      '2027-04-30 09:00',
      '2027-05-31 09:00',
      '2027-06-15 09:00', // the end
    ]);
    expect(sharedDigestTimes(s, NY)[1]).toBe('2027-03-31T13:00:00.000Z');
  });

  it('counts from LS1 each time (31 Jan → 29 Feb in a leap year → 31 Mar, not 29 Mar) and keeps 09:00 after the November change', () => {
    const leap = withLs1('2028-01-31T14:00:00.000Z', '2028-04-01T13:00:00.000Z');
    expect(sharedDigestTimes(leap, NY).map((t) => local(t, NY))).toEqual([
      '2028-02-29 09:00',
      '2028-03-31 09:00',
      '2028-04-01 09:00',
    ]);
    const autumn = withLs1('2027-09-30T13:00:00.000Z', '2027-12-01T14:00:00.000Z'); // 09:00 EDT
    expect(sharedDigestTimes(autumn, NY)).toEqual([
      '2027-10-30T13:00:00.000Z',
      '2027-11-30T14:00:00.000Z', // 09:00 EST
      '2027-12-01T14:00:00.000Z',
    ]);
  });

  it('counts months in the collaborative’s zone, not in UTC: 31 Jan 20:00 Los Angeles (1 Feb in UTC) gives 28 Feb there', () => {
    const s = withLs1('2027-02-01T04:00:00.000Z', '2027-04-15T19:00:00.000Z');
    expect(sharedDigestTimes(s, LA).map((t) => local(t, LA))).toEqual([
      '2027-02-28 20:00',
      '2027-03-31 20:00',
      '2027-04-15 12:00',
    ]);
    // Counted in UTC it would have been 1 March and 1 April.
    expect(
      sharedDigestTimes(s, 'UTC')
        .map((t) => local(t, 'UTC'))
        .slice(0, 2),
    ).toEqual(['2027-03-01 04:00', '2027-04-01 04:00']);
  });

  it('the windows follow one another from the launch to the end, each [previous digest, this one)', () => {
    const s = example().schedule;
    const times = sharedDigestTimes(s, NY);
    expect(times.length).toBeGreaterThan(8);
    expect(times.at(-1)).toBe(s.end);
    const windows = times.map((_, n) => sharedDigestWindow(s, NY, '2027-01-04T15:00:00.000Z', n)!);
    expect(windows[0]).toEqual({ from: '2027-01-04T15:00:00.000Z', to: times[0] });
    windows.slice(1).forEach((w, k) => expect(w).toEqual({ from: windows[k]!.to, to: times[k + 1] }));
    expect(sharedDigestWindow(s, NY, s.announcement!, times.length)).toBeUndefined();
    const agenda = collaborativeAgenda(s, s.announcement!, undefined, NEW);
    expect(items(agenda, 'shared-digest').map((i) => [i.key, i.at])).toEqual(
      times.map((t, n) => [`shared-digest:${n}`, t]),
    );
    // The one at the end comes before the end itself.
    expect(agenda.at(-2)!.key).toBe(`shared-digest:${times.length - 1}`);
    expect(agenda.at(-1)!.key).toBe('end');
  });

  it('in compressed time a month is 30 programme days', () => {
    const s = { ...withLs1('2027-01-31T14:00:00.000Z', '2027-01-31T16:00:00.000Z'), dayMs: 60_000 };
    expect(sharedDigestTimes(s, NY)).toEqual([
      '2027-01-31T14:30:00.000Z',
      '2027-01-31T15:00:00.000Z',
      '2027-01-31T15:30:00.000Z',
      '2027-01-31T16:00:00.000Z',
    ]);
  });

  it('a month is counted from the day of the month, clamped only where the month is shorter', () => {
    expect(local(plusMonths('2027-01-15T14:00:00.000Z', 1, NY), NY)).toBe('2027-02-15 09:00');
    expect(local(plusMonths('2027-03-31T13:00:00.000Z', 1, NY), NY)).toBe('2027-04-30 09:00');
    expect(local(plusMonths('2027-12-31T14:00:00.000Z', 2, NY), NY)).toBe('2028-02-29 09:00');
    // 02:30 on 14 March 2027 does not exist in New York: an hour on.
    expect(local(plusMonths('2027-02-14T07:30:00.000Z', 1, NY), NY)).toBe('2027-03-14 03:30');
  });
});

describe('storyboard requests and reminders', () => {
  const s = example().schedule;
  const agenda = collaborativeAgenda(s, s.announcement!, undefined, NEW);

  it('asks three weeks before each session and reminds five days before, both stale once it begins', () => {
    expect(items(agenda, 'storyboard-request').map((i) => [i.key, i.at, i.staleAfter])).toEqual(
      s.learningSessions.map((ls, k) => [
        `storyboard-request:${k}`,
        plus(ls.start, -STORYBOARD_REQUEST_DAYS * DAY),
        ls.start,
      ]),
    );
    expect(items(agenda, 'storyboard-reminder').map((i) => [i.key, i.at, i.staleAfter])).toEqual(
      s.learningSessions.map((ls, k) => [
        `storyboard-reminder:${k}`,
        plus(ls.start, -STORYBOARD_REMINDER_DAYS * DAY),
        ls.start,
      ]),
    );
  });

  it('never before the teams exist: a first session ten days after the notification is asked for at the notification', () => {
    const notification = plus(s.learningSessions[0]!.start, -10 * DAY);
    const early = { ...s, notification };
    const a = collaborativeAgenda(early, s.announcement!, undefined, NEW);
    const request = a.find((i) => i.key === 'storyboard-request:0')!;
    expect(request.at).toBe(notification);
    // After the notification at the same instant: the teams are started first.
    expect(a.findIndex((i) => i.key === 'notify')).toBeLessThan(a.indexOf(request));
    expect(a.find((i) => i.key === 'storyboard-reminder:0')!.at).toBe(
      plus(s.learningSessions[0]!.start, -STORYBOARD_REMINDER_DAYS * DAY),
    );
    // Notified three days before LS1: asked then, and no reminder (it would come before the request).
    const late = { ...s, notification: plus(s.learningSessions[0]!.start, -3 * DAY) };
    const b = collaborativeAgenda(late, s.announcement!, undefined, NEW);
    expect(b.find((i) => i.key === 'storyboard-request:0')!.at).toBe(late.notification);
    expect(b.find((i) => i.key === 'storyboard-reminder:0')).toBeUndefined();
  });

  it('a moved session moves its request and reminder', () => {
    const moved = {
      ...s,
      learningSessions: s.learningSessions.map((ls, k) =>
        k === 1 ? { ...ls, start: plus(ls.start, 14 * DAY) } : ls,
      ),
    };
    const a = collaborativeAgenda(moved, s.announcement!, undefined, NEW);
    expect(ms(a.find((i) => i.key === 'storyboard-request:1')!.at)).toBe(
      ms(s.learningSessions[1]!.start) + (14 - STORYBOARD_REQUEST_DAYS) * DAY,
    );
    expect(a.find((i) => i.key === 'storyboard-request:0')).toEqual(
      agenda.find((i) => i.key === 'storyboard-request:0'),
    );
  });
});
