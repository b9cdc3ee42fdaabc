/**
 * `npm run lc -- <command>`: the coordinators' and faculty's command line.
 * Each command validates its input with the domain schemas and prints a message a person can
 * act on; it exits 1 on bad input and 2 when a service cannot be reached.
 */
import { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { Db, MongoClient } from 'mongodb';
import { connectDb, ensureIndexes } from '../activities/db';
import { ValidationError } from '../domain/errors';
import { readSettings, type Settings } from '../domain/settings';
import { formatInZone } from '../domain/time';
import * as ops from './operations';

let settings: Settings;
const open: { mongo?: MongoClient; client?: Client } = {};

async function db(): Promise<Db> {
  const { client, db } = await connectDb(settings.MONGODB_URI, settings.MONGODB_DB).catch((err: Error) => {
    throw new ops.OperationError(
      `cannot reach MongoDB at ${settings.MONGODB_URI} (${err.message}); is \`npm start\` running, or MONGODB_URI set?`,
    );
  });
  open.mongo = client;
  await ensureIndexes(db);
  return db;
}

async function temporal(): Promise<Client> {
  open.client = await ops.connectClient(settings);
  return open.client;
}

const program = new Command()
  .name('lc')
  .description('Run Learning Collaboratives on Temporal: the network directory, launching, and status.')
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TASK_QUEUE, MONGODB_URI, MONGODB_DB (see README).

Examples:
  npm run lc -- sites import examples/sites.csv
  npm run lc -- launch examples/demo.yaml
  npm run lc -- status demo`,
  );

const sites = program.command('sites').description('the network directory of sites and their PIs');
sites
  .command('import <file>')
  .description('validate a .csv or .yaml file of sites and upsert them by site id (all rows or none)')
  .addHelpText(
    'after',
    `
CSV columns: siteId,name,piName,piEmail[,timeZone][,active]
YAML: a list of the same fields (or "sites:" with a list).

Example:
  npm run lc -- sites import examples/sites.csv`,
  )
  .action(async (file: string) => {
    const r = await ops.importSites(await db(), file);
    console.log(`imported ${r.count} sites from ${file}: ${r.inserted} new, ${r.updated} updated`);
  });
sites
  .command('list')
  .description('list the sites of the network directory')
  .option('--active', 'only active sites')
  .action(async (o: { active?: boolean }) => {
    const list = await ops.listSites(await db(), { activeOnly: o.active });
    if (!list.length)
      return console.log('the directory is empty; import sites with `npm run lc -- sites import <file>`');
    const w = Math.max(...list.map((s) => s.siteId.length), 4);
    console.log(`${'SITE'.padEnd(w)}  ACTIVE  PI`);
    for (const s of list)
      console.log(
        `${s.siteId.padEnd(w)}  ${s.active ? 'yes   ' : 'no    '}  ${s.piName} <${s.piEmail}> — ${s.name}`,
      );
    console.log(`${list.length} sites`);
  });

program
  .command('launch <config>')
  .description('validate a launch config (.yaml or .json) and start its collaborative workflow lc/<slug>')
  .addHelpText('after', '\nExample:\n  npm run lc -- launch examples/demo.yaml')
  .action(async (file: string) => {
    const input = ops.readStructuredFile(file);
    const id = await ops.launch(await temporal(), await db(), settings.TASK_QUEUE, input);
    console.log(id);
  });

program
  .command('status <slug>')
  .description("show a collaborative's phase and next milestone")
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExample:\n  npm run lc -- status demo')
  .action(async (slug: string, o: { json?: boolean }) => {
    const s = await ops.status(await temporal(), slug);
    if (o.json) return console.log(JSON.stringify(s, null, 2));
    console.log(`${s.title} (lc/${s.slug})`);
    console.log(`  phase:          ${s.phase}`);
    console.log(
      `  next milestone: ${s.nextMilestone ? `${s.nextMilestone.name} on ${formatInZone(s.nextMilestone.at, 'UTC')}` : '—'}`,
    );
    console.log(`  announced to:   ${s.announcedTo} sites`);
    if (s.unknownSites.length) console.log(`  unknown sites:  ${s.unknownSites.join(', ')}`);
  });

async function main() {
  try {
    settings = readSettings(process.env);
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ops.OperationError) {
      console.error(err.message);
      process.exitCode = err instanceof ValidationError ? 1 : 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  } finally {
    await open.mongo?.close();
    await open.client?.connection.close();
  }
}

void main();
