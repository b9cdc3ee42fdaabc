/** What each notice's template needs, loaded from the records: decision notes, digest rows, the final report, shares… */
import type { Db } from 'mongodb';
import type { Site } from '../domain/sites';
import { type CollaborativeNotice, type CommunityNotice } from '../domain/notices';
import type { ReportChart } from '../reports/final-report';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { type CommunityDoc, type MemberDoc, type ShareDoc } from '../store/community';
import { COLLECTIONS, findByKey } from '../store/db';
import { ids } from '../store/keys';
import { applicationOf } from '../store/lifecycle';
import { digestRows } from '../store/metrics';
import { listCycles, listResources, type ResourceDoc } from '../store/pdsa';
import { listStoryboards } from '../store/storyboards';
import { getSites, siteNames } from '../store/sites';
import type { CommunityLoadedData, PreparedCommunityNotice } from '../templates/community';
import type { LoadedData, PreparedNotice, ResourceLink, SharedItems } from '../templates/notices';
import { failedEmailsOf } from './email-failures';

/** The notice with what its template needs from the records (templates/notices.ts `LoadedData`). */
export async function noticeData(
  db: Db,
  doc: CollaborativeDoc,
  n: CollaborativeNotice,
  sites: Map<string, Site>,
  eventTime: number,
): Promise<PreparedNotice> {
  const siteId = 'siteId' in n ? n.siteId : undefined;
  // A site since removed from the directory is named by its id.
  const siteName = siteId
    ? (sites.get(siteId)?.name ?? (await getSites(db, [siteId]))[0]?.name ?? siteId)
    : undefined;
  const named = async (ids: string[]) => {
    const names = await siteNames(db, ids);
    return ids.map((id) => names.get(id) ?? id);
  };
  switch (n.kind) {
    case 'review-reminder':
      return { kind: n.kind, notice: n, data: { siteName, undecidedNames: await named(n.undecided) } };
    case 'decisions-overdue':
      return { kind: n.kind, notice: n, data: { siteName, undecidedNames: await named(n.undecided) } };
    case 'decision': {
      const app = await applicationOf(db, doc.slug, n.siteId);
      const s = currentSchedule(doc);
      return {
        kind: n.kind,
        notice: n,
        data: {
          siteName,
          decisionNotes: app?.decision?.notes || undefined,
          preworkStart: s.prework ?? s.notification ?? s.decisionsDue,
        },
      };
    }
    case 'withdrawal':
      return {
        kind: n.kind,
        notice: n,
        data: {
          siteName,
          promotedSiteName: n.promoted
            ? ((await getSites(db, [n.promoted]))[0]?.name ?? n.promoted)
            : undefined,
        },
      };
    case 'feedback': {
      const f = await findByKey(db.collection(COLLECTIONS.feedback), ids.feedback(doc.slug, n.siteId, n.n), {
        collaborative: doc.slug,
        siteId: n.siteId,
        n: n.n,
      });
      if (!f) throw new Error(`no feedback ${n.n} for ${n.siteId} in ${doc.slug}`);
      return {
        kind: n.kind,
        notice: n,
        data: { siteName, feedbackText: String(f.text), feedbackBy: String(f.by) },
      };
    }
    case 'metrics-reminder':
      return {
        kind: n.kind,
        notice: n,
        data: {
          siteName,
          missingMeasures: (doc.config.metrics?.measures ?? []).filter((m) => m.required).map((m) => m.name),
        },
      };
    case 'metrics-digest': {
      const rows = await digestRows(db, doc.slug, eventTime);
      const names = await named(rows.map((r) => r.siteId));
      // From the bounce records: a status filter would scan the whole outbox on FerretDB.
      const failed = (await failedEmailsOf(db, doc.slug)).reverse().slice(0, 50);
      return {
        kind: n.kind,
        notice: n,
        data: {
          digestRows: rows.map((r, i) => [names[i]!, r.periods.join(', ')]),
          failedEmails: failed.map((f) => [f.to, (f.error ?? '').slice(0, 120)]),
        },
      };
    }
    case 'session-invite':
    case 'session-reminder': {
      // A session's emails link the whole collaborative's resources and that session's own.
      const resources = (await listResources(db, doc.slug)).filter(
        (r) => r.session === undefined || r.session === n.session,
      );
      return {
        kind: n.kind,
        notice: n,
        data: { siteName, resources: resources.map(resourceLink) },
      } as PreparedNotice;
    }
    case 'consultation-invite':
    case 'consultation-series-invite':
    case 'consultation-moved':
    case 'consultation-reminder': {
      const resources = await listResources(db, doc.slug);
      return {
        kind: n.kind,
        notice: n,
        data: { siteName, resources: resources.map(resourceLink) },
      } as PreparedNotice;
    }
    case 'shared-digest':
      return { kind: n.kind, notice: n, data: await sharedIn(db, doc, n.from, n.to) };
    case 'final-report': {
      const report = await findByKey(db.collection(COLLECTIONS.reports), ids.report(doc.slug, 'final'), {
        collaborative: doc.slug,
        kind: 'final',
      });
      return {
        kind: n.kind,
        notice: n,
        data: {
          reportRows: ((report?.rows as { team: string; summary: string }[] | undefined) ?? []).map((r) => [
            r.team,
            r.summary,
          ]),
          reportText: (report?.summary as string[] | undefined) ?? [],
          reportSections: [
            ...((report?.signalSections as { heading: string; items: string[] }[] | undefined) ?? []),
            ...((report?.pdsaSections as { heading: string; items: string[] }[] | undefined) ?? []),
          ],
          charts: ((report?.charts as ReportChart[] | undefined) ?? []).map((c) => ({
            caption: `${c.measure}: ${c.scope}`,
            svg: c.svg,
          })),
          csv: report?.csv as string | undefined,
        },
      };
    }
    default:
      return plain(n, siteName);
  }
}

