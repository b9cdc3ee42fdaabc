/**
 * Who receives what: the people each notice goes to, from the directory, the applications and the
 * config. The rules read their data through a `RecipientSource`, so the rehearsal (app/rehearsal.ts)
 * runs these same rules over the applications it assumes instead of those in MongoDB.
 */
import type { Db } from 'mongodb';
import type { Site } from '../domain/sites';
import { type CollaborativeNotice, type CommunityNotice } from '../domain/notices';
import { type CollaborativeDoc } from '../store/collaboratives';
import { membersAt, type CommunityDoc, type MemberDoc } from '../store/community';
import { COLLECTIONS, findByKey, findEachById } from '../store/db';
import { ids } from '../store/keys';
import { callRegistrationsOf, type ApplicationDoc } from '../store/lifecycle';
import { getSites } from '../store/sites';
import { type Recipient } from '../templates/notices';

export interface Addressee extends Recipient {
  siteId?: string;
  /** On a team's roster (gets the team's calendar entries). */
  member?: boolean;
  /** A site's PI. */
  pi?: boolean;
  /** Registered for the informational call the notice is about (holds its calendar entry). */
  registrant?: boolean;
}

export function dedupe(list: Addressee[]): Addressee[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.email) && seen.add(a.email));
}

/** What the rules read: the directory's sites and the collaborative's applications. */
export interface RecipientSource {
  sites(siteIds: string[]): Promise<Site[]>;
  /** The applications of those sites (sites without one are absent). */
  applications(slug: string, siteIds: string[]): Promise<Pick<ApplicationDoc, 'siteId' | 'coreTeam'>[]>;
  /** Who registered for informational call `call` (a PI or a colleague of an announced site). */
  registrants(slug: string, call: number): Promise<{ siteId: string; name: string; email: string }[]>;
}

/** The collaborative being rehearsed or run: what the rules read of its record. */
export type RecipientDoc = Pick<CollaborativeDoc, 'slug' | 'config' | 'announcedTo'>;

/** The records in MongoDB, as the `notify` activity reads them. */
export function dbSource(db: Db): RecipientSource {
  return {
    sites: (siteIds) => getSites(db, siteIds),
    // One lookup by `_id` each, and those that missed once more by business key (an application
    // in the old shape, or none).
    applications: (slug, siteIds) =>
      findEachById(
        db.collection<ApplicationDoc>(COLLECTIONS.applications),
        siteIds,
        (siteId) => ids.application(slug, siteId),
        (missed) => ({ collaborative: slug, siteId: { $in: missed } }),
      ),
    registrants: (slug, call) => callRegistrationsOf(db, slug, call),
  };
}

/**
 * The source with each site read once: a notice's rules and its letters ask for the same sites
 * several times (teams, their PIs, the zones), each a database call.
 */
export function readingSitesOnce(source: RecipientSource): RecipientSource {
  const known = new Map<string, Site>();
  return {
    ...source,
    sites: async (siteIds) => {
      const missing = [...new Set(siteIds.filter((id) => !known.has(id)))];
      if (missing.length) for (const s of await source.sites(missing)) known.set(s.siteId, s);
      return siteIds.flatMap((id) => (known.has(id) ? [known.get(id)!] : []));
    },
  };
}

/** The registrants of an informational call, each in the zone of their site (sites no longer announced left out). */
export async function registrants(
  db: RecipientSource,
  doc: RecipientDoc,
  call: number,
): Promise<Addressee[]> {
  const announced = new Set(doc.announcedTo ?? []);
  const list = (await db.registrants(doc.slug, call)).filter((r) => announced.has(r.siteId));
  const zones = new Map((await db.sites([...new Set(list.map((r) => r.siteId))])).map((s) => [s.siteId, s]));
  return list.map((r) => ({
    name: r.name,
    email: r.email,
    siteId: r.siteId,
    timeZone: zones.get(r.siteId)?.timeZone ?? '',
  }));
}

