/**
 * Issue #8, bad input at a running collaborative (dev server): a few hundred generated bad inputs
 * through every Update of one collaborative workflow, and through their Signal twins. Each Update
 * is refused by its validator with a clear message naming the field; the workflow keeps running,
 * no workflow task fails, and no refused Update's payload is in the history (a Signal's payload
 * always is: the twin lists it under `rejected` instead of applying it).
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import type { z } from 'zod';
import * as ops from '../../app';
import * as inputs from '../../domain/inputs';
import { upsertSites } from '../../store/sites';
import {
  cancel,
  collaborativeWorkflow,
  recordCallAttendance,
  recordDecision,
  recordFeedback,
  registerForCall,
  reschedule,
  signalOf,
  statusQuery,
  submitApplication,
  withdraw,
} from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { badInputsLike } from './arbitraries';
import { payloadTexts, Tally, unclear } from './checks';

const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';

interface UpdateCase {
  update: UpdateDefinition<unknown, [never]>;
  what: string;
  schema: z.ZodTypeAny;
  valid: unknown;
}

const CASES: UpdateCase[] = [
  {
    update: submitApplication as never,
    what: 'the application',
    schema: inputs.applicationSchema,
    valid: applicationFor('cedar-hill', pi('cedar-hill')),
  },
  {
    update: recordDecision as never,
    what: 'the decision',
    schema: inputs.decisionSchema,
    valid: { siteId: 'bayview', decision: 'accept', notes: 'A strong team.', by: FACULTY },
  },
  {
    update: withdraw as never,
    what: 'the withdrawal',
    schema: inputs.withdrawalSchema,
    valid: { siteId: 'bayview', reason: 'lost its clinical supervisor', by: COORDINATOR },
  },
  {
    update: reschedule as never,
    what: 'the reschedule',
    schema: inputs.rescheduleSchema,
    valid: { milestone: 'learningSessions[1]', at: '2099-09-20T13:30:00Z', by: COORDINATOR },
  },
  {
    update: cancel as never,
    what: 'the cancellation',
    schema: inputs.cancelSchema,
    valid: { reason: 'funding withdrawn', by: COORDINATOR },
  },
  {
    update: recordFeedback as never,
    what: 'the feedback',
    schema: inputs.feedbackSchema,
    valid: { siteId: 'bayview', by: FACULTY, text: 'Good progress on the trauma narrative.' },
  },
  {
    update: registerForCall as never,
    what: 'the registration',
    schema: inputs.callRegistrationSchema,
    valid: { call: 0, siteId: 'bayview', name: 'Ana Ruiz', email: pi('bayview') },
  },
  {
    update: recordCallAttendance as never,
    what: 'the attendance',
    schema: inputs.callAttendanceSchema,
    valid: { call: 0, siteIds: ['bayview', 'cedar-hill'] },
  },
];

const UPDATES_PER_CASE = 50; // 400 Updates
const SIGNALS_PER_CASE = 6; // 48 Signals: `rejected` keeps the last 50

/**
 * Bad inputs as the workflow receives them: after the JSON round trip of the payload converter
 * (undefined keys dropped, NaN → null, dates → strings), and still refused by the schema — an input
 * the round trip made valid is not bad, and could be applied (a cancellation!).
 */
function badPayloads(c: UpdateCase, n: number, seed: number): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const x of fc.sample(badInputsLike(c.valid), { numRuns: n * 5, seed })) {
    const text = JSON.stringify(x);
    if (text === undefined || text.length > 100_000 || seen.has(text)) continue;
    const sent = JSON.parse(text);
    if (c.schema.safeParse(sent).success) continue;
    seen.add(text);
    out.push(sent);
    if (out.length === n) break;
  }
  return out;
}

/** The problems of a validator's message: `the X is invalid: a: …; b.c: …; Unrecognized key(s) …`. */
function problemsIn(message: string, what: string): string[] {
  const rest = message.slice(`${what} is invalid: `.length);
  return rest.split(/; (?=[A-Za-z_$][\w$]*(?:\[\d+\]|\.[\w$]+)*: |Required$|Expected |Unrecognized )/);
}

