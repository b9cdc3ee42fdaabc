/// <reference lib="dom" />
/**
 * The final report and the workspace's JSON API against the real stack (Temporal dev server,
 * FerretDB, an SMTP sink, the worker and the web app over HTTP). A collaborative is launched and
 * its sites apply through the workflow; what later phases write (decisions, teams, pre-work,
 * attendance, five months of metrics) is written with the store's own writers, as the worker's
 * activities do. Then: the report's PDF downloaded by its coordinator and read back with
 * pdf-parse (the report so far, then the stored final one); the printable page in headless
 * Chromium (axe-clean, no sideways scroll at 390 px, print style, screenshots in
 * .data/screenshots/report/); the API's directory (search, add, edit, deactivate, an import with a
 * bad row that changes nothing and names the row) and its CSV exports (a name beginning with `=`
 * escaped in each), with their access rules and their place in the OpenAPI document.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import * as ops from '../../app';
import { buildFinalReport } from '../../reports/final-report';
import { createLifecycleRecords } from '../../store/lifecycle';
import { recordSubmission } from '../../store/metrics';
import { getSites, upsertSites } from '../../store/sites';
import { newSession, SESSION_COOKIE } from '../../web/auth';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, exampleSites } from '../helpers/people';
import { pdfText } from '../helpers/pdf-text';
import { waitFor } from '../helpers/wait';
import { serveWeb, webAddress, type ServedWeb } from '../helpers/web';
import { axeViolations, launchChromium } from '../helpers/browser';
import { launchRecorded, signInEach } from '../helpers/launched';

const ROOT = path.join(__dirname, '../..');
const SHOTS = path.join(ROOT, '.data/screenshots/report');
const KEY = 'report-test-signing-key-'.padEnd(48, 'r');
const ADMIN = 'admin@network.example.org';
const COORD = 'coord.report@network.example.org';
const FACULTY = 'faculty.report@faculty.example.org';
const OUTSIDER = 'someone@elsewhere.example.org';
const PI = 'pi@formula.example.org';
const SLUG = 'report-lc';
const EVIL_SITE = '=HYPERLINK("http://evil.example/","x")';
const TEAMS = ['bayview', 'cedar-hill', 'formula'];

describe('the final report (page, PDF) and the JSON API of the directory and exports (real stack)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let base: string;
  let periods: string[];
  const session: Record<string, string> = {};
  const csrf: Record<string, string> = {};

  /** A GET as a browser or script takes it: status, headers and the bytes. */
  async function get(url: string, who?: string) {
    const res = await fetch(base + url, {
      redirect: 'manual',
      headers: who ? { cookie: `${SESSION_COOKIE}=${session[who]}` } : {},
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }
  /** An API call with the session's cookie and its CSRF header (as the pages' scripts would). */
  async function api(
    method: 'GET' | 'POST',
    url: string,
    who: string,
    body?: unknown,
    o: { csrf?: boolean } = {},
  ) {
    const res = await fetch(base + url, {
      method,
      headers: {
        cookie: `${SESSION_COOKIE}=${session[who]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' && o.csrf !== false ? { 'x-csrf-token': csrf[who]! } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }
  beforeAll(async () => {
    const addr = await webAddress();
    base = addr.baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-report', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    await upsertSites(h.db, [
      ...exampleSites,
      { siteId: 'formula', name: EVIL_SITE, piName: 'Dr. Formula', piEmail: PI, active: true },
    ]);
    const c = compressedConfig(SLUG, Date.now(), {
      close: 30,
      decisions: 40,
      prework: 41,
      ls: 45,
      end: 200 * 24 * 60, // about six monthly reporting periods
    });
    c.sites = TEAMS;
    c.coordinators = [{ name: 'Coordinator', email: COORD }];
    c.faculty = [{ name: 'Dr. Faculty', email: FACULTY }];
    await launchRecorded(env, h, c);
    web = await serveWeb(env, h, {
      key: KEY,
      baseUrl: base,
      port: addr.port,
      admins: [ADMIN],
      rateLimits: { signin: 1000, links: 1000 },
    });
    await signInEach(web, h, { key: KEY, baseUrl: base }, [ADMIN, COORD, FACULTY], { session, csrf });
    session[OUTSIDER] = newSession(KEY, OUTSIDER, Date.now());

    // The sites apply through the workflow (the PI's Update), once it has announced.
    for (const siteId of TEAMS) {
      const pi = siteId === 'formula' ? PI : exampleSites.find((s) => s.siteId === siteId)!.piEmail;
      await waitFor(`the application of ${siteId}`, () =>
        ops.submitApplication(env.client, SLUG, applicationFor(siteId, pi)),
      );
    }
    await waitFor('the applications recorded', async () =>
      (await ops.applicationsOf(h.db, SLUG)).length === TEAMS.length ? true : undefined,
    );
    const rec = createLifecycleRecords(h.db);
    for (const siteId of TEAMS) {
      await rec.recordDecision(SLUG, { siteId, decision: 'accept', notes: 'Welcome', by: FACULTY });
      await rec.recordTeam(SLUG, siteId, 'accepted');
    }
    await rec.recordPrework(SLUG, 'bayview', 'checklist', 'leader@bayview.example.org');
    const apps = await ops.applicationsOf(h.db, SLUG);
    for (const a of apps)
      for (const session of [0, 1])
        await rec.recordAttendance(SLUG, a.siteId, {
          session,
          attendees: [
            { email: a.coreTeam.members[0]!.email, present: !(a.siteId === 'cedar-hill' && session === 1) },
          ],
          by: FACULTY,
        });
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    periods = ops
      .currentSchedule(doc)
      .periods.map((p) => p.id)
      .slice(0, 5);
    expect(periods).toHaveLength(5);
    // Fidelity climbs month after month at bayview; cedar-hill misses the third month.
    for (const [k, siteId] of TEAMS.entries())
      for (const [i, period] of periods.entries()) {
        if (siteId === 'cedar-hill' && i === 2) continue;
        await recordSubmission(
          h.db,
          SLUG,
          siteId,
          {
            period,
            by: apps.find((a) => a.siteId === siteId)!.coreTeam.dataManager.email,
            values: { children_served: 10 + i + k, fidelity: 50 + 8 * i + k, cds_used: true, notes: '' },
          },
          { submittedAt: new Date().toISOString(), late: i === 1, amendments: 0 },
        );
      }
  }, 240_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('gives the report as a PDF to its coordinator and faculty, its text readable; refuses others', async () => {
    const page = await get(`/c/${SLUG}`, COORD);
    expect(page.bytes.toString()).toContain(`href="/c/${SLUG}/report"`);
    expect(page.bytes.toString()).toContain(`href="/c/${SLUG}/report.pdf"`);

    const r = await get(`/c/${SLUG}/report.pdf`, COORD);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${SLUG}-final-report.pdf"`);
    expect(r.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const t = await pdfText(r.bytes);
    const text = t.text;
    expect(text).toContain(`Final report: Test collaborative ${SLUG}`);
    expect(text).toContain('Report so far, as of');
    expect(text).toContain('3 applications; 3 accepted, 0 waitlisted, 0 declined.');
    expect(text).toContain('3 teams took part');
    for (const heading of [
      'Summary',
      'Teams',
      'Run charts',
      'Fidelity (%): each team',
      'Children served: mean of the teams',
    ])
      expect(text).toContain(heading);
    for (const name of ['Bayview Child Trauma Center', 'Cedar Hill Family Services', EVIL_SITE])
      expect(text).toContain(name);
    expect(text).toMatch(
      /Cedar Hill Family Services accepted 1 of 3 \(missed LS2, LS3\) 0 of 3 0 4 \(3 on time\)/,
    );
    expect(text).toMatch(
      /Bayview Child Trauma Center accepted 2 of 3 \(missed LS3\) 1 of 3 0 5 \(4 on time\)/,
    );
    // The chart's numbers as a table: bayview's fidelity each month.
    expect(text).toContain(`${periods[4]} 82%`);
    // Every page numbered, "page i of n".
    expect(t.total).toBeGreaterThanOrEqual(2);
    expect(t.pages).toHaveLength(t.total);
    t.pages.forEach((p, i) => expect(p).toContain(`page ${i + 1} of ${t.total}`));

    // Faculty read it too; a signed-in outsider gets a refusal, nobody signed in the sign-in page.
    expect((await get(`/c/${SLUG}/report.pdf`, FACULTY)).status).toBe(200);
    const refused = await get(`/c/${SLUG}/report.pdf`, OUTSIDER);
    expect(refused.status).toBe(403);
    expect(refused.bytes.toString()).not.toContain('Bayview');
    const anon = await get(`/c/${SLUG}/report.pdf`);
    expect(anon.status).toBe(302);
    expect(anon.headers.get('location')).toBe('/signin');
    expect((await get(`/c/nowhere/report.pdf`, COORD)).status).toBe(403);

    // Once the collaborative has ended, the worker's activity stores the report it emails; the
    // page and the PDF are then that one.
    const stored = await buildFinalReport(h.db, SLUG);
    const final = await pdfText((await get(`/c/${SLUG}/report.pdf`, COORD)).bytes);
    expect(final.text).toContain('Final report, made');
    expect(final.text).not.toContain('Report so far');
    expect(final.text).toContain(stored.summary[0]!);
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(path.join(SHOTS, 'final-report.pdf'), (await get(`/c/${SLUG}/report.pdf`, COORD)).bytes);
    console.log(
      `[web] report PDF: ${t.total} pages, ${t.text.length} characters of text; the stored final one after`,
    );
  });

  it('shows the printable report in Chromium: axe-clean, no sideways scroll, print style; screenshots', async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const browser = await launchChromium();
    const findings: string[] = [];
    try {
      const context = await browser.newContext();
      await context.addCookies([{ name: SESSION_COOKIE, value: session[COORD]!, url: base }]);
      const page = await context.newPage();
      await page.goto(`${base}/c/${SLUG}`);
      await Promise.all([page.waitForURL(/\/report$/), page.click('[data-testid="report-page"]')]);
      await page.locator('#charts figure').first().waitFor();
      expect(await page.textContent('h1')).toBe(`Final report: Test collaborative ${SLUG}`);
      expect(await page.locator('#teams tr').count()).toBe(1 + TEAMS.length);
      expect(await page.locator('#charts figure').count()).toBe(4); // two numeric measures × (each team, mean)
      expect(await page.locator('#charts figure svg').count()).toBe(4);
      expect(await page.locator('#charts details[open]').count()).toBe(4);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: path.join(SHOTS, `report-${width}.png`), fullPage: true });
        const violations = await axeViolations(page);
        for (const v of violations) findings.push(`report @${width}: ${v}`);
        const wide = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
        if (wide > 0) findings.push(`report @${width}: ${wide} px too wide`);
      }
      // Printed: no site header, no links list.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header').isVisible()).toBe(false);
      expect(await page.locator('.report-links').isVisible()).toBe(false);
      expect(await page.locator('#teams').isVisible()).toBe(true);
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: path.join(SHOTS, 'report-print-1280.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    expect(findings).toEqual([]);
  });

  it('keeps the directory through the API: search, add, edit, deactivate; an import with a bad row changes nothing', async () => {
    // Administrators only; a cookie-authenticated write needs its CSRF header.
    expect((await api('GET', '/api/sites', COORD)).status).toBe(403);
    const sneaky = { siteId: 'sneaky', name: 'S', piName: 'Dr. S', piEmail: 's@x.example.org' };
    expect((await api('POST', '/api/sites', COORD, sneaky)).status).toBe(403);
    expect((await api('POST', '/api/sites', ADMIN, sneaky, { csrf: false })).status).toBe(403);
    expect(await getSites(h.db, ['sneaky'])).toEqual([]);

    const found = await api('GET', '/api/sites?q=BAYVIEW&show=active', ADMIN);
    expect(found.status).toBe(200);
    expect(found.json().sites.map((s: { siteId: string }) => s.siteId)).toEqual(['bayview']);
    expect(found.json().total).toBe(exampleSites.length + 1);

    const bad = await api('POST', '/api/sites', ADMIN, {
      siteId: 'pine',
      name: 'Pine',
      piName: '',
      piEmail: 'nope',
    });
    expect(bad.status).toBe(422);
    expect(bad.json().problems.join(' ')).toMatch(/piEmail: not a valid email address/);
    const added = await api('POST', '/api/sites', ADMIN, {
      siteId: 'pine',
      name: 'Pine Clinic',
      piName: 'Dr. Pine',
      piEmail: 'pine@pine.example.org',
    });
    expect(added.status).toBe(201);
    expect(added.json()).toMatchObject({ siteId: 'pine', active: true, updatedBy: ADMIN });
    const again = await api('POST', '/api/sites', ADMIN, { ...sneaky, siteId: 'pine' });
    expect(again.status).toBe(422);
    expect(again.json().problems).toEqual([
      'siteId: "pine" is in the directory already; edit that site instead',
    ]);

    const edited = await api('POST', '/api/sites/pine', ADMIN, {
      name: 'Pine Clinic West',
      piName: 'Dr. Pine',
      piEmail: 'pine@pine.example.org',
      timeZone: 'America/Denver',
    });
    expect(edited.status).toBe(200);
    expect(edited.json()).toMatchObject({ name: 'Pine Clinic West', timeZone: 'America/Denver' });
    expect((await api('POST', '/api/sites/pine', ADMIN, { siteId: 'oak' })).status).toBe(422);
    expect((await api('POST', '/api/sites/nowhere', ADMIN, { name: 'X' })).status).toBe(404);

    const off = await api('POST', '/api/sites/pine/active', ADMIN, { active: false });
    expect(off.json()).toMatchObject({ siteId: 'pine', active: false });
    expect((await api('POST', '/api/sites/pine/active', ADMIN, { active: 'maybe' })).status).toBe(422);
    const inactive = await api('GET', '/api/sites?show=inactive', ADMIN);
    const inactiveSites = inactive.json().sites as { siteId: string; active: boolean }[];
    expect(inactiveSites.map((s) => s.siteId)).toContain('pine');
    expect(inactiveSites.every((s) => !s.active)).toBe(true);
    expect((await api('GET', '/api/sites/pine', ADMIN)).json()).toMatchObject({ active: false });

    // An import with one bad row of three: nothing imported, the row named.
    const before = (await api('GET', '/api/sites', ADMIN)).json().sites;
    const rows = [
      'siteId,name,piName,piEmail,timeZone,active',
      'maple,Maple Clinic,Dr. Maple,maple@maple.example.org,,true',
      'pine,Pine Clinic East,Dr. Pine,pine@pine.example.org,,true',
      'birch,Birch Clinic,Dr. Birch,not-an-address,,true',
    ];
    const refused = await api('POST', '/api/sites/import', ADMIN, {
      filename: 'sites.csv',
      text: rows.join('\r\n'),
    });
    expect(refused.status).toBe(422);
    expect(refused.json().problems).toEqual(['line 4: piEmail: not a valid email address']);
    expect((await api('GET', '/api/sites', ADMIN)).json().sites).toEqual(before);
    // The good file: one new, one updated.
    const good = await api('POST', '/api/sites/import', ADMIN, {
      format: 'csv',
      text: rows.slice(0, 3).join('\n'),
    });
    expect(good.status).toBe(200);
    expect(good.json()).toEqual({ count: 2, inserted: 1, updated: 1 });
    expect((await api('GET', '/api/sites/pine', ADMIN)).json()).toMatchObject({
      name: 'Pine Clinic East',
      active: true,
    });
    expect((await api('POST', '/api/sites/import', ADMIN, { text: '' })).status).toBe(422);
  });

  it('gives each CSV export through the API with formulas escaped, to those the pages allow', async () => {
    for (const kind of ops.EXPORT_KINDS) {
      const r = await api('GET', `/api/collaboratives/${SLUG}/exports/${kind}.csv`, COORD);
      expect(`${kind}: ${r.status}`).toBe(`${kind}: 200`);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const rows = parse(r.text, { bom: true, columns: true }) as Record<string, string>[];
      const formula = rows.filter((x) => x.siteId === 'formula');
      expect(`${kind}: ${formula.length > 0}`).toBe(`${kind}: true`);
      // The site named `=HYPERLINK(…)` comes out as text, in every export.
      for (const x of formula) expect(x.site).toBe(`'${EVIL_SITE}`);
      for (const x of rows) for (const v of Object.values(x)) expect(v).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
      const faculty = await api('GET', `/api/collaboratives/${SLUG}/exports/${kind}.csv`, FACULTY);
      expect(`${kind}: ${faculty.status}`).toBe(
        `${kind}: ${['compliance', 'metrics'].includes(kind) ? 403 : 200}`,
      );
      expect((await api('GET', `/api/collaboratives/${SLUG}/exports/${kind}.csv`, OUTSIDER)).status).toBe(
        403,
      );
    }
    const report = await api('GET', `/api/collaboratives/${SLUG}/report`, FACULTY);
    expect(report.status).toBe(200);
    expect(report.json()).toMatchObject({ slug: SLUG, state: 'final' });
    expect(report.json().teamTable.rows).toHaveLength(TEAMS.length);
    expect(report.json().charts[0].svg).toBeUndefined();
    const pdf = await get(`/api/collaboratives/${SLUG}/report.pdf`, COORD);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');

    const doc = (await api('GET', '/api/openapi.json', COORD)).json();
    for (const p of [
      '/api/sites',
      '/api/sites/{siteId}',
      '/api/sites/{siteId}/active',
      '/api/sites/import',
      '/api/collaboratives/{slug}/report.pdf',
      ...ops.EXPORT_KINDS.map((k) => `/api/collaboratives/{slug}/exports/${k}.csv`),
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(
      doc.paths['/api/sites/import'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('text');
    expect(
      doc.paths['/api/collaboratives/{slug}/exports/metrics.csv'].get.responses[200].content,
    ).toHaveProperty('text/csv');
  });
});
