/** The one place that talks to Temporal's client: connecting, starting a programme's workflow once, asking its status, sending Updates (with the gRPC errors mapped to what people can act on). */
import {
  Client,
  Connection,
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition, Workflow } from '@temporalio/common';
import type { Db } from 'mongodb';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { communityWorkflowId } from '../domain/community';
import { workflowIdFor } from '../domain/config';
import type { Settings } from '../domain/settings';
import { dataConverterFor, localEncryptionKeys, parseKeys } from '../security/codec';
import { temporalConnectionOptions, type TemporalSettings } from '../security/temporal-connection';
import { findProgramme } from '../store/collaboratives';
import { COLLECTIONS } from '../store/db';
import { teamStatusQuery, teamWorkflowId, type TeamStatus } from '../workflows';
import { LC_KIND, LC_PHASE } from '../workflows/search-attributes';
import { OperationError } from './errors';

export async function connectClient(
  s: TemporalSettings & Pick<Settings, 'TEMPORAL_NAMESPACE'> & Partial<Pick<Settings, 'LC_ENCRYPTION_KEYS'>>,
): Promise<Client> {
  // TLS files that cannot be read are a bad setting (a ValidationError), not an unreachable server.
  const options = temporalConnectionOptions(s);
  const connection = await Connection.connect({ ...options, connectTimeout: '5 seconds' }).catch(
    (err: Error) => {
      throw new OperationError(
        `cannot reach Temporal at ${s.TEMPORAL_ADDRESS} (${err.message}); is \`npm start\` running, or TEMPORAL_ADDRESS set?`,
      );
    },
  );
  // Payloads are encrypted when keys are configured: the client must hold the workers' keys.
  const dataConverter = dataConverterFor(s.LC_ENCRYPTION_KEYS ? parseKeys(s.LC_ENCRYPTION_KEYS) : undefined);
  return new Client({ connection, namespace: s.TEMPORAL_NAMESPACE, dataConverter });
}

/** What runs under a slug: a Learning Collaborative (`lc/<slug>`) or a Learning Community (`lcom/<slug>`). */
export type Programme = 'collaborative' | 'community';
export const WORKFLOW_IDS: Record<Programme, (slug: string) => string> = {
  collaborative: workflowIdFor,
  community: communityWorkflowId,
};

export const PROGRAMME_COLLECTIONS: Record<Programme, string> = {
  collaborative: COLLECTIONS.collaboratives,
  community: COLLECTIONS.communities,
};

/**
 * Starts a programme's workflow, once per slug ever: a second launch is refused, even after the
 * first ended. A slug is one programme's, collaborative or community, for as long as its records
 * are kept (Temporal forgets a closed workflow after its retention; the records do not), so a new
 * launch can never take over an old programme's records.
 */
