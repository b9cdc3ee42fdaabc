/** What the collaborative does at each item of its agenda (domain/agenda.ts `collaborativeAgenda`). */
import { condition, log } from '@temporalio/workflow';
import { sharedDigestWindow, type AgendaItem, type CollaborativeItemKind } from '../../domain/agenda';
import type { DecisionKind } from '../../domain/inputs';
import type { Notice } from '../../domain/notices';
import { ms } from '../../domain/schedule';
import type { TeamSummary } from '../definitions';
import { enter, mail, records, startTeam, type Run } from './run';
import { activeTeams, undecided } from './state';

/** Waitlisted and declined sites take their place; accepted ones become teams when started. */
function placeOthers(s: { waitlist: string[] }, decided: TeamSummary[]): void {
  for (const t of decided)
    if (t.decision === 'waitlist') {
      t.state = 'waitlisted';
      s.waitlist.push(t.siteId);
    } else if (t.decision === 'decline') t.state = 'declined';
}

export interface PerformOptions {
  /** Waitlisted sites hear when LS1 begins and when the list closes at the end. */
  waitlistNotices: boolean;
}

/** Performs one item; `false` when it is to be taken up again (notification waits for every decision). */
export async function perform(
  run: Run,
  item: AgendaItem<CollaborativeItemKind>,
  o: PerformOptions,
): Promise<boolean> {
  const { s, slug } = run;
  const now = () => Date.now();
  const notice = (n: Notice) => mail.notify(slug, n);
  switch (item.kind) {
    case 'announce': {
      await enter(run, 'announcement');
      const resolved = await records.resolveAnnouncementSites(slug);
      s.unknownSites = resolved.unknown;
      if (s.unknownSites.length)
        log.warn('sites in the config are not in the directory', { unknownSites: s.unknownSites });
      await mail.sendAnnouncements({ slug, siteIds: resolved.siteIds });
      s.announcedTo = resolved.siteIds;
      for (let i = 0; i < s.schedule.informationalCalls.length; i++)
        if (ms(s.schedule.informationalCalls[i]!.start) > now())
          await notice({
            kind: 'info-call-invite',
            call: i,
            sequence: s.milestoneVersions[`informationalCalls[${i}]`] ?? 0,
          });
      if (s.schedule.informationalCalls.length && ms(s.schedule.applicationsOpen) > now())
        await enter(run, 'informational-calls');
      return true;
    }
    case 'info-call-reminder':
      await notice({ kind: 'info-call-reminder', call: item.index! });
      return true;
    case 'applications-open':
      await enter(run, 'applications');
      return true;
    case 'applications-closing': {
      const notApplied = (s.announcedTo ?? []).filter(
        (id) => !s.teams.find((t) => t.siteId === id)?.applicationVersion,
      );
      if (notApplied.length) await notice({ kind: 'applications-closing', siteIds: notApplied });
      return true;
    }
    case 'applications-close':
      await enter(run, 'review');
      return true;
    case 'review-reminder': {
      const open = undecided(s);
      if (open.length) await notice({ kind: 'review-reminder', undecided: open });
      return true;
    }
    case 'decisions-due': {
      const open = undecided(s);
      if (open.length) await notice({ kind: 'decisions-overdue', undecided: open });
      return true;
    }
    case 'notify': {
      // Notification waits for every decision (escalated at the deadline), or a schedule change.
      const version = s.scheduleVersion;
      const allDecided = () => s.teams.every((t) => !t.applicationVersion || t.decision);
      await condition(() => allDecided() || !!s.cancelled || s.scheduleVersion !== version);
      if (!allDecided()) return false;
      await enter(run, 'notification');
      s.notifiedAt = new Date().toISOString();
      const decided = s.teams.filter((t) => t.decision).sort((a, b) => a.siteId.localeCompare(b.siteId));
      const tell = (t: (typeof decided)[number]) =>
        notice({ kind: 'decision', siteId: t.siteId, decision: t.decision as DecisionKind });
      const accepted = decided.filter((d) => d.decision === 'accept');
      if (s.concurrentTeams) {
        // One workflow task for all the decisions' emails, one for all the teams' starts.
        await Promise.all(decided.map(tell));
        placeOthers(s, decided);
        await Promise.all(accepted.map((t) => startTeam(run, t.siteId, false)));
      } else {
        for (const t of decided) {
          await tell(t);
          placeOthers(s, [t]);
        }
        for (const t of accepted) await startTeam(run, t.siteId, false);
      }
      await enter(run, 'prework');
      return true;
    }
    case 'sessions-begin':
      await enter(run, 'learning-sessions');
      if (o.waitlistNotices && s.waitlist.length)
        await notice({ kind: 'waitlist-update', stage: 'sessions-begun', siteIds: [...s.waitlist] });
      return true;
    case 'consultation-invite':
    case 'consultation-reminder': {
      const siteIds = activeTeams(s);
      if (siteIds.length) await notice({ kind: item.kind, series: item.series!, call: item.index!, siteIds });
      return true;
    }
    case 'consultation-series-invite': {
      const siteIds = activeTeams(s);
      if (siteIds.length) await notice({ kind: item.kind, series: item.series!, siteIds });
      return true;
    }
    case 'consultation-moved': {
      const siteIds = activeTeams(s);
      if (siteIds.length)
        await notice({ kind: item.kind, series: item.series!, moved: item.index!, siteIds });
      return true;
    }
    case 'metrics-complete':
      // Every required period of every team in: the final report need not wait for the end.
      if (await records.metricsComplete(slug)) await mail.sendFinalReport(slug);
      return true;
    case 'metrics-digest':
      await notice({ kind: 'metrics-digest', n: item.index! });
      return true;
    case 'storyboard-request':
    case 'storyboard-reminder': {
      const siteIds = activeTeams(s);
      if (siteIds.length) await notice({ kind: item.kind, session: item.index!, siteIds });
      return true;
    }
    case 'shared-digest': {
      // The window from the agenda's own times: a retry asks for the same digest.
      const window = sharedDigestWindow(s.schedule, run.config.timeZone, s.launchedAt, item.index!);
      const siteIds = activeTeams(s);
      if (window) await notice({ kind: 'shared-digest', n: item.index!, ...window, siteIds });
      return true;
    }
    case 'end':
      return true;
  }
}
