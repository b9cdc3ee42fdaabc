/**
 * The `notify` activity's work: who receives a notice, what each one reads, and sending it
 * through the exactly-once outbox under `<slug>:<noticeKey>:<recipient>`.
 */
import { Context } from '@temporalio/activity';
import type { Db } from 'mongodb';
import {
  isCommunityNotice,
  noticeKey,
  type CollaborativeNotice,
  type CommunityNotice,
  type Notice,
} from '../domain/notices';
import { renderCommunityNotice, type CommunityNoticeData } from '../templates/community';
import {
  calendarEntryId,
  renderNotice,
  type CalendarEntry,
  type CalendarSpec,
  type NoticeData,
  type Recipient,
  type RenderedNotice,
} from '../templates/notices';
import type { Schedule } from '../domain/schedule';
import { personalLink, type LinkMaker } from '../security/links';
import { icalAttachment } from './calendar';
import { currentSchedule, getCollaborative, type CollaborativeDoc } from './collaboratives';
import { getCommunity, membersAt, type CommunityDoc, type MemberDoc, type ShareDoc } from './community';
import { COLLECTIONS } from './db';
import type { ApplicationDoc } from './lifecycle';
import { digestRows } from './metrics';
import type { ReportChart } from './report';
import type { Outbox, OutboxDoc, OutgoingEmail } from './outbox';
import { getSites, siteNames, type SiteDoc } from './sites';

export interface BulkResult {
  sent: number;
  alreadySent: number;
  /** Refused permanently by the SMTP server: recorded, reported, not retried. */
  failed: number;
  total: number;
}

export function tally(result: BulkResult, outcome: 'sent' | 'already-sent' | 'failed'): void {
  if (outcome === 'sent') result.sent++;
  else if (outcome === 'already-sent') result.alreadySent++;
  else result.failed++;
}

interface Addressee extends Recipient {
  siteId?: string;
  /** On a team's roster (gets the team's calendar entries). */
  member?: boolean;
  /** A site's PI (gets the informational calls' calendar entries). */
  pi?: boolean;
}

/** The running activity's cancellation (a heartbeat that found it timed out, or a cancel), if any. */
function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not in an activity
  }
}

/**
 * Runs `fn` over items with at most `limit` in flight; `progress` is called after each. On the
 * first error (or once the activity is cancelled) it starts no more items, lets those in flight
 * finish (so their outcomes are recorded), then throws that error: a failing bulk activity must
 * not go on sending while the server already retries it.
 */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  progress?: (done: number, total: number) => void,
): Promise<void> {
  const signal = activitySignal();
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      if (signal?.aborted) {
        failure = { error: signal.reason ?? new Error('the activity was cancelled') };
        return;
      }
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
        return;
      }
      progress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/**
 * Sends one email per item through the outbox, at most `concurrency` at once. One query first
 * finds the keys sent (or refused) before, which a retried activity counts without asking the
 * outbox again for each; the keys another attempt holds (claimed, lease running) go last, so
 * that, if they are still held then, the attempt has sent everything else before it fails and
 * is retried.
 */
export async function deliverEach<T>(
  outbox: Outbox,
  items: T[],
  o: {
    concurrency: number;
    purpose: string;
    key: (item: T) => string;
    email: (item: T, key: string) => OutgoingEmail;
    progress?: (done: number, total: number) => void;
  },
): Promise<BulkResult> {
  const result: BulkResult = { sent: 0, alreadySent: 0, failed: 0, total: items.length };
  const keyed = items.map((item) => ({ item, key: o.key(item) }));
  const known = await outbox.statuses(keyed.map((k) => k.key));
  const now = Date.now();
  const first: typeof keyed = [];
  const last: typeof keyed = [];
  for (const k of keyed) {
    const s = known.get(k.key);
    if (s?.status === 'sent' || s?.status === 'failed') {
      const outcome = s.status === 'sent' ? 'already-sent' : 'failed';
      tally(result, outcome);
      outbox.counted(o.purpose, outcome);
    } else if (s?.status === 'claimed' && s.leaseUntil && s.leaseUntil.getTime() > now) last.push(k);
    else first.push(k);
  }
  const skipped = items.length - first.length - last.length;
  if (skipped) o.progress?.(skipped, items.length);
  await forEachLimited(
    [...first, ...last],
    o.concurrency,
    async ({ item, key }) => tally(result, await outbox.deliver(o.email(item, key))),
    o.progress && ((done) => o.progress!(skipped + done, items.length)),
  );
  return result;
}

