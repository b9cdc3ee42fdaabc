/// <reference lib="dom" />
/**
 * The public pages, against the real stack (Temporal dev server, FerretDB, an SMTP sink, the
 * worker and the web app): two collaboratives launched, one open for applications and one
 * cancelled. /programmes lists only the open one, with its timeline in the one date format, its
 * informational call and how to apply; nothing private reaches the body (no email address, no PI,
 * faculty, coordinator or site name); a `<script>` title comes out inert. Its calendar feed parses
 * with ical.js into one VEVENT per learning session and informational call, under the UIDs of the
 * emailed invitations, with its VTIMEZONE; the cancelled one's feed cancels its events. No request
 * carries a cookie. In headless Chromium both pages are axe-clean and do not scroll sideways at 360 px.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ICAL from 'ical.js';
import * as ops from '../../app';
import { formatInZone } from '../../domain/dates';
import { currentSchedule, type CollaborativeDoc } from '../../store/collaboratives';
import { upsertSites } from '../../store/sites';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { exampleSites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { serveWeb, type ServedWeb } from '../helpers/web';
import { axeViolations, launchChromium } from '../helpers/browser';

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

const KEY = 'public-test-signing-key-'.padEnd(48, 'p');
const BASE = 'http://web.test';
const OPEN = 'pub-open';
const CANCELLED = 'pub-cancelled';
const ZONE = 'America/New_York';
const TITLE = '<script>alert("pwned")</script> Open collaborative';
const SITES = ['bayview', 'harbor'];

function config(slug: string, title: string) {
  const c = compressedConfig(slug, Date.now(), {
    info: 20,
    close: 60,
    decisions: 70,
    prework: 71,
    ls: 75,
    end: 200,
  });
  c.title = title;
  c.timeZone = ZONE;
  c.sites = SITES;
  c.schedule.informationalCalls[0].link = `https://meet.example.org/${slug}-info`;
  return c;
}

/** The instant a DTSTART/DTEND stands for, read through the VTIMEZONE the document carries. */
function instantOf(root: Component, ev: Component, name: 'dtstart' | 'dtend'): { tzid: string; at: string } {
  const prop = ev.getFirstProperty(name)!;
  const tzid = prop.getParameter('tzid') as string;
  const vtz = root.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
  expect(vtz).toBeDefined();
  const v = prop.getFirstValue() as Time;
  const zoned = ICAL.Time.fromData(
    { year: v.year, month: v.month, day: v.day, hour: v.hour, minute: v.minute, second: v.second },
    new ICAL.Timezone(vtz!),
  );
  return { tzid, at: new Date(zoned.toUnixTime() * 1000).toISOString().replace('.000Z', 'Z') };
}

