/**
 * Deliberately incompatible changes, for the replay gate's own test: each workflow type the worker
 * registers, with one more activity at its start and no patched() around it. Replaying a committed
 * history of that type against it must fail with a non-determinism error. A new workflow type
 * needs its changed twin here too (test/replay/replay.test.ts checks).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CommunityConfig } from '../../domain/community';
import type { LaunchConfig } from '../../domain/config';
import { collaborativeWorkflow as currentCollaborative } from '../../workflows/collaborative';
import {
  learningCommunityWorkflow as currentCommunity,
  type CommunityCarry,
} from '../../workflows/learning-community';
import { teamWorkflow as currentTeam, type TeamInput } from '../../workflows/team';

const { recordPhase, recordCommunityPhase } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
});

export async function collaborativeWorkflow(config: LaunchConfig) {
  await recordPhase(config.slug, 'scheduled'); // the unguarded change
  return currentCollaborative(config);
}

export async function teamWorkflow(input: TeamInput) {
  await recordPhase(input.slug, 'scheduled'); // the unguarded change
  return currentTeam(input);
}

export async function learningCommunityWorkflow(config: CommunityConfig, carried?: CommunityCarry) {
  await recordCommunityPhase(config.slug, 'scheduled'); // the unguarded change
  return currentCommunity(config, carried);
}
