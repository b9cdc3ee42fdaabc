/**
 * A bad or missing setting stops the processes at start, before they connect to anything, with
 * one line per problem naming the variable: the worker (workers/main.ts) and the CLI.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

function run(script: string, args: string[], env: Record<string, string>) {
  // Only what the test gives, plus what node needs to run: no settings leak in from the shell.
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr };
}

describe('settings at process start', () => {
  it('the worker exits 1 naming each bad variable', () => {
    const r = run('workers/main.ts', [], {
      NODE_ENV: 'production',
      LC_WORKER_MAX_CACHED_WORKFLOWS: 'lots',
      TEMPORAL_ADDRESS: 'temporal',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[worker] the environment is invalid:');
    for (const name of [
      'LC_WORKER_MAX_CACHED_WORKFLOWS',
      'TEMPORAL_ADDRESS',
      'LC_SIGNING_KEY',
      'LC_WEB_BASE_URL',
    ])
      expect(r.stderr).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });

  it('the worker exits 1 naming a TLS file it cannot read', () => {
    const r = run('workers/main.ts', [], { TEMPORAL_TLS_CA: '/nonexistent/ca.pem' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}- TEMPORAL_TLS_CA: cannot read \/nonexistent\/ca\.pem \(ENOENT\)$/m);
  });

  it('the CLI exits 1 naming the bad variable', () => {
    const r = run('cli/lc.ts', ['sites', 'list'], { MONGODB_URI: 'postgres://db' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}- MONGODB_URI: must start with mongodb:\/\/ or mongodb\+srv:\/\/$/m);
  });
});
