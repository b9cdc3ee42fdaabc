/**
 * A person's own calendar feed: every session, call and deadline of the collaboratives they take
 * part in, as coordinator or faculty, on a team's roster, or as the PI of a site a collaborative
 * was announced to. Recomputed on every fetch, so a moved session moves, a withdrawn team's
 * entries leave, a cancelled programme's show as cancelled. The signed URL is the web's to check.
 */
import type { Db } from 'mongodb';
import { personalFeedEvents, renderFeed, type Involvement } from '../mail/calendar-feed';
import { collaboratives, type CollaborativeDoc } from '../store/collaboratives';
import { COLLECTIONS, findEachById } from '../store/db';
import { ids } from '../store/keys';
import type { ApplicationDoc, TeamDoc } from '../store/lifecycle';
import type { SiteDoc } from '../store/sites';

const same = (a: string | undefined, b: string) => !!a && a.toLowerCase() === b;

/** What `email` is in each collaborative that concerns them (the others are left out). */
export async function involvements(
  db: Db,
  person: string,
): Promise<{ doc: CollaborativeDoc; involvement: Involvement }[]> {
  const email = person.trim().toLowerCase();
  const [docs, sites, apps] = await Promise.all([
    collaboratives(db)
      .find({}, { projection: { _id: 0 } })
      .sort({ createdAt: 1 })
      .toArray(),
    db
      .collection<SiteDoc>(COLLECTIONS.sites)
      .find({ piEmail: email }, { projection: { _id: 0 } })
      .toArray(),
    db
      .collection<ApplicationDoc>(COLLECTIONS.applications)
      .find(
        {
          $or: [
            { 'coreTeam.members.email': email },
            { 'coreTeam.dataManager.email': email },
            { 'coreTeam.contactPerson.email': email },
          ],
        },
        { projection: { _id: 0 } },
      )
      .toArray(),
  ]);
  const piOf = new Set(sites.map((s) => s.siteId));
  const out: { doc: CollaborativeDoc; involvement: Involvement }[] = [];
  for (const doc of docs) {
    const staff = [...doc.config.coordinators, ...doc.config.faculty].some((p) => same(p.email, email));
    const mine = apps.filter((a) => a.collaborative === doc.slug);
    const siteIds = [
      ...new Set([...mine.map((a) => a.siteId), ...(doc.announcedTo ?? []).filter((s) => piOf.has(s))]),
    ];
    const teams = await findEachById(
      db.collection<TeamDoc>(COLLECTIONS.teams),
      siteIds,
      (siteId) => ids.team(doc.slug, siteId),
      (missed) => ({ collaborative: doc.slug, siteId: { $in: missed } }),
    );
    const taking = new Set(teams.filter((t) => t.status !== 'withdrawn').map((t) => t.siteId));
    const member = siteIds.some((s) => taking.has(s));
    const reports =
      mine.some((a) => taking.has(a.siteId) && same(a.coreTeam.dataManager.email, email)) ||
      [...taking].some((s) => piOf.has(s));
    const invitedPi = (doc.announcedTo ?? []).some((s) => piOf.has(s) && !teams.some((t) => t.siteId === s));
    const involvement = { staff, member, reports, invitedPi };
    if (staff || member || invitedPi) out.push({ doc, involvement });
  }
  return out;
}

/** The person's feed as an iCalendar document (an empty calendar when nothing concerns them). */
export async function personalFeed(db: Db, email: string): Promise<string> {
  const parts = (await involvements(db, email)).map(({ doc, involvement }) => ({
    doc,
    events: personalFeedEvents(doc, involvement),
  }));
  return renderFeed('My Learning Collaboratives', parts, `Sessions, calls and deadlines of ${email}`);
}
