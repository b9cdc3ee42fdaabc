import ICAL from 'ical.js';
import nodemailer from 'nodemailer';
import { icalAttachment, renderIcs, type CalendarEvent } from '../../mail/calendar';

// The output is read back with ical.js (Mozilla's parser), independent of the generator. Its timezone
// service is emptied so that local times can only be turned into instants through the VTIMEZONE that
// the document itself carries.

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

interface Parsed {
  root: Component;
  event: Component;
  vtimezones: Component[];
}

function parse(ics: string): Parsed {
  const root = new ICAL.Component(ICAL.parse(ics));
  expect(root.name).toBe('vcalendar');
  const events = root.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  return { root, event: events[0]!, vtimezones: root.getAllSubcomponents('vtimezone') };
}

function text(c: Component, name: string): string | undefined {
  const v = c.getFirstPropertyValue(name);
  return v === null ? undefined : String(v);
}

/** DTSTART/DTEND as written (TZID and wall-clock time) and as the UTC instant its VTIMEZONE gives. */
function when(p: Parsed, name: 'dtstart' | 'dtend'): { tzid: string; local: string; utc: string } {
  const prop = p.event.getFirstProperty(name);
  expect(prop).not.toBeNull();
  const tzid = prop!.getParameter('tzid') as string;
  expect(typeof tzid).toBe('string');
  const value = prop!.getFirstValue() as Time;
  expect(value.isDate).toBe(false);
  const vtz = p.vtimezones.find((c) => c.getFirstPropertyValue('tzid') === tzid);
  expect(vtz).toBeDefined();
  const zone = new ICAL.Timezone(vtz!);
  const wall = { year: value.year, month: value.month, day: value.day };
  const zoned = ICAL.Time.fromData(
    { ...wall, hour: value.hour, minute: value.minute, second: value.second, isDate: false },
    zone,
  );
  const local =
    `${String(wall.year).padStart(4, '0')}-${String(wall.month).padStart(2, '0')}-` +
    `${String(wall.day).padStart(2, '0')}T${String(value.hour).padStart(2, '0')}:` +
    `${String(value.minute).padStart(2, '0')}:${String(value.second).padStart(2, '0')}`;
  return { tzid, local, utc: new Date(zoned.toUnixTime() * 1000).toISOString().replace('.000Z', 'Z') };
}

function utcOf(p: Parsed, name: string): string {
  const value = p.event.getFirstPropertyValue(name) as Time;
  expect(value.zone?.tzid).toBe('UTC');
  return new Date(value.toUnixTime() * 1000).toISOString().replace('.000Z', 'Z');
}

const session: CalendarEvent = {
  uid: 'demo-ls1@lc-orchestrator',
  sequence: 0,
  method: 'REQUEST',
  start: '2027-01-18T14:00:00Z',
  end: '2027-01-18T17:30:00Z',
  timeZone: 'America/New_York',
  stamp: '2026-12-01T15:04:05Z',
  summary: 'TF-CBT 2027: Learning Session 1',
  description: 'Agenda:\n1. Welcome, introductions; goals\n2. Practice "PRACTICE" skills',
  location: 'Zoom (link below)',
  url: 'https://zoom.example.org/j/123456789?pwd=abc',
  organizer: { name: 'TF-CBT 2027 Coordinator', email: 'coordinator@lc-orchestrator.local' },
  attendees: [
    { name: 'Dr. Ana Ruiz', email: 'ana.ruiz@bayview.example.org' },
    { email: 'sam@northwind.example.org' },
  ],
};

beforeAll(() => {
  ICAL.TimezoneService.reset();
});

