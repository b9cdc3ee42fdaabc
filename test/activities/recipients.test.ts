/**
 * Who is told what, against the real MongoDB-wire and SMTP servers (what a realistic 24-site run
 * found wrong): the data manager hears every team notice; a withdrawal tells the faculty and
 * cancels, in each person's calendar, exactly the entries of what was still to come that they were
 * sent; a reschedule's calendar update goes only to those who hold the event; DTSTAMP is when the
 * entry was made, not when the event starts.
 */
import ICAL from 'ical.js';
import { createActivities } from '../../activities';
import { parseLaunchConfig } from '../../domain/config';
import { Notifier } from '../../mail/notify';
import { createTransport, Outbox } from '../../mail/outbox';
import { verifyLink } from '../../security/links';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { MAIL_FROM, testDb } from '../helpers/env';
import { applicationFor } from '../helpers/people';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink';

const SLUG = 'who';
const at = (who: string) => `${who}@bayview.example.org`;
const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';

interface Entry {
  method: string;
  uid: string;
  sequence: number;
  stamp: string;
}

/** The calendar entries of an email (its icalEvent and any further .ics attachments). */
function entries(m: ReceivedMail): Entry[] {
  return m.parsed.attachments
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .map((a) => {
      const cal = new ICAL.Component(ICAL.parse(a.content.toString('utf8')));
      const ev = cal.getFirstSubcomponent('vevent')!;
      return {
        method: String(cal.getFirstPropertyValue('method')),
        uid: String(ev.getFirstPropertyValue('uid')),
        sequence: Number(ev.getFirstPropertyValue('sequence')),
        stamp: (ev.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString(),
      };
    })
    .sort((a, b) => a.uid.localeCompare(b.uid));
}

describe('who is told what', () => {
  let sink: SmtpSink;
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let transport: ReturnType<typeof createTransport>;
  let acts: ReturnType<typeof createActivities>;
  const now = Date.now();
  const raw = compressedConfig(SLUG, now, { ls: 30, end: 120 });
  raw.sites = ['bayview'];
  raw.schedule.consultation = [
    { kind: 'clinical', first: new Date(now + 55 * 60_000).toISOString(), everyDays: 1, durationMinutes: 30 },
  ];
  const cfg = parseLaunchConfig(raw);
  const subject = (email: string, prefix: string) =>
    sink.to(email).filter((m) => m.parsed.subject!.startsWith(prefix));

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    dbh = await testDb('recipients');
    transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
    acts = createActivities({ db: dbh.db, outbox: new Outbox(dbh.db, transport, MAIL_FROM) });
    await upsertSites(dbh.db, [
      { siteId: 'bayview', name: 'Bayview', piName: 'Dr A', piEmail: at('pi'), active: true },
    ]);
    await acts.recordCollaborative(cfg);
    await acts.recordApplication(SLUG, applicationFor('bayview', at('pi')), 1);
    await acts.recordTeam(SLUG, 'bayview', 'accepted');
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
    await dbh.close();
  });

  it('the data manager receives the decision, the pre-work and its reminders, and the team’s invitations', async () => {
    await acts.notify(SLUG, { kind: 'decision', siteId: 'bayview', decision: 'accept' });
    await acts.notify(SLUG, { kind: 'prework', siteId: 'bayview' });
    await acts.notify(SLUG, { kind: 'prework-reminder', siteId: 'bayview', n: 1, pending: ['baseline'] });
    for (const session of [0, 1, 2])
      await acts.notify(SLUG, { kind: 'session-invite', siteId: 'bayview', session, sequence: 0 });
    const subjects = sink.to(at('data')).map((m) => m.parsed.subject!.split(' — ')[0]);
    expect(subjects).toEqual([
      'Accepted: Bayview',
      'Pre-work for Test collaborative who: checklist, commitment form, baseline data',
      'Reminder: pre-work still open (baseline)',
      expect.stringMatching(/^Invitation: Learning Session 1,/),
      expect.stringMatching(/^Invitation: Learning Session 2,/),
      expect.stringMatching(/^Invitation: Learning Session 3,/),
    ]);
    // The pre-work reminder goes to the same people as the pre-work email, chosen by role.
    const reminded = sink.received
      .filter((m) => m.parsed.subject!.startsWith('Reminder: pre-work'))
      .flatMap((m) => m.envelopeTo)
      .sort();
    const preworked = sink.received
      .filter((m) => m.parsed.subject!.startsWith('Pre-work for'))
      .flatMap((m) => m.envelopeTo)
      .sort();
    expect(reminded).toEqual(preworked);
    expect(reminded).toEqual(['clinician', 'data', 'leader', 'pi', 'supervisor'].map(at));
  });

  it('a rescheduled session’s calendar update goes to the team only; the staff get the news without one', async () => {
    await acts.notify(SLUG, {
      kind: 'schedule-change',
      milestone: 'learningSessions[1]',
      version: 1,
      siteIds: ['bayview'],
    });
    const [member] = subject(at('clinician'), 'Schedule change');
    expect(entries(member!).map((e) => `${e.method} ${e.uid} ${e.sequence}`)).toEqual([
      `REQUEST ${SLUG}-ls-1@lc-orchestrator 1`,
    ]);
    for (const staff of [FACULTY, COORDINATOR]) {
      const [news] = subject(staff, 'Schedule change');
      expect(news).toBeDefined();
      expect(entries(news!)).toEqual([]);
    }
  });

  it('a withdrawal tells the faculty, and cancels for each person exactly what their calendar holds', async () => {
    await acts.notify(SLUG, { kind: 'consultation-invite', series: 0, call: 0, siteIds: ['bayview'] });
    await acts.notify(SLUG, { kind: 'withdrawal', siteId: 'bayview' });
    const cancelled = (email: string) => {
      const [m] = subject(email, 'Withdrawal confirmed');
      expect(m).toBeDefined();
      return entries(m!).map((e) => `${e.method} ${e.uid.replace(`${SLUG}-`, '')} ${e.sequence}`);
    };
    // Sessions 1 and 3 at SEQUENCE 0, session 2 moved once (1), the consultation call (0): each one higher.
    expect(cancelled(at('clinician'))).toEqual([
      'CANCEL consult-0-0@lc-orchestrator 1',
      'CANCEL ls-0@lc-orchestrator 1',
      'CANCEL ls-1@lc-orchestrator 2',
      'CANCEL ls-2@lc-orchestrator 1',
    ]);
    expect(cancelled(at('data'))).toEqual(cancelled(at('clinician')));
    // The PI was sent no session or call invitation: nothing to cancel. Faculty and coordinator: the news.
    for (const email of [at('pi'), FACULTY, COORDINATOR]) expect(cancelled(email)).toEqual([]);
    const [m] = subject(at('clinician'), 'Withdrawal confirmed');
    expect(m!.parsed.text).toMatch(
      /calendar entries of what was still to come .* are cancelled with this email/,
    );
  });

  it('stamps each calendar entry with the time of the event it belongs to, not the start of the session', async () => {
    const eventTime = new Date(Math.floor(now / 1000) * 1000 - 3_600_000);
    const notifier = new Notifier(dbh.db, new Outbox(dbh.db, transport, MAIL_FROM), {
      concurrency: 2,
      eventTime: () => eventTime,
    });
    await notifier.notify(SLUG, { kind: 'session-invite', siteId: 'bayview', session: 2, sequence: 7 });
    const [m] = sink
      .to(at('leader'))
      .filter(
        (x) =>
          /Learning Session 3/.test(x.parsed.subject!) &&
          /SEQUENCE:7/.test(x.parsed.attachments.map((a) => a.content.toString('utf8')).join('')),
      );
    expect(entries(m!)).toEqual([
      { method: 'REQUEST', uid: `${SLUG}-ls-2@lc-orchestrator`, sequence: 7, stamp: eventTime.toISOString() },
    ]);
  });
});

