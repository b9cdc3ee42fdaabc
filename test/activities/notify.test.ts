/**
 * The notify activity against the real MongoDB-wire and SMTP servers: a cancellation carries
 * METHOD:CANCEL calendar entries (same UID, higher SEQUENCE) for every session still to come to
 * each team member (and of an informational call to each who registered for it), and one refused
 * address does not stop the others.
 */
import ICAL from 'ical.js';
import { createActivities } from '../../activities';
import { inviteRegistrant } from '../../app/call-registration';
import { parseLaunchConfig } from '../../domain/config';
import { createTransport, Outbox } from '../../mail/outbox';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { MAIL_FROM, testDb } from '../helpers/env';
import { applicationFor } from '../helpers/people';
import { SmtpSink } from '../helpers/smtp-sink';

describe('notify', () => {
  let sink: SmtpSink;
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let transport: ReturnType<typeof createTransport>;
  let acts: ReturnType<typeof createActivities>;
  let outbox: Outbox;
  const cfg = parseLaunchConfig({
    // Hours ahead: the informational call is still to come when the collaborative is cancelled.
    ...compressedConfig('nx', Date.now(), {
      info: 600,
      close: 610,
      decisions: 620,
      prework: 625,
      ls: 630,
      end: 720,
    }),
    sites: ['bayview', 'cedar-hill'],
  });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    dbh = await testDb('notify');
    transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
    outbox = new Outbox(dbh.db, transport, MAIL_FROM);
    acts = createActivities({ db: dbh.db, outbox });
    await upsertSites(dbh.db, [
      {
        siteId: 'bayview',
        name: 'Bayview',
        piName: 'Dr A',
        piEmail: 'pi@bayview.example.org',
        active: true,
        timeZone: 'America/Los_Angeles',
      },
      {
        siteId: 'cedar-hill',
        name: 'Cedar Hill',
        piName: 'Dr B',
        piEmail: 'pi@cedar-hill.example.org',
        active: true,
      },
    ]);
    await acts.recordCollaborative(cfg);
    await acts.sendAnnouncements({ slug: 'nx', siteIds: ['bayview', 'cedar-hill'] });
    await acts.recordApplication('nx', applicationFor('bayview', 'pi@bayview.example.org'), 1);
    await acts.recordTeam('nx', 'bayview', 'accepted');
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
    await dbh.close();
  });

  it('cancels every session still to come in the team members’ calendars', async () => {
    const sessions = [
      { index: 1, sequence: 1 },
      { index: 2, sequence: 3 },
    ];
    const r = await acts.notify('nx', {
      kind: 'cancelled',
      siteIds: ['bayview', 'cedar-hill'],
      reason: 'No funding.',
      sessions,
    });
    expect(r).toMatchObject({ failed: 0, total: 2 + 4 + 3 }); // 2 PIs, 4 team members (3 core with the contact, the data manager), 2 faculty + 1 coordinator
    const member = sink
      .to('clinician@bayview.example.org')
      .find((m) => m.parsed.subject === 'Cancelled: Test collaborative nx')!;
    const calendars = [member.parsed.attachments, []]
      .flat()
      .filter((a) => a.contentType.startsWith('text/calendar'))
      .map((a) => a.content.toString('utf8'));
    expect(calendars).toHaveLength(2);
    const events = calendars.map((text) => {
      const cal = new ICAL.Component(ICAL.parse(text));
      const ev = cal.getFirstSubcomponent('vevent')!;
      return {
        method: cal.getFirstPropertyValue('method'),
        uid: ev.getFirstPropertyValue('uid'),
        sequence: ev.getFirstPropertyValue('sequence'),
        status: ev.getFirstPropertyValue('status'),
        start: (ev.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
      };
    });
    expect(events.sort((a, b) => String(a.uid).localeCompare(String(b.uid)))).toEqual(
      sessions.map(({ index, sequence }) => ({
        method: 'CANCEL',
        uid: `nx-ls-${index}@lc-orchestrator`,
        sequence,
        status: 'CANCELLED',
        start: new Date(cfg.schedule.learningSessions[index]!.start).toISOString(),
      })),
    );
    // a PI who is not on a team gets the news without calendar entries
    const pi = sink
      .to('pi@cedar-hill.example.org')
      .find((m) => m.parsed.subject === 'Cancelled: Test collaborative nx')!;
    expect(pi.parsed.attachments.filter((a) => a.contentType.startsWith('text/calendar'))).toEqual([]);
    expect(pi.parsed.text).toContain('Reason: No funding.');
  });

  it('tells every PI of a moved informational call, and updates only its registrants’ calendars', async () => {
    const colleague = 'coordinator@cedar-hill.example.org';
    await acts.recordCallRegistration('nx', {
      call: 0,
      siteId: 'bayview',
      email: 'pi@bayview.example.org',
      name: 'Dr A',
    });
    const registration = { call: 0, siteId: 'cedar-hill', email: colleague, name: 'Sam Lee' };
    await acts.recordCallRegistration('nx', registration);
    expect(await inviteRegistrant(dbh.db, outbox, 'nx', registration, new Date())).toBe('sent');
    const r = await acts.notify('nx', {
      kind: 'schedule-change',
      milestone: 'informationalCalls[0]',
      version: 1,
      siteIds: ['bayview', 'cedar-hill'],
    });
    expect(r).toMatchObject({ failed: 0, total: 2 + 1 + 3 }); // 2 PIs, the registered colleague, 2 faculty + 1 coordinator
    const moved = (to: string) => sink.to(to).find((m) => m.parsed.subject!.startsWith('Schedule change:'))!;
    const calendarOf = (to: string) =>
      moved(to)
        .parsed.attachments.filter((a) => a.contentType.startsWith('text/calendar'))
        .map((a) =>
          new ICAL.Component(ICAL.parse(a.content.toString('utf8'))).getFirstSubcomponent('vevent')!,
        )
        .map((ev) => [ev.getFirstPropertyValue('uid'), ev.getFirstPropertyValue('sequence')]);
    expect(calendarOf('pi@bayview.example.org')).toEqual([['nx-info-call-0@lc-orchestrator', 1]]);
    expect(calendarOf(colleague)).toEqual([['nx-info-call-0@lc-orchestrator', 1]]);
    expect(calendarOf('pi@cedar-hill.example.org')).toEqual([]);
    expect(moved('pi@cedar-hill.example.org').parsed.text).toContain('has moved to');
  });

  it('tells a colleague who registered for a call when the collaborative is cancelled', async () => {
    const cancelled = {
      kind: 'cancelled' as const,
      siteIds: ['bayview', 'cedar-hill'],
      reason: 'No funding.',
    };
    const r = await acts.notify('nx', { ...cancelled, sessions: [] });
    expect(r).toMatchObject({ sent: 1, failed: 0 }); // the others had it already (same keys)
    const mail = sink
      .to('coordinator@cedar-hill.example.org')
      .find((m) => m.parsed.subject === 'Cancelled: Test collaborative nx');
    expect(mail?.parsed.text).toContain('Reason: No funding.');
    // Their calendar's entry of the call, invited at registration and updated when it moved, is cancelled.
    expect(mail?.parsed.text).toContain('calendar entries of what was still to come (Informational call 1)');
    const entries = mail!.parsed.attachments
      .filter((a) => a.contentType.startsWith('text/calendar'))
      .map((a) => new ICAL.Component(ICAL.parse(a.content.toString('utf8'))))
      .map((cal) => [
        cal.getFirstPropertyValue('method'),
        cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid'),
        cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('sequence'),
      ]);
    expect(entries).toEqual([['CANCEL', 'nx-info-call-0@lc-orchestrator', 2]]);
  });

  it('records a refused address and carries on with the others', async () => {
    sink.refuse.add('leader@bayview.example.org');
    const r = await acts.notify('nx', {
      kind: 'session-reminder',
      siteId: 'bayview',
      session: 1,
      daysBefore: 2,
    });
    expect(r).toEqual({ sent: 3, alreadySent: 0, failed: 1, total: 4 });
    const bounce = await dbh.db.collection('bounces').findOne({ email: 'leader@bayview.example.org' });
    expect(bounce).toMatchObject({
      count: 1,
      lastKey: 'nx:session-reminder:bayview:1:2:leader@bayview.example.org',
    });
    // a retry of the same notice sends nothing again and does not count the bounce twice
    expect(
      await acts.notify('nx', { kind: 'session-reminder', siteId: 'bayview', session: 1, daysBefore: 2 }),
    ).toEqual({
      sent: 0,
      alreadySent: 3,
      failed: 1,
      total: 4,
    });
    expect((await dbh.db.collection('bounces').findOne({ email: 'leader@bayview.example.org' }))!.count).toBe(
      1,
    );
  });

  it("lists the refused email in the staff's weekly digest", async () => {
    await acts.notify('nx', { kind: 'metrics-digest', n: 0 });
    const digest = sink.to(cfg.faculty[0]!.email).find((m) => m.parsed.subject!.startsWith('Weekly digest:'));
    expect(digest?.parsed.subject).toMatch(/1 undelivered email/);
    expect(digest!.parsed.text).toContain('leader@bayview.example.org (');
  });
});