describe('Update validators refuse generated bad input (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let running: Promise<void>;
  let wf: WorkflowHandle<typeof collaborativeWorkflow>;

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'prop_updates');
    running = h.worker.run();
    await upsertSites(h.db, sites);
    // Applications open now and close in an hour: nothing else happens while the test runs.
    await ops.launch(
      env.client,
      h.db,
      h.taskQueue,
      compressedConfig('bad-input', Date.now(), {
        info: 50,
        close: 60,
        decisions: 62,
        prework: 63,
        ls: 65,
        end: 240,
      }),
    );
    wf = env.client.workflow.getHandle('lc/bad-input');
    await waitFor('the announcement', async () =>
      (await wf.query(statusQuery)).announcedTo === 12 ? true : undefined,
    );
  });
  afterAll(async () => {
    h.worker.shutdown();
    await running;
    await h.close();
    await env.teardown();
  });

  const updatePayloads = new Map<string, unknown[]>();
  const signalPayloads = new Map<string, unknown[]>();
  CASES.forEach((c, i) => {
    updatePayloads.set(c.update.name, badPayloads(c, UPDATES_PER_CASE, 1000 + i));
    signalPayloads.set(c.update.name, badPayloads(c, SIGNALS_PER_CASE, 2000 + i));
  });

  it('refuses every bad Update with a clear message naming the field', async () => {
    const tally = new Tally('Update validators');
    for (const c of CASES) {
      const payloads = updatePayloads.get(c.update.name)!;
      expect(payloads.length).toBe(UPDATES_PER_CASE);
      for (const input of payloads) {
        tally.inputs++;
        const err = await wf.executeUpdate(c.update, { args: [input as never] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect({ update: c.update.name, input, refused: err instanceof WorkflowUpdateFailedError }).toEqual({
          update: c.update.name,
          input,
          refused: true,
        });
        const message = ((err as WorkflowUpdateFailedError).cause as Error).message;
        expect(message.startsWith(`${c.what} is invalid: `)).toBe(true);
        const why = problemsIn(message, c.what)
          .map((p) => unclear(p, input))
          .filter(Boolean);
        expect({ update: c.update.name, message: message.slice(0, 500), why }).toEqual({
          update: c.update.name,
          message: message.slice(0, 500),
          why: [],
        });
        tally.rejected++;
      }
    }
    tally.print();
  });

  it('lists every bad Signal under rejected, with the same clear message, and applies none', async () => {
    const tally = new Tally('Signal twins');
    const sent: { name: string; input: unknown }[] = [];
    for (const c of CASES)
      for (const input of signalPayloads.get(c.update.name)!) {
        await wf.signal(signalOf<[unknown]>(c.update), input);
        sent.push({ name: c.update.name, input });
        tally.inputs++;
      }
    const status = await waitFor('the signals to be handled', async () => {
      const s = await wf.query(statusQuery);
      return s.rejected.length >= sent.length ? s : undefined;
    });
    expect(status.rejected.map((r) => r.input)).toEqual(sent.map((s) => s.name));
    status.rejected.forEach((r, i) => {
      const c = CASES.find((x) => x.update.name === r.input)!;
      expect(r.message.startsWith(`${c.what} is invalid: `)).toBe(true);
      const why = problemsIn(r.message, c.what)
        .map((p) => unclear(p, sent[i]!.input))
        .filter(Boolean);
      expect({ signal: r.input, why }).toEqual({ signal: r.input, why: [] });
      tally.rejected++;
    });
    // Nothing was applied: no application, no decision, no cancellation.
    expect(status).toMatchObject({ applications: 0, teams: [], phase: 'applications' });
    tally.print();
  });

  it('keeps running, no workflow task failed, and no refused Update is in its history', async () => {
    expect((await wf.describe()).status.name).toBe('RUNNING');
    // It still takes a good input.
    expect(
      await wf.executeUpdate(submitApplication, { args: [applicationFor('bayview', pi('bayview'))] }),
    ).toEqual({ siteId: 'bayview', version: 1 });

    const history = await wf.fetchHistory();
    const events = history.events ?? [];
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
    expect(events.filter((e) => e.workflowExecutionUpdateRejectedEventAttributes ?? null)).toEqual([]);

    // Signals are recorded by design; a refused Update's payload would show up anywhere else
    // (an Update accepted or completed, an activity's input, …).
    const signalled = events.filter((e) => e.workflowExecutionSignaledEventAttributes);
    const signalTexts = payloadTexts(signalled);
    const otherTexts = payloadTexts(events.filter((e) => !e.workflowExecutionSignaledEventAttributes));
    const within = (texts: string[]) => (input: unknown) => {
      const json = JSON.stringify(input);
      return texts.some((t) => t.includes(json));
    };
    // The controls: what reached the history is found there, the way the refused Updates are looked for.
    const signals = [...signalPayloads.values()].flat();
    expect(signalled).toHaveLength(signals.length);
    expect(signals.filter(within(signalTexts))).toHaveLength(signals.length);
    expect(within(otherTexts)(applicationFor('bayview', pi('bayview')))).toBe(true);
    // Payloads long enough to be told apart from what legitimately is there (the config, the application).
    const refused = [...updatePayloads.values()].flat().filter((u) => JSON.stringify(u).length >= 24);
    expect(refused.length).toBeGreaterThan(200);
    expect(refused.filter(within(otherTexts))).toEqual([]);
    process.stdout.write(
      `[property] history of lc/bad-input: ${events.length} events, 0 workflow tasks failed, ${refused.length} refused Update payloads looked for, none present\n`,
    );
  });
});
