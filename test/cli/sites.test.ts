/** The `lc sites` commands as a coordinator runs them: a real process against the real MongoDB-wire server. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testDb } from '../helpers/env';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');

async function lc(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/lc.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lc sites', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let env: Record<string, string>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-sites-'));

  beforeAll(async () => {
    dbh = await testDb('cli_sites');
    env = { MONGODB_URI: process.env.LC_TEST_MONGODB_URI!, MONGODB_DB: dbh.db.databaseName };
  });
  afterAll(async () => {
    await dbh.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports a good file, upserting by site id, and lists the directory', async () => {
    const r = await lc(['sites', 'import', 'examples/sites.csv'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('imported 13 sites from examples/sites.csv: 13 new, 0 updated');
    const again = await lc(['sites', 'import', 'examples/sites.csv'], env);
    expect(again.stdout).toContain('0 new, 13 updated');
    expect(await dbh.db.collection('sites').countDocuments()).toBe(13);

    const list = await lc(['sites', 'list', '--active'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /^bayview\s+yes\s+Dr\. Ana Ruiz <ana\.ruiz@bayview\.example\.org> — Bayview Child Trauma Center$/m,
    );
    expect(list.stdout).not.toContain('northwind');
    expect(list.stdout.trim().split('\n').pop()).toBe('12 sites');
  });

  it('reports every bad row with its line number and imports nothing', async () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        '- { siteId: new-site, name: New, piName: Dr New, piEmail: new@example.org }',
        '- { siteId: bayview, name: Bayview renamed, piName: Dr A, piEmail: broken }',
        '- { siteId: "no spaces", name: X, piName: Dr X, piEmail: x@example.org, colour: blue }',
      ].join('\n'),
    );
    const r = await lc(['sites', 'import', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(nothing was imported) is invalid');
    expect(r.stderr).toContain('line 2: piEmail: not a valid email address');
    expect(r.stderr).toMatch(/line 3: siteId: letters, digits and dashes, up to 63 characters/);
    expect(r.stderr).toContain("line 3: Unrecognized key(s) in object: 'colour'");
    expect(await dbh.db.collection('sites').findOne({ siteId: 'new-site' })).toBeNull();
    expect(await dbh.db.collection('sites').findOne({ siteId: 'bayview' })).toMatchObject({
      name: 'Bayview Child Trauma Center',
    });
  });

  it('explains a missing file and an unsupported format', async () => {
    expect((await lc(['sites', 'import', path.join(tmp, 'nope.csv')], env)).stderr).toMatch(
      /cannot read .*nope\.csv/,
    );
    fs.writeFileSync(path.join(tmp, 'sites.txt'), 'x');
    expect((await lc(['sites', 'import', path.join(tmp, 'sites.txt')], env)).stderr).toContain(
      'expected a .csv, .yaml or .yml file',
    );
  });

  it('documents its commands in --help', async () => {
    const r = await lc(['--help'], env);
    expect(r.stdout).toMatch(/sites\s/);
    expect(r.stdout).toMatch(/launch <config>/);
    expect(r.stdout).toMatch(/status \[options\] <slug>/);
    expect(r.stdout).toContain('npm run lc -- launch examples/demo.yaml');
  });
});
