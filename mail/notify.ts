/**
 * The `notify` activity: finds who receives a notice (recipients.ts), loads what it needs
 * (notice-data.ts), renders it for each person and sends it
 * through the exactly-once outbox under `<slug>:<noticeKey>:<recipient>`.
 */
import type { Db } from 'mongodb';
import {
  isCommunityNotice,
  noticeKey,
  type CollaborativeNotice,
  type CommunityNotice,
  type Notice,
} from '../domain/notices';
import type { Schedule } from '../domain/schedule';
import { wholeSecondIso } from '../domain/time';
import { personalLink, type LinkMaker } from '../security/links';
import { currentSchedule, getCollaborative, type CollaborativeDoc } from '../store/collaboratives';
import { getCommunity } from '../store/community';
import { COLLECTIONS } from '../store/db';
import { getSites } from '../store/sites';
import { listStoryboards } from '../store/storyboards';
import { renderCommunityNotice, withCommunityRecipient } from '../templates/community';
import {
  renderNotice,
  withRecipientData,
  type CalendarEntry,
  type CalendarSpec,
  type RecipientData,
  type RenderedNotice,
} from '../templates/notices';
import { calendarUid, icalAttachment } from './calendar';
import { calendarEntriesSent } from './calendar-entries';
import { seriesAttachment } from './calendar-series';
import { deliverEach, type BulkResult } from './delivery';
import { communityNoticeData, noticeData, sharedAnything } from './notice-data';
import type { Outbox, OutboxDoc } from './outbox';
import {
  communityRecipients,
  dbSource,
  dedupe,
  readingSitesOnce,
  recipientsFrom,
  type Addressee,
} from './recipients';

