/**
 * The emails of a Learning Community, one function per notice kind, in the one layout every email
 * has (templates/layout.ts). Pure: given the notice and what the activity loaded for it, returns
 * subject, HTML, text and, for a meeting's invitation, the calendar event to attach.
 */
import type { CommunityConfig } from '../domain/community';
import type { ShareKind } from '../domain/inputs';
import type { CommunityNotice } from '../domain/notices';
import { communityMeetings, type Meeting } from '../domain/schedule';
import { letterTo, requireValues, type Recipient } from './layout';
import type { RenderedNotice } from './notices';

export interface SharedItem {
  n: number;
  kind: ShareKind;
  title: string;
  text: string;
  /** The member's name. */
  by: string;
}

/** What any community notice's template may read of its recipient. */
export interface CommunityRecipientData {
  /** The PI's organisation (the announcement), and where its people join (when there is a web app). */
  siteName?: string;
  joinUrl?: string;
}

/**
 * What each kind's template needs from the records, loaded by mail/notice-data.ts: the compiler
 * holds the loader and the template to the same fields.
 */
export interface CommunityLoadedData {
  /** When this membership began (the meetings from then on are listed). */
  'community-welcome': { joinedAt: string };
  /** The summary, its author's name, and who attended. */
  'community-meeting-summary': { summaryText: string; summaryBy: string; present: string[] };
  /** What was shared since the last digest. */
  'community-digest': { shares: SharedItem[] };
}

type CommunityKind = CommunityNotice['kind'];
export type CommunityNoticeData<K extends CommunityKind = CommunityKind> = CommunityRecipientData &
  (K extends keyof CommunityLoadedData ? CommunityLoadedData[K] : Record<never, never>);

/** A community notice with the data its template needs, kind by kind. */
export type PreparedCommunityNotice = {
  [K in CommunityKind]: {
    kind: K;
    notice: Extract<CommunityNotice, { kind: K }>;
    data: CommunityNoticeData<K>;
  };
}[CommunityKind];

/** The same notice with what its recipient reads (their organisation, their join link). */
export function withCommunityRecipient<P extends PreparedCommunityNotice>(
  p: P,
  more: CommunityRecipientData,
): P {
  return { ...p, data: { ...p.data, ...more } };
}

export interface CommunityNoticeContext {
  slug: string;
  config: Pick<
    CommunityConfig,
    | 'title'
    | 'topic'
    | 'description'
    | 'coordinators'
    | 'facilitators'
    | 'start'
    | 'end'
    | 'meetings'
    | 'digestEveryDays'
  >;
  recipient: Recipient;
}

