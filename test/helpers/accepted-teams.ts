/**
 * A collaborative whose two teams (bayview and harbor) the faculty have accepted through the
 * workflow, for the browser tests of what teams do once accepted (PDSA cycles, storyboards).
 * The schedule is compressed as far as the workflow allows: applications close 30 s after the
 * launch (both PIs apply at once, through the apply Update), decisions are due 12 s later (the
 * faculty decide as soon as applications close, so no reminder or overdue notice goes out), and
 * the notification goes out then: the acceptances, with the team pages' links, arrive about 45 s
 * after the launch rather than the 3 minutes a roomier schedule takes.
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
  const minutes = { info: 0.2, close: 0.5, decisions: 0.7, prework: 0.8, ls: 0.9, end: 45 * 24 * 60 };
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
