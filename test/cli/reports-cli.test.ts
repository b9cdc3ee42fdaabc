/**
 * The report commands of `lc` as coordinators run them, as real processes against the real
 * MongoDB-wire server: `compliance` over 20 teams × 12 periods of seeded submissions (checked
 * cell by cell against a count made here from the inserted documents), `emails` with its filters,
 * `preview`, and `submit-metrics` refusing bad input before it reaches Temporal.
 */
import { DateTime } from 'luxon';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ops from '../../app';
import * as cliArgs from '../../cli/args';
import * as cliFormat from '../../cli/format';
import { program } from '../../cli/lc';
import { parseLaunchConfig } from '../../domain/config';
import { ValidationError } from '../../domain/errors';
import type { OutboxDoc } from '../../mail/outbox';
import type { CollaborativeDoc } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import type { TeamDoc } from '../../store/lifecycle';
import type { SubmissionDoc } from '../../store/metrics';
import { exampleConfig } from '../helpers/configs';
import { testDb } from '../helpers/env';
import { exampleSites } from '../helpers/people';
import { upsertSites } from '../../store/sites';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const SLUG = 'reports-2027';
const TZ = 'America/New_York';
const GRACE_DAYS = 3;
const MEASURES = [
  { key: 'children_served', name: 'Children served', type: 'count', min: 0, max: 500 },
  { key: 'fidelity', name: 'Fidelity (%)', type: 'percentage', target: 80 },
  { key: 'cds_used', name: 'Core Data Set used', type: 'yesno', coreDataSet: true },
  { key: 'notes', name: 'Notes', type: 'text', required: false },
];

type Cell = 'on-time' | 'late' | 'missing' | 'not-yet-due';
const SYMBOL: Record<Cell, string> = { 'on-time': '✓', late: 'L', missing: '✗', 'not-yet-due': '·' };

/** mulberry32: a small seeded generator, so a failure reproduces. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The example collaborative with its dates around now: LS1 nine months ago, 12 monthly periods
 * (about 8 of them past due), due on a day of the month two weeks away from today so that no
 * period falls due while the test runs.
 */