/** DTSTAMP carries whole seconds. */
const wholeSecond = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();

function dedupe(list: Addressee[]): Addressee[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.email) && seen.add(a.email));
}

export class Notifier {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly opts: {
      concurrency: number;
      /** Signs each recipient's own links to the web app; no links when unset. */
      links?: LinkMaker;
      progress?: (done: number, total: number) => void;
      /** Workflow time of the event being notified (see activityTime). */
      eventTime?: () => Date;
    },
  ) {}

  async notify(slug: string, notice: Notice): Promise<BulkResult> {
    if (isCommunityNotice(notice)) return this.notifyCommunity(slug, notice);
    const doc = await getCollaborative(this.db, slug);
    const recipients = await this.recipients(doc, notice);
    const siteIds = [...new Set(recipients.map((r) => r.siteId).filter((s): s is string => !!s))];
    const sites = new Map((await getSites(this.db, siteIds)).map((s) => [s.siteId, s]));
    const data = await this.data(doc, notice, sites);
    if (notice.kind === 'metrics-digest' && !data.digestRows?.length && !data.failedEmails?.length)
      return { sent: 0, alreadySent: 0, failed: 0, total: 0 };
    const schedule = currentSchedule(doc);
    const cancels =
      notice.kind === 'withdrawal'
        ? await this.entriesToCancel(slug, schedule, recipients)
        : new Map<string, CalendarEntry[]>();
    return this.deliverAll(slug, notice, recipients, doc.config.coordinators[0]!, (r) => {
      const site = r.siteId ? sites.get(r.siteId) : undefined;
      return renderNotice(notice, {
        slug,
        config: doc.config,
        schedule,
        recipient: r,
        data: {
          ...data,
          ...this.personalLinks(slug, notice, r),
          siteName: site?.name ?? data.siteName,
          teamMember: r.member,
          pi: r.pi,
          cancels: cancels.get(r.email),
        },
      });
    });
  }

  /**
   * The calendar entries each recipient was sent for events still to come (by the outbox's keys,
   * so a person gets a cancellation only for what is in their calendar), to cancel on withdrawal.
   */
  private async entriesToCancel(
    slug: string,
    schedule: Schedule,
    recipients: Addressee[],
  ): Promise<Map<string, CalendarEntry[]>> {
    const sent = await this.db
      .collection<OutboxDoc>(COLLECTIONS.outbox)
      .find(
        { collaborative: slug, to: { $in: recipients.map((r) => r.email) }, status: 'sent' },
        { projection: { key: 1, to: 1 } },
      )
      .toArray();
    const after = this.opts.eventTime?.().getTime() ?? Date.now();
    const out = new Map<string, CalendarEntry[]>();
    for (const r of recipients) {
      // Outbox keys are `<slug>:<notice key>:<email>`.
      const keys = sent
        .filter((d) => d.to === r.email)
        .map((d) => d.key.slice(slug.length + 1, d.key.length - r.email.length - 1));
      out.set(r.email, calendarEntriesSent(keys, schedule, after));
    }
    return out;
  }

  /**
   * Each recipient's own signed links: a PI's to apply for their site, a team member's to their
   * team page (pre-work, metrics, attendance). Issued at the event's time, so a retry renders the
   * same email.
   */
  private personalLinks(slug: string, n: CollaborativeNotice, r: Addressee): Partial<NoticeData> {
    const m = this.opts.links;
    const siteId = 'siteId' in n ? n.siteId : r.siteId;
    if (!m || !siteId) return {};
    const issued = this.opts.eventTime?.().getTime() ?? Date.now();
    const who = { email: r.email, slug, siteId };
    const team = (q = '') => personalLink(m, 'team', who, issued, q);
    switch (n.kind) {
      case 'info-call-invite':
      case 'info-call-reminder':
      case 'applications-closing':
      case 'application-received':
        return { applicationUrl: personalLink(m, 'apply', who, issued) };
      case 'decision':
        return n.decision === 'accept' ? { teamUrl: team() } : {};
      case 'prework':
      case 'prework-reminder':
        return { preworkUrl: team() };
      case 'session-invite':
      case 'session-reminder':
        return { teamUrl: team() };
      case 'metrics-reminder':
        return { metricsUrl: team(`?period=${encodeURIComponent(n.missing[0] ?? '')}`) };
      default:
        return {};
    }
  }

  /**
   * Renders the notice for each recipient and sends it through the outbox under
   * `<slug>:<noticeKey>:<email>`, with its calendar entries as .ics (UID `<slug>-<id>@…`).
   */
  private async deliverAll(
    slug: string,
    notice: Notice,
    recipients: Addressee[],
    organizer: { name: string; email: string },
    render: (r: Addressee) => RenderedNotice,
  ): Promise<BulkResult> {
    return deliverEach(this.outbox, recipients, {
      concurrency: this.opts.concurrency,
      purpose: notice.kind,
      progress: this.opts.progress,
      key: (r) => `${slug}:${noticeKey(notice)}:${r.email}`,
      email: (r, key) => {
        const { calendar, moreCalendars, ...email } = render(r);
        const ics = (c: CalendarSpec) =>
          icalAttachment({
            uid: `${slug}-${c.id}@lc-orchestrator`,
            sequence: c.sequence,
            method: c.method,
            start: c.start,
            end: c.end,
            timeZone: r.timeZone,
            summary: c.summary,
            location: c.location,
            url: c.url,
            organizer,
            attendees: [{ name: r.name, email: r.email }],
            stamp: wholeSecond(this.opts.eventTime?.() ?? new Date()),
          });
        return {
          key,
          collaborative: slug,
          purpose: notice.kind,
          template: notice.kind,
          to: r.email,
          toName: r.name,
          replyTo: organizer.email,
          eventTime: this.opts.eventTime?.(),
          ...email,
          icalEvent: calendar ? ics(calendar) : undefined,
          attachments: [
            ...(email.attachments ?? []),
            ...(moreCalendars ?? []).map((c, k) => {
              const a = ics(c);
              return {
                filename: `${c.method === 'CANCEL' ? 'cancel' : 'invite'}-${k + 2}.ics`,
                content: a.content,
                contentType: `text/calendar; charset=utf-8; method=${a.method}`,
              };
            }),
          ],
        };
      },
    });
  }

  /** A Learning Community's notice: to the network's PIs, to one member, or to the members as of its time. */
  private async notifyCommunity(slug: string, n: CommunityNotice): Promise<BulkResult> {
    const doc = await getCommunity(this.db, slug);
    const list = await this.communityRecipients(doc, n);
    const siteIds = [...new Set(list.flatMap((r) => (r.siteId ? [r.siteId] : [])))];
    const sites = new Map((await getSites(this.db, siteIds)).map((s) => [s.siteId, s]));
    const recipients = dedupe(list).map((r) => ({
      ...r,
      timeZone: r.timeZone || (r.siteId && sites.get(r.siteId)?.timeZone) || doc.config.timeZone,
    }));
    const data = await this.communityData(doc, n);
    if (n.kind === 'community-digest' && !data.shares?.length)
      return { sent: 0, alreadySent: 0, failed: 0, total: 0 }; // nothing shared: nothing to send
    return this.deliverAll(slug, n, recipients, doc.config.coordinators[0]!, (r) =>
      renderCommunityNotice(n, {
        slug,
        config: doc.config,
        recipient: r,
        data: {
          ...data,
          siteName: r.siteId ? sites.get(r.siteId)?.name : undefined,
          // The PI passes the invitation on: its link lets the site's people join (they give their own name and email).
          joinUrl:
            n.kind === 'community-announcement' && this.opts.links && r.siteId
              ? personalLink(
                  this.opts.links,
                  'join',
                  { email: r.email, slug, siteId: r.siteId },
                  this.opts.eventTime?.().getTime() ?? Date.now(),
                )
              : undefined,
        },
      }),
    );
  }

  private async communityRecipients(doc: CommunityDoc, n: CommunityNotice): Promise<Addressee[]> {
    const asMember = (m: MemberDoc): Addressee => ({
      name: m.name,
      email: m.email,
      siteId: m.siteId,
      timeZone: '',
    });
    switch (n.kind) {
      case 'community-announcement':
        return this.pis(n.siteIds);
      case 'community-welcome': {
        const m = await this.db
          .collection<MemberDoc>(COLLECTIONS.members)
          .findOne({ community: doc.slug, email: n.email, membership: n.membership });
        return m ? [asMember(m)] : [];
      }
      default: {
        const members = await membersAt(this.db, doc.slug, new Date(n.asOf));
        const only = n.kind === 'community-meeting-invite' ? n.email : undefined;
        return members.filter((m) => !only || m.email === only).map(asMember);
      }
    }
  }

  private async communityData(doc: CommunityDoc, n: CommunityNotice): Promise<CommunityNoticeData> {
    const slug = doc.slug;
    switch (n.kind) {
      case 'community-announcement':
        return {};
      case 'community-welcome': {
        const m = await this.db
          .collection<MemberDoc>(COLLECTIONS.members)
          .findOne({ community: slug, email: n.email, membership: n.membership });
        return { joinedAt: m?.joinedAt.toISOString() };
      }
      case 'community-meeting-summary': {
        const [summary, attended] = await Promise.all([
          this.db.collection(COLLECTIONS.meetingSummaries).findOne({ community: slug, meeting: n.meeting }),
          this.db
            .collection<{ email: string }>(COLLECTIONS.meetingAttendance)
            .find({ community: slug, meeting: n.meeting })
            .toArray(),
        ]);
        const names = await this.memberNames(
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
        const shares = await this.db
          .collection<ShareDoc>(COLLECTIONS.shares)
          .find({ community: slug, n: { $gte: from, $lte: to } })
          .sort({ n: 1 })
          .toArray();
        const names = await this.memberNames(
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
  private async memberNames(slug: string, emails: string[]): Promise<Map<string, string>> {
    const docs = await this.db
      .collection<MemberDoc>(COLLECTIONS.members)
      .find({ community: slug, email: { $in: [...new Set(emails)] } })
      .toArray();
    return new Map(docs.map((m) => [m.email, m.name]));
  }

  private async pis(siteIds: string[]): Promise<Addressee[]> {
    return (await getSites(this.db, siteIds)).map((s) => ({
      name: s.piName,
      email: s.piEmail,
      siteId: s.siteId,
      timeZone: s.timeZone ?? '',
      pi: true,
    }));
  }

  /** The PI and the contact person named in the application of each site. */
  private async applicants(doc: CollaborativeDoc, siteIds: string[]): Promise<Addressee[]> {
    const apps = await this.db
      .collection<ApplicationDoc>(COLLECTIONS.applications)
      .find({ collaborative: doc.slug, siteId: { $in: siteIds } })
      .toArray();
    const contacts = new Map(apps.map((a) => [a.siteId, a.coreTeam.contactPerson]));
    return (await this.pis(siteIds)).flatMap((pi) => {
      const contact = contacts.get(pi.siteId!);
      return [pi, ...(contact ? [{ ...contact, siteId: pi.siteId, timeZone: pi.timeZone }] : [])];
    });
  }

  /** The core team, data manager and contact person of each site (with the PI when `withPi`). */
  private async teams(doc: CollaborativeDoc, siteIds: string[], withPi: boolean): Promise<Addressee[]> {
    const apps = await this.db
      .collection<ApplicationDoc>(COLLECTIONS.applications)
      .find({ collaborative: doc.slug, siteId: { $in: siteIds } })
      .toArray();
    const sites = new Map((await getSites(this.db, siteIds)).map((s) => [s.siteId, s]));
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

  private staff(doc: CollaborativeDoc, who: 'faculty' | 'coordinators' | 'both'): Addressee[] {
    const list =
      who === 'faculty'
        ? doc.config.faculty
        : who === 'coordinators'
          ? doc.config.coordinators
          : [...doc.config.faculty, ...doc.config.coordinators];
    return list.map((p) => ({ name: p.name, email: p.email, timeZone: doc.config.timeZone }));
  }

  private async recipients(doc: CollaborativeDoc, n: CollaborativeNotice): Promise<Addressee[]> {
    const announced = doc.announcedTo ?? [];
    let list: Addressee[];
    switch (n.kind) {
      case 'info-call-invite':
      case 'info-call-reminder':
        list = await this.pis(announced);
        break;
      case 'applications-closing':
        list = await this.pis(n.siteIds);
        break;
      case 'application-received': {
        const app = await this.db
          .collection<ApplicationDoc>(COLLECTIONS.applications)
          .findOne({ collaborative: doc.slug, siteId: n.siteId });
        const pi = await this.pis([n.siteId]);
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
        list = this.staff(doc, 'faculty');
        break;
      case 'waitlist-update':
        list = await this.applicants(doc, n.siteIds);
        break;
      case 'decisions-overdue':
        list = this.staff(doc, 'coordinators');
        break;
      case 'decision':
      case 'prework':
      case 'feedback':
        list = await this.teams(doc, [n.siteId], true);
        break;
      case 'withdrawal':
        list = [...(await this.teams(doc, [n.siteId], true)), ...this.staff(doc, 'both')];
        break;
      case 'prework-reminder': // the same people as the pre-work email
        list = await this.teams(doc, [n.siteId], true);
        break;
      case 'session-invite':
      case 'session-reminder':
        list = await this.teams(doc, [n.siteId], false);
        break;
      case 'session-missed':
        list = this.staff(doc, 'both').map((a) => ({ ...a, siteId: n.siteId }));
        break;
      case 'consultation-invite':
      case 'consultation-reminder':
        list = await this.teams(doc, n.siteIds, false);
        break;
      case 'schedule-change':
        list = /^learningSessions|^prework$|^end$/.test(n.milestone)
          ? [...(await this.teams(doc, n.siteIds, false)), ...this.staff(doc, 'both')]
          : n.milestone === 'decisionsDue'
            ? this.staff(doc, 'both')
            : [...(await this.pis(n.siteIds)), ...this.staff(doc, 'both')];
        break;
      case 'cancelled':
        list = [
          ...(await this.pis(n.siteIds)),
          ...(await this.teams(doc, n.siteIds, false)),
          ...this.staff(doc, 'both'),
        ];
        break;
      case 'final-report':
      case 'metrics-digest':
        list = this.staff(doc, 'both');
        break;
      case 'metrics-reminder': {
        const app = await this.db
          .collection<ApplicationDoc>(COLLECTIONS.applications)
          .findOne({ collaborative: doc.slug, siteId: n.siteId });
        if (!app) throw new Error(`no application of ${n.siteId} in ${doc.slug}`);
        const t = app.coreTeam;
        const people =
          n.rung === 1
            ? [t.dataManager]
            : n.rung === 2
              ? [t.dataManager, t.contactPerson]
              : t.members.filter((m) => m.role === 'senior-leader');
        const tz = (await this.pis([n.siteId]))[0]?.timeZone ?? '';
        list = people.map((p) => ({ name: p.name, email: p.email, siteId: n.siteId, timeZone: tz }));
        break;
      }
    }
    return dedupe(list).map((a) => ({ ...a, timeZone: a.timeZone || doc.config.timeZone }));
  }

  private async data(
    doc: CollaborativeDoc,
    n: CollaborativeNotice,
    sites: Map<string, SiteDoc>,
  ): Promise<NoticeData> {
    const data: NoticeData = {};
    const siteId = 'siteId' in n ? n.siteId : undefined;
    if (siteId) data.siteName = sites.get(siteId)?.name ?? (await getSites(this.db, [siteId]))[0]?.name;
    if (n.kind === 'review-reminder' || n.kind === 'decisions-overdue') {
      const names = await siteNames(this.db, n.undecided);
      data.undecidedNames = n.undecided.map((id) => names.get(id) ?? id);
    }
    if (n.kind === 'decision') {
      const app = await this.db
        .collection<ApplicationDoc>(COLLECTIONS.applications)
        .findOne({ collaborative: doc.slug, siteId: n.siteId });
      data.decisionNotes = app?.decision?.notes || undefined;
      const s = currentSchedule(doc);
      data.preworkStart = s.prework ?? s.decisionsDue;
    }
    if (n.kind === 'withdrawal' && n.promoted)
      data.promotedSiteName = (await getSites(this.db, [n.promoted]))[0]?.name ?? n.promoted;
    if (n.kind === 'feedback') {
      const f = await this.db
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
      const rows = await digestRows(this.db, doc.slug, this.opts.eventTime?.().getTime() ?? Date.now());
      const names = await siteNames(
        this.db,
        rows.map((r) => r.siteId),
      );
      data.digestRows = rows.map((r) => [names.get(r.siteId) ?? r.siteId, r.periods.join(', ')]);
      const failed = await this.db
        .collection<OutboxDoc>(COLLECTIONS.outbox)
        .find({ collaborative: doc.slug, status: 'failed' })
        .sort({ failedAt: 1 })
        .limit(50)
        .toArray();
      data.failedEmails = failed.map((f) => [f.to, (f.error ?? '').slice(0, 120)]);
    }
    if (n.kind === 'final-report') {
      const report = await this.db
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
}

/**
 * What a person's calendar holds of a collaborative's events still to come (starting after
 * `after`), from the keys of the emails they were sent: each learning session and consultation
 * call they were invited to, with the highest SEQUENCE sent.
 */
export function calendarEntriesSent(keys: string[], schedule: Schedule, after: number): CalendarEntry[] {
  const entries = new Map<string, CalendarEntry>();
  const saw = (e: CalendarEntry) => {
    const id = calendarEntryId(e);
    const known = entries.get(id);
    if (!known || known.sequence < e.sequence) entries.set(id, e);
  };
  const moves: CalendarEntry[] = [];
  for (const key of keys) {
    const invite = /^session-invite:[^:]+:(\d+):(\d+)$/.exec(key);
    const moved = /^schedule-change:learningSessions\[(\d+)\]:(\d+)$/.exec(key);
    const call = /^consultation-invite:(\d+):(\d+)$/.exec(key);
    if (invite) saw({ kind: 'session', index: Number(invite[1]), sequence: Number(invite[2]) });
    else if (moved) moves.push({ kind: 'session', index: Number(moved[1]), sequence: Number(moved[2]) });
    else if (call) saw({ kind: 'call', series: Number(call[1]), index: Number(call[2]), sequence: 0 });
  }
  // A schedule change raises the SEQUENCE of an entry the person holds; it creates none.
  for (const m of moves) if (entries.has(calendarEntryId(m))) saw(m);
  const start = (e: CalendarEntry) =>
    Date.parse(
      (e.kind === 'session'
        ? schedule.learningSessions[e.index]?.start
        : schedule.consultation[e.series]?.calls[e.index]) ?? '',
    );
  return [...entries.values()].filter((e) => start(e) > after).sort((a, b) => start(a) - start(b));
}
