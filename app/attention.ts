/**
 * What needs the coordinator's attention now, each with the place to act on it: pure over what the
 * collaborative's page has already loaded (no reads of its own), so it is unit-tested on plain data.
 */
import type { ApplicationDoc } from '../store/lifecycle';
import type { ComplianceMatrix } from '../store/metrics';
import { ladderSchema, rungTime, type Ladder } from '../domain/metrics';
import { dayOf, ms, type Schedule } from '../domain/schedule';
import type { TeamLine } from './collaborative';

/** How long before the decisions are due undecided applications start to show (in programme days). */
export const DECISIONS_NEAR_DAYS = 7;

export type AttentionKind = 'undecided' | 'past-ladder' | 'failed-email' | 'absent';

export interface AttentionItem {
  kind: AttentionKind;
  /** The site it is about, when it is about one. */
  siteId?: string;
  /** What is wrong, in plain words (the site's name is added by the page). */
  what: string;
  /** Where to act: an anchor on the collaborative's page or a page of its own. */
  action: { label: string; href: string };
}

export interface AttentionInput {
  slug: string;
  now: number;
  schedule: Schedule;
  ladder?: Ladder;
  /** Decisions can be made now (app/windows.ts: `decisions.state` is 'open'). */
  decisionsOpen: boolean;
  apps: ApplicationDoc[];
  teams: TeamLine[];
  compliance?: ComplianceMatrix;
  /** Emails that failed (the email log's count) and addresses the SMTP server refused. */
  failedEmails: number;
}

export function attentionItems(i: AttentionInput): AttentionItem[] {
  const out: AttentionItem[] = [];
  const day = dayOf(i.schedule);
  const base = `/c/${encodeURIComponent(i.slug)}`;

  const due = ms(i.schedule.decisionsDue);
  if (i.decisionsOpen && i.now >= due - DECISIONS_NEAR_DAYS * day)
    for (const a of i.apps.filter((a) => !a.decision))
      out.push({
        kind: 'undecided',
        siteId: a.siteId,
        what:
          i.now >= due
            ? 'application undecided; decisions were due'
            : 'application undecided; decisions are due soon',
        action: { label: 'Review the application', href: `${base}#decision-${a.siteId}` },
      });

  // Past the ladder: the last reminder (to the senior leader) went out and the period is still missing.
  const ladder = i.ladder ?? ladderSchema.parse({});
  const periods = new Map(i.schedule.periods.map((p) => [p.id, p]));
  for (const t of i.compliance?.teams ?? []) {
    const overdue = t.cells.flatMap((c, n) => {
      const p = periods.get(i.compliance!.periods[n]!);
      return c === 'missing' && p && ms(rungTime(p, 3, ladder, day)) <= i.now ? [p.id] : [];
    });
    if (overdue.length)
      out.push({
        kind: 'past-ladder',
        siteId: t.siteId,
        what: `metrics still missing after every reminder: ${overdue.join(', ')}`,
        action: { label: 'See the team', href: `${base}#team-row-${t.siteId}` },
      });
  }

  if (i.failedEmails > 0)
    out.push({
      kind: 'failed-email',
      what: `${i.failedEmails} email${i.failedEmails === 1 ? '' : 's'} failed or bounced`,
      action: { label: 'See the failed emails', href: `${base}/emails?status=failed` },
    });

  for (const t of i.teams)
    if (t.team?.state === 'active' && t.team.missedSessions.length)
      out.push({
        kind: 'absent',
        siteId: t.siteId,
        what: `absent from learning session ${t.team.missedSessions.map((s) => s + 1).join(', ')}`,
        action: { label: 'Check the attendance', href: `${base}#team-${t.siteId}` },
      });
  return out;
}

// ---- every targeted site and where it stands ------------------------------------------------------

export type SiteStage =
  | 'announced'
  | 'applied'
  | 'accepted'
  | 'waitlisted'
  | 'declined'
  | 'withdrawn'
  | 'promoted'
  | 'completed'
  | 'cancelled';

export interface SiteLine {
  siteId: string;
  stage: SiteStage;
  /** The decision recorded, when there is one (a withdrawn team was accepted first). */
  decision?: string;
}

/**
 * Each site the collaborative was announced to (and any that applied without being on the list),
 * at its furthest stage: the workflow's view of its team when it has one, else its application.
 */
export function siteLines(
  announcedTo: string[],
  apps: Pick<ApplicationDoc, 'siteId' | 'decision'>[],
  teams: Pick<TeamLine, 'siteId' | 'state' | 'promoted' | 'decision'>[],
): SiteLine[] {
  const appOf = new Map(apps.map((a) => [a.siteId, a]));
  const teamOf = new Map(teams.map((t) => [t.siteId, t]));
  const ids = [...new Set([...announcedTo, ...apps.map((a) => a.siteId)])];
  const fromDecision: Record<string, SiteStage> = {
    accept: 'accepted',
    waitlist: 'waitlisted',
    decline: 'declined',
  };
  return ids.map((siteId) => {
    const a = appOf.get(siteId);
    const t = teamOf.get(siteId);
    // The workflow's decision is ahead of the record of it (written by an activity after).
    const decision = t?.decision ?? a?.decision?.decision;
    const stage: SiteStage =
      t && t.state !== 'applied'
        ? t.state === 'accepted' && t.promoted
          ? 'promoted'
          : t.state
        : decision
          ? fromDecision[decision]!
          : a || t
            ? 'applied'
            : 'announced';
    return { siteId, stage, ...(decision ? { decision } : {}) };
  });
}
