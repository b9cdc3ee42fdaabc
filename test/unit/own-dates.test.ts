/**
 * A notification date of its own, a pre-work end, and reporting periods with their own first and
 * last month: read from the config (with their problems in words) and used by the agendas only
 * under the patch's new path (`ownDates`), so runs started before keep theirs.
 */
import { collaborativeAgenda, teamAgenda, type AgendaItem } from '../../domain/agenda';
import { parseLaunchConfig } from '../../domain/config';
import { exampleConfig } from '../helpers/configs';
import { problemsOf as rejected } from '../helpers/problems';

const NEW = { remindersAfterInvitation: true, ownDates: true };
const BEFORE = { remindersAfterInvitation: true };
const problemsOf = (input: unknown) => rejected(parseLaunchConfig, input);
const at = (items: AgendaItem[], prefix: string) =>
  items.filter((i) => i.key.startsWith(prefix)).map((i) => i.at);

/** The example, notified three days after decisions are due, pre-work 29 March – 10 May, metrics May to April. */
function withOwnDates() {
  const c = exampleConfig();
  c.schedule.notification = '2027-03-25';
  c.schedule.prework = '2027-03-29';
  c.schedule.preworkEnd = '2027-05-10';
  c.schedule.reporting = { firstMonth: '2027-05', lastMonth: '2028-02' };
  return c;
}

describe('a notification date, a pre-work end and reporting months of their own', () => {
  const plain = parseLaunchConfig(exampleConfig()).schedule;
  const s = parseLaunchConfig(withOwnDates()).schedule;

  it('reads them in the collaborative time zone', () => {
    expect(s.notification).toBe('2027-03-25T13:00:00Z'); // 09:00 EDT
    expect(s.preworkEnd).toBe('2027-05-10T13:00:00Z');
    expect(s.periods.map((p) => p.id)).toEqual([
      '2027-05', '2027-06', '2027-07', '2027-08', '2027-09', '2027-10',
      '2027-11', '2027-12', '2028-01', '2028-02',
    ]); // prettier-ignore
    expect(s.periods[0]).toEqual({
      id: '2027-05',
      start: '2027-05-01T04:00:00Z',
      due: '2027-06-10T13:00:00Z',
    });
    // Without them: the schedule as it always was.
    expect(plain.notification).toBeUndefined();
    expect(plain.preworkEnd).toBeUndefined();
    expect(plain.periods.at(-1)!.id).toBe('2028-02'); // the last whose data is due (10 March) by the end (31 March)
  });

  it('notifies on the notification date (new path), on the decisions due date before the patch or without one', () => {
    expect(at(collaborativeAgenda(s, s.announcement!, undefined, NEW), 'notify')).toEqual([s.notification]);
    expect(at(collaborativeAgenda(s, s.announcement!, undefined, BEFORE), 'notify')).toEqual([
      s.decisionsDue,
    ]);
    expect(at(collaborativeAgenda(plain, plain.announcement!, undefined, NEW), 'notify')).toEqual([
      plain.decisionsDue,
    ]);
    expect(collaborativeAgenda(plain, plain.announcement!, undefined, NEW)).toEqual(
      collaborativeAgenda(plain, plain.announcement!, undefined, BEFORE),
    );
  });

  it('reminds of pre-work weekly up to its end (new path), up to the first session before the patch', () => {
    const joined = s.notification!;
    const reminders = at(teamAgenda(s, joined, undefined, NEW), 'prework-reminder');
    // 29 March 09:00 EDT, then weekly while before 10 May 09:00: 5, 12, 19, 26 April, 3 May.
    expect(reminders).toEqual([
      '2027-04-05T13:00:00.000Z',
      '2027-04-12T13:00:00.000Z',
      '2027-04-19T13:00:00.000Z',
      '2027-04-26T13:00:00.000Z',
      '2027-05-03T13:00:00.000Z',
    ]);
    expect(
      teamAgenda(s, joined, undefined, NEW)
        .filter((i) => i.kind === 'prework-reminder')
        .every((i) => i.staleAfter === s.preworkEnd),
    ).toBe(true);
    // Before the patch: up to LS1 (17 May), one more.
    expect(at(teamAgenda(s, joined, undefined, BEFORE), 'prework-reminder')).toEqual([
      ...reminders,
      '2027-05-10T13:00:00.000Z',
    ]);
    expect(teamAgenda(plain, plain.decisionsDue, undefined, NEW)).toEqual(
      teamAgenda(plain, plain.decisionsDue, undefined, BEFORE),
    );
  });

  it('says in words what is wrong with them', () => {
    const bad = withOwnDates();
    bad.schedule.notification = '2027-03-20'; // before decisions are due (22 March)
    bad.schedule.preworkEnd = '2027-05-20'; // after LS1 (17 May)
    bad.schedule.reporting = { firstMonth: '2027-05', lastMonth: '2028-03' }; // due 10 April, after the end
    expect(problemsOf(bad)).toEqual([
      'schedule.reporting.lastMonth: the data for 2028-03 would be due after the end of the collaborative',
      'schedule.notification: the notification comes no earlier than decisions are due',
      'schedule.preworkEnd: pre-work ends no later than the first learning session',
    ]);
    const order = withOwnDates();
    order.schedule.prework = '2027-03-24'; // before the notification
    order.schedule.preworkEnd = '2027-03-23';
    order.schedule.reporting = { firstMonth: '2027-09', lastMonth: '2027-06' };
    expect(problemsOf(order)).toEqual([
      'schedule.reporting.lastMonth: the last month (2027-06) comes before the first (2027-09)',
      'schedule.prework: pre-work starts no earlier than the notification',
      'schedule.preworkEnd: pre-work ends after it begins',
    ]);
    const month = withOwnDates();
    month.schedule.reporting = { firstMonth: 'May 2027' };
    expect(problemsOf(month)).toEqual(['schedule.reporting.firstMonth: expected a month such as 2027-05']);
    const noMetrics = withOwnDates();
    delete noMetrics.metrics;
    expect(problemsOf(noMetrics)).toEqual([
      'schedule.reporting.firstMonth: reporting months need metrics to report',
    ]);
  });
});
