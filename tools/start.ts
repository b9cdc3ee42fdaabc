/**
 * `npm start`: the whole local stack in one command. Starts the Temporal dev server, FerretDB and
 * maildev (each unless the environment points at one already), the worker, imports the example
 * sites into an empty directory, launches the demo collaborative once, and prints where to look.
 * Ctrl-C stops everything it started; running it again resumes where it was.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import * as ops from '../app';
import { parseLaunchConfig, type LaunchConfig } from '../domain/config';
import { ValidationError } from '../domain/errors';
import { readSettings } from '../domain/settings';
import { currentSchedule } from '../store/collaboratives';
import { connectDb, ensureIndexes } from '../store/db';
import { listSites } from '../store/sites';
import { localEncryptionKeys } from '../security/codec';
import { signingKey, startWeb, type RunningWeb } from '../web/main';
import { loadDemoConfig } from './demo';
import { demoSteps, playDemo } from './demo-players';
import { DATA, provision, ProvisionError, ROOT } from './provisioning';
import { portOpen, startFerretDb, startMaildev, startTemporal, type Service } from './services';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PORTS = {
  temporal: env('LC_TEMPORAL_PORT', 7233),
  temporalUi: env('LC_TEMPORAL_UI_PORT', 8233),
  ferretdb: env('LC_FERRETDB_PORT', 27027),
  smtp: env('LC_SMTP_PORT', 1025),
  maildevWeb: env('LC_MAILDEV_WEB_PORT', 1080),
};
const dataDir = process.env.LC_DATA_DIR ?? DATA;
const logDir = path.join(dataDir, 'logs');
const say = (s: string) => console.log(`[lc] ${s}`);

const services: Service[] = [];
let worker: ChildProcess | undefined;
let web: RunningWeb | undefined;
let stopping: Promise<void> | undefined;
let players: { stop(): Promise<void> } | undefined;
/** The demo's config when this run launched it. */
let demoConfig: LaunchConfig | undefined;

/**
 * Stops what was started, once. A Ctrl-C reaches this process twice (from the terminal and from
 * npm passing it on): the second signal waits for the same stop instead of cutting it short.
 */
async function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    say('stopping…');
    await players?.stop().catch(() => undefined);
    await web?.close().catch(() => undefined);
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (worker.exitCode === null) worker.kill('SIGKILL');
    }
    await Promise.all(services.map((s) => s.stop()));
    say('stopped');
  })();
  await stopping;
  process.exit(code);
}