const NOTHING: BulkResult = { sent: 0, alreadySent: 0, failed: 0, total: 0 };

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

  async notify(slug: string, asked: Notice): Promise<BulkResult> {
    if (isCommunityNotice(asked)) return this.notifyCommunity(slug, asked);
    const doc = await getCollaborative(this.db, slug);
    const notice = await this.stillDue(doc, asked);
    if (!notice) return NOTHING;
    const source = readingSitesOnce(dbSource(this.db));
    const recipients = await recipientsFrom(source, doc, notice);
    const siteIds = [...new Set(recipients.map((r) => r.siteId).filter((s): s is string => !!s))];
    const sites = new Map((await source.sites(siteIds)).map((s) => [s.siteId, s]));
    const prepared = await noticeData(
      this.db,
      doc,
      notice,
      sites,
      this.opts.eventTime?.().getTime() ?? Date.now(),
    );
    if (
      prepared.kind === 'metrics-digest' &&
      !prepared.data.digestRows.length &&
      !prepared.data.failedEmails.length
    )
      return NOTHING;
    if (prepared.kind === 'shared-digest' && !sharedAnything(prepared.data)) return NOTHING; // nothing shared
    const staffUrl = this.opts.links && `${this.opts.links.baseUrl.replace(/\/$/, '')}/c/${slug}`;
    const schedule = currentSchedule(doc);
    const cancels =
      notice.kind === 'withdrawal' || notice.kind === 'cancelled'
        ? await this.entriesToCancel(slug, schedule, doc.scheduleVersion ?? 0, recipients)
        : new Map<string, CalendarEntry[]>();
    return this.deliverAll(slug, notice, recipients, doc.config.coordinators[0]!, (r) => {
      const site = r.siteId ? sites.get(r.siteId) : undefined;
      const mine = withRecipientData(prepared, {
        ...this.personalLinks(slug, notice, r),
        siteName: site?.name ?? prepared.data.siteName,
        teamMember: r.member,
        pi: r.pi,
        registrant: r.registrant,
        cancels: cancels.get(r.email),
        // The staff's own pages of the collaborative (they sign in); a team's people have their signed links.
        staffUrl: r.siteId ? undefined : staffUrl,
        teamSiteId: r.siteId,
      });
      return renderNotice(mine, { slug, config: doc.config, schedule, recipient: r });
    });
  }

  /**
   * The notice as it stands when sent: a storyboard reminder only to the teams that have not
   * shared one for the session by now (none left: nothing to send).
   */
  private async stillDue(doc: CollaborativeDoc, n: CollaborativeNotice) {
    if (n.kind !== 'storyboard-reminder') return n;
    const shared = new Set(
      (await listStoryboards(this.db, doc.slug)).filter((b) => b.session === n.session).map((b) => b.siteId),
    );
    const siteIds = n.siteIds.filter((id) => !shared.has(id));
    return siteIds.length ? { ...n, siteIds } : undefined;
  }

  /**
   * One registrant's invitation to informational call `call`, sent when they register, under
   * `<slug>:info-call-invite:<call>:<email>`: once however often they register.
   */
  async inviteRegistrant(slug: string, call: number, registrant: Addressee): Promise<BulkResult> {
    const doc = await getCollaborative(this.db, slug);
    // Any reschedule raises the version, so this SEQUENCE is never below one sent before.
    const notice: CollaborativeNotice = {
      kind: 'info-call-invite',
      call,
      sequence: doc.scheduleVersion ?? 0,
    };
    const sites = new Map(
      (await getSites(this.db, registrant.siteId ? [registrant.siteId] : [])).map((s) => [s.siteId, s]),
    );
    const site = registrant.siteId ? sites.get(registrant.siteId) : undefined;
    const to = { ...registrant, timeZone: registrant.timeZone || site?.timeZone || doc.config.timeZone };
    const prepared = await noticeData(
      this.db,
      doc,
      notice,
      sites,
      this.opts.eventTime?.().getTime() ?? Date.now(),
    );
    const schedule = currentSchedule(doc);
    return this.deliverAll(
      slug,
      notice,
      [to],
      doc.config.coordinators[0]!,
      (r) =>
        renderNotice(withRecipientData(prepared, { siteName: site?.name ?? prepared.data.siteName }), {
          slug,
          config: doc.config,
          schedule,
          recipient: r,
        }),
      (r) => `${slug}:info-call-invite:${call}:${r.email}`,
    );
  }

  /**
   * The calendar entries each recipient was sent for events still to come (by the outbox's keys,
   * so a person gets a cancellation only for what is in their calendar), to cancel on a withdrawal
   * or a cancelled collaborative.
   */
  private async entriesToCancel(
    slug: string,
    schedule: Schedule,
    scheduleVersion: number,
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
      out.set(r.email, calendarEntriesSent(keys, schedule, after, scheduleVersion));
    }
    return out;
  }

  /**
   * Each recipient's own signed links: a PI's to apply for their site, a team member's to their
   * team page (pre-work, metrics, attendance). Issued at the event's time, so a retry renders the
   * same email.
   */
  private personalLinks(slug: string, n: CollaborativeNotice, r: Addressee): RecipientData {
    const m = this.opts.links;
    const siteId = 'siteId' in n ? n.siteId : r.siteId;
    if (!m || !siteId) return {};
    const issued = this.opts.eventTime?.().getTime() ?? Date.now();
    const who = { email: r.email, slug, siteId };
    return linksOf(n, (purpose, q) => personalLink(m, purpose, who, issued, q));
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
    key = (r: Addressee) => `${slug}:${noticeKey(notice)}:${r.email}`,
  ): Promise<BulkResult> {
    return deliverEach(this.outbox, recipients, {
      concurrency: this.opts.concurrency,
      purpose: notice.kind,
      progress: this.opts.progress,
      key,
      email: (r, key) => {
        const { calendar, moreCalendars, ...email } = render(r);
        const ics = (c: CalendarSpec) => {
          const event = {
            uid: calendarUid(slug, c.id),
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
            stamp: wholeSecondIso((this.opts.eventTime?.() ?? new Date()).getTime()),
          };
          return c.rule ? seriesAttachment({ ...event, ...c.rule }) : icalAttachment(event);
        };
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
    const list = await communityRecipients(this.db, doc, n);
    const siteIds = [...new Set(list.flatMap((r) => (r.siteId ? [r.siteId] : [])))];
    const sites = new Map((await getSites(this.db, siteIds)).map((s) => [s.siteId, s]));
    const recipients = dedupe(list).map((r) => ({
      ...r,
      timeZone: r.timeZone || (r.siteId && sites.get(r.siteId)?.timeZone) || doc.config.timeZone,
    }));
    const prepared = await communityNoticeData(this.db, doc, n);
    if (prepared.kind === 'community-digest' && !prepared.data.shares.length) return NOTHING; // nothing shared: nothing to send
    return this.deliverAll(slug, n, recipients, doc.config.coordinators[0]!, (r) =>
      renderCommunityNotice(
        withCommunityRecipient(prepared, {
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
        }),
        { slug, config: doc.config, recipient: r },
      ),
    );
  }
}

/**
 * Which of a recipient's links a notice carries, each made by `make` (a signed link when sent; a
 * fake one in a preview): a PI's to apply, a team member's to the team page.
 */
export function linksOf(
  n: CollaborativeNotice,
  make: (purpose: 'apply' | 'team', query?: string) => string,
): RecipientData {
  switch (n.kind) {
    case 'info-call-invite':
    case 'info-call-reminder':
    case 'applications-closing':
    case 'application-received':
      return { applicationUrl: make('apply') };
    case 'decision':
      return n.decision === 'accept' ? { teamUrl: make('team') } : {};
    case 'prework':
    case 'prework-reminder':
      return { preworkUrl: make('team') };
    case 'session-invite':
    case 'session-reminder':
      return { teamUrl: make('team') };
    case 'storyboard-request':
    case 'storyboard-reminder':
    case 'shared-digest':
      return { teamUrl: make('team'), storyboardsUrl: make('team', '/storyboards') };
    case 'metrics-reminder':
      return { metricsUrl: make('team', `?period=${encodeURIComponent(n.missing[0] ?? '')}`) };
    default:
      return {};
  }
}
