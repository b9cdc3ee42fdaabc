/**
 * Replays the committed histories of full runs (test/histories/*.json, written by the lifecycle
 * test with LC_RECORD_HISTORIES=1) against the current workflow code: a change that would break
 * running collaboratives fails here with a non-determinism error. An empty set fails too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';

const DIR = path.join(__dirname, '../histories');

export function committedHistories() {
  const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
  return files.map((file) => ({
    file,
    workflowId: file.replace(/\.json$/, ''),
    history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))),
  }));
}

describe('replay of committed histories', () => {
  const histories = committedHistories();

  it('has histories to replay, of every workflow type', () => {
    expect(histories.length).toBeGreaterThan(0);
    const types = new Set(
      histories.map((h) => h.history.events![0]!.workflowExecutionStartedEventAttributes!.workflowType!.name),
    );
    expect([...types].sort()).toEqual(['collaborativeWorkflow', 'teamWorkflow']);
  });

  it.each(histories.map((h) => [h.file, h] as const))(
    'replays %s without non-determinism',
    async (_file, h) => {
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: process.env.LC_TEST_WORKFLOW_BUNDLE! } },
        h.history,
        h.workflowId,
      );
    },
  );

  it('fails on a deliberately changed workflow (the gate works)', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('./changed-workflows'),
      logger: quiet,
    });
    const h = histories.find((x) => x.file === 'collaborative-lc18.json')!;
    await expect(
      Worker.runReplayHistory({ workflowBundle: { code } }, h.history, h.workflowId),
    ).rejects.toThrow(DeterminismViolationError);
  });
});

const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (m: string) => console.error(m),
};