/** Whether a digest has anything to list. */
export const sharedAnything = (d: SharedItems): boolean =>
  d.cycles.length + d.storyboards.length + d.resources.length > 0;

/**
 * What was shared in [from, to): cycles logged then (or logged before and decided then: a decided
 * cycle is edited no more, so its last update is its decision), storyboards shared then, resources
 * added then. Read at sending, from the records: the same window gives the same list on a retry.
 */
export async function sharedIn(
  db: Db,
  doc: CollaborativeDoc,
  from: string,
  to: string,
): Promise<SharedItems> {
  const inWindow = (d: Date) => d.getTime() >= Date.parse(from) && d.getTime() < Date.parse(to);
  const [cycles, storyboards, resources] = await Promise.all([
    listCycles(db, doc.slug),
    listStoryboards(db, doc.slug),
    listResources(db, doc.slug),
  ]);
  const newCycles = cycles.filter(
    (c) => inWindow(c.createdAt) || (c.decision && inWindow(c.updatedAt) && c.createdAt < new Date(from)),
  );
  const newBoards = storyboards.filter((b) => inWindow(b.at));
  const names = await siteNames(db, [...new Set([...newCycles, ...newBoards].map((x) => x.siteId))]);
  const team = (siteId: string) => names.get(siteId) ?? siteId;
  const measure = (key: string) => doc.config.metrics?.measures.find((m) => m.key === key)?.name ?? key;
  return {
    cycles: newCycles.map((c) => ({
      siteId: c.siteId,
      team: team(c.siteId),
      n: c.n,
      change: c.change,
      measure: measure(c.measure),
      ...(c.decision ? { decision: c.decision } : {}),
      news: inWindow(c.createdAt) ? ('new' as const) : ('decided' as const),
    })),
    storyboards: newBoards.map((b) => ({
      siteId: b.siteId,
      team: team(b.siteId),
      session: b.session,
      name: b.file?.filename ?? b.link ?? '',
      replaced: b.version > 1,
    })),
    resources: resources
      .filter((r) => inWindow(r.at))
      .map((r) => ({ ...resourceLink(r), ...(r.session === undefined ? {} : { session: r.session }) })),
  };
}