export async function pis(db: RecipientSource, siteIds: string[]): Promise<Addressee[]> {
  return (await db.sites(siteIds)).map((s) => ({
    name: s.piName,
    email: s.piEmail,
    siteId: s.siteId,
    timeZone: s.timeZone ?? '',
    pi: true,
  }));
}

/** The PI and the contact person named in the application of each site. */
export async function applicants(
  db: RecipientSource,
  doc: RecipientDoc,
  siteIds: string[],
): Promise<Addressee[]> {
  const apps = await db.applications(doc.slug, siteIds);
  const contacts = new Map(apps.map((a) => [a.siteId, a.coreTeam.contactPerson]));
  return (await pis(db, siteIds)).flatMap((pi) => {
    const contact = contacts.get(pi.siteId!);
    return [pi, ...(contact ? [{ ...contact, siteId: pi.siteId, timeZone: pi.timeZone }] : [])];
  });
}

/** The core team, data manager and contact person of each site (with the PI when `withPi`). */
export async function teams(
  db: RecipientSource,
  doc: RecipientDoc,
  siteIds: string[],
  withPi: boolean,
): Promise<Addressee[]> {
  const apps = await db.applications(doc.slug, siteIds);
  const sites = new Map((await db.sites(siteIds)).map((s) => [s.siteId, s]));
  const out: Addressee[] = [];
  for (const app of apps.sort((a, b) => a.siteId.localeCompare(b.siteId))) {
    const site = sites.get(app.siteId);
    const tz = site?.timeZone ?? doc.config.timeZone;
    const people = [
      ...(withPi && site ? [{ name: site.piName, email: site.piEmail }] : []),
      ...app.coreTeam.members,
      app.coreTeam.dataManager,
      app.coreTeam.contactPerson,
    ];
    out.push(
      ...people.map((p) => ({
        name: p.name,
        email: p.email,
        siteId: app.siteId,
        timeZone: tz,
        member: true,
      })),
    );
  }
  return out;
}

export function staff(doc: RecipientDoc, who: 'faculty' | 'coordinators' | 'both'): Addressee[] {
  const list =
    who === 'faculty'
      ? doc.config.faculty
      : who === 'coordinators'
        ? doc.config.coordinators
        : [...doc.config.faculty, ...doc.config.coordinators];
  return list.map((p) => ({ name: p.name, email: p.email, timeZone: doc.config.timeZone }));
}

export async function recipients(
  db: Db,
  doc: CollaborativeDoc,
  n: CollaborativeNotice,
): Promise<Addressee[]> {
  return recipientsFrom(dbSource(db), doc, n);
}