/**
 * Recipients are chosen by role, never by their place in a list: a site that is missing from the
 * directory (removed after it applied) has no PI to add, and its team is still told, the data
 * manager included, with their own working team link in the acceptance email.
 */
describe('a team whose site is missing from the directory', () => {
  const SLUG2 = 'who-missing';
  const KEY = 'recipients-test-signing-key-'.padEnd(48, 'k');
  const mates = (who: string) => `${who}@harbor.example.org`;
  let sink: SmtpSink;
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let transport: ReturnType<typeof createTransport>;
  let acts: ReturnType<typeof createActivities>;
  const now = Date.now();

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    dbh = await testDb('recipients-missing');
    transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
    acts = createActivities({
      db: dbh.db,
      outbox: new Outbox(dbh.db, transport, MAIL_FROM),
      links: { baseUrl: 'http://lc.example.org', key: KEY, ttlDays: 30 },
    });
    const raw = compressedConfig(SLUG2, now, { ls: 30, end: 120 });
    raw.sites = ['harbor'];
    await acts.recordCollaborative(parseLaunchConfig(raw));
    await acts.recordApplication(SLUG2, applicationFor('harbor', mates('pi')), 1);
    await acts.recordTeam(SLUG2, 'harbor', 'accepted');
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
    await dbh.close();
  });

  it('tells every member by role, and gives the data manager a team link that opens their team page', async () => {
    await acts.notify(SLUG2, { kind: 'decision', siteId: 'harbor', decision: 'accept' });
    await acts.notify(SLUG2, { kind: 'prework-reminder', siteId: 'harbor', n: 1, pending: ['baseline'] });
    const to = (prefix: string) =>
      sink.received
        .filter((m) => m.parsed.subject!.startsWith(prefix))
        .flatMap((m) => m.envelopeTo)
        .sort();
    const team = ['clinician', 'data', 'leader', 'supervisor'].map(mates);
    expect(to('Accepted')).toEqual(team);
    expect(to('Reminder: pre-work')).toEqual(team);

    const [accepted] = sink.to(mates('data')).filter((m) => m.parsed.subject!.startsWith('Accepted'));
    const link = /http:\/\/lc\.example\.org\/team\/([\w.-]+)/.exec(accepted!.parsed.text ?? '');
    expect(link).not.toBeNull();
    const check = verifyLink(KEY, link![1]!, 'team', now);
    expect(check.ok && check.claims).toMatchObject({ e: mates('data'), c: SLUG2, s: 'harbor' });
  });
});
