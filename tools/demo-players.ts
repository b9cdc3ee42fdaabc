/**
 * The people of the `npm start` demo: five sites apply, the faculty decide (three accepted, one
 * waitlisted, one declined), the teams do their pre-work, attend the sessions and report their
 * metrics — one team misses LS1 and never reports, so it climbs the whole reminder ladder and
 * shows in the digests. Each step happens at its moment of the demo's schedule, through the same
 * inputs people use (the CLI's operations in `npm start`; signals in the time-skipping test).
 */
import type { LaunchConfig } from '../domain/config';
import type { Application, Attendance, Decision, PreworkDone } from '../domain/inputs';
import type { Submission } from '../domain/metrics';
import { dayOf, ms } from '../domain/schedule';

/** How the players give their inputs. */
export interface DemoInputs {
  apply(app: Application): Promise<unknown>;
  decide(d: Decision): Promise<unknown>;
  prework(siteId: string, p: PreworkDone): Promise<unknown>;
  attend(siteId: string, a: Attendance): Promise<unknown>;
  metrics(siteId: string, s: Submission): Promise<unknown>;
}

/** The clock the players wait on: real time in `npm start`, the test server's under time skipping. */
export interface DemoClock {
  now(): Promise<number>;
  until(at: number): Promise<void>;
}

export interface DemoStep {
  at: number;
  what: string;
  run(inputs: DemoInputs): Promise<unknown>;
}

/** The sites that apply, and what the faculty decide. */
export const DEMO_CAST = {
  bayview: 'accept',
  'cedar-hill': 'accept',
  'delta-youth': 'accept',
  'elm-street': 'waitlist',
  harbor: 'decline',
} as const;
type SiteId = keyof typeof DEMO_CAST;
/** Misses LS1 and never reports its metrics. */
export const DEMO_SILENT_TEAM: SiteId = 'delta-youth';
/** Reports every period after its second reminder (late). */
export const DEMO_LATE_TEAM: SiteId = 'cedar-hill';

const person = (siteId: string, role: string) => `${role}@${siteId}.example.org`;

export function demoApplication(siteId: string, siteName: string, piEmail: string): Application {
  const named = (role: string, label: string) => ({
    name: `${label}, ${siteName}`,
    email: person(siteId, role),
  });
  return {
    siteId,
    submittedBy: piEmail,
    readiness: `${siteName} has trained clinicians, leadership support and a steady referral pipeline for TF-CBT.`,
    commitCoreDataSet: true,
    commitAllSessions: true,
    coreTeam: {
      members: [
        { ...named('leader', 'Senior leader'), role: 'senior-leader' },
        { ...named('supervisor', 'Clinical supervisor'), role: 'supervisor' },
        { ...named('clinician', 'Clinician'), role: 'clinician' },
      ],
      dataManager: named('data', 'Data manager'),
      contactPerson: named('supervisor', 'Clinical supervisor'),
    },
  };
}

/** Every step of the demo, in time order. */
export function demoSteps(
  config: LaunchConfig,
  sites: Map<string, { name: string; piEmail: string }>,
): DemoStep[] {
  const s = config.schedule;
  const day = dayOf(s);
  const faculty = config.faculty[0]!.email;
  const cast = Object.keys(DEMO_CAST).filter((id) => sites.has(id)) as SiteId[];
  const accepted = cast.filter((id) => DEMO_CAST[id] === 'accept');
  const steps: DemoStep[] = [];
  const add = (at: number, what: string, run: DemoStep['run']) => steps.push({ at, what, run });

  for (const [k, siteId] of cast.entries()) {
    const site = sites.get(siteId)!;
    add(ms(s.applicationsOpen) + (k + 1) * 0.2 * day, `${siteId} applies`, (i) =>
      i.apply(demoApplication(siteId, site.name, site.piEmail)),
    );
  }
  for (const [k, siteId] of cast.entries())
    add(
      ms(s.applicationsClose) + (k + 1) * 0.2 * day,
      `faculty decide ${siteId}: ${DEMO_CAST[siteId]}`,
      (i) => i.decide({ siteId, decision: DEMO_CAST[siteId], notes: '', by: faculty }),
    );
  // Pre-work, once the teams run (they start when the decisions go out).
  const preworkAt = ms(s.decisionsDue) + 2 * day;
  const prework: [SiteId, PreworkDone['item'][]][] = [
    ['bayview', ['checklist', 'commitment', 'baseline']],
    ['cedar-hill', ['checklist', 'commitment']],
    ['delta-youth', ['checklist']],
  ];
  for (const [siteId, items] of prework)
    if (accepted.includes(siteId))
      for (const [k, item] of items.entries())
        add(preworkAt + k * 0.2 * day, `${siteId} completes its ${item}`, (i) =>
          i.prework(siteId, { item, by: person(siteId, 'supervisor') }),
        );
  // Attendance, recorded by the faculty during each session.
  s.learningSessions.forEach((ls, n) => {
    for (const siteId of accepted) {
      const absent = siteId === DEMO_SILENT_TEAM && n === 0;
      add(
        ms(ls.start) + 0.5 * day,
        `attendance at LS${n + 1}: ${siteId}${absent ? ' (no one came)' : ''}`,
        (i) =>
          i.attend(siteId, {
            session: n,
            attendees: ['leader', 'supervisor', 'clinician'].map((role) => ({
              email: person(siteId, role),
              present: !absent,
            })),
            by: faculty,
          }),
      );
    }
  });
  // Metrics: on time, late (after the second reminder), or never.
  const ladder = config.metrics?.ladder;
  for (const [k, p] of s.periods.entries())
    for (const siteId of accepted.filter((id) => id !== DEMO_SILENT_TEAM)) {
      const at =
        siteId === DEMO_LATE_TEAM && ladder
          ? ms(p.due) + (ladder.secondAfterDays + 1) * day
          : ms(p.due) - 2 * day;
      add(at, `${siteId} reports ${p.id}`, (i) =>
        i.metrics(siteId, {
          period: p.id,
          values: { children_served: 8 + 3 * k, fidelity: 72 + 6 * k, cds_used: true },
          by: person(siteId, 'data'),
        }),
      );
    }
  return steps.sort((a, b) => a.at - b.at);
}

/**
 * Plays the steps still ahead at its start (a resumed demo does not repeat what it did), each at
 * its moment. A step that fails is logged and the play goes on: the demo is a showcase, not a test.
 */
export async function playDemo(
  steps: DemoStep[],
  inputs: DemoInputs,
  clock: DemoClock,
  o: { log: (line: string) => void; stopped?: () => boolean },
): Promise<{ done: number; failed: number }> {
  const start = await clock.now();
  let done = 0;
  let failed = 0;
  for (const step of steps.filter((x) => x.at > start)) {
    await clock.until(step.at);
    if (o.stopped?.()) break;
    try {
      await step.run(inputs);
      done++;
      o.log(step.what);
    } catch (err) {
      failed++;
      o.log(`${step.what}: ${(err as Error).message}`);
    }
  }
  return { done, failed };
}
