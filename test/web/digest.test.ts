/// <reference lib="dom" />
/**
 * The digest of what teams shared (#21), against the real stack (Temporal dev server, FerretDB,
 * an SMTP sink, the worker and the web app over HTTP) in headless Chromium: two teams are accepted
 * through the workflow; Bayview logs a PDSA cycle and shares a storyboard from its pages, the
 * faculty add a resource; the digest is sent by the notify activity (as the workflow's monthly
 * item does, for a window that holds all three) and read from the SMTP sink: it lists the cycle,
 * the storyboard and the resource, and every link in it opens the page it names, at the item —
 * for each team's people through their signed links (another team's cycle on the page of every
 * team's cycles, axe-checked at 1280 and 390 px), for the faculty once signed in. Screenshots in
 * .data/screenshots/digest/.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createActivities } from '../../activities';
import * as ops from '../../app';
import { launchWithAcceptedTeams, TEAM_SITES } from '../helpers/accepted-teams';
import { browserStack } from '../helpers/browser';
import type { ReceivedMail } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';

const KEY = 'digest-test-signing-key-'.padEnd(48, 'd');
const COORD = 'coord.dg@network.example.org';
const FACULTY = 'faculty.dg@faculty.example.org';
const SLUG = 'digest-lc';

describe('the digest of what teams shared, its links opened in a browser (real stack)', () => {
  const s = browserStack({ name: 'digest', key: KEY, rateLimits: { signin: 1000, links: 1000 } });

  /** The addresses the digest's text gives after each `label:` (in the order listed). */
  const links = (mail: ReceivedMail, label: string): string[] =>
    [...(mail.parsed.text ?? '').matchAll(new RegExp(`${label}: (\\S+)`, 'g'))].map((m) => m[1]!);
  async function opens(page: Page, url: string, shot: string): Promise<void> {
    const r = await page.goto(url);
    expect(r?.status()).toBe(200);
    await page.screenshot({ path: path.join(s.pages.dir, `${shot}.png`), fullPage: true });
  }

  it('lists the cycle, the storyboard and the resource, and each link opens the page it names', async () => {
    // ---- two teams accepted through the workflow -------------------------------------------------
    const { t0, teamUrl } = await launchWithAcceptedTeams(s, SLUG, { coordinator: COORD, faculty: FACULTY });
    const { browser, h, base } = s;
    const bayviewUrl = teamUrl.bayview;

    // ---- Bayview logs a cycle and shares a storyboard from its pages; the faculty add a resource ----
    const team = await browser.newPage();
    await team.goto(bayviewUrl);
    await team.selectOption('#f-measure', 'fidelity');
    await team.fill('#f-change', 'A daily 10-minute huddle before clinic.');
    await team.fill('#f-prediction', 'Fidelity rises above 80%.');
    await Promise.all([
      team.waitForEvent('framenavigated'),
      team.getByRole('button', { name: 'Log the cycle' }).click(),
    ]);
    await team.getByText('Cycle 1 is logged.').waitFor();
    await team.goto(`${bayviewUrl}/storyboards`);
    await team.selectOption('#f-session', '1');
    await team.setInputFiles('#f-file', {
      name: 'bayview-ls2.png',
      mimeType: 'image/png',
      buffer: await team.screenshot(),
    });
    await Promise.all([
      team.waitForEvent('framenavigated'),
      team.getByRole('button', { name: 'Share the storyboard' }).click(),
    ]);
    await team.getByText('Your storyboard for learning session 2 is shared.').waitFor();
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    await ops.addResource(
      h.db,
      doc,
      { title: 'Huddle guide', kind: 'document', url: 'https://docs.example.org/huddle-guide.pdf' },
      FACULTY,
      new Date(),
    );

    // ---- the digest, as the monthly item sends it, for a window holding all three ------------------
    const acts = createActivities({
      db: h.db,
      outbox: h.outbox,
      links: { baseUrl: base, key: KEY, ttlDays: 30 },
    });
    const sent = await acts.notify(SLUG, {
      kind: 'shared-digest',
      n: 90, // not a number the workflow's own digests reach in this test
      from: new Date(t0).toISOString(),
      to: new Date(Date.now() + 1000).toISOString(),
      siteIds: [...TEAM_SITES],
    });
    // 2 teams × 4 people, the faculty member and the coordinator, once each.
    expect(sent).toMatchObject({ sent: 10, failed: 0, total: 10 });
    const digest = (to: string) =>
      waitFor(`the digest to ${to}`, async () => s.mailsTo(to, /^Shared this month: /)[0], 30_000);

    // ---- another team: the storyboard in its gallery, the resource on its page ----------------------
    const other = await digest('data@harbor.example.org');
    expect(other.parsed.subject).toBe(
      `Shared this month: 1 PDSA cycle, 1 storyboard, 1 resource — ${doc.config.title}`,
    );
    expect(other.parsed.text).toContain(
      'Bayview Child Trauma Center, cycle 1: “A daily 10-minute huddle before clinic.”',
    );
    expect(other.parsed.text).toContain(
      'Bayview Child Trauma Center, for Learning Session 2: bayview-ls2.png.',
    );
    // Bayview's cycle on the page of every team's cycles, read through Harbor's own link.
    const page = await browser.newPage();
    const [othersCycle] = links(other, 'Read the cycle');
    expect(othersCycle).toMatch(/\/team\/[\w.-]+\/cycles\?siteId=bayview#cycle-bayview-1$/);
    await opens(page, othersCycle!, 'other-team-cycle');
    expect(await page.locator('#cycle-bayview-1').textContent()).toContain(
      'A daily 10-minute huddle before clinic.',
    );
    expect(await page.locator('#cycle-bayview-1 form').count()).toBe(0); // teams read; the faculty answer
    expect(await page.locator('#cycle-bayview-1').textContent()).not.toContain('@bayview.example.org');
    await s.check(page, 'other-team-cycles');
    const [gallery] = links(other, 'See it in the gallery');
    expect(gallery).toMatch(/\/team\/[\w.-]+\/storyboards#session-2$/);
    await opens(page, gallery!, 'other-team-gallery');
    expect(await page.locator('#session-2 [data-storyboard="bayview:1"]').textContent()).toContain(
      'bayview-ls2.png',
    );
    const [library] = links(other, 'See the library');
    await opens(page, library!, 'other-team-library');
    expect(await page.locator('#resources').textContent()).toContain('Huddle guide');

    // ---- the team that logged the cycle: its own cycle on its page -------------------------------
    const own = await digest('data@bayview.example.org');
    const [cycle] = links(own, 'Read the cycle');
    expect(cycle).toMatch(/\/team\/[\w.-]+#cycle-bayview-1$/);
    await opens(page, cycle!, 'own-cycle');
    expect(await page.locator('#cycle-bayview-1').textContent()).toContain(
      'A daily 10-minute huddle before clinic.',
    );

    // ---- the faculty, signed in: the collaborative's pages ----------------------------------------
    const staff = await digest(FACULTY);
    const faculty = await s.signedInPage(FACULTY);
    const [staffCycle] = links(staff, 'Read the cycle');
    expect(staffCycle).toBe(`${base}/c/${SLUG}/pdsa?siteId=bayview#cycle-bayview-1`);
    await opens(faculty, staffCycle!, 'faculty-cycle');
    expect(await faculty.locator('#cycle-bayview-1').textContent()).toContain('A daily 10-minute huddle');
    const [staffGallery] = links(staff, 'See it in the gallery');
    expect(staffGallery).toBe(`${base}/c/${SLUG}/storyboards#session-2`);
    await opens(faculty, staffGallery!, 'faculty-gallery');
    expect(await faculty.locator('#session-2 [data-storyboard="bayview:1"]').count()).toBe(1);
    const [staffLibrary] = links(staff, 'See the library');
    await opens(faculty, staffLibrary!, 'faculty-library');
    expect(await faculty.textContent('main')).toContain('Huddle guide');
    const [button] = links(staff, 'Open the PDSA cycles');
    await opens(faculty, button!, 'faculty-pdsa');
    expect(await faculty.locator('[data-cycle="bayview:1"]').count()).toBe(1);
    expect(s.pages.findings).toEqual([]);
  }, 420_000);
});
