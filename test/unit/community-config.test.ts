import { communityAgenda, digestTimes } from '../../domain/agenda';
import { parseCommunityConfig } from '../../domain/community';
import { communityMeetings, DAY, ms } from '../../domain/schedule';
import { exampleCommunity as example } from '../helpers/configs';
import { problemsOf as rejected } from '../helpers/problems';

const problemsOf = (input: unknown) => rejected(parseCommunityConfig, input);

describe('community config', () => {
  it('reads the dates in the community time zone and expands each series of meetings until the end', () => {
    const c = parseCommunityConfig(example());
    // 2027-03-01 is a bare date: 09:00 in Chicago (CST, UTC-6) is 15:00 UTC.
    expect(c).toMatchObject({
      slug: 'tis-2027',
      announcement: '2027-02-01T15:00:00Z',
      start: '2027-03-01T15:00:00Z',
      end: '2028-02-28T15:00:00Z',
      digestEveryDays: 14,
      sites: 'all',
      limits: { historyEvents: 2000 },
    });
    const [inPerson, remote] = c.meetings;
    // Same local time all year: 09:00 CDT is 14:00 UTC, 09:00 CST 15:00 UTC.
    expect(inPerson!.dates).toEqual([
      '2027-04-15T14:00:00Z',
      '2027-07-15T14:00:00Z',
      '2027-10-14T14:00:00Z',
      '2028-01-13T15:00:00Z',
    ]);
    expect(remote!.dates).toHaveLength(13);
    const meetings = communityMeetings(c.meetings);
    expect(meetings).toHaveLength(17);
    expect(meetings[2]).toEqual({
      kind: 'in-person',
      series: 0,
      start: '2027-04-15T14:00:00Z',
      end: '2027-04-15T20:00:00Z',
      venue: 'Network Training Center, Chicago IL',
    });
    expect(meetings.map((m) => ms(m.start))).toEqual(meetings.map((m) => ms(m.start)).sort((a, b) => a - b));
  });

  it('lists every bad field with its path', () => {
    const bad = example();
    bad.facilitators = [];
    bad.topic = '';
    bad.start = 'someday';
    bad.meetings[0].kind = 'hybrid';
    bad.meetings[1].venue = 'Room 4'; // a remote meeting has a link, not a venue
    bad.digestEveryDays = 0;
    expect(problemsOf(bad)).toEqual(
      expect.arrayContaining([
        'facilitators: name at least one facilitator',
        'topic: name the common interest of the community',
        'meetings[0].kind: kind is in-person or remote',
        "meetings[1]: Unrecognized key(s) in object: 'venue'",
        expect.stringMatching(/^digestEveryDays: /),
      ]),
    );
    const unreadable = example();
    unreadable.start = 'someday';
    expect(problemsOf(unreadable)).toEqual(['start: "someday" is not a date (e.g. 2027-03-04)']);
  });

  it('keeps the dates in order and every meeting within the community', () => {
    const bad = example();
    bad.announcement = '2027-03-05';
    bad.meetings[1].first = '2027-02-15';
    bad.meetings[0].first = '2028-03-01';
    expect(problemsOf(bad)).toEqual([
      'announcement: the announcement must come no later than the start',
      'meetings[0].first: the first meeting must come before the end date',
      'meetings[1].first: meetings take place once the community has started',
    ]);
    const backwards = example();
    backwards.end = '2027-02-01';
    expect(problemsOf(backwards)).toContain('end: the community must end after it starts');
  });

  it('lists the date rules with the other problems, not only once the rest reads', () => {
    const bad = example();
    bad.title = '';
    bad.facilitators[0].email = 'nope';
    bad.end = '2027-02-01';
    bad.meetings[1].first = '2027-02-15';
    expect(problemsOf(bad)).toEqual([
      'title: a title is required',
      'facilitators[0].email: not a valid email address',
      'end: the community must end after it starts',
      'meetings[0].first: the first meeting must come before the end date',
      'meetings[1].first: meetings take place once the community has started',
    ]);
    // A bad meeting is named once, though both passes read it.
    const meeting = example();
    meeting.title = '';
    meeting.meetings[0].kind = 'hybrid';
    expect(problemsOf(meeting)).toEqual([
      'title: a title is required',
      'meetings[0].kind: kind is in-person or remote',
    ]);
  });

  it('derives the agenda: invitations a week before (never before the announcement), reminders, digests', () => {
    const raw = example();
    raw.meetings[1].first = '2027-03-01T12:00'; // the first meeting comes four weeks after the announcement…
    raw.announcement = '2027-02-26'; // …which is moved to three days before it
    const c = parseCommunityConfig(raw);
    const agenda = communityAgenda(c, '2027-01-01T00:00:00Z');
    const first = communityMeetings(c.meetings)[0]!;
    expect(agenda.slice(0, 3).map((i) => [i.key, i.at])).toEqual([
      ['announce', '2027-02-26T15:00:00Z'],
      ['meeting-invite:0', '2027-02-26T15:00:00Z'],
      ['meeting-reminder:0', new Date(ms(first.start) - DAY).toISOString()],
    ]);
    const digests = digestTimes(c);
    expect(digests[0]).toBe(new Date(ms(c.start) + 14 * DAY).toISOString());
    expect(digests.at(-1)).toBe(c.end);
    expect(agenda.filter((i) => i.kind === 'digest')).toHaveLength(digests.length);
    expect(agenda.at(-1)).toMatchObject({ key: 'end', at: c.end });
    // Launched without an announcement date: announced at launch.
    delete raw.announcement;
    expect(communityAgenda(parseCommunityConfig(raw), '2027-01-05T10:00:00Z')[0]).toMatchObject({
      key: 'announce',
      at: '2027-01-05T10:00:00Z',
    });
  });
});
