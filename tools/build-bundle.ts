/**
 * `npm run build` (after the type check): writes the prebuilt workflow bundle to
 * dist/workflow-bundle.js, so a worker started with WORKFLOW_BUNDLE set skips bundling at start
 * (the Docker image sets WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js). Prints its size.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../workers/worker';

/** webpack's statistics are noise here; its warnings and errors are not. */
const logger: Logger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export const BUNDLE_PATH = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');

export async function buildBundle(): Promise<void> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger });
  fs.mkdirSync(path.dirname(BUNDLE_PATH), { recursive: true });
  fs.writeFileSync(BUNDLE_PATH, code);
  const kib = (Buffer.byteLength(code) / 1024).toFixed(1);
  const rel = path.relative(process.cwd(), BUNDLE_PATH) || BUNDLE_PATH;
  console.log(`[build] workflow bundle ${rel}: ${kib} KiB, built in ${Date.now() - started} ms`);
}

if (require.main === module) {
  buildBundle().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
