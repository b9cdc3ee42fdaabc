/**
 * The notify activity's digest of what teams shared and its storyboard reminder, against the real
 * MongoDB-wire and SMTP servers: nothing shared in the window, nothing sent; what is shared at the
 * window's end belongs to the next one; a retry sends nothing twice; a reminder goes only to the
 * teams without a storyboard for the session at the moment it is sent.
 */
import { createActivities } from '../../activities';
import { addResource, logPdsaCycle } from '../../app/pdsa';
import { shareStoryboard } from '../../app/storyboards';
import { parseLaunchConfig } from '../../domain/config';
import { createTransport, Outbox } from '../../mail/outbox';
import { getCollaborative } from '../../store/collaboratives';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { MAIL_FROM, testDb } from '../helpers/env';
import { applicationFor, exampleSites } from '../helpers/people';
import { SmtpSink } from '../helpers/smtp-sink';

const SLUG = 'sd';
const TEAMS = ['bayview', 'cedar-hill'];
const T0 = Date.parse('2030-03-01T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe('notify: the digest of what teams shared', () => {
  let sink: SmtpSink;
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let transport: ReturnType<typeof createTransport>;
  let acts: ReturnType<typeof createActivities>;
  const cfg = parseLaunchConfig({ ...compressedConfig(SLUG, T0, { end: 600 }), sites: TEAMS });
  const digest = (n: number, from: number, to: number) =>
    acts.notify(SLUG, {
      kind: 'shared-digest',
      n,
      from: at(from).toISOString(),
      to: at(to).toISOString(),
      siteIds: TEAMS,
    });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    dbh = await testDb('shared-digest');
    transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
    acts = createActivities({
      db: dbh.db,
      outbox: new Outbox(dbh.db, transport, MAIL_FROM),
      links: { baseUrl: 'http://web.test', key: 'k'.repeat(48), ttlDays: 45 },
    });
    await upsertSites(dbh.db, exampleSites);
    await acts.recordCollaborative(cfg);
    for (const siteId of TEAMS) {
      await acts.recordApplication(SLUG, applicationFor(siteId, `pi@${siteId}.example.org`), 1);
      await acts.recordTeam(SLUG, siteId, 'accepted');
    }
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
    await dbh.close();
  });

  it('sends nothing when nothing was shared in the window', async () => {
    expect(await digest(0, 0, 60)).toEqual({ sent: 0, alreadySent: 0, failed: 0, total: 0 });
    expect(sink.received).toHaveLength(0);
  });

  it('what is shared in [from, to) goes to every team member and staff member once; at `to`, it waits for the next', async () => {
    const doc = await getCollaborative(dbh.db, SLUG);
    await logPdsaCycle(
      dbh.db,
      doc,
      'bayview',
      { measure: 'fidelity', change: 'Huddle before each session', prediction: 'Fidelity up' },
      'clinician@bayview.example.org',
      at(70),
    );
    await addResource(
      dbh.db,
      doc,
      { title: 'Fidelity checklist', kind: 'document', url: 'https://docs.example.org/fidelity.pdf' },
      cfg.faculty[0]!.email,
      at(120), // the next window's first instant
    );
    const r = await digest(1, 60, 120);
    // 2 teams × 4 people (the contact is the supervisor), 2 faculty, 1 coordinator.
    expect(r).toMatchObject({ sent: 11, failed: 0, total: 11 });
    const subjects = sink.received.map((m) => m.parsed.subject);
    expect(new Set(subjects)).toEqual(new Set([`Shared this month: 1 PDSA cycle — ${cfg.title}`]));
    expect(new Set(sink.received.flatMap((m) => m.envelopeTo)).size).toBe(11);
    expect(sink.received[0]!.parsed.text).not.toContain('Fidelity checklist');
    // A retry (the same notice) sends nothing again.
    expect(await digest(1, 60, 120)).toMatchObject({ sent: 0, alreadySent: 11 });
    expect(await digest(2, 120, 180)).toMatchObject({ sent: 11 });
    expect(sink.received.at(-1)!.parsed.text).toContain('Fidelity checklist');
  });

  it('reminds of the storyboard only the teams that have not shared one for that session', async () => {
    const doc = await getCollaborative(dbh.db, SLUG);
    await shareStoryboard(
      dbh.db,
      doc,
      'bayview',
      { session: '1', link: 'https://docs.example.org/bayview-ls2' },
      'clinician@bayview.example.org',
      at(200),
    );
    const before = sink.received.length;
    const r = await acts.notify(SLUG, { kind: 'storyboard-reminder', session: 1, siteIds: TEAMS });
    expect(r).toMatchObject({ sent: 4, total: 4 });
    const sent = sink.received.slice(before);
    expect(sent.flatMap((m) => m.envelopeTo).every((to) => to.endsWith('@cedar-hill.example.org'))).toBe(
      true,
    );
    // Everyone has shared for LS2 once Cedar Hill does: nothing to send.
    await shareStoryboard(
      dbh.db,
      doc,
      'cedar-hill',
      { session: '1', link: 'https://docs.example.org/cedar-ls2' },
      'clinician@cedar-hill.example.org',
      at(210),
    );
    expect(
      await acts.notify(SLUG, { kind: 'storyboard-reminder', session: 1, siteIds: TEAMS }),
    ).toMatchObject({ total: 0 });
    // For LS3 nobody has: both teams.
    expect(
      await acts.notify(SLUG, { kind: 'storyboard-reminder', session: 2, siteIds: TEAMS }),
    ).toMatchObject({ sent: 8 });
  });
});