const resourceLink = (r: ResourceDoc): ResourceLink => ({ title: r.title, kind: r.kind, url: r.url });

type PlainKind = Exclude<CollaborativeNotice['kind'], keyof LoadedData>;

/** A notice whose template needs nothing from the records (only kinds without `LoadedData` fit). */
function plain(n: Extract<CollaborativeNotice, { kind: PlainKind }>, siteName?: string): PreparedNotice {
  return { kind: n.kind, notice: n, data: { siteName } } as PreparedNotice;
}

export async function communityNoticeData(
  db: Db,
  doc: CommunityDoc,
  n: CommunityNotice,
): Promise<PreparedCommunityNotice> {
  const slug = doc.slug;
  switch (n.kind) {
    case 'community-announcement':
      return plainCommunity(n);
    case 'community-welcome': {
      const m = await findByKey(
        db.collection<MemberDoc>(COLLECTIONS.members),
        ids.member(slug, n.email, n.membership),
        { community: slug, email: n.email, membership: n.membership },
      );
      if (!m) throw new Error(`no membership ${n.membership} of ${n.email} in ${slug}`);
      return { kind: n.kind, notice: n, data: { joinedAt: m.joinedAt.toISOString() } };
    }
    case 'community-meeting-summary': {
      const [summary, attended] = await Promise.all([
        findByKey(db.collection(COLLECTIONS.meetingSummaries), ids.meetingSummary(slug, n.meeting), {
          community: slug,
          meeting: n.meeting,
        }),
        db
          .collection<{ email: string }>(COLLECTIONS.meetingAttendance)
          .find({ community: slug, meeting: n.meeting })
          .toArray(),
      ]);
      const names = await memberNames(
        db,
        slug,
        attended.map((a) => a.email),
      );
      const by = summary?.by as string | undefined;
      const facilitator = doc.config.facilitators.find((f) => f.email === by);
      if (!summary || !by) throw new Error(`no summary of meeting ${n.meeting} in ${slug}`);
      return {
        kind: n.kind,
        notice: n,
        data: {
          summaryText: String(summary.text),
          summaryBy: facilitator?.name ?? by,
          present: attended.map((a) => names.get(a.email) ?? a.email).sort(),
        },
      };
    }
    case 'community-digest': {
      const [from, to] = n.shares;
      const shares = await db
        .collection<ShareDoc>(COLLECTIONS.shares)
        .find({ community: slug, n: { $gte: from, $lte: to } })
        .sort({ n: 1 })
        .toArray();
      const names = await memberNames(
        db,
        slug,
        shares.map((s) => s.by),
      );
      return {
        kind: n.kind,
        notice: n,
        data: {
          shares: shares.map((s) => ({
            n: s.n,
            kind: s.kind,
            title: s.title,
            text: s.text,
            by: names.get(s.by) ?? s.by,
          })),
        },
      };
    }
    default:
      return plainCommunity(n); // invitations, reminders: the notice says all
  }
}

/** The names members gave when they joined, by email. */
export async function memberNames(db: Db, slug: string, emails: string[]): Promise<Map<string, string>> {
  const docs = await db
    .collection<MemberDoc>(COLLECTIONS.members)
    .find({ community: slug, email: { $in: [...new Set(emails)] } })
    .toArray();
  return new Map(docs.map((m) => [m.email, m.name]));
}

type PlainCommunityKind = Exclude<CommunityNotice['kind'], keyof CommunityLoadedData>;

/** A community notice whose template needs nothing from the records (only kinds without loaded data fit). */
function plainCommunity(n: Extract<CommunityNotice, { kind: PlainCommunityKind }>): PreparedCommunityNotice {
  return { kind: n.kind, notice: n, data: {} } as PreparedCommunityNotice;
}
