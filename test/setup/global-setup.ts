/**
 * Starts what every test needs once per run: provisioned binaries, a MongoDB-wire server
 * (FerretDB on a free port, unless MONGODB_URI is set) and the workflow bundle (built once).
 * Temporal servers are started per test file by the SDK's test environments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { freePort, startFerretDb, type Service } from '../../tools/services';
import { DATA, provision } from '../../tools/provisioning';
import { WORKFLOWS_PATH } from '../../workers/worker';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const tools = provision({ log: (s) => console.log(`\n[test setup] ${s}`) });
  const runDir = path.join(DATA, 'test', `run-${process.pid}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(runDir, { recursive: true });

  const services: Service[] = [];
  let mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    const ferret = await startFerretDb({
      binary: tools.ferretdb,
      port: await freePort(),
      dataDir: path.join(runDir, 'ferretdb'),
      logDir: runDir,
    });
    services.push(ferret);
    mongoUri = ferret.url;
  }

  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  fs.writeFileSync(bundlePath, code);

  process.env.LC_TEST_MONGODB_URI = mongoUri;
  process.env.LC_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.LC_TEST_RUN_DIR = runDir;
  process.env.TEMPORAL_CLI = tools.temporal;
  process.env.TEMPORAL_TEST_SERVER = tools.testServer;
  (globalThis as { __lcServices?: Service[] }).__lcServices = services;
  console.log(
    `[test setup] MongoDB-wire at ${mongoUri}; workflow bundle built; ready in ${Date.now() - started} ms`,
  );
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};
