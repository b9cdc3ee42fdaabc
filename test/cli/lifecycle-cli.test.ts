/**
 * The lifecycle commands of `lc` as coordinators, faculty and PIs run them: real processes against
 * a dev server with a worker, FerretDB and an SMTP sink. Two collaboratives run side by side:
 * `cli-main` (applications open for the test; its close is moved with `reschedule`, then it is
 * cancelled) and `cli-teams` (compressed so that a team is accepted and its first learning
 * session starts within the test; for `prework`, `attend`, `feedback` and the team lines of `status`).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import * as ops from '../../app';
import * as cliArgs from '../../cli/args';
import { program } from '../../cli/lc';
import { formatInZone, toInstant } from '../../domain/time';
import type { CollaborativeDoc } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import {
  recordDecision,
  statusQuery,
  submitApplication,
  teamStatusQuery,
  teamWorkflowId,
} from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';
const SITES = ['bayview', 'cedar-hill'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('lc lifecycle commands (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let running: Promise<void>;
  let vars: Record<string, string>;
  let main: Record<string, any>;
  let teams: Record<string, any>;
  /** Resolves once the team of bayview in cli-teams runs (decided in the background). */
  let teamReady: Promise<void>;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-lifecycle-'));

  async function lc(...args: string[]): Promise<Ran> {
    return lcWith({}, ...args);
  }
  async function lcWith(extra: Record<string, string>, ...args: string[]): Promise<Ran> {
    try {
      const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/lc.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...vars, ...extra },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'lifecycle_cli');
    running = h.worker.run();
    await upsertSites(h.db, sites);
    vars = {
      TEMPORAL_ADDRESS: env.address,
      MONGODB_URI: process.env.LC_TEST_MONGODB_URI!,
      MONGODB_DB: h.db.databaseName,
      TASK_QUEUE: h.taskQueue,
    };
    const t0 = Date.now();
    // Applications open now for 10 minutes (the test moves the close); the call is over in 3 s.
    main = compressedConfig('cli-main', t0, {
      announcement: 0,
      open: 0,
      info: 0.05,
      close: 10,
      decisions: 12,
      prework: 13,
      ls: 15,
      end: 90,
    });
    main.sites = SITES;
    // Applications close after 18 s, decisions are due after 24 s, LS1 starts after 30 s.
    teams = compressedConfig('cli-teams', t0, {
      announcement: 0,
      open: 0,
      info: 0.05,
      close: 0.3,
      decisions: 0.4,
      prework: 0.45,
      ls: 0.5,
      end: 90,
    });
    teams.sites = SITES;
    for (const c of [main, teams]) await ops.launch(env.client, h.db, h.taskQueue, c);
    const teamsHandle = env.client.workflow.getHandle('lc/cli-teams');
    for (const slug of ['cli-main', 'cli-teams'])
      await waitFor(`the announcement of ${slug}`, async () =>
        (await env.client.workflow.getHandle(`lc/${slug}`).query(statusQuery)).announcedTo === 2
          ? true
          : undefined,
      );
    for (const siteId of SITES)
      await teamsHandle.executeUpdate(submitApplication, { args: [applicationFor(siteId, pi(siteId))] });

    teamReady = (async () => {
      await sleep(Date.parse(teams.schedule.applicationsClose) - Date.now() + 500);
      for (const [siteId, decision] of [
        ['bayview', 'accept'],
        ['cedar-hill', 'waitlist'],
      ] as const)
        await teamsHandle.executeUpdate(recordDecision, {
          args: [{ siteId, decision, notes: '', by: FACULTY }],
        });
      await waitFor(
        'the team workflow of bayview',
        async () =>
          (await env.client.workflow.getHandle(teamWorkflowId('cli-teams', 'bayview')).query(teamStatusQuery))
            ? true
            : undefined,
        40_000,
      );
    })();
    teamReady.catch(() => undefined); // awaited (and reported) by the team test
  });

  afterAll(async () => {
    h.worker.shutdown();
    await running;
    await h.close();
    await env.teardown();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('apply: submits the example application, takes an amendment as version 2, and lists every bad field', async () => {
    const amended = YAML.parse(fs.readFileSync(path.join(ROOT, 'examples/application.yaml'), 'utf8'));
    amended.readiness += ' Since applying, a second supervisor has joined.';
    fs.writeFileSync(path.join(tmp, 'amended.json'), JSON.stringify(amended));
    fs.writeFileSync(
      path.join(tmp, 'bad.yaml'),
      YAML.stringify({
        siteId: 'bayview',
        submittedBy: 'ana.ruiz-at-bayview',
        readiness: 'we are ready',
        commitCoreDataSet: false,
        commitAllSessions: true,
        coreTeam: {
          members: [
            { name: 'A', email: 'a@bayview.example.org', role: 'senior-leader' },
            { name: 'B', email: 'b@bayview.example.org', role: 'supervisor' },
            { name: 'C', email: 'c@bayview.example.org', role: 'other' },
          ],
          dataManager: { name: 'D', email: 'd@bayview.example.org' },
          contactPerson: { name: 'B', email: 'b@bayview.example.org' },
        },
        colour: 'blue',
      }),
    );
    const [first, bad] = await Promise.all([
      lc('apply', 'cli-main', 'examples/application.yaml'),
      lc('apply', 'cli-main', path.join(tmp, 'bad.yaml')),
    ]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim()).toBe('application of bayview received by lc/cli-main (version 1)');

    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`the application in ${path.join(tmp, 'bad.yaml')} is invalid:`);
    for (const problem of [
      '  - submittedBy: not a valid email address',
      "  - readiness: describe the organisation's readiness to adopt the practice (20 characters at least)",
      '  - commitCoreDataSet: the commitment to use the Core Data Set and submit metrics is required to apply',
      '  - coreTeam.members: the core team needs at least one clinician',
      "  - Unrecognized key(s) in object: 'colour'",
    ])
      expect(bad.stderr).toContain(problem);

    const second = await lc('apply', 'cli-main', path.join(tmp, 'amended.json'));
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout.trim()).toBe(
      'application of bayview amended in lc/cli-main (version 2; it replaces version 1)',
    );
    const stored = await h.db.collection(COLLECTIONS.applications).findOne({ collaborative: 'cli-main' });
    expect(stored).toMatchObject({ siteId: 'bayview', version: 2, readiness: amended.readiness });

    // A script's retry of one request (the same LC_REQUEST_ID) is applied once, with the first answer.
    const once = { LC_REQUEST_ID: 'nightly-import-42' };
    const [a, b] = [
      await lcWith(once, 'apply', 'cli-main', path.join(tmp, 'amended.json')),
      await lcWith(once, 'apply', 'cli-main', path.join(tmp, 'amended.json')),
    ];
    expect(a.stdout.trim()).toBe(
      'application of bayview amended in lc/cli-main (version 3; it replaces version 2)',
    );
    expect(b.stdout).toBe(a.stdout);
    expect(
      await h.db.collection(COLLECTIONS.applications).findOne({ collaborative: 'cli-main' }),
    ).toMatchObject({ version: 3 });
  });

  it('decide waits for the close; reschedule moves the close (typed in local time); refusals exit 1', async () => {
    const early = await lc('decide', 'cli-main', 'bayview', 'accept', '--by', FACULTY);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /^lc\/cli-main refused the decision: decisions are made once applications close on \w{3} \d+ \w{3} \d{4}, \d\d:\d\d E[SD]T/,
    );

    // 12 s from now, as a coordinator in New York types it: no offset, read in the collaborative's zone.
    const tz = main.timeZone as string;
    const local = DateTime.now().setZone(tz).plus({ seconds: 12 }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const close = toInstant(local, tz)!;
    const moved = await lc('reschedule', 'cli-main', 'applicationsClose', local, '--by', COORDINATOR);
    expect(moved).toMatchObject({ code: 0, stderr: '' });
    expect(moved.stdout.trim()).toBe(
      `applicationsClose of lc/cli-main moved to ${formatInZone(close, tz)} (${close}); schedule version 1`,
    );
    const doc = await h.db
      .collection<CollaborativeDoc>(COLLECTIONS.collaboratives)
      .findOne({ slug: 'cli-main' });
    expect(Date.parse(doc!.schedule!.applicationsClose)).toBe(Date.parse(close));

    // While the new close comes nearer: refusals, a bad reschedule, and an unreachable server.
    const [notFaculty, notAccepted, notCoordinator, badMove, unreachable] = await Promise.all([
      lc('decide', 'cli-main', 'bayview', 'accept', '--by', pi('bayview')),
      lc('withdraw', 'cli-main', 'bayview', '--reason', 'changed our minds', '--by', pi('bayview')),
      lc('cancel', 'cli-main', '--reason', 'not needed', '--by', FACULTY),
      lc('reschedule', 'cli-main', 'LS9', 'next tuesday', '--by', 'sam'),
      lcWith(
        { TEMPORAL_ADDRESS: '127.0.0.1:1' },
        'cancel',
        'cli-main',
        '--reason',
        'n/a',
        '--by',
        COORDINATOR,
      ),
    ]);
    expect(notFaculty).toMatchObject({ code: 1, stdout: '' });
    expect(notFaculty.stderr.trim()).toBe(
      `lc/cli-main refused the decision: ${pi('bayview')} is not faculty of this collaborative; only its faculty decide`,
    );
    expect(notAccepted).toMatchObject({ code: 1, stdout: '' });
    expect(notAccepted.stderr.trim()).toBe(
      'lc/cli-main refused the withdrawal: site "bayview" is not an accepted team of this collaborative',
    );
    expect(notCoordinator).toMatchObject({ code: 1, stdout: '' });
    expect(notCoordinator.stderr.trim()).toBe(
      `lc/cli-main refused the cancellation: only a coordinator of this collaborative can cancel it (${FACULTY} is not one)`,
    );
    expect(badMove.code).toBe(1);
    expect(badMove.stderr).toContain('the reschedule is invalid:');
    expect(badMove.stderr).toContain(
      '  - milestone: unknown milestone "LS9"; one of: announcement, applicationsOpen, applicationsClose, decisionsDue, prework, end, informationalCalls[0] (call1), learningSessions[0] (LS1), learningSessions[1] (LS2), learningSessions[2] (LS3)',
    );
    expect(badMove.stderr).toContain('  - date: "next tuesday" is not a date;');
    expect(badMove.stderr).toContain('  - by: not a valid email address');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach Temporal at 127.0.0.1:1');

    await sleep(Date.parse(close) - Date.now() + 300);
    const decided = await lc('decide', 'cli-main', 'bayview', 'accept', '--by', FACULTY, '--notes', 'ready');
    expect(decided).toMatchObject({ code: 0, stderr: '' });
    expect(decided.stdout.trim()).toBe('decision recorded in lc/cli-main: bayview → accept');
  });

  it('cancel: the coordinator cancels, and status shows it', async () => {
    const cancelled = await lc('cancel', 'cli-main', '--reason', 'funding withdrawn', '--by', COORDINATOR);
    expect(cancelled).toMatchObject({ code: 0, stderr: '' });
    expect(cancelled.stdout.trim()).toBe(
      'lc/cli-main is cancelled: the invited sites are told and its teams close',
    );
    await env.client.workflow.getHandle('lc/cli-main').result();
    const s = await lc('status', 'cli-main');
    expect(s).toMatchObject({ code: 0, stderr: '' });
    expect(s.stdout).toContain('Test collaborative cli-main (lc/cli-main)');
    expect(s.stdout).toMatch(/^ {2}phase: +cancelled$/m);
    expect(s.stdout).toMatch(/^ {2}next milestone: +—$/m);
    expect(s.stdout).toMatch(/^ {2}applications: +1$/m);
    expect(s.stdout).toMatch(/^ {4}bayview +applied +decision: accept +application v3$/m);
  });

  it('prework, attend and feedback reach an accepted team; status shows each team', async () => {
    await teamReady;
    const ls1 = teams.schedule.learningSessions[0].start as string;
    await sleep(Date.parse(ls1) - Date.now() + 300);
    const [prework, attend, feedback] = await Promise.all([
      lc('prework', 'cli-teams', 'bayview', 'checklist', '--by', pi('bayview')),
      lc(
        'attend',
        'cli-teams',
        'bayview',
        '--session',
        '1',
        '--present',
        'leader@bayview.example.org, clinician@bayview.example.org',
        '--absent',
        'supervisor@bayview.example.org',
        '--by',
        COORDINATOR,
      ),
      lc('feedback', 'cli-teams', 'bayview', '--by', FACULTY, '--text', 'A strong start at LS1.'),
    ]);
    expect(prework).toMatchObject({ code: 0, stderr: '' });
    expect(prework.stdout.trim()).toBe(
      'pre-work of bayview in lc/cli-teams: checklist done (done: checklist; pending: commitment, baseline)',
    );
    expect(attend).toMatchObject({ code: 0, stderr: '' });
    expect(attend.stdout.trim()).toBe(
      'attendance recorded for bayview at LS1 of lc/cli-teams: 2 present, 1 absent',
    );
    expect(feedback).toMatchObject({ code: 0, stderr: '' });
    expect(feedback.stdout.trim()).toBe('feedback #1 for bayview recorded in lc/cli-teams');
    // Session 1 on the command line is session 0 of the schema.
    const team = await env.client.workflow
      .getHandle(teamWorkflowId('cli-teams', 'bayview'))
      .query(teamStatusQuery);
    expect(team.attendance).toEqual({
      0: {
        'leader@bayview.example.org': true,
        'clinician@bayview.example.org': true,
        'supervisor@bayview.example.org': false,
      },
    });

    const [text, json] = await Promise.all([lc('status', 'cli-teams'), lc('status', 'cli-teams', '--json')]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^ {2}phase: +(prework|learning-sessions)$/m);
    expect(text.stdout).toMatch(/^ {2}next milestone: .* \w{3} \d+ \w{3} \d{4}, \d\d:\d\d \S+$/m);
    expect(text.stdout).toMatch(/^ {2}applications: +2$/m);
    expect(text.stdout).toMatch(/^ {2}waiting list: +cedar-hill$/m);
    expect(text.stdout).toMatch(
      /^ {4}bayview +accepted +decision: accept +application v1 +\| pre-work: 1\/3 \(checklist\); sessions attended: LS1; missed: —$/m,
    );
    expect(text.stdout).toMatch(/^ {4}cedar-hill +waitlisted +decision: waitlist +application v1$/m);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as ops.StatusReport;
    expect(report).toMatchObject({
      slug: 'cli-teams',
      timeZone: 'America/New_York',
      waitlist: ['cedar-hill'],
    });
    expect(report.teams.find((t) => t.siteId === 'bayview')!.team).toMatchObject({
      state: 'active',
      preworkDone: ['checklist'],
      missedSessions: [],
    });
  });

  it('documents every command with an example in its --help', async () => {
    const top = await lc('--help');
    expect(top.code).toBe(0);
    for (const usage of [
      'apply <slug> <application>',
      'decide [options] <slug> <siteId> <decision>',
      'attend [options] <slug> <siteId>',
      'reschedule [options] <slug> <milestone> <date>',
      'withdraw [options] <slug> <siteId>',
      'cancel [options] <slug>',
      'feedback [options] <slug> <siteId>',
      'prework [options] <slug> <siteId> <item>',
      'status [options] <slug>',
    ])
      expect(top.stdout).toContain(usage);

    // Each command's own --help, read in-process (a process per command would cost a second each).
    const names = [
      'apply',
      'decide',
      'attend',
      'reschedule',
      'withdraw',
      'cancel',
      'feedback',
      'prework',
      'status',
    ];
    for (const name of names) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      let out = '';
      cmd.configureOutput({ writeOut: (s) => (out += s) });
      cmd.outputHelp();
      expect(out).toMatch(new RegExp(`^Usage: lc ${name} (\\[options\\] )?<slug>`));
      expect(out).toContain('\nExamples:\n');
      expect(out).toContain(`  npm run lc -- ${name} demo`);
    }
  });

  it('ends quietly when its reader closes the pipe early (lc sites list | head)', async () => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['cli/lc.ts', 'sites', 'list'], {
      cwd: ROOT,
      env: { ...process.env, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before the first line
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('reads friendly milestone names and 1-based sessions', () => {
    expect(ops.milestoneFromName('LS2')).toBe('learningSessions[1]');
    expect(ops.milestoneFromName('ls1')).toBe('learningSessions[0]');
    expect(ops.milestoneFromName('call1')).toBe('informationalCalls[0]');
    expect(ops.milestoneFromName('learningSessions[2]')).toBe('learningSessions[2]');
    expect(ops.milestoneFromName('applicationsclose')).toBe('applicationsClose');
    expect(ops.milestoneFromName('LS0')).toBe('LS0');
    expect(
      cliArgs.attendanceFromArgs({ session: '2', present: 'a@x.org', absent: 'b@x.org', by: 'c@x.org' }),
    ).toEqual({
      session: 1,
      attendees: [
        { email: 'a@x.org', present: true },
        { email: 'b@x.org', present: false },
      ],
      by: 'c@x.org',
    });
    expect(() => cliArgs.attendanceFromArgs({ session: '0', present: 'bob', by: 'x' })).toThrow(
      /session: "0" is not a session number; sessions are numbered from 1[\s\S]*present: "bob" is not a valid email address[\s\S]*by: "x" is not a valid email address/,
    );
  });
});
