/**
 * Every side effect the workflows need, bound to a database and an outbox. Workflows import
 * only the type of this object (`import type`), and call these through typed proxies.
 */
import { Context, heartbeat } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { workflowIdFor, type LaunchConfig } from '../domain/config';
import type { Submission } from '../domain/metrics';
import type { Notice } from '../domain/notices';
import type { Phase } from '../domain/phases';
import { sendAnnouncements } from '../mail/announcements';
import type { BulkResult } from '../mail/delivery';
import { Notifier } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { buildFinalReport } from '../reports/final-report';
import type { LinkMaker } from '../security/links';
import {
  addFacultyMember,
  getCollaborative,
  recordProgramme,
  recordProgrammePhase,
} from '../store/collaboratives';
import { createCommunityRecords } from '../store/community';
import { COLLECTIONS } from '../store/db';
import { createLifecycleRecords } from '../store/lifecycle';
import { computeCompliance, recordSubmission } from '../store/metrics';
import { resolveSiteSelection } from '../store/sites';

export type { BulkResult } from '../mail/delivery';

export interface ActivityDeps {
  db: Db;
  outbox: Outbox;
  /** How many emails one bulk activity has in flight at once (the transport pool limits further). */
  sendConcurrency?: number;
  /** Signs the links in emails to the web app; no links when unset. */
  links?: LinkMaker;
}

/** Heartbeats the progress of a bulk send, when running as an activity. */
function heartbeatProgress(done: number, total: number): void {
  try {
    Context.current();
  } catch {
    return; // called outside an activity (tests, scripts)
  }
  heartbeat({ done, total });
}

/**
 * The workflow time at which this activity was scheduled: the business time of what it does.
 * It is the server's clock, so it stays right under time skipping, where the local clock does not.
 */
export function activityTime(): Date {
  try {
    return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
  } catch {
    return new Date();
  }
}

export function createActivities(deps: ActivityDeps) {
  const { db, outbox } = deps;
  const concurrency = deps.sendConcurrency ?? 8;
  const notifier = new Notifier(db, outbox, {
    concurrency,
    links: deps.links,
    progress: heartbeatProgress,
    eventTime: activityTime,
  });

  return {
    ...createLifecycleRecords(db),
    ...createCommunityRecords(db),

    async recordCollaborative(config: LaunchConfig): Promise<void> {
      await recordProgramme(db, COLLECTIONS.collaboratives, config, workflowIdFor(config.slug));
    },

    async recordPhase(slug: string, phase: Phase): Promise<void> {
      await recordProgrammePhase(db, COLLECTIONS.collaboratives, slug, phase);
    },

    /** A faculty member added while the collaborative runs, into its record (once). */
    async addFacultyMember(slug: string, person: { name: string; email: string }): Promise<void> {
      await addFacultyMember(db, slug, person);
    },

    /** The sites to announce to: the config's list, or every active site of the directory. */
    async resolveAnnouncementSites(slug: string): Promise<{ siteIds: string[]; unknown: string[] }> {
      return resolveSiteSelection(db, (await getCollaborative(db, slug)).config.sites);
    },

    /** One announcement per PI; exactly once per (collaborative, site) whatever the retries. */
    async sendAnnouncements(input: { slug: string; siteIds: string[] }): Promise<BulkResult> {
      return sendAnnouncements(db, outbox, input, {
        concurrency,
        links: deps.links,
        progress: heartbeatProgress,
        eventTime: activityTime,
      });
    },

    async recordSubmission(
      slug: string,
      siteId: string,
      submission: Submission,
      meta: { submittedAt: string; late: boolean; amendments: number },
    ): Promise<void> {
      await recordSubmission(db, slug, siteId, submission, meta);
    },

    /** True when every reporting team has submitted every period due so far. */
    async metricsComplete(slug: string): Promise<boolean> {
      const m = await computeCompliance(db, slug, activityTime().getTime());
      return m.teams.length > 0 && m.totals.missing === 0 && m.totals['not-yet-due'] === 0;
    },

    /** Emails one business event to whoever it concerns (see mail/notify.ts). */
    async notify(slug: string, notice: Notice): Promise<BulkResult> {
      return notifier.notify(slug, notice);
    },

    /** Computes and stores the final report, then emails it to faculty and coordinators. */
    async sendFinalReport(slug: string): Promise<{ teams: number }> {
      const report = await buildFinalReport(db, slug);
      await notifier.notify(slug, { kind: 'final-report' });
      return { teams: report.teams.length };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
