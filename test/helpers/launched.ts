/** What the HTTP tests of a running collaborative set up before their first request. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as ops from '../../app';
import type { Harness } from './env';
import { waitFor } from './wait';
import { signInByEmail, type ServedWeb } from './web';

/** Launches `config` through the app's use case and waits for the collaborative's record. */
export async function launchRecorded(
  env: TestWorkflowEnvironment,
  h: Harness,
  config: Record<string, any>,
): Promise<void> {
  await ops.launch(env.client, h.db, h.taskQueue, config);
  await waitFor(
    'the collaborative’s record',
    async () => (await ops.findCollaborative(h.db, config.slug)) ?? undefined,
  );
}

/** Signs each person in through the emailed link; their session tokens and CSRF tokens, by email. */
export async function signInEach(
  web: ServedWeb,
  h: Harness,
  o: { key: string; baseUrl: string },
  people: string[],
  into: { session: Record<string, string>; csrf: Record<string, string> },
): Promise<void> {
  for (const who of people) {
    const s = await signInByEmail(web, h, o.key, who, o.baseUrl);
    into.session[who] = s.token;
    into.csrf[who] = s.csrf;
  }
}
