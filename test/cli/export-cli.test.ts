/**
 * `lc export` and `lc report` as a coordinator runs them: real processes against the real
 * MongoDB-wire server, over records written with the store's own writers (as the worker's
 * activities write them). Each CSV export written to a file (with its BOM) and parsed back, a site
 * named `=HYPERLINK(…)` escaped in each; printed to stdout; a wrong kind or slug refused; the
 * final report printed and written as a PDF.
 */
import { parse } from 'csv-parse/sync';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ops from '../../app';
import { parseLaunchConfig } from '../../domain/config';
import type { CollaborativeDoc } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import { createLifecycleRecords } from '../../store/lifecycle';
import { recordSubmission } from '../../store/metrics';
import { upsertSites } from '../../store/sites';
import { exampleConfig } from '../helpers/configs';
import { testDb } from '../helpers/env';
import { applicationFor, exampleSites } from '../helpers/people';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const SLUG = 'export-2027';
const EVIL_SITE = '=HYPERLINK("http://evil.example/","x")';
const PI = 'pi@formula.example.org';

describe('lc export and lc report (real processes, MongoDB-wire server)', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let vars: Record<string, string>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-export-'));

  async function lc(...args: string[]) {
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
    dbh = await testDb('cli_export');
    vars = {
      MONGODB_URI: process.env.LC_TEST_MONGODB_URI!,
      MONGODB_DB: dbh.db.databaseName,
      // Nothing listens here: a command that needed Temporal would exit 2.
      TEMPORAL_ADDRESS: '127.0.0.1:9',
    };
    const db = dbh.db;
    await upsertSites(db, [
      ...exampleSites,
      { siteId: 'formula', name: EVIL_SITE, piName: 'Dr. Formula', piEmail: PI, active: true },
    ]);
    const c = exampleConfig();
    c.slug = SLUG;
    c.sites = ['bayview', 'formula'];
    const config = parseLaunchConfig(c);
    await db.collection<CollaborativeDoc>(COLLECTIONS.collaboratives).insertOne({
      slug: SLUG,
      workflowId: `lc/${SLUG}`,
      config,
      phase: 'learning-sessions' as CollaborativeDoc['phase'],
      announcedTo: ['bayview', 'formula'],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const rec = createLifecycleRecords(db);
    const apps = [applicationFor('bayview', 'ana.ruiz@bayview.example.org'), applicationFor('formula', PI)];
    for (const a of apps) {
      await rec.recordApplication(SLUG, a, 1);
      await rec.recordDecision(SLUG, {
        siteId: a.siteId,
        decision: 'accept',
        notes: 'Welcome',
        by: 'f@x.org',
      });
      await rec.recordTeam(SLUG, a.siteId, 'accepted');
      await rec.recordAttendance(SLUG, a.siteId, {
        session: 0,
        attendees: [{ email: a.coreTeam.members[0]!.email, present: true }],
        by: 'f@x.org',
      });
      for (const [i, p] of config.schedule.periods.slice(0, 3).entries())
        await recordSubmission(
          db,
          SLUG,
          a.siteId,
          {
            period: p.id,
            by: a.coreTeam.dataManager.email,
            values: { children_served: 10 + i, fidelity: 60 + 5 * i, cds_used: true, notes: '' },
          },
          { submittedAt: new Date().toISOString(), late: false, amendments: 0 },
        );
    }
  });
  afterAll(async () => {
    await dbh.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes each export to a file, with its BOM, a formula-like name escaped in each', async () => {
    const counts: string[] = [];
    for (const kind of ops.EXPORT_KINDS) {
      const out = path.join(tmp, `${kind}.csv`);
      const r = await lc('export', SLUG, kind, '--out', out);
      expect(`${kind}: ${r.code} ${r.stderr}`).toBe(`${kind}: 0 `);
      const bytes = fs.readFileSync(out);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
      expect(r.stdout.trim()).toBe(`wrote ${rows.length} rows of ${ops.EXPORT_TITLES[kind]} to ${out}`);
      const formula = rows.filter((x) => x.siteId === 'formula');
      expect(`${kind}: ${formula.length > 0}`).toBe(`${kind}: true`);
      for (const x of formula) expect(x.site).toBe(`'${EVIL_SITE}`);
      for (const x of rows) for (const v of Object.values(x)) expect(v).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
      counts.push(`${kind} ${rows.length}`);
    }
    expect(counts).toEqual([
      'applications 2',
      'decisions 2',
      'teams 2',
      'attendance 2',
      `compliance ${2 * parseLaunchConfig({ ...exampleConfig(), slug: SLUG }).schedule.periods.length}`,
      'metrics 6',
    ]);
  });

  it('prints an export without --out (no BOM); refuses a wrong kind or slug; explains itself in --help', async () => {
    const printed = await lc('export', SLUG, 'decisions');
    expect(printed.code).toBe(0);
    expect(printed.stdout.charCodeAt(0)).not.toBe(0xfeff);
    const rows = parse(printed.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.siteId, x.site, x.decision])).toEqual([
      ['bayview', 'Bayview Child Trauma Center', 'accept'],
      ['formula', `'${EVIL_SITE}`, 'accept'],
    ]);

    const wrong = await lc('export', SLUG, 'people');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      'kind: "people" is not an export; one of: applications, decisions, teams, attendance, compliance, metrics',
    );
    const nowhere = await lc('export', 'nowhere', 'teams');
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('no collaborative "nowhere" in the database');

    const help = await lc('export', '--help');
    expect(help.stdout).toContain(
      'Usage: lc export <slug> <applications|decisions|teams|attendance|compliance|metrics>',
    );
    for (const kind of ops.EXPORT_KINDS) expect(help.stdout).toMatch(new RegExp(`^    ${kind} +\\w`, 'm'));
    expect(help.stdout).toContain("written\n  with a ' in front");
    expect(help.stdout).toContain('npm run lc -- export tf-cbt-2027 applications --out');
  });

  it('prints the report so far and writes it as a PDF', async () => {
    const pdf = path.join(tmp, 'report.pdf');
    const r = await lc('report', SLUG, '--pdf', pdf);
    expect(`${r.code} ${r.stderr}`).toBe('0 ');
    expect(r.stdout).toContain(`Final report: ${exampleConfig().title} (lc/${SLUG})`);
    expect(r.stdout).toContain('Report so far, as of');
    expect(r.stdout).toContain('2 applications; 2 accepted, 0 waitlisted, 0 declined.');
    expect(r.stdout).toMatch(
      /^Team +Status +Sessions attended +Pre-work done +Feedback +Metrics \(on time\)$/m,
    );
    expect(r.stdout).toMatch(
      /^Bayview Child Trauma Center +accepted +1 of 3 \(missed LS2, LS3\) +0 of 3 +0 +3 \(3 on time\)$/m,
    );
    expect(r.stdout).toContain(`wrote the report as a PDF to ${pdf}`);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    // Nothing stored: the final report is the workflow's to make.
    expect(await dbh.db.collection(COLLECTIONS.reports).countDocuments()).toBe(0);
  });
});
