/**
 * The agenda of consultation series given by a rule (patch `consultation-series-invites`): one
 * invitation per series instead of one per call, the moved call sent again a week before it,
 * reminders still per call; first + everyDays series and runs without the option unchanged. And
 * what a person's calendar holds of such a series and of an informational call (to cancel on a
 * withdrawal or a cancellation).
 */
import { collaborativeAgenda, type AgendaItem } from '../../domain/agenda';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms, plus } from '../../domain/schedule';
import { calendarEntriesSent } from '../../mail/calendar-entries';
import { exampleConfig } from '../helpers/configs';

const keysOf = (items: AgendaItem[], kind: string) => items.filter((i) => i.kind === kind).map((i) => i.key);

function schedule() {
  const raw = exampleConfig();
  raw.schedule.consultation = [
    { kind: 'all-collaborative', first: '2027-06-02T13:00', everyDays: 28 },
    {
      kind: 'clinical',
      every: '1st and 3rd Thursday 12:00',
      skip: ['2027-07-01'],
      move: [{ from: '2027-09-16', to: '2027-09-23' }],
    },
  ];
  return parseLaunchConfig(raw).schedule;
}

describe('consultation series by rule: one invitation per series', () => {
  const s = schedule();
  const [everyDays, rule] = s.consultation as [(typeof s.consultation)[0], (typeof s.consultation)[0]];
  const ls1 = s.learningSessions[0]!.start;
  const withSeries = collaborativeAgenda(s, s.announcement!, undefined, {
    remindersAfterInvitation: true,
    seriesInvites: true,
  });

  it('invites once to the rule series, when its first call would have been, and per call to the other', () => {
    expect(keysOf(withSeries, 'consultation-series-invite')).toEqual(['consultation-series-invite:1']);
    const item = withSeries.find((i) => i.kind === 'consultation-series-invite')!;
    const first = rule.calls[0]!;
    expect(item.at).toBe(ms(first) - 7 * DAY < ms(ls1) ? ls1 : plus(first, -7 * DAY));
    expect(item.staleAfter).toBe(rule.calls.at(-1));
    const perCall = keysOf(withSeries, 'consultation-invite');
    expect(perCall).toHaveLength(everyDays.calls.length);
    expect(perCall.every((k) => k.startsWith('consultation-invite:0:'))).toBe(true);
  });

  it('keeps a reminder per call of both series', () => {
    const reminders = keysOf(withSeries, 'consultation-reminder');
    expect(reminders.filter((k) => k.startsWith('consultation-reminder:1:'))).toHaveLength(rule.calls.length);
    expect(reminders.filter((k) => k.startsWith('consultation-reminder:0:')).length).toBeGreaterThan(0);
  });

  it('sends the moved call again a week before it', () => {
    const moved = withSeries.filter((i) => i.kind === 'consultation-moved');
    const to = rule.recurrence!.moved[0]!.to;
    expect(moved.map((i) => [i.key, i.at, i.staleAfter])).toEqual([
      ['consultation-moved:1:0', plus(to, -7 * DAY), to],
    ]);
  });

  it('without the option (runs started before), every call is invited on its own', () => {
    const old = collaborativeAgenda(s, s.announcement!, undefined, { remindersAfterInvitation: true });
    expect(keysOf(old, 'consultation-series-invite')).toEqual([]);
    expect(keysOf(old, 'consultation-moved')).toEqual([]);
    expect(keysOf(old, 'consultation-invite')).toHaveLength(everyDays.calls.length + rule.calls.length);
  });

  it("a person's calendar holds the series (its SEQUENCE raised by the moved call's update) while a call is to come", () => {
    const sent = ['consultation-series-invite:1', 'consultation-moved:1:0', 'consultation-invite:0:3'];
    const before = ms(rule.calls[2]!);
    expect(calendarEntriesSent(sent, s, before)).toEqual(
      expect.arrayContaining([
        { kind: 'series', series: 1, sequence: 1 },
        { kind: 'call', series: 0, index: 3, sequence: 0 },
      ]),
    );
    expect(calendarEntriesSent(['consultation-series-invite:1'], s, before)).toEqual([
      { kind: 'series', series: 1, sequence: 0 },
    ]);
    expect(calendarEntriesSent(['consultation-series-invite:1'], s, ms(rule.calls.at(-1)!))).toEqual([]);
  });

  it('holds an informational call its registrant was invited to, at the SEQUENCE of its latest update', () => {
    const call = ms(s.informationalCalls[0]!.start);
    const invited = ['info-call-invite:0', 'schedule-change:informationalCalls[0]:3'];
    expect(calendarEntriesSent(invited, s, call - DAY, 2)).toEqual([
      { kind: 'info-call', call: 0, sequence: 3 },
    ]);
    expect(calendarEntriesSent(['info-call-invite:0'], s, call - DAY, 2)).toEqual([
      { kind: 'info-call', call: 0, sequence: 2 },
    ]);
    // A PI told of the move without an invitation holds nothing; a call that took place is not cancelled.
    expect(calendarEntriesSent(['schedule-change:informationalCalls[0]:3'], s, call - DAY, 3)).toEqual([]);
    expect(calendarEntriesSent(invited, s, call + DAY, 3)).toEqual([]);
  });
});
