/**
 * Template previews with a collaborative's own data: each email it sends, rendered by the same
 * template code the notify activity uses (templates/notices.ts, templates/announcement.ts), with
 * the data mail/notice-data.ts loads and the recipients mail/recipients.ts picks — for one real
 * announced site and its first recipient. Nothing is sent and no signed link is made: personal
 * links are a visibly fake address.
 */
import { DateTime } from 'luxon';
import type { Db } from 'mongodb';
import type { z } from 'zod';
import { consultationSeries } from '../domain/consultation';
import { formatInZone } from '../domain/dates';
import type { Schedule } from '../domain/schedule';
import type { CollaborativeNotice, NoticeKind } from '../domain/notices';
import { ValidationError } from '../domain/errors';
import { sharedDigestWindow } from '../domain/agenda';
import { noticeData, sharedAnything } from '../mail/notice-data';
import { linksOf } from '../mail/notify';
import { dbSource, recipientsFrom, type Addressee } from '../mail/recipients';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { getSites, resolveSiteSelection, type SiteDoc } from '../store/sites';
import { renderAnnouncement } from '../templates/announcement';
import {
  renderNotice,
  withRecipientData,
  type PreparedNotice,
  type RenderedNotice,
} from '../templates/notices';
import { TEMPLATE_DESCRIPTIONS, type TemplateName } from '../templates/samples';
import { collaborativeRecord } from './collaborative';
import { OperationError } from './errors';
import { everyPiRegisters, standInRecipients } from './stand-in-recipients';

/** Where a personal link would be: plainly not a working link (the real one is signed per person at sending). */
export const FAKE_LINK_PATH = 'personal-link-made-when-the-email-is-sent';

export interface CollaborativePreview {
  name: TemplateName;
  description: string;
  rendered: RenderedNotice;
  /** The person this copy is addressed to, with their role's zone. */
  recipient: { name: string; email: string; timeZone: string; siteName?: string };
  /** How many people the email goes to (for this site, or in all for the staff's emails). */
  recipientCount: number;
  /** What the preview fills in because the collaborative has no record of it yet. */
  notes: string[];
}

/** The templates a collaborative sends: only those its schedule and config give occasion for. */
export function collaborativeTemplates(doc: CollaborativeDoc): { name: TemplateName; description: string }[] {
  const s = currentSchedule(doc);
  const names: TemplateName[] = ['announcement'];
  const kinds: NoticeKind[] = [
    ...(s.informationalCalls.length ? (['info-call-invite', 'info-call-reminder'] as const) : []),
    'applications-closing',
    'application-received',
    'review-reminder',
    'decisions-overdue',
    'decision',
    'waitlist-update',
    'withdrawal',
    'prework',
    'prework-reminder',
    'session-invite',
    'session-reminder',
    'session-missed',
    ...(s.consultation.length
      ? ([
          'consultation-invite',
          'consultation-reminder',
          // A series written as a rule gets one invitation, and an update for a moved call.
          'consultation-series-invite',
          'consultation-moved',
        ] as const)
      : []),
    'feedback',
    'schedule-change',
    'cancelled',
    ...(doc.config.metrics && s.periods.length ? (['metrics-reminder', 'metrics-digest'] as const) : []),
    'storyboard-request',
    'storyboard-reminder',
    'shared-digest',
    'final-report',
  ];
  return [...names, ...kinds].map((name) => ({ name, description: TEMPLATE_DESCRIPTIONS[name] }));
}

/** The list for a collaborative by slug. */
export async function collaborativeTemplateList(db: Db, slug: string) {
  const doc = await collaborativeRecord(db, slug);
  return { title: doc.config.title, templates: collaborativeTemplates(doc) };
}

/**
 * One template as this collaborative will send it. `baseUrl` is the web app's address, for the
 * fake personal links; `now` is when the digest's rows are read.
 */
