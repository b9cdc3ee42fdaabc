/**
 * What coordinators do, independent of how they ask (CLI now, web API later): each operation
 * validates its input with the domain's zod schemas first and fails with a message they can act on.
 */
import fs from 'node:fs';
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { Db } from 'mongodb';
import YAML from 'yaml';
import { getSites, listSites, upsertSites } from '../activities/sites';
import { parseLaunchConfig, workflowIdFor, type LaunchConfig } from '../domain/config';
import { ValidationError } from '../domain/errors';
import { formatFromFileName, parseSitesFile } from '../domain/sites';
import type { Settings } from '../domain/settings';
import { collaborativeWorkflow, statusQuery, type CollaborativeStatus } from '../workflows';
import { LC_KIND, LC_PHASE } from '../workflows/search-attributes';

export class OperationError extends Error {}

export async function connectClient(
  s: Pick<Settings, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>,
): Promise<Client> {
  const connection = await Connection.connect({
    address: s.TEMPORAL_ADDRESS,
    connectTimeout: '5 seconds',
  }).catch((err: Error) => {
    throw new OperationError(
      `cannot reach Temporal at ${s.TEMPORAL_ADDRESS} (${err.message}); is \`npm start\` running, or TEMPORAL_ADDRESS set?`,
    );
  });
  return new Client({ connection, namespace: s.TEMPORAL_NAMESPACE });
}

export function readStructuredFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new OperationError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ValidationError(file, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length)
    throw new ValidationError(
      file,
      doc.errors.map((e) => e.message),
    );
  return doc.toJSON();
}

export async function importSites(db: Db, file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new OperationError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const { sites, errors } = parseSitesFile(text, formatFromFileName(file));
  if (errors.length) {
    throw new ValidationError(
      `${file} (nothing was imported)`,
      errors.flatMap((e) => e.problems.map((p) => `line ${e.line}: ${p}`)),
    );
  }
  return { count: sites.length, ...(await upsertSites(db, sites)) };
}

export { listSites };

/** Checks what only the database knows: the sites named in the config exist. */
export async function checkConfigAgainstDirectory(db: Db, config: LaunchConfig): Promise<void> {
  if (config.sites === 'all') {
    if ((await listSites(db, { activeOnly: true })).length === 0)
      throw new ValidationError('the launch config', [
        'sites: the network directory has no active sites; import them first with `npm run lc -- sites import <file>`',
      ]);
    return;
  }
  const known = new Set((await getSites(db, config.sites)).map((s) => s.siteId));
  const unknown = config.sites.filter((id) => !known.has(id));
  if (unknown.length)
    throw new ValidationError('the launch config', [
      `sites: not in the network directory: ${unknown.join(', ')} (see \`npm run lc -- sites list\`)`,
    ]);
}

export async function launch(client: Client, db: Db, taskQueue: string, input: unknown): Promise<string> {
  const config = parseLaunchConfig(input);
  await checkConfigAgainstDirectory(db, config);
  const workflowId = workflowIdFor(config.slug);
  try {
    await client.workflow.start(collaborativeWorkflow, {
      workflowId,
      taskQueue,
      args: [config],
      // One collaborative per slug, ever: a second launch is refused, even after the first ended.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: LC_KIND, value: 'collaborative' },
        { key: LC_PHASE, value: 'scheduled' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new OperationError(
        `a collaborative with slug "${config.slug}" was already launched (workflow ${workflowId}); choose another slug`,
      );
    throw err;
  }
  return workflowId;
}

export async function status(client: Client, slug: string): Promise<CollaborativeStatus> {
  try {
    return await client.workflow.getHandle(workflowIdFor(slug)).query(statusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new OperationError(`no collaborative "${slug}" (workflow ${workflowIdFor(slug)})`);
    throw err;
  }
}