function configAroundNow(now: number) {
  const local = DateTime.fromMillis(now, { zone: TZ });
  const dueDay = ((local.day + 13) % 28) + 1;
  const m0 = local.startOf('month').minus({ months: 9 });
  const date = (d: DateTime) => d.toFormat('yyyy-MM-dd');
  const c = exampleConfig();
  c.slug = SLUG;
  c.schedule = {
    announcement: date(m0.minus({ months: 4 })),
    informationalCalls: [],
    applicationsOpen: date(m0.minus({ months: 4 })),
    applicationsClose: `${date(m0.minus({ months: 3 }))}T17:00`,
    decisionsDue: date(m0.minus({ months: 2 })),
    prework: date(m0.minus({ months: 1 })),
    learningSessions: [0, 4, 8].map((k) => ({
      start: date(m0.plus({ months: k, days: 14 })),
      end: `${date(m0.plus({ months: k, days: 15 }))}T17:00`,
      venue: `Venue ${k / 4 + 1}`,
    })),
    consultation: [],
    end: `${date(m0.plus({ months: 12 }).set({ day: 28 }))}T17:00`,
  };
  c.metrics = { dueDay, graceDays: GRACE_DAYS, measures: MEASURES };
  return parseLaunchConfig(c);
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('lc reports: compliance, emails, preview (real processes, MongoDB-wire server)', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let vars: Record<string, string>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-reports-'));

  async function lc(...args: string[]): Promise<Ran> {
    try {
      const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/lc.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...vars },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    dbh = await testDb('cli_reports');
    vars = {
      MONGODB_URI: process.env.LC_TEST_MONGODB_URI!,
      MONGODB_DB: dbh.db.databaseName,
      // Nothing listens here: a command that needed Temporal would exit 2.
      TEMPORAL_ADDRESS: '127.0.0.1:9',
    };
  });
  afterAll(async () => {
    await dbh.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('compliance: prints the 20 × 12 matrix and its totals, and writes every cell to CSV', async () => {
    const t0 = Date.now();
    const config = configAroundNow(t0);
    const periods = config.schedule.periods;
    expect(periods).toHaveLength(12);
    const lateAfter = (p: (typeof periods)[number]) => Date.parse(p.due) + GRACE_DAYS * DAY;
    // The test's premise: no period falls due (plus grace) within a day of now.
    for (const p of periods) expect(Math.abs(lateAfter(p) - t0)).toBeGreaterThan(DAY);

    const db = dbh.db;
    await db.collection<CollaborativeDoc>(COLLECTIONS.collaboratives).insertOne({
      slug: SLUG,
      workflowId: `lc/${SLUG}`,
      config,
      phase: 'learning-sessions' as CollaborativeDoc['phase'],
      createdAt: new Date(t0 - 300 * DAY),
      updatedAt: new Date(t0),
    });
    const siteIds = Array.from({ length: 20 }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);
    const teamDoc = (siteId: string, status: TeamDoc['status']): TeamDoc => ({
      collaborative: SLUG,
      siteId,
      status,
      promoted: false,
      joinedAt: new Date(Date.parse(config.schedule.decisionsDue)),
      updatedAt: new Date(t0),
    });
    const teams = [...siteIds.map((id) => teamDoc(id, 'accepted')), teamDoc('site-21', 'withdrawn')];
    await db.collection<TeamDoc>(COLLECTIONS.teams).insertMany(teams);

    // Each cell: on time (before the due date, or within the grace days), late, or never
    // submitted; periods not yet due are submitted early now and then.
    const rand = seeded(20270517);
    const between = (a: number, b: number) => Math.round(a + rand() * (b - a));
    const intended = new Map<string, Cell>();
    const docs: SubmissionDoc[] = [];
    for (const siteId of [...siteIds, 'site-21'])
      for (const p of periods) {
        const start = Date.parse(p.start);
        const due = Date.parse(p.due);
        const limit = lateAfter(p);
        let at: number | undefined;
        let cell: Cell;
        const r = rand();
        if (limit < t0) {
          if (r < 0.55) [at, cell] = [between(due - 10 * DAY, limit - 60_000), 'on-time'];
          else if (r < 0.8)
            [at, cell] = [between(limit + 60_000, Math.min(limit + 40 * DAY, t0 - HOUR)), 'late'];
          else cell = 'missing';
        } else if (start < t0 - HOUR && r < 0.4) [at, cell] = [between(start, t0 - HOUR), 'on-time'];
        else cell = 'not-yet-due';
        intended.set(`${siteId},${p.id}`, cell);
        if (at !== undefined)
          docs.push({
            collaborative: SLUG,
            siteId,
            period: p.id,
            values: { children_served: between(0, 60), fidelity: between(50, 100), cds_used: rand() < 0.9 },
            by: `data@${siteId}.example.org`,
            submittedAt: new Date(at),
            late: cell === 'late',
            amendments: rand() < 0.1 ? 1 : 0,
          });
      }
    // Another collaborative's submission for the same team and period must not count.
    docs.push({ ...docs[0]!, collaborative: 'other-2027', submittedAt: new Date(t0 - 400 * DAY) });
    await db.collection<SubmissionDoc>(COLLECTIONS.metrics).insertMany(docs);

    const csvFile = path.join(tmp, 'out', 'compliance.csv');
    const r = await lc('compliance', SLUG, '--csv', csvFile);
    const t1 = Date.now();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    // The expected matrix, from the inserted documents: accepted teams only, this collaborative only.
    const reporting = teams
      .filter((t) => t.status === 'accepted' || t.status === 'completed')
      .map((t) => t.siteId);
    const expected = new Map<string, Cell>();
    for (const siteId of reporting.sort())
      for (const p of periods) {
        const doc = docs.find((d) => d.collaborative === SLUG && d.siteId === siteId && d.period === p.id);
        const cell: Cell = doc
          ? doc.submittedAt.getTime() > lateAfter(p)
            ? 'late'
            : 'on-time'
          : t1 > lateAfter(p)
            ? 'missing'
            : 'not-yet-due';
        expected.set(`${siteId},${p.id}`, cell);
        expect(cell).toBe(intended.get(`${siteId},${p.id}`)); // the generator did what it meant to
      }
    const count = (c: Cell) => [...expected.values()].filter((v) => v === c).length;
    const counts = Object.fromEntries(
      (['on-time', 'late', 'missing', 'not-yet-due'] as Cell[]).map((c) => [c, count(c)]),
    );
    // A mix worth checking: every kind of cell, several times.
    for (const c of Object.keys(SYMBOL) as Cell[]) expect(counts[c]).toBeGreaterThan(5);

    // The printed matrix: a header of the 12 periods, then one row per team.
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('TEAM'))!;
    expect(header.split(/\s+/)).toEqual(['TEAM', ...periods.map((p) => p.id), 'ON', 'TIME']);
    const rows = lines.filter((l) => /^site-\d\d\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(siteIds);
    for (const row of rows) {
      const [siteId, ...rest] = row.trim().split(/\s+/);
      const cells = periods.map((p) => expected.get(`${siteId},${p.id}`)!);
      expect(rest.slice(0, 12)).toEqual(cells.map((c) => SYMBOL[c]));
      const due = cells.filter((c) => c !== 'not-yet-due').length;
      expect(rest[12]).toBe(`${cells.filter((c) => c === 'on-time').length}/${due}`);
    }

    // The totals: counts and percentages of all 240 cells, and shares of those due.
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
    expect(r.stdout).toContain('totals: 240 team-periods (20 teams × 12 periods)');
    const labels: Record<Cell, string> = {
      'on-time': 'on time',
      late: 'late',
      missing: 'missing',
      'not-yet-due': 'not yet due',
    };
    for (const c of Object.keys(SYMBOL) as Cell[])
      expect(r.stdout).toMatch(
        new RegExp(
          `^  ${SYMBOL[c]} ${labels[c]}\\s+${counts[c]}\\s+${pct(counts[c]!, 240).replace('.', '\\.')}$`,
          'm',
        ),
      );
    const due = 240 - counts['not-yet-due']!;
    expect(r.stdout).toContain(
      `of the ${due} due: ${pct(counts['on-time']!, due)} on time, ${pct(counts.late!, due)} late, ${pct(counts.missing!, due)} missing`,
    );

    // The CSV: a header and exactly one row per team × period, each with the expected status.
    expect(r.stdout).toContain(`wrote 240 rows (siteId,period,status) to ${csvFile}`);
    const csv = fs.readFileSync(csvFile, 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('siteId,period,status');
    const got = new Map(csv.slice(1).map((l) => [l.split(',').slice(0, 2).join(','), l.split(',')[2]]));
    expect(csv).toHaveLength(241);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
  });

  it('compliance and emails explain an unknown collaborative', async () => {
    await expect(ops.complianceReport(dbh.db, 'no-such-lc', Date.now())).rejects.toMatchObject({
      kind: 'not-found',
      message: 'no collaborative "no-such-lc" in the database',
    });
    await expect(ops.emailLog(dbh.db, 'no-such-lc')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(ops.complianceReport(dbh.db, 'Bad Slug', Date.now())).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('emails: the log newest first with a count line, failed ones with their error, and filters', async () => {
    const t0 = Date.parse('2027-06-10T13:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const email = (
      o: Partial<OutboxDoc> & Pick<OutboxDoc, 'key' | 'purpose' | 'to' | 'status'>,
    ): OutboxDoc => ({
      collaborative: SLUG,
      template: o.purpose,
      subject: `Subject of ${o.key}`,
      messageId: `<${o.key.replace(/[^a-z0-9]/gi, '')}@lc.example.org>`,
      attempts: 1,
      claimedAt: at(0),
      ...o,
    });
    await dbh.db.collection<OutboxDoc>(COLLECTIONS.outbox).insertMany([
      email({
        key: `${SLUG}:announcement:site-01`,
        purpose: 'announcement',
        to: 'pi@site-01.example.org',
        status: 'sent',
        subject: 'Announcing the TF-CBT Learning Collaborative 2027',
        claimedAt: at(0),
        sentAt: at(0.5),
      }),
      email({
        key: `${SLUG}:decision:site-01:accept:pi@site-01.example.org`,
        purpose: 'decision',
        to: 'pi@site-01.example.org',
        status: 'sent',
        subject: 'Accepted: Site 01 — TF-CBT Learning Collaborative 2027',
        claimedAt: at(60),
        sentAt: at(61),
      }),
      email({
        key: `${SLUG}:decision:site-02:accept:nobody@site-02.example.org`,
        purpose: 'decision',
        to: 'nobody@site-02.example.org',
        status: 'failed',
        subject: 'Accepted: Site 02 — TF-CBT Learning Collaborative 2027',
        claimedAt: at(62),
        failedAt: at(62),
        error: '550 5.1.1 <nobody@site-02.example.org>: Recipient address rejected: User unknown',
      }),
      email({
        key: `${SLUG}:metrics-reminder:site-03:2027-05:1:data@site-03.example.org`,
        purpose: 'metrics-reminder',
        to: 'data@site-03.example.org',
        status: 'sent',
        claimedAt: at(120),
        sentAt: at(120),
      }),
      email({
        key: `${SLUG}:metrics-reminder:site-03:2027-05:2:data@site-03.example.org`,
        purpose: 'metrics-reminder',
        to: 'data@site-03.example.org',
        status: 'claimed',
        attempts: 2,
        claimedAt: at(180),
        error: 'connect ECONNREFUSED 127.0.0.1:1025',
        leaseUntil: new Date(0),
      }),
      email({
        key: 'other-2027:announcement:site-01',
        collaborative: 'other-2027',
        purpose: 'announcement',
        to: 'pi@site-01.example.org',
        status: 'failed',
        error: 'not ours',
      }),
    ]);

    const all = await lc('emails', SLUG);
    expect(all.stderr).toBe('');
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WHEN\s+STATUS\s+PURPOSE\s+TO\s+SUBJECT$/);
    // Newest first, times in the collaborative's zone (EDT in June).
    expect(lines.slice(1, -1).filter((l) => !l.startsWith(' ') && l.trim())).toEqual([
      expect.stringMatching(
        /^Thu 10 Jun 2027, 12:00 EDT\s+claimed\s+metrics-reminder\s+data@site-03\.example\.org\s+Subject of .*:2:.* \(2 attempts\)$/,
      ),
      expect.stringMatching(/^Thu 10 Jun 2027, 11:00 EDT\s+sent\s+metrics-reminder\s+data@site-03/),
      expect.stringMatching(
        /^Thu 10 Jun 2027, 10:02 EDT\s+failed\s+decision\s+nobody@site-02\.example\.org\s+Accepted: Site 02/,
      ),
      expect.stringMatching(
        /^Thu 10 Jun 2027, 10:01 EDT\s+sent\s+decision\s+pi@site-01\.example\.org\s+Accepted: Site 01/,
      ),
      expect.stringMatching(
        /^Thu 10 Jun 2027, 09:00 EDT\s+sent\s+announcement\s+pi@site-01\.example\.org\s+Announcing/,
      ),
    ]);
    expect(all.stdout).toContain(
      '\n    error: 550 5.1.1 <nobody@site-02.example.org>: Recipient address rejected: User unknown\n',
    );
    expect(all.stdout).toContain('\n    last error: connect ECONNREFUSED 127.0.0.1:1025\n');
    expect(all.stdout).not.toContain('not ours');
    expect(lines.at(-1)).toBe(`5 emails of lc/${SLUG}: 3 sent, 1 failed, 1 claimed`);

    const failed = await lc('emails', SLUG, '--status', 'failed');
    expect(failed.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^WHEN/),
      expect.stringMatching(/failed\s+decision\s+nobody@site-02\.example\.org/),
      '    error: 550 5.1.1 <nobody@site-02.example.org>: Recipient address rejected: User unknown',
      '',
      `1 email of lc/${SLUG} (of 5 in all): 0 sent, 1 failed, 0 claimed`,
    ]);

    const json = await lc(
      'emails',
      SLUG,
      '--purpose',
      'metrics-reminder',
      '--to',
      'DATA@site-03.example.org',
      '--limit',
      '1',
      '--json',
    );
    expect(json.stderr).toBe('');
    const log = JSON.parse(json.stdout) as ops.EmailLog;
    expect(log).toMatchObject({ slug: SLUG, timeZone: TZ, total: 5, matching: 2 });
    expect(log.counts).toEqual({ sent: 1, failed: 0, claimed: 1 });
    expect(log.emails).toEqual([
      expect.objectContaining({
        status: 'claimed',
        attempts: 2,
        at: '2027-06-10T16:00:00.000Z',
        error: 'connect ECONNREFUSED 127.0.0.1:1025',
      }),
    ]);
    expect(cliFormat.emailLogLines(log).at(-1)).toBe(
      `2 emails of lc/${SLUG} (of 5 in all): 1 sent, 0 failed, 1 claimed; showing the newest 1 (see --limit)`,
    );

    // Bad filters are refused with every problem listed (in process: no need for a spawn).
    await expect(
      ops.emailLog(dbh.db, SLUG, { status: 'bounced', purpose: 'newsletter', to: 'nope', limit: '0' }),
    ).rejects.toThrow(
      /status: "bounced" is not a status; one of: sent, failed, claimed\n.*purpose: "newsletter" is not a kind of email: a template's name, such as announcement or session-invite.*\n.*to: "nope" is not a valid email address\n.*limit: "0" is not a whole number above 0/,
    );
    expect(cliFormat.emailLogLines(await ops.emailLog(dbh.db, SLUG, { purpose: 'cancelled' }))).toEqual([
      `no emails of lc/${SLUG} match (of 5 in all)`,
    ]);
  });

  it('preview: writes a template with sample data to a file, and lists the templates', async () => {
    const out = path.join(tmp, 'preview', 'decision.html');
    const r = await lc('preview', 'decision', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `wrote decision to ${out}\n  subject: Accepted: Bayview Child Trauma Center — TF-CBT Learning Collaborative 2027\n`,
    );
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      '<title>Accepted: Bayview Child Trauma Center — TF-CBT Learning Collaborative 2027</title>',
    );
    expect(html).toContain('Dear Dr. Ana Ruiz,');

    const list = await lc('preview', '--list');
    const names = list.stdout
      .trimEnd()
      .split('\n')
      .slice(0, -1)
      .map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(ops.templateList().map((t) => t.name));
    expect(names).toEqual(
      expect.arrayContaining(['announcement', 'decision', 'metrics-reminder', 'final-report']),
    );
    expect(list.stdout.trimEnd().split('\n').at(-1)).toBe(`${names.length} templates`);

    expect(() => ops.renderPreview('newsletter')).toThrow(
      /template: "newsletter" is not a template; one of the \d+ names `npm run lc -- preview --list` prints/,
    );
    expect(() => ops.renderPreview(undefined)).toThrow(/template: required/);
  });

  it('preview --collaborative: a template with that collaborative’s own data, and the templates it sends', async () => {
    const config = parseLaunchConfig({
      ...exampleConfig(),
      slug: 'cli-previews',
      title: 'CPP Collaborative for the CLI',
      sites: ['harbor'],
    });
    await upsertSites(dbh.db, exampleSites);
    await dbh.db.collection<CollaborativeDoc>(COLLECTIONS.collaboratives).insertOne({
      _id: 'cli-previews' as never,
      slug: 'cli-previews',
      workflowId: 'lc/cli-previews',
      config,
      phase: 'announcement' as CollaborativeDoc['phase'],
      createdAt: new Date(),
      updatedAt: new Date(),
      announcedTo: ['harbor'],
    });
    const r = await lc('preview', 'announcement', '--collaborative', 'cli-previews', '--text');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Subject: .*CPP Collaborative for the CLI/);
    expect(r.stdout).toContain('Dear Dr. Grace Lee,'); // Harbor's PI, a real person of the directory
    expect(r.stdout).toContain(`/apply/${ops.FAKE_LINK_PATH}`);
    const list = await lc('preview', '--list', '--collaborative', 'cli-previews');
    expect(list.stdout).toContain('session-invite');
    expect(list.stdout).not.toContain('community-welcome');
    const wrong = await lc('preview', 'community-welcome', '--collaborative', 'cli-previews');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('not an email this collaborative sends');
  });

  it('submit-metrics: refuses a bad period, values file or sender before reaching Temporal', async () => {
    const values = path.join(tmp, 'values.yaml');
    fs.writeFileSync(values, 'children_served: 14\nfidelity: 86.5\ncds_used: true\n');
    const r = await lc('submit-metrics', SLUG, 'site-01', '2027-13', values, '--by', 'lena');
    expect(r.code).toBe(1); // 2 would mean it tried Temporal (nothing listens at TEMPORAL_ADDRESS)
    expect(r.stderr).toBe(
      `the metrics in ${values} is invalid:\n  - period: a month such as 2027-06\n  - by: not a valid email address\n`,
    );

    // The example values file is a valid values object; the envelope is checked in process.
    expect(
      cliArgs.metricsFromArgs({
        slug: SLUG,
        siteId: 'bayview',
        period: '2027-06',
        file: path.join(ROOT, 'examples/metrics.yaml'),
        by: 'lena.weiss@bayview.example.org',
      }),
    ).toEqual({
      period: '2027-06',
      values: expect.objectContaining({ children_served: expect.any(Number), cds_used: true }),
      by: 'lena.weiss@bayview.example.org',
    });
    const list = path.join(tmp, 'list.yaml');
    fs.writeFileSync(list, '- 14\n- 86\n');
    expect(() =>
      cliArgs.metricsFromArgs({ slug: 'x', siteId: 'no spaces', period: '2027-06', file: list }),
    ).toThrow(
      /slug: .*\n.*siteId: "no spaces" is not a site id.*\n.*values: .* must hold the values object.*\n.*by: required/,
    );
  });

  it('documents each report command with examples in --help', () => {
    for (const name of ['compliance', 'emails', 'preview', 'submit-metrics']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      let out = '';
      cmd.configureOutput({ writeOut: (s) => (out += s) });
      cmd.outputHelp();
      expect(out).toMatch(new RegExp(`^Usage: lc ${name} `));
      expect(out).toContain('\nExamples:\n');
      expect(out).toContain(`  npm run lc -- ${name} `);
      expect(cmd.description()).not.toBe('');
    }
  });
});