export async function collaborativePreview(
  db: Db,
  slug: string,
  name: string,
  o: { baseUrl: string; now?: number },
): Promise<CollaborativePreview> {
  const doc = await collaborativeRecord(db, slug);
  const list = collaborativeTemplates(doc);
  const entry = list.find((t) => t.name === name);
  if (!entry)
    throw new OperationError(
      `"${name}" is not an email this collaborative sends; its emails: ${list.map((t) => t.name).join(', ')}`,
      'not-found',
    );
  const base = o.baseUrl.replace(/\/$/, '');
  const fake = (purpose: string) => `${base}/${purpose}/${FAKE_LINK_PATH}`;
  const { sites, source, applied } = await previewWorld(db, doc);
  const site = sites[0];
  if (!site)
    throw new ValidationError('the preview', [
      'sites: this collaborative targets no site of the directory, so there is no one to address',
    ]);
  const notes: string[] = [];
  if (!applied.has(site.siteId))
    notes.push(
      `${site.name} has not applied yet: its core team is shown by role at example.invalid addresses.`,
    );

  if (entry.name === 'announcement') {
    const config = { ...doc.config, schedule: currentSchedule(doc) };
    const rendered = renderAnnouncement({
      config,
      siteName: site.name,
      piName: site.piName,
      timeZone: site.timeZone,
      applicationUrl: fake('apply'),
    });
    return {
      ...entry,
      rendered,
      recipient: {
        name: site.piName,
        email: site.piEmail,
        timeZone: site.timeZone ?? doc.config.timeZone,
        siteName: site.name,
      },
      recipientCount: 1,
      notes,
    };
  }

  // A rule series' emails read its rule and its moved call: its own, else a stated sample.
  const schedule =
    entry.name === 'consultation-series-invite' || entry.name === 'consultation-moved'
      ? ruleSeriesSchedule(doc, entry.name, notes)
      : currentSchedule(doc);
  const notice = noticeFor(entry.name as NoticeKind, doc, site, sites, schedule);
  const recipients = await recipientsFrom(source, doc, notice);
  // A person-facing email is shown to a person of the site (their zone), the staff's to the first of them.
  const to: Addressee | undefined = recipients.find((r) => r.siteId === site.siteId) ?? recipients[0];
  if (!to) throw new ValidationError('the preview', [`template: no one receives ${name} here`]);
  const byId = new Map(sites.map((x) => [x.siteId, x]));
  const prepared = await loaded(db, doc, notice, byId, o.now ?? Date.now(), notes);
  const mine = withRecipientData(prepared, {
    ...linksOf(notice, (purpose, q = '') => `${fake(purpose)}${q}`),
    siteName: (to.siteId ? byId.get(to.siteId)?.name : undefined) ?? prepared.data.siteName,
    teamMember: to.member,
    pi: to.pi,
    registrant: to.registrant,
  });
  const rendered = renderNotice(mine, {
    slug: doc.slug,
    config: doc.config,
    schedule,
    recipient: to,
  });
  return {
    ...entry,
    rendered,
    recipient: {
      name: to.name,
      email: to.email,
      timeZone: to.timeZone,
      siteName: to.siteId ? byId.get(to.siteId)?.name : undefined,
    },
    recipientCount: recipients.length,
    notes,
  };
}

/**
 * The collaborative's sites (announced, else selected), a site with an application first, and a
 * recipient source that stands in an assumed core team for sites that have not applied (as the
 * rehearsal does).
 */
async function previewWorld(db: Db, doc: CollaborativeDoc) {
  const siteIds = doc.announcedTo?.length
    ? doc.announcedTo
    : (await resolveSiteSelection(db, doc.config.sites)).siteIds;
  const found = await getSites(db, siteIds);
  const recorded = await dbSource(db).applications(doc.slug, siteIds);
  const applied = new Map(recorded.map((a) => [a.siteId, a]));
  const sites = [
    ...found.filter((s) => applied.has(s.siteId)),
    ...found.filter((s) => !applied.has(s.siteId)),
  ];
  const everyPi = everyPiRegisters(sites);
  const source = standInRecipients({
    sites: found,
    coreTeams: (id) => applied.get(id)?.coreTeam,
    // Those registered for the call; before anyone has, the PIs stand in (as in the rehearsal).
    registrants: async (slug, call) => {
      const real = await dbSource(db).registrants(slug, call);
      return real.length ? real : everyPi(slug, call);
    },
  });
  return { sites, source, applied };
}