/** The rules of `recipients`, over any source of sites and applications. */
export async function recipientsFrom(
  db: RecipientSource,
  doc: RecipientDoc,
  n: CollaborativeNotice,
): Promise<Addressee[]> {
  let list: Addressee[];
  switch (n.kind) {
    // Only those who registered (app/call-registration.ts sends each their invitation when they do).
    case 'info-call-invite':
    case 'info-call-reminder':
      list = await registrants(db, doc, n.call);
      break;
    case 'applications-closing':
      list = await pis(db, n.siteIds);
      break;
    case 'application-received': {
      const [app] = await db.applications(doc.slug, [n.siteId]);
      const pi = await pis(db, [n.siteId]);
      list = [
        ...pi,
        ...(app
          ? [
              {
                name: app.coreTeam.contactPerson.name,
                email: app.coreTeam.contactPerson.email,
                siteId: n.siteId,
                timeZone: pi[0]?.timeZone ?? '',
              },
            ]
          : []),
      ];
      break;
    }
    case 'review-reminder':
      list = staff(doc, 'faculty');
      break;
    case 'waitlist-update':
      list = await applicants(db, doc, n.siteIds);
      break;
    case 'decisions-overdue':
      list = staff(doc, 'coordinators');
      break;
    case 'decision':
    case 'prework':
    case 'feedback':
      list = await teams(db, doc, [n.siteId], true);
      break;
    case 'withdrawal':
      list = [...(await teams(db, doc, [n.siteId], true)), ...staff(doc, 'both')];
      break;
    case 'prework-reminder': // the same people as the pre-work email
      list = await teams(db, doc, [n.siteId], true);
      break;
    case 'session-invite':
    case 'session-reminder':
      list = await teams(db, doc, [n.siteId], false);
      break;
    case 'session-missed':
      list = staff(doc, 'both').map((a) => ({ ...a, siteId: n.siteId }));
      break;
    case 'consultation-invite':
    case 'consultation-series-invite':
    case 'consultation-moved':
    case 'consultation-reminder':
      list = await teams(db, doc, n.siteIds, false);
      break;
    case 'schedule-change': {
      // A moved informational call: every announced PI hears of it (the announcement listed it),
      // its registrants too, and only they get the calendar update.
      const call = /^informationalCalls\[(\d+)\]$/.exec(n.milestone);
      const registered: Addressee[] = call
        ? (await registrants(db, doc, Number(call[1]))).map((r) => ({ ...r, registrant: true }))
        : [];
      list = registered.concat(
        /^learningSessions|^prework$|^preworkEnd$|^end$/.test(n.milestone)
          ? [...(await teams(db, doc, n.siteIds, false)), ...staff(doc, 'both')]
          : n.milestone === 'decisionsDue'
            ? staff(doc, 'both')
            : [...(await pis(db, n.siteIds)), ...staff(doc, 'both')],
      );
      break;
    }
    case 'cancelled': {
      // Colleagues who registered for an informational call hear of it too.
      const calls = doc.config.schedule.informationalCalls.map((_, i) => i);
      const registered = (await Promise.all(calls.map((c) => registrants(db, doc, c)))).flat();
      list = [
        ...(await pis(db, n.siteIds)),
        ...(await teams(db, doc, n.siteIds, false)),
        ...registered,
        ...staff(doc, 'both'),
      ];
      break;
    }
    case 'final-report':
    case 'metrics-digest':
      list = staff(doc, 'both');
      break;
    case 'storyboard-request':
    case 'storyboard-reminder':
      list = await teams(db, doc, n.siteIds, false);
      break;
    // The active teams' people and the staff, as the metrics digest addresses them; each once.
    case 'shared-digest':
      list = [...(await teams(db, doc, n.siteIds, false)), ...staff(doc, 'both')];
      break;
    case 'metrics-reminder': {
      const [app] = await db.applications(doc.slug, [n.siteId]);
      if (!app) throw new Error(`no application of ${n.siteId} in ${doc.slug}`);
      const t = app.coreTeam;
      const people =
        n.rung === 1
          ? [t.dataManager]
          : n.rung === 2
            ? [t.dataManager, t.contactPerson]
            : t.members.filter((m) => m.role === 'senior-leader');
      const tz = (await pis(db, [n.siteId]))[0]?.timeZone ?? '';
      list = people.map((p) => ({ name: p.name, email: p.email, siteId: n.siteId, timeZone: tz }));
      break;
    }
  }
  return dedupe(list).map((a) => ({ ...a, timeZone: a.timeZone || doc.config.timeZone }));
}

export async function communityRecipients(
  db: Db,
  doc: CommunityDoc,
  n: CommunityNotice,
): Promise<Addressee[]> {
  const asMember = (m: MemberDoc): Addressee => ({
    name: m.name,
    email: m.email,
    siteId: m.siteId,
    timeZone: '',
  });
  switch (n.kind) {
    case 'community-announcement':
      return pis(dbSource(db), n.siteIds);
    case 'community-welcome': {
      const m = await findByKey(
        db.collection<MemberDoc>(COLLECTIONS.members),
        ids.member(doc.slug, n.email, n.membership),
        { community: doc.slug, email: n.email, membership: n.membership },
      );
      return m ? [asMember(m)] : [];
    }
    default: {
      const members = await membersAt(db, doc.slug, new Date(n.asOf));
      const only = n.kind === 'community-meeting-invite' ? n.email : undefined;
      return members.filter((m) => !only || m.email === only).map(asMember);
    }
  }
}
