/** `lc rehearse` as a coordinator runs it: a real process against the real MongoDB-wire server. */
import { parse } from 'csv-parse/sync';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { rehearse } from '../../app/rehearsal';
import { parseLaunchConfig } from '../../domain/config';
import { upsertSites } from '../../store/sites';
import { readStructuredFile } from '../../app/reading';
import { testDb } from '../helpers/env';
import { exampleSites } from '../helpers/people';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const CONFIG = 'examples/collaborative.yaml';

async function lc(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/lc.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lc rehearse', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let env: Record<string, string>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-rehearse-'));

  beforeAll(async () => {
    dbh = await testDb('cli_rehearse');
    await upsertSites(dbh.db, exampleSites);
    env = { MONGODB_URI: process.env.LC_TEST_MONGODB_URI!, MONGODB_DB: dbh.db.databaseName };
  });
  afterAll(async () => {
    await dbh.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the scenario and a line per email, and writes the same list as CSV', async () => {
    const expected = await rehearse(dbh.db, parseLaunchConfig(readStructuredFile(path.join(ROOT, CONFIG))));
    const r = await lc(['rehearse', CONFIG], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`: ${expected.emails.length} emails`);
    expect(r.stdout).toContain(`  - ${expected.scenario[0]}`);
    expect(r.stdout).toMatch(
      /^2027-01-1\d \d\d:\d\d America\/Los_Angeles {2}announcement {2}PI Dr\. Ana Ruiz/m,
    );

    const file = path.join(tmp, 'out.csv');
    const w = await lc(['rehearse', CONFIG, '--csv', file], env);
    expect(w.stdout).toContain(`${expected.emails.length} emails written to ${file}`);
    const rows: Record<string, string>[] = parse(fs.readFileSync(file, 'utf8'), {
      bom: true,
      comment: '#',
      columns: true,
    });
    expect(rows.map((x) => `${x.recipient} ${x.template}`)).toEqual(
      expected.emails.map((e) => `${e.email} ${e.template}`),
    );
    const out = await lc(['rehearse', CONFIG, '--csv'], env);
    expect(out.stdout).toBe(fs.readFileSync(file, 'utf8'));
  }, 120_000);

  it('says what is wrong with a bad config, and exits 1', async () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(file, 'slug: x\ntitle: [unclosed\n');
    const r = await lc(['rehearse', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
  }, 60_000);
});
