/**
 * A deliberately incompatible change, for the replay gate's own test: the collaborative workflow
 * with one more activity at its start and no patched() around it. Replaying a committed history
 * against it must fail with a non-determinism error.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { LaunchConfig } from '../../domain/config';
import { collaborativeWorkflow as current } from '../../workflows/collaborative';

export { teamWorkflow } from '../../workflows/team';

const { recordPhase } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function collaborativeWorkflow(config: LaunchConfig) {
  await recordPhase(config.slug, 'scheduled'); // the unguarded change
  return current(config);
}