async function main() {
  const wantDemo = !process.argv.includes('--no-demo');
  const tools = provision({ log: (s) => say(s) });
  const childEnv: Record<string, string> = {};

  const where = path.relative(ROOT, dataDir) || '.';
  /** Each service the stack needs: used as the environment names it, or started here. */
  const needed: {
    variable: 'TEMPORAL_ADDRESS' | 'MONGODB_URI' | 'SMTP_URL';
    using: string;
    /** One already answering where `npm start` would put it, with what to say about it. */
    running?: () => Promise<{ url: string; say: string } | undefined>;
    starting: string;
    start: () => Promise<Service>;
  }[] = [
    {
      variable: 'TEMPORAL_ADDRESS',
      using: `using Temporal at ${process.env.TEMPORAL_ADDRESS}`,
      running: async () =>
        (await portOpen(PORTS.temporal))
          ? {
              url: `127.0.0.1:${PORTS.temporal}`,
              say: `a Temporal server already listens on :${PORTS.temporal}; using it`,
            }
          : undefined,
      starting: `starting the Temporal dev server on :${PORTS.temporal} (UI :${PORTS.temporalUi}, state in ${where}/temporal.db)`,
      start: () =>
        startTemporal({
          binary: tools.temporal,
          port: PORTS.temporal,
          uiPort: PORTS.temporalUi,
          dbFile: path.join(dataDir, 'temporal.db'),
          logDir,
        }),
    },
    {
      variable: 'MONGODB_URI',
      using: 'using MongoDB at MONGODB_URI',
      starting: `starting FerretDB on :${PORTS.ferretdb} (SQLite under ${where}/ferretdb)`,
      start: () =>
        startFerretDb({
          binary: tools.ferretdb,
          port: PORTS.ferretdb,
          dataDir: path.join(dataDir, 'ferretdb'),
          logDir,
        }),
    },
    {
      variable: 'SMTP_URL',
      using: 'using the SMTP server at SMTP_URL',
      starting: `starting maildev (SMTP :${PORTS.smtp}, inbox :${PORTS.maildevWeb})`,
      start: () => startMaildev({ smtpPort: PORTS.smtp, webPort: PORTS.maildevWeb, logDir }),
    },
  ];
  for (const n of needed) {
    if (process.env[n.variable]) {
      say(n.using);
      continue;
    }
    const found = await n.running?.();
    if (found) {
      say(found.say);
      childEnv[n.variable] = found.url;
      continue;
    }
    say(n.starting);
    const started = await n.start();
    services.push(started);
    childEnv[n.variable] = started.url;
  }

  Object.assign(process.env, childEnv);
  // Payloads are encrypted here as in production (names and emails of every PI and team member).
  process.env.LC_ENCRYPTION_KEYS ||= localEncryptionKeys(dataDir, true);
  // The worker signs the links in emails with the web app's key and address: one key for both.
  const early = readSettings(process.env);
  process.env.LC_SIGNING_KEY = signingKey(early, dataDir);
  process.env.LC_WEB_BASE_URL ??= `http://localhost:${early.LC_WEB_PORT}`;
  const settings = readSettings(process.env);

  say('starting the worker');
  worker = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['workers/main.ts'], {
    cwd: ROOT,
    // Warnings and errors only beside the banner (LC_LOG_LEVEL=info shows the worker's JSON log).
    env: { ...process.env, LC_LOG_LEVEL: process.env.LC_LOG_LEVEL ?? 'warn' },
    stdio: 'inherit',
  });
  worker.once('exit', (code) => {
    if (!stopping) {
      console.error(`[lc] the worker exited (code ${code}); see the lines above`);
      void stopAll(1);
    }
  });

  web = await startWeb(settings, settings.LC_SIGNING_KEY!).catch((err: Error) => {
    throw new ops.OperationError(
      `the web app cannot listen on port ${settings.LC_WEB_PORT} (${err.message}); set LC_WEB_PORT to a free port`,
    );
  });

  const { client: mongo, db } = await connectDb(settings.MONGODB_URI, settings.MONGODB_DB);
  await ensureIndexes(db);
  const client = await ops.connectClient(settings);
  try {
    // The example sites only for the demo: a network starting for real must not announce to them.
    if ((await listSites(db)).length === 0) {
      if (wantDemo) {
        const r = await ops.importSites(db, path.join(ROOT, 'examples/sites.csv'));
        say(`imported ${r.count} example sites into the empty network directory`);
      } else
        say('the network directory is empty: add your sites with `npm run lc -- sites import <file.csv>`');
    }
    if (wantDemo) {
      const exists = await client.workflow
        .getHandle('lc/demo')
        .describe()
        .then(() => true)
        .catch((err) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        });
      const demoInput = loadDemoConfig(path.join(ROOT, 'examples/demo.yaml'));
      const demo = async () => {
        const id = await ops.launch(client, db, settings.TASK_QUEUE, demoInput);
        demoConfig = parseLaunchConfig(demoInput);
        return id;
      };
      // Launched before: running, or ended (and perhaps forgotten by Temporal, its records kept).
      const launched = exists
        ? undefined
        : await demo().catch((err: unknown) => {
            if (err instanceof ops.OperationError && err.kind === 'conflict') return undefined;
            throw err;
          });
      say(
        launched
          ? `launched the demo collaborative ${launched}`
          : 'the demo collaborative lc/demo was launched before; resuming it',
      );
    }
  } finally {
    await mongo.close();
    await client.connection.close();
  }

  const ui = services.some((s) => s.name === 'temporal') ? `http://127.0.0.1:${PORTS.temporalUi}` : undefined;
  console.log(`
  Ready.
    Web app           ${web.url}  (sign in as ${settings.LC_WEB_ADMINS ?? 'sam.rivera@network.example.org'}; the link arrives in the inbox)
    Temporal UI       ${ui ? `${ui}/namespaces/default/workflows` : `(your Temporal at ${settings.TEMPORAL_ADDRESS})`}
    Demo workflow     ${ui ? `${ui}/namespaces/default/workflows/lc%2Fdemo` : 'lc/demo'}
    Email inbox       ${services.some((s) => s.name === 'maildev') ? `http://127.0.0.1:${PORTS.maildevWeb}` : settings.SMTP_URL}
    MongoDB           ${settings.MONGODB_URI} (database "${settings.MONGODB_DB}")
    Status            npm run lc -- status demo
  Press Ctrl-C to stop.
`);
  if (wantDemo)
    players = await playTheDemo(settings, demoConfig).catch((err: Error) => {
      say(`[demo] the sites and faculty of the demo do not play: ${err.message}`);
      return undefined;
    });
}

/**
 * The demo's sites and faculty give their inputs at their moments (tools/demo-players.ts),
 * through the same operations as the CLI; each step prints one `[demo]` line.
 */
async function playTheDemo(
  settings: ReturnType<typeof readSettings>,
  launched: LaunchConfig | undefined,
): Promise<{ stop(): Promise<void> }> {
  const { client: mongo, db } = await connectDb(settings.MONGODB_URI, settings.MONGODB_DB);
  const client = await ops.connectClient(settings);
  let stopped = false;
  // Launched now: its config; resumed: the current schedule its workflow recorded.
  let config = launched;
  if (!config) {
    const doc = await ops.collaborativeRecord(db, 'demo');
    config = { ...doc.config, schedule: currentSchedule(doc) };
  }
  const sites = new Map((await listSites(db)).map((s) => [s.siteId, { name: s.name, piEmail: s.piEmail }]));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const playing = playDemo(
    demoSteps(config, sites),
    {
      apply: (app) => ops.submitApplication(client, 'demo', app),
      decide: (d) => ops.recordDecision(client, 'demo', d),
      prework: (siteId, p) => ops.completePrework(client, 'demo', siteId, p),
      attend: (siteId, a) => ops.recordAttendance(client, 'demo', siteId, a),
      metrics: (siteId, s) => ops.submitMetrics(client, 'demo', siteId, s),
    },
    {
      now: async () => Date.now(),
      until: async (at) => {
        while (!stopped && Date.now() < at) await sleep(Math.min(1000, at - Date.now()));
      },
    },
    { log: (line) => say(`[demo] ${line}`), stopped: () => stopped },
  ).catch((err: Error) => say(`[demo] the players stopped: ${err.message}`));
  return {
    async stop() {
      stopped = true;
      await playing;
      await mongo.close();
      await client.connection.close();
    },
  };
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch((err) => {
  if (err instanceof ProvisionError || err instanceof ValidationError || err instanceof ops.OperationError)
    console.error(`[lc] ${err.message}`);
  else console.error(err);
  void stopAll(1);
});
