/**
 * Replays the committed histories of full runs (test/histories/*.json, written by the lifecycle and
 * community tests with LC_RECORD_HISTORIES=<tag>) against the current workflow code: a change that
 * would break running workflows fails here with a non-determinism error. An empty set fails too, and
 * so does a workflow type the worker registers with no committed history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers/worker';
import * as workflows from '../../workflows';
import * as changedWorkflows from './changed-workflows';

const DIR = path.join(__dirname, '../histories');

export function committedHistories() {
  const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
  return files.sort().map((file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
    return {
      file,
      workflowId: file.replace(/\.json$/, ''),
      workflowType: history.events![0]!.workflowExecutionStartedEventAttributes!.workflowType!.name!,
      history,
    };
  });
}

/**
 * The workflow types a workflows module registers: its exported async functions (the worker would
 * run any exported function, but workflows are async; the helpers beside them, such as
 * teamWorkflowId, are not).
 */
export function workflowTypes(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(([, v]) => typeof v === 'function' && v.constructor.name === 'AsyncFunction')
    .map(([name]) => name)
    .sort();
}

describe('replay of committed histories', () => {
  const histories = committedHistories();
  const registered = workflowTypes(workflows);

  it('has histories to replay, of every workflow type the worker registers', () => {
    expect(require.resolve('../../workflows')).toBe(WORKFLOWS_PATH); // the module the worker bundles
    expect(registered.length).toBeGreaterThan(0);
    expect(histories.length).toBeGreaterThan(0);
    expect([...new Set(histories.map((h) => h.workflowType))].sort()).toEqual(registered);
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

  describe('the gate works: a deliberately changed workflow fails replay', () => {
    let code: string;
    beforeAll(async () => {
      ({ code } = await bundleWorkflowCode({
        workflowsPath: require.resolve('./changed-workflows'),
        logger: quiet,
      }));
    });

    it.each(registered)('%s', async (type) => {
      // Each registered type has its deliberately changed twin in changed-workflows.ts.
      expect(workflowTypes(changedWorkflows)).toContain(type);
      const h = histories.find((x) => x.workflowType === type);
      expect(h).toBeDefined();
      await expect(
        Worker.runReplayHistory({ workflowBundle: { code } }, h!.history, h!.workflowId),
      ).rejects.toThrow(DeterminismViolationError);
    });
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
