/** What each notice's template needs, loaded from the records: decision notes, digest rows, the final report, shares… */
import type { Db } from 'mongodb';
import { type CollaborativeNotice, type CommunityNotice } from '../domain/notices';
import type { ReportChart } from '../reports/final-report';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { type CommunityDoc, type MemberDoc, type ShareDoc } from '../store/community';
import { COLLECTIONS } from '../store/db';
import { applicationOf } from '../store/lifecycle';
import { digestRows } from '../store/metrics';
import { getSites, siteNames, type SiteDoc } from '../store/sites';
import { type CommunityNoticeData } from '../templates/community';
import { type NoticeData } from '../templates/notices';
import type { OutboxDoc } from './outbox';

export async function noticeData(
  db: Db,
  doc: CollaborativeDoc,
  n: CollaborativeNotice,
  sites: Map<string, SiteDoc>,
  eventTime: number,
): Promise<NoticeData> {
  const data: NoticeData = {};
  const siteId = 'siteId' in n ? n.siteId : undefined;
  if (siteId) data.siteName = sites.get(siteId)?.name ?? (await getSites(db, [siteId]))[0]?.name ?? siteId; // a site since removed from the directory: its id
  if (n.kind === 'review-reminder' || n.kind === 'decisions-overdue') {
    const names = await siteNames(db, n.undecided);
    data.undecidedNames = n.undecided.map((id) => names.get(id) ?? id);
  }
  if (n.kind === 'decision') {
    const app = await applicationOf(db, doc.slug, n.siteId);
    data.decisionNotes = app?.decision?.notes || undefined;
    const s = currentSchedule(doc);
    data.preworkStart = s.prework ?? s.decisionsDue;
  }
  if (n.kind === 'withdrawal' && n.promoted)
    data.promotedSiteName = (await getSites(db, [n.promoted]))[0]?.name ?? n.promoted;
  if (n.kind === 'feedback') {
    const f = await db
      .collection(COLLECTIONS.feedback)
      .findOne({ collaborative: doc.slug, siteId: n.siteId, n: n.n });
    data.feedbackText = f?.text as string | undefined;
    data.feedbackBy = f?.by as string | undefined;
  }
  if (n.kind === 'cancelled') data.cancelReason = n.reason;
  if (n.kind === 'metrics-reminder') {
    const measures = doc.config.metrics?.measures ?? [];
    data.missingMeasures = measures.filter((m) => m.required).map((m) => m.name);
  }
  if (n.kind === 'metrics-digest') {
    const rows = await digestRows(db, doc.slug, eventTime);
    const names = await siteNames(
      db,
      rows.map((r) => r.siteId),
    );
    data.digestRows = rows.map((r) => [names.get(r.siteId) ?? r.siteId, r.periods.join(', ')]);
    const failed = await db
      .collection<OutboxDoc>(COLLECTIONS.outbox)
      .find({ collaborative: doc.slug, status: 'failed' })
      .sort({ failedAt: 1 })
      .limit(50)
      .toArray();
    data.failedEmails = failed.map((f) => [f.to, (f.error ?? '').slice(0, 120)]);
  }
  if (n.kind === 'final-report') {
    const report = await db
      .collection(COLLECTIONS.reports)
      .findOne({ collaborative: doc.slug, kind: 'final' });
    data.reportRows = ((report?.rows as { team: string; summary: string }[] | undefined) ?? []).map((r) => [
      r.team,
      r.summary,
    ]);
    data.reportText = (report?.summary as string[] | undefined) ?? [];
    data.charts = ((report?.charts as ReportChart[] | undefined) ?? []).map((c) => ({
      caption: `${c.measure}: ${c.scope}`,
      svg: c.svg,
    }));
    data.csv = report?.csv as string | undefined;
  }
  return data;
}

export async function communityNoticeData(
  db: Db,
  doc: CommunityDoc,
  n: CommunityNotice,
): Promise<CommunityNoticeData> {
  const slug = doc.slug;
  switch (n.kind) {
    case 'community-announcement':
      return {};
    case 'community-welcome': {
      const m = await db
        .collection<MemberDoc>(COLLECTIONS.members)
        .findOne({ community: slug, email: n.email, membership: n.membership });
      return { joinedAt: m?.joinedAt.toISOString() };
    }
    case 'community-meeting-summary': {
      const [summary, attended] = await Promise.all([
        db.collection(COLLECTIONS.meetingSummaries).findOne({ community: slug, meeting: n.meeting }),
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
      return {
        summaryText: summary?.text as string | undefined,
        summaryBy: facilitator?.name ?? by,
        present: attended.map((a) => names.get(a.email) ?? a.email).sort(),
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
        shares: shares.map((s) => ({
          n: s.n,
          kind: s.kind,
          title: s.title,
          text: s.text,
          by: names.get(s.by) ?? s.by,
        })),
      };
    }
    default:
      return {};
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
