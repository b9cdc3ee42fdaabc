/**
 * Every side effect the workflows need, bound to a database and an outbox. Workflows import
 * only the type of this object (`import type`), and call these through typed proxies.
 */
import { Context, heartbeat } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { workflowIdFor, type LaunchConfig } from '../domain/config';
import type { Phase } from '../domain/phases';
import { renderAnnouncement } from '../templates/announcement';
import { collaboratives, getCollaborative } from './collaboratives';
import type { Outbox } from './outbox';
import { getSites, listSites } from './sites';

export interface ActivityDeps {
  db: Db;
  outbox: Outbox;
  /** How many emails one bulk activity has in flight at once (the transport pool limits further). */
  sendConcurrency?: number;
}

export interface BulkResult {
  sent: number;
  alreadySent: number;
  total: number;
}

/** Runs `fn` over items with at most `limit` in flight; heartbeats progress for long sends. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const inActivity = (() => {
    try {
      return Context.current() !== undefined;
    } catch {
      return false;
    }
  })();
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
      done++;
      if (inActivity) heartbeat({ done, total: items.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function createActivities(deps: ActivityDeps) {
  const { db, outbox } = deps;
  const concurrency = deps.sendConcurrency ?? 8;

  return {
    async recordCollaborative(config: LaunchConfig): Promise<void> {
      const now = new Date();
      await collaboratives(db).updateOne(
        { slug: config.slug },
        {
          $set: { config, workflowId: workflowIdFor(config.slug), updatedAt: now },
          $setOnInsert: { slug: config.slug, phase: 'scheduled', createdAt: now },
        },
        { upsert: true },
      );
    },

    async recordPhase(slug: string, phase: Phase): Promise<void> {
      await collaboratives(db).updateOne({ slug }, { $set: { phase, updatedAt: new Date() } });
    },

    /** The sites to announce to: the config's list, or every active site of the directory. */
    async resolveAnnouncementSites(slug: string): Promise<{ siteIds: string[]; unknown: string[] }> {
      const { config } = await getCollaborative(db, slug);
      if (config.sites === 'all') {
        return { siteIds: (await listSites(db, { activeOnly: true })).map((s) => s.siteId), unknown: [] };
      }
      const found = new Set((await getSites(db, config.sites)).map((s) => s.siteId));
      return {
        siteIds: config.sites.filter((id) => found.has(id)),
        unknown: config.sites.filter((id) => !found.has(id)),
      };
    },

    /** One announcement per PI; exactly once per (collaborative, site) whatever the retries. */
    async sendAnnouncements(input: { slug: string; siteIds: string[] }): Promise<BulkResult> {
      const { config } = await getCollaborative(db, input.slug);
      const sites = await getSites(db, input.siteIds);
      const result: BulkResult = { sent: 0, alreadySent: 0, total: sites.length };
      await forEachLimited(sites, concurrency, async (site) => {
        const email = renderAnnouncement({
          config,
          siteName: site.name,
          piName: site.piName,
          timeZone: site.timeZone,
        });
        const outcome = await outbox.send({
          key: `${input.slug}:announcement:${site.siteId}`,
          collaborative: input.slug,
          purpose: 'announcement',
          template: 'announcement',
          to: site.piEmail,
          toName: site.piName,
          replyTo: config.coordinators[0]?.email,
          ...email,
        });
        if (outcome === 'sent') result.sent++;
        else result.alreadySent++;
      });
      await collaboratives(db).updateOne(
        { slug: input.slug },
        { $addToSet: { announcedTo: { $each: input.siteIds } } },
      );
      return result;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
