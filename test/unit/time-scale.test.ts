/**
 * A rehearsal in compressed time (`timeScale`): every offset counted in days and the reporting
 * period shrink with the scale, through the same agenda as real dates; without a scale nothing
 * changes.
 */
import { collaborativeAgenda, teamAgenda } from '../../domain/agenda';
import { parseLaunchConfig } from '../../domain/config';
import { ValidationError } from '../../domain/errors';
import { DAY, ms } from '../../domain/schedule';
import { compressedConfig } from '../helpers/configs';
import { MEASURES } from '../helpers/measures';

const T0 = Date.parse('2027-03-01T15:00:00Z');
const LADDER = { secondAfterDays: 5, seniorAfterDays: 10, digestAfterDays: 14 };

function scaled(timeScale?: number) {
  const c = compressedConfig('ts', T0, { close: 8, decisions: 11, prework: 12, ls: 20, end: 65 });
  c.schedule.learningSessions = [20, 35, 50].map((m, i) => ({
    start: new Date(T0 + m * 60_000).toISOString(),
    end: new Date(T0 + (m + 1) * 60_000).toISOString(),
    venue: `Venue ${i + 1}`,
  }));
  c.schedule.consultation = [
    { kind: 'all-collaborative', first: new Date(T0 + 24 * 60_000).toISOString(), everyDays: 14 },
  ];
  c.metrics = { dueDay: 10, measures: MEASURES, ladder: LADDER };
  if (timeScale) c.timeScale = timeScale;
  return parseLaunchConfig(c);
}
const minutes = (iso: string) => (ms(iso) - T0) / 60_000;

describe('timeScale: a rehearsal in compressed time', () => {
  const cfg = scaled(2880); // a programme day in 30 s
  const s = cfg.schedule;

  it('makes a programme day 30 s and reporting periods of 30 programme days, labelled as months', () => {
    expect(s.dayMs).toBe(30_000);
    expect(s.periods.map((p) => [p.id, minutes(p.start), minutes(p.due)])).toEqual([
      ['2027-03', 20, 39.5], // LS1 + 30 days + 9 days (due on the 10th of the next)
      ['2027-04', 35, 54.5],
    ]);
  });

  it('repeats consultation calls every 14 programme days', () => {
    expect(s.consultation[0]!.calls.map(minutes)).toEqual([24, 31, 38, 45, 52, 59]);
  });

  it('scales every offset of the agendas: reminders, the ladder, digests, nudges and checks', () => {
    const at = (items: { key: string; at: string }[], key: string) =>
      minutes(items.find((i) => i.key === key)!.at);
    const lc = collaborativeAgenda(s, new Date(T0).toISOString(), LADDER, { remindersAfterInvitation: true });
    expect(at(lc, 'applications-closing')).toBe(8 - 1.5); // 3 days before the close
    expect(at(lc, 'consultation-invite:0:1')).toBe(31 - 3.5); // a week before the call
    expect(at(lc, 'consultation-reminder:0:1')).toBe(31 - 0.5); // the day before
    expect(at(lc, 'metrics-digest:0')).toBe(39.5 + 7); // 14 days after the first due date
    expect(at(lc, 'metrics-digest:1')).toBe(39.5 + 7 + 3.5); // then weekly
    const team = teamAgenda(s, new Date(T0 + 11 * 60_000).toISOString(), LADDER, {
      remindersAfterInvitation: true,
    });
    expect(at(team, 'session-reminder:1:14')).toBe(35 - 7);
    expect(at(team, 'session-reminder:1:2')).toBe(35 - 1);
    expect(at(team, 'session-check:0')).toBe(21 + 0.5);
    expect(at(team, 'prework-reminder:1')).toBe(12 + 3.5);
    expect(at(team, 'metrics-rung:2027-03:2')).toBe(39.5 + 2.5);
    expect(at(team, 'metrics-rung:2027-03:3')).toBe(39.5 + 5);
  });

  it('changes nothing without a scale: real days and calendar months', () => {
    const real = scaled().schedule;
    expect(real.dayMs).toBeUndefined();
    const team = teamAgenda(real, new Date(T0 + 11 * 60_000).toISOString(), LADDER);
    const check = team.find((i) => i.key === 'session-check:0')!;
    expect(ms(check.at) - ms(real.learningSessions[0]!.end)).toBe(DAY);
  });

  it('is refused on a strict schedule, where it would be a mistake', () => {
    const c = compressedConfig('ts', T0);
    c.scheduleChecks = 'strict';
    c.timeScale = 1440;
    expect(() => parseLaunchConfig(c)).toThrow(ValidationError);
    expect(() => parseLaunchConfig(c)).toThrow(/timeScale: a time scale is for rehearsals/);
  });
});
