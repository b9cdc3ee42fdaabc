/**
 * `npm start` as a developer runs it on a fresh clone: `node tools/bootstrap.js start` (what the
 * npm script runs) starts the Temporal dev server, FerretDB, maildev, the worker and the web app,
 * launches the demo, and prints where to look. The test gives it free ports and its own data
 * directory (so it never meets a developer's own stack), then checks what the README promises:
 * the demo's announcements in the maildev inbox within a minute, `lc/demo` in the Temporal UI's
 * API with its phase, the web app answering; a SIGTERM to the launcher stops every process it
 * started; running it again resumes (the demo is not launched twice); Ctrl-C (SIGINT to the
 * process group) stops it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portOpen } from '../../tools/services';
import { waitFor } from '../helpers/wait';

const ROOT = path.join(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('npm start (the local stack and the demo)', () => {
  let dataDir: string;
  let ports: Record<string, number>;
  const running: Started[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-start-'));
    ports = {
      LC_TEMPORAL_PORT: await freePort(),
      LC_TEMPORAL_UI_PORT: await freePort(),
      LC_FERRETDB_PORT: await freePort(),
      LC_SMTP_PORT: await freePort(),
      LC_MAILDEV_WEB_PORT: await freePort(),
      LC_WEB_PORT: await freePort(),
    };
  });

  afterAll(async () => {
    // A failed test must not leave the stack behind: the whole process group goes.
    for (const s of running)
      if (s.child.exitCode === null) {
        process.kill(-s.child.pid!, 'SIGTERM');
        await Promise.race([s.exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (s.child.exitCode === null) process.kill(-s.child.pid!, 'SIGKILL');
      }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function start(args: string[] = [], dir = dataDir): Started {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    };
    // Nothing of the test run's own services: npm start starts its own.
    for (const name of [
      'TEMPORAL_ADDRESS',
      'MONGODB_URI',
      'SMTP_URL',
      'LC_SIGNING_KEY',
      'LC_WEB_BASE_URL',
      'LC_WEB_ADMINS',
    ])
      delete env[name];
    env.LC_DATA_DIR = dir;
    // Its own process group, as a terminal would give it, so a Ctrl-C can be sent to the group.
    const child = spawn(process.execPath, ['tools/bootstrap.js', 'start', ...args], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const s = { child, output: () => out, exited };
    running.push(s);
    return s;
  }

  const ready = (s: Started) =>
    waitFor(
      'npm start to print Ready',
      async () => (s.output().includes('Ready.') ? true : undefined),
      150_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; it printed:\n${s.output().slice(-3000)}`);
    });

  async function stopped(s: Started, how: string): Promise<void> {
    const code = await Promise.race([
      s.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 45_000)),
    ]);
    expect({ how, code }).toEqual({ how, code: 0 });
    expect(s.output()).toContain('[lc] stopped');
    for (const [name, port] of Object.entries(ports))
      expect({ name, open: await portOpen(port) }).toEqual({ name, open: false });
  }

  const json = async (url: string) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json() as Promise<any>;
  };

  it('starts everything, shows the demo in the inbox and the Temporal UI, and stops on SIGTERM', async () => {
    const s = start();
    const t0 = Date.now();
    await ready(s);
    expect(s.output()).toContain('[lc] imported 13 example sites into the empty network directory');
    expect(s.output()).toContain('[lc] launched the demo collaborative lc/demo');
    expect(s.output()).toContain(`http://127.0.0.1:${ports.LC_MAILDEV_WEB_PORT}`);

    // The announcement to every active PI of the example directory, in maildev's inbox.
    const inbox = `http://127.0.0.1:${ports.LC_MAILDEV_WEB_PORT}/email`;
    const announcements = await waitFor(
      'the demo announcements in the maildev inbox',
      async () => {
        const mail = (await json(inbox)) as { subject: string; to: { address: string }[] }[];
        const a = mail.filter((m) => m.subject.startsWith('Announcing the Demo Learning Collaborative'));
        return a.length >= 12 ? a : undefined;
      },
      60_000,
    );
    const seconds = (Date.now() - t0) / 1000;
    expect(new Set(announcements.map((m) => m.to[0]!.address)).size).toBe(12);

    // lc/demo in the Temporal UI (its HTTP API), filterable by its phase.
    const ui = `http://127.0.0.1:${ports.LC_TEMPORAL_UI_PORT}/api/v1/namespaces/default/workflows`;
    const listed = await waitFor('lc/demo in the Temporal UI', async () => {
      const r = await json(`${ui}?query=${encodeURIComponent('WorkflowId = "lc/demo"')}`);
      return r.executions?.[0]?.searchAttributes?.indexedFields?.LcPhase ? r.executions : undefined;
    });
    expect(listed[0].type.name).toBe('collaborativeWorkflow');

    // The web app.
    expect((await fetch(`http://127.0.0.1:${ports.LC_WEB_PORT}/healthz`)).status).toBe(200);

    // The demo's players: the first site applies once applications open (a minute in), and its
    // PI gets the confirmation.
    await waitFor(
      "the first demo site's application and its confirmation",
      async () => {
        if (!s.output().includes('[lc] [demo] bayview applies')) return undefined;
        const mail = (await json(inbox)) as { subject: string }[];
        return mail.some((m) => m.subject.startsWith('Application received')) ? true : undefined;
      },
      150_000,
    );
    process.stdout.write(
      `\n[start] ready, 12 announcements in the inbox ${seconds.toFixed(1)} s after npm start\n`,
    );

    process.kill(s.child.pid!, 'SIGTERM'); // the launcher alone, as `kill <pid>` would
    await stopped(s, 'SIGTERM to the launcher');
  }, 300_000);

  it('resumes on the second run (the demo is not launched twice) and stops on Ctrl-C', async () => {
    const s = start();
    await ready(s);
    expect(s.output()).toContain('the demo collaborative lc/demo was launched before; resuming it');
    expect(s.output()).not.toContain('imported 13 example sites');
    const ui = `http://127.0.0.1:${ports.LC_TEMPORAL_UI_PORT}/api/v1/namespaces/default/workflows`;
    const all = await json(`${ui}?query=${encodeURIComponent('WorkflowId = "lc/demo"')}`);
    expect(all.executions).toHaveLength(1);

    process.kill(-s.child.pid!, 'SIGINT'); // Ctrl-C: the terminal signals the whole group
    await stopped(s, 'SIGINT to the group');
  }, 300_000);

  it('with --no-demo, leaves an empty network directory empty (no fictional PIs to announce to)', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-start-nodemo-'));
    try {
      const s = start(['--no-demo'], fresh);
      await ready(s);
      expect(s.output()).toContain('the network directory is empty: add your sites with');
      expect(s.output()).not.toContain('imported 13 example sites');
      expect(s.output()).not.toContain('launched the demo collaborative');
      process.kill(s.child.pid!, 'SIGTERM');
      await stopped(s, 'SIGTERM to the launcher');
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  }, 300_000);
});
