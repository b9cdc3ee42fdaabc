/**
 * Consultation series in the launch config as coordinators write them (domain/consultation.ts):
 * the readable form, an RRULE string, exceptions, and the old first + everyDays, with the problems
 * of each in plain words beside its field.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseLaunchConfig } from '../../domain/config';
import { formatInZone } from '../../domain/dates';
import { problemsOf as rejected } from '../helpers/problems';

const NY = 'America/New_York';
const example = () =>
  YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8'));
const withSeries = (...consultation: unknown[]) => {
  const c = example();
  c.schedule.consultation = consultation;
  return c;
};
const problemsOf = (input: unknown) => rejected(parseLaunchConfig, input);
const local = (calls: string[]) => calls.map((t) => formatInZone(t, NY));

describe('consultation series in the launch config', () => {
  it('reads "monthly, 2nd Tuesday 14:00" with a holiday skipped and one call moved', () => {
    const c = parseLaunchConfig(
      withSeries({
        kind: 'all-collaborative',
        every: '2nd Tuesday',
        time: '14:00',
        skip: ['2027-12-14'],
        move: [{ from: '2027-11-09', to: '2027-11-16' }],
      }),
    );
    const s = c.schedule.consultation[0]!;
    // From the first learning session (17 May 2027) to the end (31 March 2028).
    expect(local(s.calls)).toEqual([
      'Tue 8 Jun 2027, 14:00 EDT',
      'Tue 13 Jul 2027, 14:00 EDT',
      'Tue 10 Aug 2027, 14:00 EDT',
      'Tue 14 Sep 2027, 14:00 EDT',
      'Tue 12 Oct 2027, 14:00 EDT',
      'Tue 16 Nov 2027, 14:00 EST',
      'Tue 11 Jan 2028, 14:00 EST',
      'Tue 8 Feb 2028, 14:00 EST',
      'Tue 14 Mar 2028, 14:00 EDT',
    ]);
    expect(s.first).toBe('2027-06-08T18:00:00Z');
    expect(s.durationMinutes).toBe(60);
    expect(s.recurrence).toEqual({
      rrule: 'FREQ=MONTHLY;BYDAY=+2TU;UNTIL=20280331T130000Z',
      start: '2027-06-08T18:00:00Z',
      time: '14:00',
      skipped: ['2027-12-14T19:00:00Z'],
      cancelled: [],
      moved: [{ from: '2027-11-09T19:00:00Z', to: '2027-11-16T19:00:00Z' }],
    });
  });

  it('reads an RRULE string, the time inside the readable form, until, count and cancel', () => {
    const c = parseLaunchConfig(
      withSeries(
        {
          kind: 'clinical',
          rrule: 'FREQ=MONTHLY;BYDAY=1TH,3TH',
          time: '12:00',
          durationMinutes: 60,
          from: '2027-06-01',
          until: '2027-07-15',
          cancel: ['2027-06-17'],
        },
        { kind: 'clinical', every: '1st and 3rd Thursday 12:00', count: 3 },
        {
          kind: 'all-collaborative',
          every: 'month on day 10',
          time: '9:30',
          move: [{ from: '2027-07-10', to: '2027-07-12T16:00' }],
          count: 2,
        },
      ),
    );
    const [a, b, m] = c.schedule.consultation;
    // until includes its day: the call on 15 July counts.
    expect(local(a!.calls)).toEqual([
      'Thu 3 Jun 2027, 12:00 EDT',
      'Thu 1 Jul 2027, 12:00 EDT',
      'Thu 15 Jul 2027, 12:00 EDT',
    ]);
    expect(a!.recurrence!.cancelled).toEqual(['2027-06-17T16:00:00Z']);
    expect(local(b!.calls)).toEqual([
      'Thu 20 May 2027, 12:00 EDT',
      'Thu 3 Jun 2027, 12:00 EDT',
      'Thu 17 Jun 2027, 12:00 EDT',
    ]);
    expect(b!.recurrence!.rrule).toBe('FREQ=MONTHLY;BYDAY=+1TH,+3TH;COUNT=3');
    expect(local(m!.calls)).toEqual(['Thu 10 Jun 2027, 09:30 EDT', 'Mon 12 Jul 2027, 16:00 EDT']);
  });

  it('keeps first + everyDays as it was', () => {
    const c = parseLaunchConfig(example());
    const s = c.schedule.consultation[0]!;
    expect(s).toEqual({
      kind: 'all-collaborative',
      first: '2027-06-02T17:00:00Z',
      everyDays: 28,
      durationMinutes: 60,
      link: 'https://meet.example.org/tfcbt-all',
      calls: expect.any(Array),
    });
    expect(s.calls).toHaveLength(11);
    // 13:00 local all year: 17:00Z in summer, 18:00Z in winter.
    expect(s.calls.slice(5, 7)).toEqual(['2027-10-20T17:00:00Z', '2027-11-17T18:00:00Z']);
  });

  it('says in words what is wrong with a series, beside its field', () => {
    const at = (i: number, field: string) => `schedule.consultation[${i}].${field}: `;
    expect(
      problemsOf(
        withSeries(
          { kind: 'clinical', every: '2nd Tuseday', time: '14:00' },
          { kind: 'clinical', every: '2nd Tuesday' },
          { kind: 'clinical', rrule: 'FREQ=MONTHLY;BYDAY=2TX', time: '14:00' },
          { kind: 'clinical', every: '2nd Tuesday', time: '25:00' },
          { kind: 'clinical', every: '2nd Tuesday', time: '14:00', skip: ['2027-12-15'] },
          { kind: 'clinical', every: '2nd Tuesday', first: '2027-06-08T14:00', everyDays: 28 },
          { kind: 'clinical' },
          { kind: 'clinical', first: '2027-06-08T14:00', everyDays: 28, skip: ['2027-07-06'] },
          {
            kind: 'clinical',
            every: '2nd Tuesday',
            time: '14:00',
            move: [{ from: '2028-03-14', to: '2028-04-11' }],
          },
        ),
      ),
    ).toEqual([
      `${at(0, 'every')}"tuseday" in "2nd Tuseday" is not a day of the week`,
      `${at(1, 'time')}say at what time of day the calls start, e.g. time: "14:00"`,
      `${at(2, 'rrule')}BYDAY=2TX in "FREQ=MONTHLY;BYDAY=2TX" names a day that is not MO, TU, WE, TH, FR, SA or SU`,
      `${at(3, 'time')}"25:00" is not a time of day (e.g. 14:00)`,
      `${at(4, 'skip[0]')}"2027-12-15" is not a date of this series`,
      `${at(5, 'every')}give one of first + everyDays, rrule or every, not first and every`,
      `${at(6, 'every')}say when the calls are: every (e.g. "2nd Tuesday"), rrule, or first + everyDays`,
      `${at(7, 'skip')}skip goes with rrule or every, not with first + everyDays`,
      `${at(8, 'move[0].to')}a call moves to a date before the end of the collaborative`,
    ]);
  });

  it('says so beside "from" when a rule starts before the first learning session', () => {
    expect(
      problemsOf(withSeries({ kind: 'clinical', every: 'Tuesday', time: '14:00', from: '2027-05-01' })),
    ).toEqual([
      'schedule.consultation[0].from: consultation calls start at or after the first learning session',
    ]);
  });

  it('refuses a calendar rule in a rehearsal in compressed time', () => {
    const c = withSeries({ kind: 'clinical', every: '2nd Tuesday', time: '14:00' });
    c.scheduleChecks = 'compressed';
    c.timeScale = 1440;
    expect(problemsOf(c)).toContain(
      'schedule.consultation[0].every: a rehearsal in compressed time (timeScale) repeats calls with first + everyDays, not by the calendar',
    );
  });
});