const KINDS: { kind: ShareKind; heading: string }[] = [
  { kind: 'barrier', heading: 'Barriers' },
  { kind: 'solution', heading: 'Solutions' },
  { kind: 'innovation', heading: 'Innovations' },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Meeting 3 (in person)": meetings are numbered from 1 across every series, as people count them. */
export function meetingLabel(m: Meeting, index: number): string {
  return `Meeting ${index + 1} (${m.kind === 'in-person' ? 'in person' : 'remote'})`;
}

export function renderCommunityNotice(
  prepared: PreparedCommunityNotice,
  ctx: CommunityNoticeContext,
): RenderedNotice {
  const { config, recipient } = ctx;
  const { kind, notice: n, data } = prepared;
  const template = `notice ${n.kind}`;
  const { when, day, letter } = letterTo(template, recipient, {
    title: config.title,
    signer: config.coordinators[0]!,
  });
  const tz = recipient.timeZone;
  const meetings = communityMeetings(config.meetings);
  const place = (m: Meeting) =>
    m.kind === 'in-person' ? (m.venue ?? 'venue to be announced') : (m.link ?? 'online; the link follows');
  const meetingRows = (list: { m: Meeting; i: number }[]): [string, string][] =>
    list.map(({ m, i }) => [meetingLabel(m, i), `${when(m.start)} — ${place(m)}`]);
  const facilitators = `Facilitators: ${config.facilitators.map((f) => f.name).join(', ')}.`;
  const meeting = (i: number) => {
    const m = meetings[i];
    requireValues(template, { meeting: m?.start });
    return m!;
  };

  switch (kind) {
    case 'community-announcement': {
      requireValues(template, { siteName: data.siteName });
      const series = config.meetings.map((s): [string, string] => [
        `${s.kind === 'in-person' ? 'In person' : 'Remote'}, every ${plural(s.everyDays, 'day')}`,
        `from ${when(s.first)}${s.kind === 'in-person' ? ` — ${s.venue ?? 'venue to be announced'}` : ''}`,
      ]);
      return letter({
        subject: `Join the ${config.title}: a Learning Community on ${config.topic}`,
        paragraphs: [
          `We are starting a Learning Community on ${config.topic}, open to the people of ${data.siteName} and of the network's other organisations who share this interest.`,
          ...(config.description ? [config.description] : []),
          `From ${day(config.start)} to ${day(config.end)} its members meet face to face and remotely, and share the barriers they meet, the solutions they find and their innovations; every ${plural(config.digestEveryDays, 'day')} each member receives a digest of what was shared. There are no applications: anyone interested joins, and may leave at any time.`,
          facilitators,
          data.joinUrl
            ? `Please pass this invitation on to the people of ${data.siteName} who would like to take part.`
            : `Please pass this invitation on to the people of ${data.siteName} who would like to take part: to join, they write to ${config.coordinators[0]!.email} with their name, email address and organisation.`,
        ],
        table: {
          caption: `Meetings (${tz})`,
          rows: [['Starts', day(config.start)], ...series, ['Ends', day(config.end)]],
        },
        action: data.joinUrl ? { label: 'Join the community', url: data.joinUrl } : undefined,
      });
    }
    case 'community-welcome': {
      requireValues(template, { joinedAt: data.joinedAt });
      const next = meetings
        .map((m, i) => ({ m, i }))
        .filter(({ m }) => Date.parse(m.start) > Date.parse(data.joinedAt!))
        .slice(0, 5);
      return letter({
        subject: `Welcome to the ${config.title}`,
        paragraphs: [
          `Welcome to the ${config.title}, a Learning Community on ${config.topic}. Your membership began on ${day(data.joinedAt!)}.`,
          'A week before each meeting you receive an invitation with a calendar entry, and a reminder the day before.',
          `Share the barriers you meet, the solutions you find and your innovations with the other members at any time: every ${plural(config.digestEveryDays, 'day')} they all receive a digest of what was shared.`,
          facilitators,
          next.length ? 'Your next meetings are below.' : 'No meetings are left in this community.',
        ],
        table: next.length ? { caption: `Next meetings (${tz})`, rows: meetingRows(next) } : undefined,
      });
    }
    case 'community-meeting-invite':
    case 'community-meeting-reminder': {
      const m = meeting(n.meeting);
      const label = meetingLabel(m, n.meeting);
      const invite = n.kind === 'community-meeting-invite';
      const email = letter({
        subject: invite
          ? `Invitation: ${label}, ${day(m.start)} — ${config.title}`
          : `Reminder: ${label} tomorrow — ${config.title}`,
        paragraphs: [
          invite
            ? `You are invited to meeting ${n.meeting + 1} of the ${config.title}, ${m.kind === 'in-person' ? 'face to face' : 'online'}.`
            : `Meeting ${n.meeting + 1} of the ${config.title} is tomorrow.`,
          `When: ${when(m.start)} to ${when(m.end)}.`,
          m.kind === 'in-person' ? `Where: ${place(m)}.` : `Join: ${place(m)}`,
        ],
      });
      if (!invite) return email;
      const calendar = {
        id: `meeting-${n.meeting}`,
        sequence: 0,
        method: 'REQUEST' as const,
        start: m.start,
        end: m.end,
        summary: `${label}: ${config.title}`,
        location: m.venue ?? m.link,
        url: m.link,
      };
      return { ...email, calendar };
    }
    case 'community-meeting-summary': {
      const m = meeting(n.meeting);
      requireValues(template, { summary: data.summaryText, by: data.summaryBy });
      return letter({
        subject: `Summary of meeting ${n.meeting + 1} (${day(m.start)}) — ${config.title}`,
        paragraphs: [
          `${data.summaryBy} has written up meeting ${n.meeting + 1} of the ${config.title} (${when(m.start)}):`,
          data.summaryText!,
          data.present?.length
            ? `Present: ${data.present.join(', ')}.`
            : 'The attendance of this meeting was not recorded.',
        ],
      });
    }
    case 'community-digest': {
      const shares = data.shares ?? [];
      if (!shares.length) throw new Error(`template ${template}: nothing was shared`);
      const groups = KINDS.map((k) => ({ ...k, items: shares.filter((s) => s.kind === k.kind) })).filter(
        (g) => g.items.length,
      );
      return letter({
        subject: `Digest: ${plural(shares.length, 'new share')} (${groups.map((g) => plural(g.items.length, g.kind)).join(', ')}) — ${config.title}`,
        paragraphs: [`What the members of the ${config.title} have shared since the last digest:`],
        sections: groups.map((g) => ({
          heading: `${g.heading} (${g.items.length})`,
          items: g.items.map((s) => `${s.title}: ${s.text} (${s.by})`),
        })),
      });
    }
  }
}
