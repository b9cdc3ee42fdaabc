/**
 * The notify activity sends a consultation series given by a rule as one invitation (RRULE in
 * the collaborative's zone), and cancels it in the calendar of a withdrawn team's member, and in
 * every member's calendar when the whole collaborative is cancelled — against the real MongoDB-wire
 * and SMTP servers.
 */
import ICAL from 'ical.js';
import { createActivities } from '../../activities';
import { parseLaunchConfig } from '../../domain/config';
import { createTransport, Outbox } from '../../mail/outbox';
import { upsertSites } from '../../store/sites';
import { storyConfig } from '../helpers/configs';
import { MAIL_FROM, testDb } from '../helpers/env';
import { applicationFor } from '../helpers/people';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink';

const SLUG = 'series-notify';
const at = (who: string) => `${who}@bayview.example.org`;

const calendars = (m: ReceivedMail) =>
  m.parsed.attachments
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .map((a) => new ICAL.Component(ICAL.parse(a.content.toString('utf8'))));

describe('notify: a consultation series as one invitation', () => {
  let sink: SmtpSink;
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let transport: ReturnType<typeof createTransport>;
  let acts: ReturnType<typeof createActivities>;
  const raw = storyConfig();
  raw.slug = SLUG;
  raw.sites = ['bayview'];
  raw.schedule.consultation = [
    { kind: 'clinical', every: '1st and 3rd Thursday 12:00', skip: ['2027-07-01'] },
  ];
  const cfg = parseLaunchConfig(raw);
  const cancelledCfg = parseLaunchConfig({ ...raw, slug: `${SLUG}-cancelled` });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    dbh = await testDb('series-notify');
    transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
    acts = createActivities({ db: dbh.db, outbox: new Outbox(dbh.db, transport, MAIL_FROM) });
    await upsertSites(dbh.db, [
      {
        siteId: 'bayview',
        name: 'Bayview',
        piName: 'Dr A',
        piEmail: at('pi'),
        active: true,
        timeZone: 'America/Denver',
      },
    ]);
    for (const c of [cfg, cancelledCfg]) {
      await acts.recordCollaborative(c);
      await acts.recordApplication(c.slug, applicationFor('bayview', at('pi')), 1);
      await acts.recordTeam(c.slug, 'bayview', 'accepted');
    }
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
    await dbh.close();
  });

  it('invites to the series, then cancels it on withdrawal', async () => {
    await acts.notify(SLUG, { kind: 'consultation-series-invite', series: 0, siteIds: ['bayview'] });
    const [invite] = sink.to(at('clinician')).filter((m) => m.parsed.subject!.startsWith('Invitation:'));
    expect(invite).toBeDefined();
    const [cal] = calendars(invite!);
    const ev = cal!.getFirstSubcomponent('vevent')!;
    expect(String(ev.getFirstPropertyValue('rrule'))).toMatch(/^FREQ=MONTHLY;BYDAY=\+1TH,\+3TH/);
    expect(ev.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(cfg.timeZone);
    expect(ev.getFirstPropertyValue('uid')).toBe(`${SLUG}-consult-0@lc-orchestrator`);

    await acts.notify(SLUG, { kind: 'withdrawal', siteId: 'bayview' });
    const [withdrawal] = sink.to(at('clinician')).filter((m) => m.parsed.subject!.startsWith('Withdrawal'));
    const cancels = calendars(withdrawal!).filter((c) => c.getFirstPropertyValue('method') === 'CANCEL');
    const series = cancels
      .map((c) => c.getFirstSubcomponent('vevent')!)
      .filter((e) => e.hasProperty('rrule'));
    expect(series.map((e) => [e.getFirstPropertyValue('uid'), e.getFirstPropertyValue('sequence')])).toEqual([
      [`${SLUG}-consult-0@lc-orchestrator`, 1],
    ]);
  });

  it('cancels the series, and the sessions, when the whole collaborative is cancelled', async () => {
    const slug = cancelledCfg.slug;
    await acts.notify(slug, { kind: 'consultation-series-invite', series: 0, siteIds: ['bayview'] });
    await acts.notify(slug, {
      kind: 'cancelled',
      siteIds: ['bayview'],
      reason: 'No funding.',
      sessions: [{ index: 2, sequence: 1 }],
    });
    const mail = sink
      .to(at('clinician'))
      .find((m) => m.parsed.subject === `Cancelled: ${cancelledCfg.title}`);
    expect(mail).toBeDefined();
    const cancelled = calendars(mail!).map((c) => {
      expect(c.getFirstPropertyValue('method')).toBe('CANCEL');
      const ev = c.getFirstSubcomponent('vevent')!;
      return [ev.getFirstPropertyValue('uid'), ev.getFirstPropertyValue('sequence'), ev.hasProperty('rrule')];
    });
    expect(cancelled).toEqual([
      [`${slug}-ls-2@lc-orchestrator`, 1, false],
      [`${slug}-consult-0@lc-orchestrator`, 1, true],
    ]);
    expect(mail!.parsed.text).toMatch(
      /calendar entries of what was still to come \(.*Learning Session 3.*\)/i,
    );
    // The PI was sent no series invitation: the news, and no calendar entry.
    const pi = sink.to(at('pi')).find((m) => m.parsed.subject === `Cancelled: ${cancelledCfg.title}`);
    expect(calendars(pi!)).toEqual([]);
  });
});
