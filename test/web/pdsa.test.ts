/// <reference lib="dom" />
/**
 * Teams learn from each other (#21) against the real stack (Temporal dev server, FerretDB, an SMTP
 * sink, the worker and the web app over HTTP) in headless Chromium: two sites apply and are
 * accepted by the faculty through the workflow; a team logs a PDSA cycle from its page (bad, then
 * good), edits it and closes it; faculty read both teams' cycles, filter them and answer one (bad,
 * then good), and the team's people each receive the answer exactly once; a resource the faculty
 * add (bad, then good) shows on the team page; the final report lists the cycles. Every page state
 * is axe-checked, kept from scrolling sideways at 390 px and screenshot into .data/screenshots/pdsa/.
 */
import * as ops from '../../app';
import { buildFinalReport } from '../../reports/final-report';
import { launchWithAcceptedTeams } from '../helpers/accepted-teams';
import { browserStack, expectProblem, press } from '../helpers/browser';
import { piOf } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const COORD = 'coord.pdsa@network.example.org';
const FACULTY = 'faculty.pdsa@faculty.example.org';
const SLUG = 'pdsa-lc';

describe('PDSA cycles and the resource library in a browser (real stack, headless Chromium)', () => {
  const s = browserStack({
    name: 'pdsa',
    key: 'pdsa-test-signing-key-'.padEnd(48, 'p'),
    rateLimits: { signin: 1000, links: 1000 },
  });
  const { check, mailsTo } = s;

  it('a team logs a cycle, faculty answer it (emailed once), a resource reaches the team page, the final report lists the cycle', async () => {
    // ---- a collaborative whose two teams the faculty accept through the workflow ------------------
    const { t0, teamUrl } = await launchWithAcceptedTeams(s, SLUG, { coordinator: COORD, faculty: FACULTY });
    const { browser, h, base } = s;

    // ---- a team logs a cycle: nothing filled in first, then the plan ------------------------------
    const team = await browser.newPage();
    await team.goto(teamUrl.bayview);
    await team.getByRole('heading', { name: 'Tests of change (PDSA cycles)' }).waitFor();
    expect(await team.textContent('#pdsa')).toContain('No cycles logged yet.');
    await check(team, 'team-no-cycles');
    await team.selectOption('#f-measure', 'fidelity');
    await team.fill('#f-prediction', 'Fidelity rises above 80% within two months.');
    await team.selectOption('#f-decision', 'adopt');
    await press(team, team.getByRole('button', { name: 'Log the cycle' }));
    await expectProblem(team, 'f-change', /describe the change you are testing/);
    expect(await team.textContent('#f-observed-error')).toMatch(/say what happened before deciding/);
    expect(await team.inputValue('#f-prediction')).toBe('Fidelity rises above 80% within two months.');
    await check(team, 'team-cycle-errors');
    await team.fill('#f-change', 'A daily 10-minute huddle before clinic, led by the supervisor.');
    await team.selectOption('#f-decision', '');
    await press(team, team.getByRole('button', { name: 'Log the cycle' }));
    await team.getByText('Cycle 1 is logged.').waitFor();
    expect(await team.textContent('[data-cycle="bayview:1"]')).toContain('Open: still testing');
    await check(team, 'team-cycle-logged');
    // A reload posts nothing: still one cycle.
    await team.reload();
    expect(await team.locator('[data-cycle^="bayview:"]').count()).toBe(1);

    // Edit the open cycle: what happened, what was learned, the decision; then it is closed.
    await press(team, team.getByRole('link', { name: /Edit cycle 1/ }));
    await team.getByRole('heading', { name: 'Edit cycle 1' }).waitFor();
    expect(await team.inputValue('#f-change')).toContain('daily 10-minute huddle');
    await check(team, 'team-cycle-edit');
    await team.fill('#f-observed', 'Fidelity 84% in month 2; huddles skipped on Fridays.');
    await team.fill('#f-learned', 'Huddles hold when the supervisor leads them.');
    await team.selectOption('#f-decision', 'adapt');
    await press(team, team.getByRole('button', { name: 'Save cycle 1' }));
    await team.getByText('Cycle 1 is saved.').waitFor();
    expect(await team.textContent('[data-cycle="bayview:1"]')).toContain('Adapt: change it and test again');
    expect(await team.getByRole('link', { name: /Edit cycle 1/ }).count()).toBe(0);
    // The other team logs one of its own (through the same form).
    const other = await browser.newPage();
    await other.goto(teamUrl.harbor);
    await other.selectOption('#f-measure', 'children_served');
    await other.fill('#f-change', 'Same-week intake appointments.');
    await other.fill('#f-prediction', 'Ten more children served a month.');
    await press(other, other.getByRole('button', { name: 'Log the cycle' }));
    await other.getByText('Cycle 1 is logged.').waitFor();
    expect(await other.textContent('#pdsa')).not.toContain('daily 10-minute huddle'); // its own cycles only

    // ---- faculty: every team's cycles, filtered; an answer (empty first, then written) ------------
    const faculty = await s.signedInPage(FACULTY);
    await faculty.goto(`${base}/c/${SLUG}`);
    await press(faculty, faculty.getByRole('link', { name: 'PDSA cycles of the teams' }));
    await faculty.getByRole('heading', { name: 'Cycles (2)' }).waitFor();
    await check(faculty, 'faculty-cycles');
    await faculty.selectOption('#f-measure', 'fidelity');
    await press(faculty, faculty.getByRole('button', { name: 'Show' }));
    await faculty.getByRole('heading', { name: 'Cycles (1)' }).waitFor();
    expect(await faculty.locator('[data-cycle="harbor:1"]').count()).toBe(0);
    const cycle = faculty.locator('[data-cycle="bayview:1"]');
    await cycle.locator('#f-text--bayview-1').fill('ok');
    await press(faculty, cycle.getByRole('button', { name: /Send the answer/ }));
    await expectProblem(faculty, 'f-text--bayview-1', /write the answer/);
    expect(await faculty.inputValue('#f-text--bayview-1')).toBe('ok');
    expect(faculty.url()).toContain('measure=fidelity'); // the filter is kept
    await check(faculty, 'faculty-answer-errors');
    const answer = 'Try the huddle on Fridays at noon instead; tell us what happens in cycle 2.';
    await faculty.fill('#f-text--bayview-1', answer);
    await press(
      faculty,
      faculty.locator('[data-cycle="bayview:1"]').getByRole('button', { name: /Send the answer/ }),
    );
    await faculty
      .getByText(/Your answer to cycle 1 is recorded and emailed to 5 people of the team\./)
      .waitFor();
    expect(await faculty.textContent('[data-cycle="bayview:1"] .answer')).toContain(answer);
    await check(faculty, 'faculty-answered');

    // Each of the team's people (PI, core team, data manager; the contact is the supervisor) once.
    const people = [
      piOf('bayview'),
      ...['leader', 'supervisor', 'clinician', 'data'].map((w) => `${w}@bayview.example.org`),
    ];
    const subject = /^An answer to your PDSA cycle 1 — /;
    for (const p of people) await waitFor(`the answer's email to ${p}`, async () => mailsTo(p, subject)[0]);
    const answerMails = h.sink.received.filter((m) => subject.test(m.parsed.subject ?? ''));
    expect(answerMails.flatMap((m) => m.envelopeTo).sort()).toEqual([...people].sort());
    expect(answerMails[0]!.parsed.text).toContain(answer);
    expect(mailsTo('data@harbor.example.org', subject)).toEqual([]);
    // Sending the same answer's emails again (a retry) sends none: they are keyed by the answer.
    const doc = (await ops.findCollaborative(h.db, SLUG))!;
    const [c1] = await ops.pdsaCycles(h.db, doc, { siteId: 'bayview' });
    const again = await ops.emailAnswer(h.db, { outbox: h.outbox }, doc, c1!, c1!.answers[0]!);
    expect(again).toEqual({ sent: 0, alreadySent: 5, failed: 0, notYet: [] });
    await faculty.reload(); // and a reload of the page posts nothing
    expect(h.sink.received.filter((m) => subject.test(m.parsed.subject ?? '')).length).toBe(5);
    // The team reads the answer on its page, from the email's link.
    await team.goto(
      s.linkIn(
        answerMails.find((m) => m.envelopeTo.includes('data@bayview.example.org'))!,
        'team',
      ),
    );
    expect(await team.textContent('[data-cycle="bayview:1"] .answer')).toContain(answer);

    // ---- the resource library: a bad address first, then a good one; it shows on the team page ----
    await faculty.goto(`${base}/c/${SLUG}`);
    await press(faculty, faculty.getByRole('link', { name: 'Resource library' }));
    await check(faculty, 'resources-empty');
    await faculty.fill('#f-title', 'TF-CBT fidelity checklist');
    await faculty.fill('#f-url', 'javascript:alert(1)');
    await faculty.selectOption('#f-session', '0');
    await press(faculty, faculty.getByRole('button', { name: 'Add the resource' }));
    await expectProblem(faculty, 'f-url', /give a web address starting with https:\/\//);
    expect(await faculty.inputValue('#f-title')).toBe('TF-CBT fidelity checklist');
    expect(await faculty.inputValue('#f-session')).toBe('0');
    await check(faculty, 'resources-errors');
    await faculty.fill('#f-url', 'https://example.org/tf-cbt/fidelity-checklist.pdf');
    await press(faculty, faculty.getByRole('button', { name: 'Add the resource' }));
    await faculty.getByText('Added “TF-CBT fidelity checklist”.').waitFor();
    await faculty.fill('#f-title', 'An old link');
    await faculty.selectOption('#f-kind', 'link');
    await faculty.fill('#f-url', 'https://example.org/old');
    await press(faculty, faculty.getByRole('button', { name: 'Add the resource' }));
    await faculty.getByText('Added “An old link”.').waitFor();
    await press(faculty, faculty.getByRole('button', { name: 'Remove An old link' }));
    await faculty.getByText('Removed “An old link”.').waitFor();
    expect(await faculty.locator('[data-resource]').count()).toBe(1);
    await check(faculty, 'resources-added');
    await team.reload();
    const listed = team.locator('#resources a', { hasText: 'TF-CBT fidelity checklist' });
    expect(await listed.getAttribute('href')).toBe('https://example.org/tf-cbt/fidelity-checklist.pdf');
    expect(await team.textContent('#resources')).not.toContain('An old link');
    await check(team, 'team-with-answer-and-resources');

    // ---- the final report lists each team's cycles -------------------------------------------------
    const report = await buildFinalReport(h.db, SLUG);
    expect(report.summary).toContain(
      'PDSA cycles: 2 logged by 2 teams; 0 adopted, 1 adapted, 0 abandoned, 1 still open.',
    );
    expect(report.pdsaSections!.map((x) => x.heading)).toEqual([
      'PDSA cycles of Bayview Child Trauma Center',
      'PDSA cycles of Harbor Behavioral Health',
    ]);
    expect(report.pdsaSections![0]!.items[0]).toBe(
      'Cycle 1 (Fidelity (%)): A daily 10-minute huddle before clinic, led by the supervisor. — predicted: Fidelity rises above 80% within two months.; happened: Fidelity 84% in month 2; huddles skipped on Fridays.; learned: Huddles hold when the supervisor leads them.; adapt. 1 answer from the faculty.',
    );

    console.log(
      `[web] pdsa walk in ${Math.round((Date.now() - t0) / 1000)} s: ${s.pages.visited.length} page states, screenshots in ${s.pages.dir}`,
    );
    expect(s.pages.findings).toEqual([]);
  }, 600_000);
});
