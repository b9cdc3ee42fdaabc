/// <reference lib="dom" />
/**
 * Storyboards (#21) against the real stack (Temporal dev server, FerretDB with GridFS, an SMTP
 * sink, the worker and the web app over HTTP) in headless Chromium: two sites are accepted through
 * the workflow; a team opens the gallery from its page, is refused a file that is not a storyboard
 * (beside its field, the session kept), shares a PNG; the other team sees it in the gallery and
 * downloads it (the same bytes, as an attachment of its type); a retried post saves it once, a new
 * one replaces it; a changed team link is refused; faculty see the gallery. Every page state is
 * axe-checked, kept from scrolling sideways at 390 px and screenshot into .data/screenshots/storyboards/.
 */
import fs from 'node:fs';
import * as ops from '../../app';
import { COLLECTIONS } from '../../store/collections';
import { launchWithAcceptedTeams } from '../helpers/accepted-teams';
import { browserStack, expectProblem, press } from '../helpers/browser';

const COORD = 'coord.sb@network.example.org';
const FACULTY = 'faculty.sb@faculty.example.org';
const SLUG = 'storyboard-lc';

describe('storyboards in a browser (real stack, headless Chromium)', () => {
  const s = browserStack({
    name: 'storyboards',
    key: 'storyboard-test-signing-key-'.padEnd(48, 's'),
    rateLimits: { signin: 1000, links: 1000 },
  });
  const { check } = s;

  it('a team shares a storyboard (a bad file refused first), another team downloads it, a changed link is refused', async () => {
    // ---- a collaborative whose two teams the faculty accept through the workflow ------------------
    const { t0, teamUrl } = await launchWithAcceptedTeams(s, SLUG, { coordinator: COORD, faculty: FACULTY });
    const { browser, h, base } = s;

    // ---- the team opens the gallery from its page; a file that is no storyboard is refused ---------
    const team = await browser.newPage();
    await team.goto(teamUrl.bayview);
    await press(team, team.getByRole('link', { name: 'the storyboard gallery' }));
    await team
      .getByRole('heading', { name: 'Share the storyboard of Bayview Child Trauma Center' })
      .waitFor();
    expect(await team.textContent('#session-1')).toContain('No storyboards shared for this session yet.');
    await check(team, 'team-gallery-empty');
    await team.selectOption('#f-session', '1');
    await team.setInputFiles('#f-file', {
      name: 'storyboard.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await press(team, team.getByRole('button', { name: 'Share the storyboard' }));
    await expectProblem(team, 'f-file', /choose a PDF, PNG, JPEG or PowerPoint \(\.pptx\) file/);
    expect(await team.inputValue('#f-session')).toBe('1'); // the session chosen is kept
    await check(team, 'team-bad-file');

    // A real PNG (a screenshot of the page) for the second session.
    const png = await team.screenshot();
    await team.setInputFiles('#f-file', {
      name: 'bayview-storyboard.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await press(team, team.getByRole('button', { name: 'Share the storyboard' }));
    await team.getByText('Your storyboard for learning session 2 is shared.').waitFor();
    expect(await team.textContent('[data-storyboard="bayview:1"]')).toContain('bayview-storyboard.png');
    await check(team, 'team-shared');
    await team.reload(); // a reload posts nothing
    expect(await team.locator('[data-storyboard^="bayview:"]').count()).toBe(1);

    // ---- the other team sees it in its gallery and downloads the same bytes, as an attachment ------
    const other = await browser.newPage();
    await other.goto(`${teamUrl.harbor}/storyboards`);
    const item = other.locator('[data-storyboard="bayview:1"]');
    expect(await item.textContent()).toContain('Bayview Child Trauma Center');
    expect(await other.locator('#session-1 [data-storyboard]').count()).toBe(0);
    await check(other, 'other-team-gallery');
    const [download] = await Promise.all([
      other.waitForEvent('download'),
      item.getByRole('link', { name: /bayview-storyboard\.png/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bayview-storyboard.png');
    expect(fs.readFileSync(await download.path()).equals(png)).toBe(true);
    const href = (await item.getByRole('link', { name: /bayview-storyboard\.png/ }).getAttribute('href'))!;
    const r = await other.request.get(new URL(href, base).toString());
    expect(r.status()).toBe(200);
    expect(r.headers()['content-type']).toBe('image/png');
    expect(r.headers()['content-disposition']).toMatch(/^attachment; filename="bayview-storyboard\.png"/);
    expect(r.headers()['x-content-type-options']).toBe('nosniff');

    // ---- a retried post saves once; a new storyboard replaces the old one (and its file) ----------
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    const pdf = Buffer.from('%PDF-1.4\n% a storyboard\n%%EOF\n');
    const share = () =>
      ops.shareStoryboard(
        h.db,
        doc,
        'bayview',
        { session: '1', file: { filename: 'bayview-v2.pdf', bytes: pdf } },
        'data@bayview.example.org',
        new Date(),
        'request-1',
      );
    const first = await share();
    const again = await share();
    expect(again).toEqual(first);
    expect(first.version).toBe(2);
    const files = await h.db
      .collection(`${COLLECTIONS.storyboardFiles}.files`)
      .find({ _id: { $regex: `^${SLUG}:bayview:1:` } as never })
      .toArray();
    expect(files.map((f) => f._id)).toEqual([first.file!.id]); // the PNG's file is gone
    await other.reload();
    const [pdfDownload] = await Promise.all([
      other.waitForEvent('download'),
      other
        .locator('[data-storyboard="bayview:1"]')
        .getByRole('link', { name: /bayview-v2\.pdf/ })
        .click(),
    ]);
    expect(fs.readFileSync(await pdfDownload.path()).equals(pdf)).toBe(true);

    // ---- a changed team link is refused: the gallery, the download and the upload -----------------
    const changed = teamUrl.harbor.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const refused = await other.goto(`${changed}/storyboards`);
    expect(refused!.status()).toBe(403);
    expect(await other.textContent('h1')).toContain('Link refused');
    await check(other, 'changed-link-refused');
    expect((await other.request.get(`${changed}/storyboards/bayview/1`)).status()).toBe(403);
    const post = await other.request.post(`${changed}/storyboards`, {
      multipart: { session: '0', file: { name: 'x.png', mimeType: 'image/png', buffer: png } },
    });
    expect(post.status()).toBe(403);
    expect(await ops.storyboardGallery(h.db, doc).then((g) => g[0]!.storyboards.length)).toBe(0);

    // ---- faculty see the gallery from the collaborative's page ------------------------------------
    const faculty = await s.signedInPage(FACULTY);
    await faculty.goto(`${base}/c/${SLUG}`);
    await press(faculty, faculty.getByRole('link', { name: 'Storyboards', exact: true }));
    expect(await faculty.textContent('[data-storyboard="bayview:1"]')).toContain('bayview-v2.pdf');
    expect(await faculty.locator('#share').count()).toBe(0); // staff see; teams share
    await check(faculty, 'faculty-gallery');
    const fr = await faculty.request.get(`${base}/c/${SLUG}/storyboards/bayview/1`);
    expect(fr.headers()['content-type']).toBe('application/pdf');
    expect((await fr.body()).equals(pdf)).toBe(true);

    console.log(
      `[web] storyboards walk in ${Math.round((Date.now() - t0) / 1000)} s: ${s.pages.visited.length} page states, screenshots in ${s.pages.dir}`,
    );
    expect(s.pages.findings).toEqual([]);
  }, 600_000);
});
