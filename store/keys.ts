/**
 * Every record's `_id` is its business key, built here and only here: every writer and every
 * single-record reader of a kind uses the same builder, so they address the same document.
 *
 * Why: FerretDB 1.24 (SQLite backend, the local default store) pushes down to SQLite only a filter
 * that is exactly `{_id: <string|ObjectId>}`, and (with the provisioning patch) answers it from
 * the `_id` index; any other filter (`{collaborative, siteId}`, `{key: {$in}}`, even `{_id, x}`)
 * is decoded and matched in FerretDB over the whole collection. On MongoDB `_id` is the primary
 * key. So a hot read is `findOne({_id})` and a hot write `updateOne({_id}, …, {upsert: true})`.
 *
 * An id is its parts joined by `:`; `%` and `:` inside a part are escaped (`%25`, `%3A`), so two
 * different keys never build the same id (an email may, in theory, hold a `:`). Slugs, site ids
 * and numbers are left as they are, so ids stay readable: `spring-2027:S001`.
 */
import { COLLECTIONS } from './collections';

type Part = string | number;

function part(p: Part): string {
  return String(p).replace(/%/g, '%25').replace(/:/g, '%3A');
}

export function idOf(...parts: Part[]): string {
  return parts.map(part).join(':');
}

export const ids = {
  site: (siteId: string) => idOf(siteId),
  /** Collaboratives and communities (each in its own collection). */
  programme: (slug: string) => idOf(slug),
  /** The outbox record's key is already a business key (`<slug>:<purpose>:…`): used as it is. */
  outbox: (key: string) => key,
  application: (slug: string, siteId: string) => idOf(slug, siteId),
  team: (slug: string, siteId: string) => idOf(slug, siteId),
  attendance: (slug: string, siteId: string, session: number, email: string) =>
    idOf(slug, siteId, session, email),
  prework: (slug: string, siteId: string, item: string) => idOf(slug, siteId, item),
  feedback: (slug: string, siteId: string, n: number) => idOf(slug, siteId, n),
  callRegistration: (slug: string, call: number, siteId: string, email: string) =>
    idOf(slug, call, siteId, email),
  callAttendance: (slug: string, call: number, siteId: string) => idOf(slug, call, siteId),
  report: (slug: string, kind: string) => idOf(slug, kind),
  submission: (slug: string, siteId: string, period: string) => idOf(slug, siteId, period),
  bounce: (email: string) => idOf(email),
  member: (community: string, email: string, membership: number) => idOf(community, email, membership),
  share: (community: string, n: number) => idOf(community, n),
  meetingAttendance: (community: string, meeting: number, email: string) => idOf(community, meeting, email),
  meetingSummary: (community: string, meeting: number) => idOf(community, meeting),
  /** A team's PDSA cycles, numbered from 1 per team; the faculty's answers, numbered from 1 per cycle. */
  pdsaCycle: (slug: string, siteId: string, n: number) => idOf(slug, siteId, n),
  pdsaAnswer: (slug: string, siteId: string, cycle: number, n: number) => idOf(slug, siteId, cycle, n),
  /** A collaborative's resources, numbered from 1. */
  resource: (slug: string, n: number) => idOf(slug, n),
  /** A team's one current storyboard for a learning session (0-based). */
  storyboard: (slug: string, siteId: string, session: number) => idOf(slug, siteId, session),
};

type Doc = Record<string, unknown>;
const s = (v: unknown) => v as string;
const n = (v: unknown) => v as number;

/**
 * The `_id` a record of each collection has, from its own fields: what the migration (db.ts
 * `migrateRecordIds`) gives a record written before ids were business keys (ObjectId `_id`).
 * Each is the builder above that the collection's writers use.
 */
export const RECORD_IDS: Record<string, (d: Doc) => string> = {
  [COLLECTIONS.sites]: (d) => ids.site(s(d.siteId)),
  [COLLECTIONS.collaboratives]: (d) => ids.programme(s(d.slug)),
  [COLLECTIONS.communities]: (d) => ids.programme(s(d.slug)),
  [COLLECTIONS.outbox]: (d) => ids.outbox(s(d.key)),
  [COLLECTIONS.applications]: (d) => ids.application(s(d.collaborative), s(d.siteId)),
  [COLLECTIONS.teams]: (d) => ids.team(s(d.collaborative), s(d.siteId)),
  [COLLECTIONS.attendance]: (d) => ids.attendance(s(d.collaborative), s(d.siteId), n(d.session), s(d.email)),
  [COLLECTIONS.prework]: (d) => ids.prework(s(d.collaborative), s(d.siteId), s(d.item)),
  [COLLECTIONS.feedback]: (d) => ids.feedback(s(d.collaborative), s(d.siteId), n(d.n)),
  [COLLECTIONS.callRegistrations]: (d) =>
    ids.callRegistration(s(d.collaborative), n(d.call), s(d.siteId), s(d.email)),
  [COLLECTIONS.callAttendance]: (d) => ids.callAttendance(s(d.collaborative), n(d.call), s(d.siteId)),
  [COLLECTIONS.reports]: (d) => ids.report(s(d.collaborative), s(d.kind)),
  [COLLECTIONS.metrics]: (d) => ids.submission(s(d.collaborative), s(d.siteId), s(d.period)),
  [COLLECTIONS.bounces]: (d) => ids.bounce(s(d.email)),
  [COLLECTIONS.members]: (d) => ids.member(s(d.community), s(d.email), n(d.membership)),
  [COLLECTIONS.shares]: (d) => ids.share(s(d.community), n(d.n)),
  [COLLECTIONS.meetingAttendance]: (d) => ids.meetingAttendance(s(d.community), n(d.meeting), s(d.email)),
  [COLLECTIONS.meetingSummaries]: (d) => ids.meetingSummary(s(d.community), n(d.meeting)),
};
