/**
 * A person's own calendar feed, against the real stack (Temporal dev server, FerretDB, an SMTP
 * sink, the worker and the web app): a collaborative launched with two sites, both apply (through
 * the workflow), both are accepted, then one team withdraws and Learning Session 1 is moved (five minutes: the compressed schedule's
 * sessions are ten minutes apart).
 * Each person's feed, fetched from the signed address their page shows, parses with ical.js and
 * holds exactly their events: the coordinator everything with the deadlines, a team member the
 * sessions (LS1 at its new time, SEQUENCE raised), the data manager also the metrics due dates,
 * the withdrawn team's people nothing of the sessions, a stranger nothing. A changed signature,
 * or the address of another purpose, is refused.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ICAL from 'ical.js';
import * as ops from '../../app';
import { createLifecycleRecords } from '../../store/lifecycle';
import { upsertSites } from '../../store/sites';
import { signLink } from '../../security/links';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, exampleSites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { serveWeb, signInByEmail, webAddress, type ServedWeb } from '../helpers/web';

const KEY = 'personal-feed-signing-key-'.padEnd(48, 'f');
const SLUG = 'feed-lc';
const COORD = 'coordinator@network.example.org';
const STAYS = 'bayview';
const LEAVES = 'harbor';
const PI = { bayview: 'ana.ruiz@bayview.example.org', harbor: 'grace.lee@harbor.example.org' };

type Event = { uid: string; summary: string; start: string; sequence: number; allDay: boolean };

function eventsOf(ics: string): Event[] {
  const root = new ICAL.Component(ICAL.parse(ics));
  return root.getAllSubcomponents('vevent').map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().toISOString(),
      sequence: e.sequence,
      allDay: e.startDate.isDate,
    };
  });
}

describe("a person's own calendar feed (real stack)", () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let base: string;

  /** The feed address the person's page shows, fetched as a calendar app does (no cookie). */
  async function feedOf(page: string, cookie?: Record<string, string>): Promise<Event[]> {
    const r = await web.call({ method: 'GET', url: page, cookie });
    expect(r.statusCode).toBe(200);
    const url = /id="feed-url"[^>]*value="([^"]+)"/.exec(r.body)?.[1];
    expect(url).toBeDefined();
    const feed = await web.call({ method: 'GET', url: url!.slice(base.length) });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    return eventsOf(feed.body);
  }
  const feedFor = async (email: string) => {
    const token = signLink(KEY, { p: 'feed', e: email, x: Date.now() + 3600_000 });
    const r = await web.call({ method: 'GET', url: `/feeds/${token}.ics` });
    expect(r.statusCode).toBe(200);
    return eventsOf(r.body);
  };
  const teamLink = (siteId: string, email: string) =>
    `/team/${signLink(KEY, { p: 'team', e: email, c: SLUG, s: siteId, x: Date.now() + 3600_000 })}`;

  beforeAll(async () => {
    const addr = await webAddress();
    base = addr.baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-feed', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    const c = compressedConfig(SLUG, Date.now(), {
      close: 30,
      decisions: 40,
      prework: 41,
      ls: 60,
      end: 45 * 24 * 60, // reporting periods: this month and the next
    });
    c.sites = [STAYS, LEAVES];
    c.coordinators = [{ name: 'Coordinator', email: COORD }];
    await ops.launch(env.client, h.db, h.taskQueue, c);
    await waitFor('the record', async () => (await ops.findCollaborative(h.db, SLUG)) ?? undefined);
    web = await serveWeb(env, h, {
      key: KEY,
      baseUrl: base,
      port: addr.port,
      rateLimits: { signin: 1000, links: 1000 },
    });
  }, 180_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('gives each person exactly their sessions, calls and deadlines, following withdrawals and moves', async () => {
    for (const siteId of [STAYS, LEAVES] as const)
      await waitFor(`the application of ${siteId}`, () =>
        ops.submitApplication(env.client, SLUG, applicationFor(siteId, PI[siteId])),
      );
    await waitFor('both applications', async () =>
      (await ops.applicationsOf(h.db, SLUG)).length === 2 ? true : undefined,
    );
    // Decisions and teams as the worker's activities write them, rather than waiting out the schedule.
    const rec = createLifecycleRecords(h.db);
    for (const siteId of [STAYS, LEAVES]) {
      await rec.recordDecision(SLUG, { siteId, decision: 'accept', notes: '', by: COORD });
      await rec.recordTeam(SLUG, siteId, 'accepted');
    }
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    const s = ops.currentSchedule(doc);
    const ls1 = `${SLUG}-ls-0@lc-orchestrator`;
    const deadlines = (evs: Event[]) =>
      evs
        .filter((e) => e.allDay)
        .map((e) => e.summary)
        .sort();

    // The coordinator: from the dashboard's address; every event, the deadlines as whole days.
    const coord = await signInByEmail(web, h, KEY, COORD, base);
    const mine = await feedOf('/', { lc_session: coord.token });
    expect(mine.map((e) => e.uid)).toEqual(
      expect.arrayContaining([ls1, `${SLUG}-info-call-0@lc-orchestrator`]),
    );
    expect(deadlines(mine)).toEqual(
      ['Applications close', 'Decisions due', ...s.periods.map((p) => `Metrics for ${p.id} due`)]
        .map((w) => `${w}: ${doc.config.title}`)
        .sort(),
    );

    // A team member, from their team page: the sessions, no deadlines; the data manager the metrics due.
    const member = `clinician@${STAYS}.example.org`;
    const theirs = await feedOf(teamLink(STAYS, member));
    expect(theirs.filter((e) => !e.allDay).map((e) => e.uid)).toEqual(
      s.learningSessions.map((_, i) => `${SLUG}-ls-${i}@lc-orchestrator`),
    );
    expect(deadlines(theirs)).toEqual([]);
    expect(deadlines(await feedFor(`data@${STAYS}.example.org`))).toEqual(
      s.periods.map((p) => `Metrics for ${p.id} due: ${doc.config.title}`).sort(),
    );
    expect(await feedFor('nobody@elsewhere.example.org')).toEqual([]);

    // The other team withdraws, and LS1 moves five minutes later: the feeds follow.
    const leaver = `leader@${LEAVES}.example.org`;
    expect((await feedFor(leaver)).map((e) => e.uid)).toContain(ls1);
    await rec.recordTeam(SLUG, LEAVES, 'withdrawn');
    const moved = new Date(Date.parse(s.learningSessions[0]!.start) + 5 * 60_000);
    await ops.reschedule(env.client, h.db, SLUG, {
      milestone: 'LS1',
      date: moved.toISOString().replace(/\.\d+Z$/, 'Z'),
      by: COORD,
    });
    await waitFor('the moved schedule on the record', async () =>
      ((await ops.findCollaborative(h.db, SLUG))?.scheduleVersion ?? 0) > 0 ? true : undefined,
    );
    expect((await feedFor(leaver)).filter((e) => !e.allDay)).toEqual([]);
    const after = (await feedFor(member)).find((e) => e.uid === ls1)!;
    expect(after.start).toBe(moved.toISOString());
    expect(after.sequence).toBeGreaterThan(0);
  });

  it('refuses a changed signature, and a signed address of another purpose', async () => {
    const token = signLink(KEY, { p: 'feed', e: COORD, x: Date.now() + 3600_000 });
    const [body, sig] = token.split('.');
    const flipped = `${body}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`;
    const other = signLink(KEY, { p: 'session', e: COORD, x: Date.now() + 3600_000 });
    const forged = signLink('another-key-'.padEnd(48, 'x'), {
      p: 'feed',
      e: COORD,
      x: Date.now() + 3600_000,
    });
    for (const t of [flipped, other, forged, 'not-a-token']) {
      const r = await web.call({ method: 'GET', url: `/feeds/${t}.ics` });
      expect(r.statusCode).toBe(403);
      expect(r.body).toMatch(/calendar address is not valid/);
      expect(r.body).not.toMatch(/BEGIN:VCALENDAR/);
    }
    const expired = signLink(KEY, { p: 'feed', e: COORD, x: Date.now() - 1000 });
    const r = await web.call({ method: 'GET', url: `/feeds/${expired}.ics` });
    expect(r.statusCode).toBe(403);
    expect(r.body).toMatch(/not valid any more/);
  });
});
