/// <reference lib="dom" />
/**
 * Changes a running collaborative takes, in headless Chromium against the real stack (Temporal dev
 * server, FerretDB, an SMTP sink, the worker, the web app): the coordinator adds a faculty member
 * from the Settings section (a bad email and a duplicate refused beside the field, the typed values
 * kept), who then signs in and records a decision; and adds a late site to the announcement (an
 * unknown, an inactive and an already announced site refused beside the field), whose PI receives
 * the announcement once and applies with its link; once applications have closed, a late site is
 * refused in words. Pages at 1280 and 390 px: axe-clean, no sideways scroll, screenshots in
 * .data/screenshots/running-changes/.
 */
import * as ops from '../../app';
import { getCollaborative } from '../../store/collaboratives';
import { statusQuery } from '../../workflows';
import { browserStack, press } from '../helpers/browser';
import { compressedConfig } from '../helpers/configs';
import { applicationFor, exampleSites, piOf } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const COORDINATOR = 'sam.rivera@network.example.org';
const FACULTY = 'jcohen@faculty.example.org';
const NEW_FACULTY = 'rae.okafor@faculty.example.org';
const SLUG = 'running-changes';

describe('adding faculty and a late site to a running collaborative (real stack, headless Chromium)', () => {
  const s = browserStack({
    name: 'running-changes',
    key: 'running-changes-signing-key-'.padEnd(48, 'z'),
    // delta-youth is in the directory but inactive: it cannot be added.
    sites: exampleSites.map((x) => (x.siteId === 'delta-youth' ? { ...x, active: false } : x)),
  });
  const { check, mailsTo, mailTo, linkIn, signIn } = s;
  const status = () => s.env.client.workflow.getHandle(`lc/${SLUG}`).query(statusQuery);

  it('adds a faculty member who then decides, and a late site whose PI is announced to once and applies', async () => {
    // Applications close 4 min after the launch: time for the sign-in and the forms on a busy box;
    // once the late site has applied, the coordinator moves the close to a few seconds ahead.
    const { env, h, browser, base } = s;
    const t0 = Date.now();
    const config = compressedConfig(SLUG, t0, {
      info: 0.5,
      close: 4,
      decisions: 10,
      prework: 10.1,
      ls: 60,
      end: 45 * 24 * 60,
    });
    config.sites = ['bayview', 'harbor'];
    config.coordinators = [{ name: 'Sam Rivera', email: COORDINATOR }];
    config.faculty = [{ name: 'J Cohen', email: FACULTY }];
    await ops.launch(env.client, h.db, h.taskQueue, config);
    await waitFor(
      'the announcement recorded',
      async () =>
        (await getCollaborative(h.db, SLUG).catch(() => undefined))?.announcedTo ? true : undefined,
      180_000,
    );

    const page = await browser.newPage();
    await signIn(page, COORDINATOR);
    await page.goto(`${base}/c/${SLUG}#timeline`);

    // ---- add faculty: a bad email, beside its field, with both values kept --------------------------
    await page.fill('#f-name', 'Dr. Rae Okafor');
    await page.fill('#f-email', 'rae.okafor@');
    await press(page, page.getByRole('button', { name: 'Add to the faculty' }));
    expect(await page.textContent('#f-email-error')).toMatch(/not a valid email address/);
    expect(await page.inputValue('#f-name')).toBe('Dr. Rae Okafor');
    expect(await page.inputValue('#f-email')).toBe('rae.okafor@');
    expect(await page.getAttribute('#f-email', 'aria-invalid')).toBe('true');
    await check(page, 'add-faculty-bad-email');
    // … one already faculty …
    await page.fill('#f-email', FACULTY);
    await press(page, page.getByRole('button', { name: 'Add to the faculty' }));
    expect(await page.textContent('#f-email-error')).toMatch(/is already faculty of this collaborative/);
    // … then the new one.
    await page.fill('#f-email', NEW_FACULTY);
    await press(page, page.getByRole('button', { name: 'Add to the faculty' }));
    expect(await page.textContent('[role="status"]')).toMatch(
      `Added Dr. Rae Okafor (${NEW_FACULTY}) to the faculty`,
    );
    expect((await getCollaborative(h.db, SLUG)).config.faculty.map((f) => f.email)).toEqual([
      FACULTY,
      NEW_FACULTY,
    ]);
    // The workflow refuses a second time too (its own list grew), in words.
    await expect(
      ops.addFaculty(env.client, h.db, SLUG, { name: 'Rae', email: NEW_FACULTY, by: COORDINATOR }),
    ).rejects.toThrow(/already faculty/);

    // ---- add a late site: unknown, inactive, already announced — each beside the field ---------------
    const addSite = async (siteId: string) => {
      await page.fill('#f-siteId', siteId);
      await press(page, page.getByRole('button', { name: 'Announce to this site' }));
    };
    await addSite('nowhere');
    expect(await page.textContent('#f-siteId-error')).toMatch(
      /"nowhere" is not a site of the network directory/,
    );
    expect(await page.inputValue('#f-siteId')).toBe('nowhere');
    await addSite('delta-youth');
    expect(await page.textContent('#f-siteId-error')).toMatch(
      /Delta Youth Clinic \(delta-youth\) is inactive/,
    );
    await addSite('bayview');
    expect(await page.textContent('#f-siteId-error')).toMatch(/bayview\) was already announced to/);
    await check(page, 'add-site-refused');
    await addSite('cedar-hill');
    expect(await page.textContent('[role="status"]')).toMatch(/Announced to cedar-hill/);
    await check(page, 'add-site-done');
    expect((await status()).announcedTo).toBe(3);

    // Its PI receives the announcement, once, keyed like the others.
    const announcement = await mailTo(piOf('cedar-hill'), /^Announcing the /);
    await expect(
      ops.announceLateSite(env.client, h.db, SLUG, { siteId: 'cedar-hill', by: COORDINATOR }),
    ).rejects.toThrow(/already announced/);
    expect(
      await h.db.collection('outbox').countDocuments({ _id: `${SLUG}:announcement:cedar-hill` as never }),
    ).toBe(1);
    expect(mailsTo(piOf('cedar-hill'), /^Announcing the /)).toHaveLength(1);

    // … and applies with the link in it (the API of the PI's signed link).
    const token = linkIn(announcement, 'apply').split('/').pop()!;
    // The link names the site and the PI; the body carries the rest of the application.
    const { readiness, commitCoreDataSet, commitAllSessions, coreTeam } = applicationFor(
      'cedar-hill',
      piOf('cedar-hill'),
    );
    const application = { readiness, commitCoreDataSet, commitAllSessions, coreTeam };
    const applied = await waitFor('the late site applied', async () => {
      const r = await fetch(`${base}/api/apply/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application),
      });
      return r.status === 200 ? r.json() : undefined;
    });
    expect(applied).toMatchObject({ siteId: 'cedar-hill', version: 1 });

    // ---- applications close: a late site is refused in words, and the form is gone -------------------
    await ops.reschedule(env.client, h.db, SLUG, {
      milestone: 'applicationsClose',
      // A few seconds ahead, and after the informational call (applications close after it).
      date: new Date(
        Math.max(Date.now(), Date.parse(config.schedule.informationalCalls[0].start)) + 5_000,
      ).toISOString(),
      by: COORDINATOR,
    });
    await waitFor(
      'applications closed (the review phase)',
      async () => ((await status()).phase === 'review' ? true : undefined),
      360_000,
    );
    await expect(
      ops.announceLateSite(env.client, h.db, SLUG, { siteId: 'elm-street', by: COORDINATOR }),
    ).rejects.toThrow(/applications closed on .*; a site can no longer be added/);
    // A reload: the page is at /c/<slug>#addSite, and a move to another fragment would not load it.
    await page.reload();
    expect(await page.getByRole('button', { name: 'Announce to this site' }).count()).toBe(0);

    // ---- the new faculty member signs in and records a decision -------------------------------------
    const faculty = await (await browser.newContext()).newPage();
    await signIn(faculty, NEW_FACULTY);
    await faculty.goto(`${base}/c/${SLUG}`);
    const article = faculty.locator('#decision-cedar-hill');
    await article.getByLabel('accept', { exact: true }).check();
    await press(faculty, article.getByRole('button', { name: 'Record decision' }));
    expect(await faculty.textContent('[role="status"]')).toMatch(/Recorded: cedar-hill accept/);
    await check(faculty, 'new-faculty-decided');
    expect((await status()).teams.find((t) => t.siteId === 'cedar-hill')?.decision).toBe('accept');

    expect(s.pages.findings).toEqual([]);
  }, 900_000);
});
