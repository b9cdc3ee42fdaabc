import { collaborativeAgenda, communityAgenda, teamAgenda, type AgendaItem } from '../../domain/agenda';
import { parseCommunityConfig } from '../../domain/community';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, plus } from '../../domain/schedule';
import { exampleCommunity, exampleConfig } from '../helpers/configs';

const NEW = { remindersAfterInvitation: true };
const keys = (items: AgendaItem[], prefix: string) =>
  items.filter((i) => i.key.startsWith(prefix)).map((i) => `${i.key} ${i.at}`);

describe('agenda: reminders come after their invitation', () => {
  const s = parseLaunchConfig(exampleConfig()).schedule;
  const ls2 = s.learningSessions[1]!.start;

  // The agenda's rule for any session; the collaborative itself promotes only before LS1.
  it('a team joining 10 days before LS2 is invited on joining and reminded 2 days before, not "in 14 days"', () => {
    const joinedAt = plus(ls2, -10 * DAY);
    const agenda = teamAgenda(s, joinedAt, undefined, NEW);
    expect(keys(agenda, 'session-invite:1')).toEqual([`session-invite:1 ${joinedAt}`]);
    expect(keys(agenda, 'session-reminder:1')).toEqual([`session-reminder:1:2 ${plus(ls2, -2 * DAY)}`]);
    // LS3 is months away: both its reminders stay.
    expect(keys(agenda, 'session-reminder:2').map((k) => k.split(' ')[0])).toEqual([
      'session-reminder:2:14',
      'session-reminder:2:2',
    ]);
    // Workflows started before the change keep their agenda (the patch's old path).
    expect(keys(teamAgenda(s, joinedAt), 'session-reminder:1')).toHaveLength(2);
  });

  it('a team joining on time gets every reminder (nothing changes for a normal schedule)', () => {
    expect(teamAgenda(s, s.decisionsDue, undefined, NEW)).toEqual(teamAgenda(s, s.decisionsDue));
  });

  it('a team joining an hour before LS1 gets its invitation and no reminder of it', () => {
    const joinedAt = plus(s.learningSessions[0]!.start, -3_600_000);
    expect(keys(teamAgenda(s, joinedAt, undefined, NEW), 'session-reminder:0')).toEqual([]);
  });

  it('a consultation call the day after LS1 opens is invited at LS1 and not reminded before that', () => {
    const ls1 = s.learningSessions[0]!.start;
    const call = plus(ls1, DAY / 2);
    const early = { ...s, consultation: [{ ...s.consultation[0]!, calls: [call] }] };
    const agenda = collaborativeAgenda(early, s.announcement!, undefined, NEW);
    expect(keys(agenda, 'consultation-invite:0:0')).toEqual([`consultation-invite:0:0 ${ls1}`]);
    expect(keys(agenda, 'consultation-reminder:0:0')).toEqual([]);
    expect(keys(collaborativeAgenda(early, s.announcement!), 'consultation-reminder:0:0')).toHaveLength(1);
    expect(collaborativeAgenda(s, s.announcement!, undefined, NEW)).toEqual(
      collaborativeAgenda(s, s.announcement!),
    );
  });

  it('a community meeting within a day of the announcement gets its invitation with it and no reminder', () => {
    const c = parseCommunityConfig(exampleCommunity());
    const announced = plus(c.meetings[0]!.dates[0]!, -DAY / 2);
    const soon = { ...c, announcement: announced };
    expect(keys(communityAgenda(soon, announced, NEW), 'meeting-reminder:0')).toEqual([]);
    expect(keys(communityAgenda(soon, announced, NEW), 'meeting-invite:0')).toEqual([
      `meeting-invite:0 ${announced}`,
    ]);
    expect(keys(communityAgenda(soon, announced), 'meeting-reminder:0')).toHaveLength(1);
    expect(communityAgenda(c, c.announcement!, NEW)).toEqual(communityAgenda(c, c.announcement!));
  });
});
