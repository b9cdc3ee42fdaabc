/** The announcement: one email per announced site's PI, with a signed link to the site's application. */
import type { Db } from 'mongodb';
import { personalLink, type LinkMaker } from '../security/links';
import { getCollaborative, updateProgramme } from '../store/collaboratives';
import { COLLECTIONS } from '../store/db';
import { getSites } from '../store/sites';
import { renderAnnouncement } from '../templates/announcement';
import { deliverEach, type BulkResult } from './delivery';
import type { Outbox } from './outbox';

export interface AnnouncementOptions {
  concurrency: number;
  links?: LinkMaker;
  progress?: (done: number, total: number) => void;
  /** The business time of the send (the workflow's clock, under time skipping too). */
  eventTime: () => Date;
}

/** Exactly once per (collaborative, site) whatever the retries. */
export async function sendAnnouncements(
  db: Db,
  outbox: Outbox,
  input: { slug: string; siteIds: string[] },
  o: AnnouncementOptions,
): Promise<BulkResult> {
  // Recorded first: later notices to "every announced PI" read this list.
  await updateProgramme(db, COLLECTIONS.collaboratives, input.slug, {
    $addToSet: { announcedTo: { $each: input.siteIds } },
  });
  const { config } = await getCollaborative(db, input.slug);
  const sites = await getSites(db, input.siteIds);
  return deliverEach(outbox, sites, {
    concurrency: o.concurrency,
    purpose: 'announcement',
    progress: o.progress,
    key: (site) => `${input.slug}:announcement:${site.siteId}`,
    email: (site, key) => ({
      key,
      collaborative: input.slug,
      purpose: 'announcement',
      template: 'announcement',
      to: site.piEmail,
      toName: site.piName,
      replyTo: config.coordinators[0]?.email,
      eventTime: o.eventTime(),
      ...renderAnnouncement({
        config,
        siteName: site.name,
        piName: site.piName,
        timeZone: site.timeZone,
        applicationUrl:
          o.links &&
          personalLink(
            o.links,
            'apply',
            { email: site.piEmail, slug: input.slug, siteId: site.siteId },
            o.eventTime().getTime(),
          ),
      }),
    }),
  });
}