export async function startOnce(
  client: Client,
  db: Db,
  kind: Programme,
  workflow: Workflow,
  config: { slug: string },
  taskQueue: string,
): Promise<string> {
  const workflowId = WORKFLOW_IDS[kind](config.slug);
  for (const other of Object.keys(PROGRAMME_COLLECTIONS) as Programme[]) {
    const taken = await findProgramme(db, PROGRAMME_COLLECTIONS[other], config.slug, { _id: 1 }).catch(
      (err: Error) => {
        throw new OperationError(`cannot read the programmes from MongoDB (${err.message})`);
      },
    );
    if (taken)
      throw new OperationError(
        `a ${other} with slug "${config.slug}" was already launched (workflow ${WORKFLOW_IDS[other](config.slug)}); choose another slug`,
        'conflict',
      );
  }
  try {
    await client.workflow.start(workflow, {
      workflowId,
      taskQueue,
      args: [config],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: LC_KIND, value: kind },
        { key: LC_PHASE, value: 'scheduled' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new OperationError(
        `a ${kind} with slug "${config.slug}" was already launched (workflow ${workflowId}); choose another slug`,
        'conflict',
      );
    throw unavailableOr(err);
  }
  return workflowId;
}

/** Asks a programme's workflow its status. */
export async function queryStatus<T>(
  client: Client,
  kind: Programme,
  slug: string,
  query: QueryDefinition<T>,
) {
  try {
    return await client.workflow.getHandle(WORKFLOW_IDS[kind](slug)).query(query);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new OperationError(`no ${kind} "${slug}" (workflow ${WORKFLOW_IDS[kind](slug)})`, 'not-found');
    throw unavailableOr(err);
  }
}

/** The key `npm start` made for the local stack, when it did (read by the CLI beside it). */
export const localStackKeys = (dataDir: string): string | undefined => localEncryptionKeys(dataDir, false);

// ---- sending Updates ---------------------------------------------------------------------------

const requestKeys = new AsyncLocalStorage<string>();

/**
 * Runs `fn` on behalf of one request, named by `key` (a form's one-time field, an API call's
 * Idempotency-Key): every Update it sends carries an ID derived from the key, so the same request
 * sent again — a double click, a retry after a lost answer — is applied once, and answered with
 * the first outcome (Temporal keeps each Update's outcome under its ID).
 */
export function withRequestKey<T>(key: string | undefined, fn: () => T): T {
  return key ? requestKeys.run(key, fn) : fn();
}

function updateIdFor(workflowId: string, update: string): string | undefined {
  const key = requestKeys.getStore();
  if (!key) return undefined;
  return `${update}-${createHash('sha256').update(`${workflowId}\n${update}\n${key}`).digest('base64url').slice(0, 32)}`;
}

/** How long an Update may take before we suspect that no worker serves the task queue. */
export const UPDATE_TIMEOUT_MS = 60_000;

/** gRPC status codes meaning "the service is not there (in time)": DEADLINE_EXCEEDED, UNAVAILABLE. */
const GRPC_UNREACHABLE = [4, 14];

/** A service failure the caller cannot fix by changing the input becomes `unavailable`. */
function unavailableOr(err: unknown): unknown {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(grpc) && GRPC_UNREACHABLE.includes(grpc.code))
    return new OperationError(
      `Temporal did not answer (${grpc.details || grpc.message}); is \`npm start\` running, or TEMPORAL_ADDRESS set?`,
    );
  return err;
}

async function whyNotFound(client: Client, workflowId: string, target: UpdateTarget): Promise<string> {
  const { slug, siteId } = target;
  const kind = target.programme ?? 'collaborative';
  const describe = (id: string) =>
    client.workflow
      .getHandle(id)
      .describe()
      .then((d) => d.status.name)
      .catch(() => undefined);
  const programme = await describe(WORKFLOW_IDS[kind](slug));
  if (!programme) return `no ${kind} "${slug}" (workflow ${WORKFLOW_IDS[kind](slug)})`;
  if (workflowId === WORKFLOW_IDS[kind](slug))
    return `the ${kind} "${slug}" has ended (${programme.toLowerCase()}) and takes no more input`;
  const team = await describe(workflowId);
  if (!team)
    return `site "${siteId}" has no team in "${slug}": only accepted teams do (see \`npm run lc -- status ${slug}\`)`;
  return `the team of "${siteId}" in "${slug}" has ended (${team.toLowerCase()}) and takes no more input`;
}

/** Where an Update goes: a collaborative (the default), one of its teams, or a community. */
export interface UpdateTarget {
  slug: string;
  siteId?: string;
  programme?: Programme;
}

/**
 * Sends one Update and waits for its result. A refusal by the workflow's validator becomes an
 * OperationError('refused') carrying the validator's message.
 */
export async function sendUpdate<Ret, Arg>(
  client: Client,
  target: UpdateTarget,
  def: UpdateDefinition<Ret, [Arg]>,
  input: Arg,
  what: string,
  timeoutMs = UPDATE_TIMEOUT_MS,
): Promise<Ret> {
  const workflowId = target.siteId
    ? teamWorkflowId(target.slug, target.siteId)
    : WORKFLOW_IDS[target.programme ?? 'collaborative'](target.slug);
  try {
    return await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.getHandle(workflowId).executeUpdate(def, {
        args: [input],
        updateId: updateIdFor(workflowId, def.name),
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as Error | undefined;
      throw new OperationError(`${workflowId} refused ${what}: ${cause?.message ?? err.message}`, 'refused');
    }
    if (err instanceof WorkflowNotFoundError)
      throw new OperationError(await whyNotFound(client, workflowId, target), 'not-found');
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      throw new OperationError(
        `${workflowId} did not answer ${what} within ${Math.round(timeoutMs / 1000)} s; is a worker running on its task queue (\`npm start\` or \`npm run worker\`)?`,
      );
    throw unavailableOr(err);
  }
}

/** A team's status, from its workflow. */
export function teamStatus(client: Client, slug: string, siteId: string): Promise<TeamStatus> {
  return client.workflow.getHandle(teamWorkflowId(slug, siteId)).query(teamStatusQuery);
}