describe('public pages and calendar feeds (real stack)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let open: CollaborativeDoc;
  const privateWords: string[] = [];

  const record = (slug: string, phase: string) =>
    waitFor(
      `${slug} in phase ${phase}`,
      async () => {
        const d = await ops.findCollaborative(h.db, slug);
        return d?.phase === phase ? d : undefined;
      },
      60_000,
    );

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'web-public');
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    const openConfig = config(OPEN, TITLE);
    const cancelledConfig = config(CANCELLED, 'Cancelled collaborative');
    await ops.launch(env.client, h.db, h.taskQueue, openConfig);
    await ops.launch(env.client, h.db, h.taskQueue, cancelledConfig);
    open = await record(OPEN, 'applications');
    await record(CANCELLED, 'applications');
    await ops.cancel(env.client, CANCELLED, {
      reason: 'No funding this year.',
      by: cancelledConfig.coordinators[0].email,
    });
    await record(CANCELLED, 'cancelled');
    for (const c of [openConfig, cancelledConfig])
      privateWords.push(
        ...[...c.coordinators, ...c.faculty].flatMap((p: { name: string; email: string }) => [
          p.name,
          p.email,
        ]),
      );
    for (const s of exampleSites.filter((s) => SITES.includes(s.siteId)))
      privateWords.push(s.piName, s.piEmail, s.name);
    web = await serveWeb(env, h, { key: KEY, baseUrl: BASE });
  }, 120_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('lists only the collaborative open for applications, with its timeline, calls and how to apply, and nothing private', async () => {
    const list = await web.call({ url: '/programmes' });
    expect(list.statusCode).toBe(200);
    expect(list.setCookie).toBeUndefined();
    expect(list.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const detail = await web.call({ url: `/programmes/${OPEN}` });
    expect(detail.statusCode).toBe(200);

    expect(list.body).toContain(`data-slug="${OPEN}"`);
    expect(list.body).not.toContain(CANCELLED);
    expect(list.body).not.toContain('Cancelled collaborative');
    const s = currentSchedule(open);
    for (const body of [list.body, detail.body]) {
      // The timeline as words, dates in the one format, in the collaborative's zone.
      expect(body).toContain('Applications close');
      expect(body).toContain(formatInZone(s.applicationsClose, ZONE));
      const ls3 = formatInZone(s.learningSessions[2]!.start, ZONE);
      expect(body).toMatch(new RegExp(`Learning Session 3</td>\\s*<td>${ls3}</td>`));
      expect(body).toContain(formatInZone(s.informationalCalls[0]!.start, ZONE));
      expect(body).toContain(`href="https://meet.example.org/${OPEN}-info"`);
      expect(body).toContain('Applications are open until');
      expect(body).toContain('receives an application link in the announcement');
      expect(body).toContain(`href="/programmes/${OPEN}.ics"`);
      // The title is text, never markup.
      expect(body).not.toContain('<script>alert');
      expect(body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Open collaborative');
      // Nothing private: no email address, no person's or site's name.
      expect(body).not.toMatch(/[\w.+-]+@[\w-]+(\.[\w-]+)+/);
      for (const w of privateWords) expect(body).not.toContain(w);
    }
    // The sign-in page leads here.
    expect((await web.call({ url: '/signin' })).body).toContain('href="/programmes"');
  });

  it('answers 404 for a cancelled, unknown or malformed slug without echoing it', async () => {
    for (const url of [`/programmes/${CANCELLED}`, '/programmes/no-such-lc', '/programmes/%3Cscript%3Exx']) {
      const r = await web.call({ url });
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('Page not found');
      expect(r.body).not.toContain(url.slice('/programmes/'.length));
      expect(r.body).not.toContain('<script>xx');
    }
    expect((await web.call({ url: '/programmes/no-such-lc.ics' })).statusCode).toBe(404);
    // Past its applications (review onwards) a collaborative is no longer listed either.
    expect(ops.publicView({ ...open, phase: 'review' }, Date.now())).toBeUndefined();
    expect(ops.publicView(open, Date.parse(currentSchedule(open).applicationsClose) + 1)).toBeUndefined();
  });

  it('serves a calendar feed with one VEVENT per session and call, under the emailed invitations’ UIDs', async () => {
    const r = await web.call({ url: `/programmes/${OPEN}.ics` });
    expect(r.statusCode).toBe(200);
    expect(r.setCookie).toBeUndefined();
    expect(r.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(r.headers.get('cache-control')).toMatch(/max-age=(\d{1,3})\b/);
    expect(r.body.endsWith('\r\n')).toBe(true);
    const root = new ICAL.Component(ICAL.parse(r.body));
    expect(root.name).toBe('vcalendar');
    expect(root.getFirstPropertyValue('method')).toBeNull();
    expect(root.getAllSubcomponents('vtimezone').map((c) => c.getFirstPropertyValue('tzid'))).toEqual([ZONE]);
    const events = root.getAllSubcomponents('vevent');
    const s = currentSchedule(open);
    const expected = [
      ...s.learningSessions.map((ls, i) => ({ uid: `${OPEN}-ls-${i}@lc-orchestrator`, start: ls.start })),
      ...s.informationalCalls.map((c, i) => ({
        uid: `${OPEN}-info-call-${i}@lc-orchestrator`,
        start: c.start,
      })),
    ];
    expect(events).toHaveLength(4);
    expect(
      events.map((ev) => ({
        uid: ev.getFirstPropertyValue('uid'),
        start: instantOf(root, ev, 'dtstart').at,
      })),
    ).toEqual(expected);
    for (const ev of events) {
      expect(instantOf(root, ev, 'dtstart').tzid).toBe(ZONE);
      expect(instantOf(root, ev, 'dtend').tzid).toBe(ZONE);
      expect(ev.getFirstPropertyValue('sequence')).toBe(open.scheduleVersion ?? 0);
      expect(ev.getFirstPropertyValue('dtstamp')).not.toBeNull();
      expect(ev.getFirstPropertyValue('status')).toBe('CONFIRMED');
      expect(ev.getFirstProperty('organizer')).toBeNull();
      expect(ev.getFirstProperty('attendee')).toBeNull();
    }
    expect(r.body).not.toMatch(/mailto:/i);
    for (const w of privateWords) expect(r.body).not.toContain(w);

    // The emailed invitation to the informational call (sent to those who register) carries the same UID.
    await waitFor('the registration of a PI for the call', () =>
      ops.registerForCall(env.client, h.db, h.outbox, OPEN, {
        call: 0,
        siteId: 'bayview',
        name: 'Dr. Ana Ruiz',
        email: 'ana.ruiz@bayview.example.org',
      }),
    );
    const invite = await waitFor('the informational call’s invitation to a PI', async () =>
      h.sink.received.find(
        (m) =>
          /^Invitation: informational call 1/.test(m.parsed.subject ?? '') &&
          m.parsed.subject!.endsWith(TITLE),
      ),
    );
    const ics = invite.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics).toBeDefined();
    const emailed = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    expect(emailed.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid')).toBe(
      `${OPEN}-info-call-0@lc-orchestrator`,
    );

    // The same schedule renders the same bytes (a subscriber polling sees no change).
    expect((await web.call({ url: `/programmes/${OPEN}.ics` })).body).toBe(r.body);
  });

  it('keeps serving a cancelled collaborative’s feed, its events cancelled', async () => {
    const r = await web.call({ url: `/programmes/${CANCELLED}.ics` });
    expect(r.statusCode).toBe(200);
    const events = new ICAL.Component(ICAL.parse(r.body)).getAllSubcomponents('vevent');
    expect(events).toHaveLength(4);
    for (const ev of events) {
      expect(ev.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(ev.getFirstPropertyValue('sequence')).toBe(1);
    }
  });

  it('is axe-clean and fits 360 px in a browser', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const findings: string[] = [];
      // The `<script>` title must not run.
      let alerted = false;
      page.on('dialog', (d) => {
        alerted = true;
        void d.dismiss();
      });
      for (const url of ['/programmes', `/programmes/${OPEN}`]) {
        await page.goto(web.origin + url);
        for (const width of [1280, 360]) {
          await page.setViewportSize({ width, height: 800 });
          const violations = await axeViolations(page);
          findings.push(...violations.map((v) => `${url} @${width}: ${v}`));
          const wide = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
          if (wide > 0) findings.push(`${url} @${width}: ${wide} px too wide`);
        }
        expect(alerted).toBe(false);
        expect(await page.title()).toContain('Learning Collaboratives');
      }
      expect(findings).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
