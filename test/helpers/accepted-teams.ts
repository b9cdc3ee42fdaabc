/**
 * A collaborative whose two teams (bayview and harbor) the faculty have accepted through the
 * workflow, for the browser tests of what teams do once accepted (PDSA cycles, storyboards).
 * No step races the clock: applications close minutes ahead, and once both PIs have applied (the
 * apply Update) the coordinator's reschedule pulls the close, then the decisions' due date, a few
 * seconds ahead. The faculty decide at once, and the notification (at the decisions' due date)
 * waits for every decision, so the acceptances with the team pages' links come as soon as the
 * machine allows, on any load.
 */
import * as ops from '../../app';
import type { BrowserStack } from './browser';
import { compressedConfig } from './configs';
import { applicationFor, piOf } from './people';
import { waitFor } from './wait';

export const TEAM_SITES = ['bayview', 'harbor'] as const;

export interface AcceptedTeams {
  /** When the collaborative was launched (ms). */
  t0: number;
  /** Each team's page, from the link in its data manager's acceptance email. */
  teamUrl: Record<(typeof TEAM_SITES)[number], string>;
}

export async function launchWithAcceptedTeams(
  s: BrowserStack,
  slug: string,
  people: { coordinator: string; faculty: string },
): Promise<AcceptedTeams> {
  const { env, h } = s;
  const o = { slug, ...people };
  const t0 = Date.now();
  const minutes = { info: 0.2, close: 10, decisions: 10.5, prework: 11, ls: 12, end: 45 * 24 * 60 };
  const config = compressedConfig(o.slug, t0, minutes);
  config.sites = [...TEAM_SITES];
  config.coordinators = [{ name: 'Coordinator', email: o.coordinator }];
  config.faculty = [{ name: 'Dr. Faculty', email: o.faculty }];
  await ops.launch(env.client, h.db, h.taskQueue, config);
  await Promise.all(
    TEAM_SITES.map((siteId) =>
      waitFor(`the application of ${siteId}`, () =>
        ops.submitApplication(env.client, o.slug, applicationFor(siteId, piOf(siteId))),
      ),
    ),
  );
  // Applications close, then decisions are due, a few seconds from now (the close after the
  // call); a move whose moment passed before the workflow took it is asked again, later.
  const soon = (after: number) =>
    new Date(
      Math.max(Date.now(), Date.parse(config.schedule.informationalCalls[0].start)) + after,
    ).toISOString();
  const move = (milestone: string, after: number) =>
    waitFor(`${milestone} moved forward`, () =>
      ops.reschedule(env.client, h.db, o.slug, { milestone, date: soon(after), by: o.coordinator }),
    );
  await move('applicationsClose', 5_000);
  await move('decisionsDue', 10_000);
  // The decision Update is refused until applications close: retried until then.
  for (const siteId of TEAM_SITES)
    await waitFor(
      `the decision on ${siteId}`,
      () =>
        ops.recordDecision(env.client, o.slug, {
          siteId,
          decision: 'accept',
          notes: 'Welcome.',
          by: o.faculty,
        }),
      120_000,
    );
  const teamUrl = {} as AcceptedTeams['teamUrl'];
  for (const siteId of TEAM_SITES)
    teamUrl[siteId] = s.linkIn(await s.mailTo(`data@${siteId}.example.org`, /^Accepted: /), 'team');
  return { t0, teamUrl };
}
