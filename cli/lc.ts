/**
 * `npm run lc -- <command>`: the coordinators' and faculty's command line.
 * Each command validates its input with the domain schemas and prints a message a person can
 * act on; it exits 1 on bad input or an input the collaborative refuses, and 2 when a service
 * cannot be reached. The work is done by app/, which a web app reuses.
 */
import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import type { Db, MongoClient } from 'mongodb';
import path from 'node:path';
import * as ops from '../app';
import { ValidationError } from '../domain/errors';
import { readSettings, type Settings } from '../domain/settings';
import * as community from './commands/community';
import * as directory from './commands/directory';
import * as lifecycle from './commands/lifecycle';
import * as reports from './commands/reports';

let settings: Settings | undefined;
const open: { mongo?: MongoClient; client?: Client; mailer?: { outbox: ops.Outbox; close(): void } } = {};

/** The settings: read by `main` before anything else; read here when the program is driven in-process (tests). */
function config(): Settings {
  return (settings ??= readSettings({ ...process.env, LC_ENCRYPTION_KEYS: encryptionKeys() }));
}

/**
 * The request a command is: the same command line by the same person within the same minute is
 * one request (a retry after a lost answer is applied once, and answered with the first outcome);
 * a script that retries later names its request itself with LC_REQUEST_ID.
 */
function requestKey(argv: string[]): string {
  if (process.env.LC_REQUEST_ID) return `cli:${process.env.LC_REQUEST_ID}`;
  return `cli:${Math.floor(Date.now() / 60_000)}:${argv.slice(2).join('\u0000')}`;
}

/** The environment's keys; next to `npm start`'s stack (no TEMPORAL_ADDRESS), the key it made. */
function encryptionKeys(): string | undefined {
  if (process.env.LC_ENCRYPTION_KEYS || process.env.TEMPORAL_ADDRESS) return process.env.LC_ENCRYPTION_KEYS;
  return ops.localStackKeys(process.env.LC_DATA_DIR ?? path.join(__dirname, '..', '.data'));
}

async function db(): Promise<Db> {
  const { MONGODB_URI, MONGODB_DB } = config();
  const { client, db } = await ops.openDatabase(MONGODB_URI, MONGODB_DB);
  open.mongo = client;
  return db;
}

async function temporal(): Promise<Client> {
  open.client = await ops.connectClient(config());
  return open.client;
}

const program = new Command()
  .name('lc')
  .description(
    'Run Learning Collaboratives on Temporal: the network directory, launching, the lifecycle, metrics, status and reports.',
  )
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TASK_QUEUE, MONGODB_URI, MONGODB_DB (see README).

Examples:
  npm run lc -- sites import examples/sites.csv
  npm run lc -- launch examples/demo.yaml
  npm run lc -- apply demo examples/application.yaml
  npm run lc -- decide demo bayview accept --by jcohen@faculty.example.org
  npm run lc -- reschedule demo LS2 2027-09-20T09:30 --by sam.rivera@network.example.org
  npm run lc -- submit-metrics tf-cbt-2027 bayview 2027-06 examples/metrics.yaml --by lena.weiss@bayview.example.org
  npm run lc -- status demo
  npm run lc -- compliance tf-cbt-2027 --csv .data/tf-cbt-2027-compliance.csv
  npm run lc -- export tf-cbt-2027 applications --out .data/tf-cbt-2027-applications.csv
  npm run lc -- report tf-cbt-2027 --pdf .data/tf-cbt-2027-report.pdf
  npm run lc -- emails demo --status failed
  npm run lc -- preview decision

Each command's --help shows its examples, e.g. npm run lc -- attend --help`,
  );

async function outbox(): Promise<ops.Outbox> {
  const { SMTP_URL, MAIL_FROM } = config();
  open.mailer ??= ops.openMailer(await db(), SMTP_URL, MAIL_FROM);
  return open.mailer.outbox;
}

const context = { config, db, temporal, outbox };
for (const commands of [directory, lifecycle, community, reports]) commands.register(program, context);

async function main() {
  try {
    config();
    await ops.withRequestKey(requestKey(process.argv), () => program.parseAsync(process.argv));
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ops.OperationError) {
      console.error(err.message);
      // 2: a service cannot be reached; 1: bad input, or refused by the collaborative.
      process.exitCode = err instanceof ops.OperationError && err.kind === 'unavailable' ? 2 : 1;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  } finally {
    open.mailer?.close();
    await open.mongo?.close();
    await open.client?.connection.close();
  }
}

export { program };

// Run when started as the CLI; importable (by tests, for the help texts) without running.
if (require.main === module) {
  // `lc status demo | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  void main();
}