describe('renderIcs: an invite', () => {
  it('carries method, uid, sequence, texts, organizer and attendees', () => {
    const ics = renderIcs(session);
    const p = parse(ics);
    expect(text(p.root, 'version')).toBe('2.0');
    expect(text(p.root, 'prodid')).toMatch(/lc-orchestrator/);
    expect(text(p.root, 'method')).toBe('REQUEST');
    expect(text(p.event, 'uid')).toBe('demo-ls1@lc-orchestrator');
    expect(p.event.getFirstPropertyValue('sequence')).toBe(0);
    expect(text(p.event, 'status')).toBe('CONFIRMED');
    expect(text(p.event, 'summary')).toBe('TF-CBT 2027: Learning Session 1');
    expect(text(p.event, 'description')).toBe(session.description);
    expect(text(p.event, 'location')).toBe('Zoom (link below)');
    expect(text(p.event, 'url')).toBe(session.url);

    const organizer = p.event.getFirstProperty('organizer')!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe('mailto:coordinator@lc-orchestrator.local');
    expect(organizer.getParameter('cn')).toBe('TF-CBT 2027 Coordinator');

    const attendees = p.event.getAllProperties('attendee').map((a) => ({
      address: String(a.getFirstValue()).toLowerCase(),
      cn: a.getParameter('cn'),
      rsvp: a.getParameter('rsvp'),
      partstat: a.getParameter('partstat'),
      role: a.getParameter('role'),
    }));
    expect(attendees).toEqual([
      {
        address: 'mailto:ana.ruiz@bayview.example.org',
        cn: 'Dr. Ana Ruiz',
        rsvp: 'TRUE',
        partstat: 'NEEDS-ACTION',
        role: 'REQ-PARTICIPANT',
      },
      {
        address: 'mailto:sam@northwind.example.org',
        cn: undefined,
        rsvp: 'TRUE',
        partstat: 'NEEDS-ACTION',
        role: 'REQ-PARTICIPANT',
      },
    ]);
  });

  it('has no ATTENDEE lines when there are no attendees, and omits optional texts', () => {
    const p = parse(
      renderIcs({
        ...session,
        attendees: undefined,
        description: undefined,
        location: undefined,
        url: undefined,
      }),
    );
    expect(p.event.getAllProperties('attendee')).toEqual([]);
    for (const name of ['description', 'location', 'url']) expect(p.event.getFirstProperty(name)).toBeNull();
  });

  it('writes a winter date in New York as EST local time with its VTIMEZONE', () => {
    const p = parse(renderIcs(session));
    expect(p.vtimezones).toHaveLength(1);
    expect(text(p.vtimezones[0]!, 'tzid')).toBe('America/New_York');
    expect(p.vtimezones[0]!.getAllSubcomponents('standard')).toHaveLength(1);
    expect(p.vtimezones[0]!.getAllSubcomponents('daylight')).toHaveLength(1);
    expect(when(p, 'dtstart')).toEqual({
      tzid: 'America/New_York',
      local: '2027-01-18T09:00:00',
      utc: '2027-01-18T14:00:00Z',
    });
    expect(when(p, 'dtend')).toEqual({
      tzid: 'America/New_York',
      local: '2027-01-18T12:30:00',
      utc: '2027-01-18T17:30:00Z',
    });
  });

  it('writes a summer date in New York as EDT local time', () => {
    const p = parse(renderIcs({ ...session, start: '2027-07-19T13:00:00Z', end: '2027-07-19T14:00:00Z' }));
    expect(when(p, 'dtstart')).toEqual({
      tzid: 'America/New_York',
      local: '2027-07-19T09:00:00',
      utc: '2027-07-19T13:00:00Z',
    });
    expect(when(p, 'dtend')).toEqual({
      tzid: 'America/New_York',
      local: '2027-07-19T10:00:00',
      utc: '2027-07-19T14:00:00Z',
    });
  });

  it.each([
    // zone, start, end, local start
    ['America/New_York', '2027-03-14T06:30:00Z', '2027-03-14T08:00:00Z', '2027-03-14T01:30:00'], // across spring-forward
    ['America/New_York', '2027-11-07T04:30:00Z', '2027-11-07T07:00:00Z', '2027-11-07T00:30:00'], // across fall-back
    ['America/Los_Angeles', '2027-06-01T16:00:00Z', '2027-06-01T17:00:00Z', '2027-06-01T09:00:00'],
    ['America/Phoenix', '2027-06-01T16:00:00Z', '2027-06-01T17:00:00Z', '2027-06-01T09:00:00'],
    ['Europe/London', '2027-03-29T08:00:00Z', '2027-03-29T09:00:00Z', '2027-03-29T09:00:00'],
    ['Asia/Kolkata', '2027-02-01T03:30:00Z', '2027-02-01T04:30:00Z', '2027-02-01T09:00:00'],
    ['Australia/Sydney', '2027-01-10T22:00:00Z', '2027-01-10T23:00:00Z', '2027-01-11T09:00:00'],
    ['Australia/Sydney', '2027-07-10T23:00:00Z', '2027-07-11T00:00:00Z', '2027-07-11T09:00:00'],
    ['Pacific/Chatham', '2027-01-10T19:15:00Z', '2027-01-10T20:15:00Z', '2027-01-11T09:00:00'],
  ])('%s: %s to %s converts back to the same instants', (timeZone, start, end, localStart) => {
    const p = parse(renderIcs({ ...session, timeZone, start, end }));
    expect(when(p, 'dtstart')).toEqual({ tzid: timeZone, local: localStart, utc: start });
    expect(when(p, 'dtend')).toMatchObject({ tzid: timeZone, utc: end });
    expect(p.vtimezones.map((c) => text(c, 'tzid'))).toEqual([timeZone]);
  });

  it('writes an alias zone under its canonical TZID, with the matching VTIMEZONE', () => {
    const p = parse(renderIcs({ ...session, timeZone: 'US/Eastern' }));
    expect(p.vtimezones.map((c) => text(c, 'tzid'))).toEqual(['America/New_York']);
    expect(when(p, 'dtstart')).toEqual({
      tzid: 'America/New_York',
      local: '2027-01-18T09:00:00',
      utc: '2027-01-18T14:00:00Z',
    });
  });

  it('accepts instants written with an offset', () => {
    const p = parse(
      renderIcs({ ...session, start: '2027-01-18T09:00:00-05:00', end: '2027-01-18T12:30:00-05:00' }),
    );
    expect(when(p, 'dtstart').utc).toBe('2027-01-18T14:00:00Z');
    expect(when(p, 'dtend').utc).toBe('2027-01-18T17:30:00Z');
  });

  it('stamps DTSTAMP in UTC with the time the object was created, not the event start', () => {
    expect(utcOf(parse(renderIcs(session)), 'dtstamp')).toBe('2026-12-01T15:04:05Z');
    const stamped = parse(renderIcs({ ...session, stamp: '2026-11-02T15:04:05Z' }));
    expect(utcOf(stamped, 'dtstamp')).toBe('2026-11-02T15:04:05Z');
    expect(() => renderIcs({ ...session, stamp: undefined as unknown as string })).toThrow(/stamp/);
  });

  it('keeps display names that contain double quotes or line breaks readable', () => {
    const p = parse(
      renderIcs({
        ...session,
        organizer: { name: 'Dr. Pat "PJ" Lee', email: 'pj@example.org' },
        attendees: [{ name: 'Sam\nSmith', email: 'sam@example.org' }],
      }),
    );
    expect(p.event.getFirstProperty('organizer')!.getParameter('cn')).toBe("Dr. Pat 'PJ' Lee");
    expect(p.event.getFirstProperty('attendee')!.getParameter('cn')).toBe('Sam Smith');
  });

  it('is well-formed text: CRLF line ends, lines folded at 75 octets', () => {
    const ics = renderIcs({ ...session, description: 'x'.repeat(300) });
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text(parse(ics).event, 'description')).toBe('x'.repeat(300));
  });
});