/** The notice of a kind as the workflows would ask for it, about this site, at the first occasion. */
function noticeFor(
  kind: NoticeKind,
  doc: CollaborativeDoc,
  site: SiteDoc,
  sites: SiteDoc[],
  s: Schedule = currentSchedule(doc),
): CollaborativeNotice {
  const siteId = site.siteId;
  const all = sites.map((x) => x.siteId);
  const period = s.periods[0]?.id ?? '';
  switch (kind) {
    case 'info-call-invite':
      return { kind, call: 0, sequence: 0 };
    case 'info-call-reminder':
      return { kind, call: 0 };
    case 'applications-closing':
      return { kind, siteIds: [siteId] };
    case 'application-received':
      return { kind, siteId, version: 1 };
    case 'review-reminder':
    case 'decisions-overdue':
      return { kind, undecided: all };
    case 'decision':
      return { kind, siteId, decision: 'accept' };
    case 'waitlist-update':
      return { kind, stage: 'sessions-begun', siteIds: [siteId] };
    case 'withdrawal':
      return { kind, siteId };
    case 'prework':
      return { kind, siteId };
    case 'prework-reminder':
      return { kind, siteId, n: 1, pending: ['commitment', 'baseline'] };
    case 'session-invite':
      return { kind, siteId, session: 0, sequence: 0 };
    case 'session-reminder':
      return { kind, siteId, session: 0, daysBefore: 14 };
    case 'session-missed':
      return { kind, siteId, session: 0 };
    case 'consultation-invite':
    case 'consultation-reminder':
      return { kind, series: 0, call: 0, siteIds: [siteId] };
    case 'consultation-series-invite':
      return { kind, series: ruleSeriesIndex(s), siteIds: [siteId] };
    case 'consultation-moved':
      return { kind, series: ruleSeriesIndex(s), moved: 0, siteIds: [siteId] };
    case 'feedback':
      return { kind, siteId, n: 1 };
    case 'schedule-change':
      return { kind, milestone: 'learningSessions[0]', version: 1, siteIds: [siteId] };
    case 'cancelled':
      return {
        kind,
        siteIds: [siteId],
        reason: '(the reason the coordinator gives)',
        sessions: s.learningSessions.map((_, index) => ({ index, sequence: 0 })),
      };
    case 'metrics-reminder':
      return { kind, siteId, rung: 1, period, missing: [period] };
    case 'metrics-digest':
      return { kind, n: 1 };
    case 'storyboard-request':
    case 'storyboard-reminder':
      return { kind, session: 0, siteIds: [siteId] };
    case 'shared-digest': {
      const w = sharedDigestWindow(s, doc.config.timeZone, doc.createdAt.toISOString(), 0);
      return { kind, n: 0, from: w?.from ?? s.end, to: w?.to ?? s.end, siteIds: [siteId] };
    }
    case 'final-report':
      return { kind };
    default:
      throw new ValidationError('the preview', [`template: ${kind} is not a collaborative's email`]);
  }
}

const ruleSeriesIndex = (s: Schedule) =>
  Math.max(
    0,
    s.consultation.findIndex((c) => c.recurrence),
  );

/**
 * The schedule a rule series' email is previewed with: the collaborative's own first rule series
 * (and its first moved call); without one, its first series as if written as a rule on the same
 * weekday of the month and time as its first call, and without a moved call, its second call
 * moved a week on; each sample said in `notes`.
 */
function ruleSeriesSchedule(doc: CollaborativeDoc, kind: TemplateName, notes: string[]): Schedule {
  const s = currentSchedule(doc);
  const z = doc.config.timeZone;
  const i = ruleSeriesIndex(s);
  let series = s.consultation[i]!;
  const name = series.kind === 'clinical' ? 'clinical consultation calls' : 'all-collaborative calls';
  if (!series.recurrence) {
    const first = DateTime.fromISO(series.first, { zone: 'utc' }).setZone(z);
    const week = Math.ceil(first.day / 7);
    const every = `${week > 4 ? 'last' : ['1st', '2nd', '3rd', '4th'][week - 1]} ${first.toFormat('cccc')}`;
    const problems: string[] = [];
    const ctx: z.RefinementCtx = { addIssue: (x) => void problems.push(x.message ?? ''), path: [] };
    const sample = consultationSeries(
      {
        kind: series.kind,
        durationMinutes: series.durationMinutes,
        ...(series.link ? { link: series.link } : {}),
        every,
        time: first.toFormat('HH:mm'),
        from: first.toISODate()!,
      },
      { timeZone: z, end: s.end, ctx, path: [] },
    );
    if (problems.length || sample.calls.length < 2) return s;
    notes.push(
      `The ${name} of this collaborative repeat every ${series.everyDays} days, so each call has its own invitation: shown as if they were written as a rule, monthly on the ${every} at ${first.toFormat('HH:mm')} (a sample).`,
    );
    series = sample;
  }
  const r = series.recurrence!;
  if (kind === 'consultation-moved' && !r.moved.length) {
    const from = series.calls[1] ?? series.calls[0]!;
    const to = DateTime.fromISO(from, { zone: 'utc' }).setZone(z).plus({ days: 7 }).toUTC();
    const at = to.toISO({ suppressMilliseconds: true })!;
    notes.push(
      `No call of this series has moved: shown as if the call of ${formatInZone(from, z)} moved a week on (a sample).`,
    );
    series = {
      ...series,
      calls: [...series.calls.filter((c) => c !== from), at].sort((a, b) => Date.parse(a) - Date.parse(b)),
      recurrence: { ...r, moved: [{ from, to: at }] },
    };
  }
  return { ...s, consultation: s.consultation.map((c, j) => (j === i ? series : c)) };
}

/**
 * What notice-data.ts loads for the notice; where the collaborative has no record yet (no
 * feedback written, no team owing metrics, no final report), a placeholder said so in `notes`.
 */
async function loaded(
  db: Db,
  doc: CollaborativeDoc,
  notice: CollaborativeNotice,
  sites: Map<string, SiteDoc>,
  now: number,
  notes: string[],
): Promise<PreparedNotice> {
  if (notice.kind === 'feedback') {
    try {
      return await noticeData(db, doc, notice, sites, now);
    } catch {
      notes.push('No feedback has been written yet: the text is a placeholder.');
      const by = doc.config.faculty[0]?.email ?? 'a faculty member';
      const siteName = sites.get(notice.siteId)?.name ?? notice.siteId;
      return {
        kind: 'feedback',
        notice,
        data: {
          siteName,
          feedbackBy: by,
          feedbackText: '(The feedback the faculty member writes appears here.)',
        },
      };
    }
  }
  const p = await noticeData(db, doc, notice, sites, now);
  if (p.kind === 'metrics-digest' && !p.data.digestRows.length && !p.data.failedEmails.length) {
    notes.push(
      'No team owes metrics now, so no digest would go out: the row shown is an example with the first site and period.',
    );
    const [first] = [...sites.values()];
    const period = currentSchedule(doc).periods[0]?.id ?? '';
    return { ...p, data: { ...p.data, digestRows: [[first?.name ?? '', period]] } };
  }
  if (p.kind === 'shared-digest' && !sharedAnything(p.data)) {
    notes.push('Nothing has been shared yet, so no digest would go out: the cycle shown is an example.');
    const [first] = [...sites.values()];
    const cycle = { siteId: first?.siteId ?? '', team: first?.name ?? '', n: 1, news: 'new' as const };
    const example = { ...cycle, change: '(the change a team tests)', measure: '(its measure)' };
    return { ...p, data: { ...p.data, cycles: [example] } };
  }
  if (p.kind === 'final-report' && !p.data.reportRows.length)
    notes.push('The final report is written when the collaborative ends: until then its rows are empty.');
  return p;
}