describe('renderIcs: reschedule and cancellation', () => {
  it('a reschedule keeps the UID, raises SEQUENCE and carries the new times', () => {
    const first = parse(renderIcs(session));
    const moved = parse(
      renderIcs({ ...session, sequence: 1, start: '2027-07-19T13:00:00Z', end: '2027-07-19T16:30:00Z' }),
    );
    expect(text(moved.root, 'method')).toBe('REQUEST');
    expect(text(moved.event, 'uid')).toBe(text(first.event, 'uid'));
    expect(moved.event.getFirstPropertyValue('sequence')).toBe(1);
    expect(when(moved, 'dtstart')).toEqual({
      tzid: 'America/New_York',
      local: '2027-07-19T09:00:00',
      utc: '2027-07-19T13:00:00Z',
    });
    expect(when(moved, 'dtend').utc).toBe('2027-07-19T16:30:00Z');
  });

  it('a cancellation is METHOD:CANCEL with STATUS:CANCELLED, the same UID and a higher SEQUENCE', () => {
    const p = parse(renderIcs({ ...session, method: 'CANCEL', sequence: 2 }));
    expect(text(p.root, 'method')).toBe('CANCEL');
    expect(text(p.event, 'status')).toBe('CANCELLED');
    expect(text(p.event, 'uid')).toBe('demo-ls1@lc-orchestrator');
    expect(p.event.getFirstPropertyValue('sequence')).toBe(2);
    expect(when(p, 'dtstart').utc).toBe(session.start);
    // The attendees are told (iTIP names them on a CANCEL too); no reply is asked for.
    const attendees = p.event.getAllProperties('attendee');
    expect(attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual([
      'mailto:ana.ruiz@bayview.example.org',
      'mailto:sam@northwind.example.org',
    ]);
    expect(attendees.map((a) => a.getParameter('rsvp'))).toEqual([undefined, undefined]);
    expect(String(p.event.getFirstPropertyValue('organizer')).toLowerCase()).toBe(
      'mailto:coordinator@lc-orchestrator.local',
    );
  });
});

describe('renderIcs: invalid input', () => {
  it.each<[string, Partial<CalendarEvent>, RegExp]>([
    ['an end equal to the start', { end: session.start }, /end: end \(.+\) must be after start/],
    ['an end before the start', { end: '2027-01-18T13:00:00Z' }, /end: end \(.+\) must be after start/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /timeZone: unknown time zone "Mars\/Olympus"/],
    ['a wrongly cased time zone', { timeZone: 'america/new_york' }, /unknown time zone "america\/new_york"/],
    ['an empty uid', { uid: '' }, /uid: uid must not be empty/],
    ['a blank uid', { uid: '   ' }, /uid: uid must not be empty/],
    ['a uid with a line break', { uid: 'a\r\nSUMMARY:x' }, /uid: uid must not contain control characters/],
    ['a start that is not an instant', { start: '2027-01-18 09:00' }, /start: start must be an ISO instant/],
    ['a start with no offset', { start: '2027-01-18T09:00:00' }, /start: start must be an ISO instant/],
    ['a fraction of a second', { start: '2027-01-18T14:00:00.250Z' }, /start: start must be a whole second/],
    ['a negative sequence', { sequence: -1 }, /sequence: sequence must be 0 or more/],
    ['a fractional sequence', { sequence: 1.5 }, /sequence: sequence must be a whole number/],
    ['an empty summary', { summary: ' ' }, /summary: summary must not be empty/],
    [
      'a bad organizer email',
      { organizer: { name: 'X', email: 'nope' } },
      /organizer.email: not a valid email/,
    ],
    ['a bad attendee email', { attendees: [{ email: 'a@b.org' }, { email: 'x' }] }, /attendees\[1\].email/],
    ['a bad url', { url: 'not a url' }, /url: not a valid URL/],
    ['a CANCEL at sequence 0', { method: 'CANCEL', sequence: 0 }, /sequence: a CANCEL must have a higher/],
    [
      'a start in the repeated hour when clocks go back',
      { start: '2027-11-07T06:30:00Z', end: '2027-11-07T07:30:00Z' },
      /start: 2027-11-07T06:30:00Z cannot be written unambiguously as local time in America\/New_York/,
    ],
  ])('rejects %s', (_what, change, message) => {
    const bad = { ...session, ...change };
    expect(() => renderIcs(bad)).toThrow(Error);
    expect(() => renderIcs(bad)).toThrow(/^calendar event is invalid:/);
    expect(() => renderIcs(bad)).toThrow(message);
  });

  it('lists every problem at once', () => {
    let message = '';
    try {
      renderIcs({ ...session, uid: '', timeZone: 'Nowhere/Land', end: '2027-01-18T13:00:00Z' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/uid: uid must not be empty/);
    expect(message).toMatch(/timeZone: unknown time zone "Nowhere\/Land"/);
    expect(message).toMatch(/end: end \(.+\) must be after start/);
  });
});

describe('renderIcs: determinism', () => {
  afterEach(() => jest.useRealTimers());

  it('renders the same string for the same event, whatever the clock says', () => {
    const once = renderIcs(session);
    expect(renderIcs(structuredClone(session))).toBe(once);
    jest.useFakeTimers({ now: new Date('2031-06-01T00:00:00Z') });
    expect(renderIcs(session)).toBe(once);
    const cancel = { ...session, method: 'CANCEL' as const, sequence: 1 };
    expect(renderIcs(cancel)).toBe(renderIcs({ ...cancel }));
  });

  it('does not change its input', () => {
    const copy = structuredClone(session);
    renderIcs(copy);
    expect(copy).toEqual(session);
  });
});

describe('icalAttachment', () => {
  it("is nodemailer's icalEvent: method, filename and the rendered document", () => {
    expect(icalAttachment(session)).toEqual({
      method: 'REQUEST',
      filename: 'invite.ics',
      content: renderIcs(session),
    });
    const cancel = { ...session, method: 'CANCEL' as const, sequence: 1 };
    expect(icalAttachment(cancel)).toEqual({
      method: 'CANCEL',
      filename: 'cancel.ics',
      content: renderIcs(cancel),
    });
  });

  it('throws on invalid input like renderIcs', () => {
    expect(() => icalAttachment({ ...session, uid: '' })).toThrow(/uid: uid must not be empty/);
  });

  it('builds a text/calendar part with the matching method in a nodemailer message', async () => {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = await transport.sendMail({
      from: 'coordinator@lc-orchestrator.local',
      to: 'ana.ruiz@bayview.example.org',
      subject: 'Learning Session 1',
      text: 'See the invite.',
      icalEvent: icalAttachment(session),
    });
    const raw = (info.message as Buffer).toString('utf8');
    expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    expect(raw).toMatch(/invite\.ics/);
  });
});
