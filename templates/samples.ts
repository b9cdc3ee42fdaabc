/**
 * Sample inputs for every email template: the announcement and one notice of each kind of
 * domain/notices.ts, rendered with realistic data — the collaborative of examples/collaborative.yaml
 * (parsed by parseLaunchConfig, with a metrics block added), the sites of examples/sites.csv and
 * the core team of examples/application.yaml. Used by `lc preview` and the template snapshot tests.
 *
 * SAMPLE_NOTICES is keyed by NoticeKind, so a new kind of notice does not compile until it has a
 * sample here (and with it a preview and a snapshot). Long because it holds a sample of each of
 * the ~25 templates' inputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseCommunityConfig, type CommunityConfig } from '../domain/community';
import { parseLaunchConfig, type LaunchConfig } from '../domain/config';
import {
  isCommunityNotice,
  type CollaborativeNotice,
  type CommunityNotice,
  type CommunityNoticeKind,
  type Notice,
  type NoticeKind,
} from '../domain/notices';
import { parseSitesFile, type Site } from '../domain/sites';
import { renderAnnouncement, type AnnouncementVars } from './announcement';
import {
  renderCommunityNotice,
  type CommunityLoadedData,
  type CommunityNoticeContext,
  type CommunityRecipientData,
  type PreparedCommunityNotice,
} from './community';
import {
  renderNotice,
  type LoadedData,
  type NoticeContext,
  type PreparedNotice,
  type Recipient,
  type RecipientData,
  type RenderedNotice,
} from './notices';

export type TemplateName = 'announcement' | NoticeKind;

const EXAMPLES = path.join(__dirname, '../examples');
const WEB = 'https://lc.network.example.org';
/** Real emails carry a signed token per person (security/links.ts); samples show its place. */
const APPLY_LINK = `${WEB}/apply/signed-token-for-the-pi`;
const TEAM_LINK = `${WEB}/team/signed-token-for-the-member`;

/** The measures of the sample collaborative (those of examples/metrics.yaml). */
export const SAMPLE_MEASURES = [
  { key: 'children_served', name: 'Children served', type: 'count', min: 0, max: 500 },
  { key: 'fidelity', name: 'Fidelity (%)', type: 'percentage', target: 80 },
  { key: 'cds_used', name: 'Core Data Set used', type: 'yesno', coreDataSet: true },
  { key: 'notes', name: 'Notes', type: 'text', required: false },
];

/** One notice of each kind, as the workflows ask for them. */
export const SAMPLE_NOTICES: { [K in NoticeKind]: Extract<Notice, { kind: K }> } = {
  'info-call-invite': { kind: 'info-call-invite', call: 0, sequence: 0 },
  'info-call-reminder': { kind: 'info-call-reminder', call: 1 },
  'applications-closing': { kind: 'applications-closing', siteIds: ['bayview', 'harbor'] },
  'application-received': { kind: 'application-received', siteId: 'bayview', version: 1 },
  'review-reminder': { kind: 'review-reminder', undecided: ['bayview', 'harbor', 'keystone'] },
  'decisions-overdue': { kind: 'decisions-overdue', undecided: ['harbor'] },
  decision: { kind: 'decision', siteId: 'bayview', decision: 'accept' },
  withdrawal: { kind: 'withdrawal', siteId: 'fairview', promoted: 'harbor' },
  'waitlist-update': { kind: 'waitlist-update', stage: 'sessions-begun', siteIds: ['harbor'] },
  prework: { kind: 'prework', siteId: 'bayview' },
  'prework-reminder': {
    kind: 'prework-reminder',
    siteId: 'bayview',
    n: 1,
    pending: ['commitment', 'baseline'],
  },
  'session-invite': { kind: 'session-invite', siteId: 'bayview', session: 0, sequence: 0 },
  'session-reminder': { kind: 'session-reminder', siteId: 'bayview', session: 1, daysBefore: 7 },
  'session-missed': { kind: 'session-missed', siteId: 'delta-youth', session: 1 },
  'consultation-invite': { kind: 'consultation-invite', series: 1, call: 2, siteIds: ['bayview'] },
  'consultation-reminder': { kind: 'consultation-reminder', series: 0, call: 1, siteIds: ['bayview'] },
  'consultation-series-invite': { kind: 'consultation-series-invite', series: 0, siteIds: ['bayview'] },
  'consultation-moved': { kind: 'consultation-moved', series: 0, moved: 0, siteIds: ['bayview'] },
  feedback: { kind: 'feedback', siteId: 'bayview', n: 1 },
  'schedule-change': {
    kind: 'schedule-change',
    milestone: 'learningSessions[1]',
    version: 1,
    siteIds: ['bayview'],
  },
  cancelled: {
    kind: 'cancelled',
    siteIds: ['bayview'],
    reason: 'the network lost its training grant',
    sessions: [
      { index: 1, sequence: 0 },
      { index: 2, sequence: 1 },
    ],
  },
  'metrics-reminder': {
    kind: 'metrics-reminder',
    siteId: 'bayview',
    rung: 2,
    period: '2027-07',
    missing: ['2027-06', '2027-07'],
  },
  'metrics-digest': { kind: 'metrics-digest', n: 3 },
  'storyboard-request': { kind: 'storyboard-request', session: 1, siteIds: ['bayview', 'harbor'] },
  'storyboard-reminder': { kind: 'storyboard-reminder', session: 1, siteIds: ['bayview'] },
  'shared-digest': {
    kind: 'shared-digest',
    n: 2,
    from: '2027-07-17T13:00:00.000Z',
    to: '2027-08-17T13:00:00.000Z',
    siteIds: ['bayview', 'harbor'],
  },
  'final-report': { kind: 'final-report' },
  'community-announcement': { kind: 'community-announcement', siteIds: ['bayview', 'harbor'] },
  'community-welcome': { kind: 'community-welcome', email: 'marcus.chen@bayview.example.org', membership: 1 },
  'community-meeting-invite': { kind: 'community-meeting-invite', meeting: 2, asOf: '2027-04-08T14:00:00Z' },
  'community-meeting-reminder': {
    kind: 'community-meeting-reminder',
    meeting: 1,
    asOf: '2027-04-06T17:00:00Z',
  },
  'community-meeting-summary': {
    kind: 'community-meeting-summary',
    meeting: 0,
    asOf: '2027-03-11T15:00:00Z',
  },
  'community-digest': { kind: 'community-digest', n: 1, asOf: '2027-03-29T14:00:00Z', shares: [4, 7] },
};

/** Who receives each template, and when: what `lc preview --list` shows. */
export const TEMPLATE_DESCRIPTIONS: Record<TemplateName, string> = {
  announcement: "to each site's PI: the collaborative is announced, with its timeline",
  'info-call-invite':
    'to each registrant of an informational call, when they register, with a calendar invite',
  'info-call-reminder': 'to its registrants: the day before an informational call',
  'applications-closing': 'to the PIs of sites that have not applied: applications close soon',
  'application-received': 'to the PI and the contact person: an application (or amendment) arrived',
  'review-reminder': 'to the faculty: applications still to decide before decisions are due',
  'decisions-overdue': 'to the coordinators: decisions are overdue',
  decision:
    'to the PI, the core team, the data manager and the contact person: accepted (with the timeline), waiting list or declined',
  'waitlist-update':
    'to the PI and the contact person of each waitlisted site: LS1 has begun (no automatic places now), then the list closes at the end',
  withdrawal:
    "to the team, the faculty and the coordinators: a withdrawal is confirmed, and each person's calendar entries still to come are cancelled",
  prework: 'to an accepted team (with its PI): the pre-work begins',
  'prework-reminder': 'to an accepted team (with its PI): pre-work items still open',
  'session-invite': 'to the team: a learning session, with a calendar invite',
  'session-reminder': 'to the team: a learning session is days away',
  'session-missed': 'to the faculty and coordinators: no one of a team attended a session',
  'consultation-invite': 'to the core teams: a consultation call, with a calendar invite',
  'consultation-reminder': 'to the core teams: the day before a consultation call',
  'consultation-series-invite':
    'to the core teams: a consultation series given by a rule, one calendar invite for all its calls',
  'consultation-moved': 'to the core teams: a week before a moved call of such a series, its updated entry',
  feedback: "to the team: a faculty member's feedback",
  'schedule-change': 'to those concerned: a milestone moved, with the updated timeline',
  cancelled: 'to everyone: the collaborative is cancelled',
  'metrics-reminder': 'to the data manager (then contact person, senior leader): metrics are due or overdue',
  'metrics-digest': 'to the faculty and coordinators: weekly, the teams still owing metrics',
  'storyboard-request':
    'to the core teams: three weeks before each learning session (not before the notification), share your storyboard',
  'storyboard-reminder':
    'to the core teams that have not shared a storyboard for the session: five days before it',
  'shared-digest':
    'to the core teams and the staff: monthly from LS1 and at the end, the PDSA cycles, storyboards and resources shared (none: not sent)',
  'final-report': 'to the faculty and coordinators: the final report, run charts and CSV',
  'community-announcement': "to each site's PI: a Learning Community invites the site's people to join",
  'community-welcome': 'to a new member of a community: welcome, with the next meetings',
  'community-meeting-invite':
    "to a community's members: a meeting, a week before (or on joining), with a calendar invite",
  'community-meeting-reminder': "to a community's members: the day before a meeting",
  'community-meeting-summary': "to a community's members: a facilitator's summary of a meeting",
  'community-digest': "to a community's members: what was shared since the last digest, by kind",
};

export const TEMPLATE_NAMES: TemplateName[] = [
  'announcement',
  ...(Object.keys(SAMPLE_NOTICES) as NoticeKind[]),
];

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as string[]).includes(name);
}

export type SampleInput =
  | { template: 'announcement'; vars: AnnouncementVars }
  | { template: CommunityNoticeKind; prepared: PreparedCommunityNotice; ctx: CommunityNoticeContext }
  | { template: Exclude<NoticeKind, CommunityNoticeKind>; prepared: PreparedNotice; ctx: NoticeContext };

/** Whatever a sample may fill in, of any kind (checked at render, as the loaders are by the compiler). */
type SampleData = RecipientData &
  Partial<
    LoadedData['review-reminder'] &
      LoadedData['decision'] &
      LoadedData['withdrawal'] &
      LoadedData['feedback'] &
      LoadedData['metrics-reminder'] &
      LoadedData['metrics-digest'] &
      LoadedData['shared-digest'] &
      LoadedData['final-report']
  >;

let cached: { config: LaunchConfig; sites: Map<string, Site> } | undefined;
let community: CommunityConfig | undefined;

/** The sample Learning Community: examples/community.yaml (read once). */
export function sampleCommunity(): CommunityConfig {
  community ??= parseCommunityConfig(
    YAML.parse(fs.readFileSync(path.join(EXAMPLES, 'community.yaml'), 'utf8')),
  );
  return community;
}

/** A community's notice to a member of Bayview (a PI, for the announcement), with what its template needs. */
function communitySample(notice: CommunityNotice, bayview: Site): SampleInput {
  const config = sampleCommunity();
  const [facilitator] = config.facilitators;
  const recipient: Recipient = {
    name: notice.kind === 'community-announcement' ? bayview.piName : 'Marcus Chen',
    email: notice.kind === 'community-announcement' ? bayview.piEmail : 'marcus.chen@bayview.example.org',
    timeZone: bayview.timeZone!,
  };
  const data: CommunityRecipientData &
    Partial<
      CommunityLoadedData['community-welcome'] &
        CommunityLoadedData['community-meeting-summary'] &
        CommunityLoadedData['community-digest']
    > = {};
  switch (notice.kind) {
    case 'community-announcement':
      data.siteName = bayview.name;
      data.joinUrl = `${WEB}/join/signed-token-for-the-pi`;
      break;
    case 'community-welcome':
      data.joinedAt = '2027-03-03T16:30:00Z';
      break;
    case 'community-meeting-summary':
      data.summaryText =
        'We mapped where students first meet trauma screening in each school. Two districts pilot a shared referral form next month; Harbor offered its training slides.';
      data.summaryBy = facilitator!.name;
      data.present = ['Marcus Chen', 'Dr. Ben Okafor', 'Priya Shah'];
      break;
    case 'community-digest':
      data.shares = [
        {
          n: 4,
          kind: 'barrier',
          title: 'Consent forms',
          text: 'Parents do not return the screening consent forms sent home with students.',
          by: 'Priya Shah',
        },
        {
          n: 5,
          kind: 'solution',
          title: 'Consent at enrolment',
          text: 'We ask for consent in the enrolment packet; returns went from 30% to 85%.',
          by: 'Dr. Ben Okafor',
        },
        {
          n: 6,
          kind: 'barrier',
          title: 'Substitute coverage',
          text: 'Teachers cannot leave class for the training without substitutes.',
          by: 'Marcus Chen',
        },
        {
          n: 7,
          kind: 'innovation',
          title: 'Ten-minute huddles',
          text: 'Weekly ten-minute staff huddles replace the monthly training hour.',
          by: 'Priya Shah',
        },
      ];
      break;
    default:
      break;
  }
  const prepared = { kind: notice.kind, notice, data } as PreparedCommunityNotice;
  return { template: notice.kind, prepared, ctx: { slug: config.slug, config, recipient } };
}

/** The sample collaborative and the network's sites (read once). */
export function sampleWorld(): { config: LaunchConfig; sites: Map<string, Site> } {
  if (cached) return cached;
  const raw = YAML.parse(fs.readFileSync(path.join(EXAMPLES, 'collaborative.yaml'), 'utf8'));
  raw.metrics = { dueDay: 10, graceDays: 3, measures: SAMPLE_MEASURES };
  const config = parseLaunchConfig(raw);
  const { sites, errors } = parseSitesFile(fs.readFileSync(path.join(EXAMPLES, 'sites.csv'), 'utf8'), 'csv');
  if (errors.length) throw new Error(`examples/sites.csv is invalid: ${JSON.stringify(errors)}`);
  cached = { config, sites: new Map(sites.map((s) => [s.siteId, s])) };
  return cached;
}

const SAMPLE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" role="img" aria-label="Fidelity (%) by month">' +
  '<polyline fill="none" stroke="#1f5f8b" stroke-width="2" points="10,90 60,80 110,70 160,60 210,52 260,45 310,40"/>' +
  '<line x1="10" x2="310" y1="65" y2="65" stroke="#999" stroke-dasharray="4 3"/>' +
  '</svg>';

/** The sample collaborative's schedule with its first series as coordinators write a rule. */
function ruleSeriesSchedule(): LaunchConfig['schedule'] {
  const raw = YAML.parse(fs.readFileSync(path.join(EXAMPLES, 'collaborative.yaml'), 'utf8'));
  raw.schedule.consultation[0] = {
    kind: 'all-collaborative',
    every: '2nd Tuesday 14:00',
    skip: ['2027-12-14'],
    move: [{ from: '2027-11-09', to: '2027-11-16' }],
    link: 'https://meet.example.org/tfcbt-all',
  };
  return parseLaunchConfig(raw).schedule;
}

/** A fresh (mutable) sample input for a template: tests change it to check what a template requires. */
export function sampleInput(name: TemplateName): SampleInput {
  const { config, sites } = sampleWorld();
  const site = (id: string) => sites.get(id)!;
  const bayview = site('bayview');
  const [faculty] = config.faculty;
  const [coordinator] = config.coordinators;
  if (name === 'announcement')
    return {
      template: 'announcement',
      vars: {
        config,
        siteName: bayview.name,
        piName: bayview.piName,
        timeZone: bayview.timeZone,
        applicationUrl: APPLY_LINK,
      },
    };

  const cloned = structuredClone(SAMPLE_NOTICES[name]) as Notice;
  if (isCommunityNotice(cloned)) return communitySample(cloned, bayview);
  const notice: CollaborativeNotice = cloned;
  const pi: Recipient = { name: bayview.piName, email: bayview.piEmail, timeZone: bayview.timeZone! };
  const coreTeamMember: Recipient = {
    name: 'Marcus Chen',
    email: 'marcus.chen@bayview.example.org',
    timeZone: bayview.timeZone!,
  };
  const dataManager: Recipient = {
    name: 'Lena Weiss',
    email: 'lena.weiss@bayview.example.org',
    timeZone: bayview.timeZone!,
  };
  const staff = (p: { name: string; email: string }): Recipient => ({ ...p, timeZone: config.timeZone });
  const siteName = 'siteId' in notice ? site(notice.siteId).name : undefined;
  const data: SampleData = { ...(siteName ? { siteName } : {}) };
  let recipient = pi;
  // The example's series are first + everyDays; a series invitation needs one given by a rule.
  const ruleSeries = notice.kind === 'consultation-series-invite' || notice.kind === 'consultation-moved';
  const schedule = ruleSeries ? ruleSeriesSchedule() : config.schedule;

  switch (notice.kind) {
    case 'applications-closing':
      data.siteName = bayview.name;
      data.applicationUrl = APPLY_LINK;
      break;
    case 'waitlist-update': {
      const harbor = site('harbor');
      data.siteName = harbor.name;
      recipient = {
        name: harbor.piName,
        email: harbor.piEmail,
        timeZone: harbor.timeZone ?? config.timeZone,
      };
      break;
    }
    case 'review-reminder':
    case 'decisions-overdue':
      data.undecidedNames = notice.undecided.map((id) => site(id).name);
      recipient = staff(notice.kind === 'review-reminder' ? faculty! : coordinator!);
      break;
    case 'decision':
      data.decisionNotes = 'A strong application; please bring your referral data to Learning Session 1.';
      data.preworkStart = schedule.prework;
      data.teamUrl = TEAM_LINK;
      break;
    case 'withdrawal':
      data.promotedSiteName = notice.promoted ? site(notice.promoted).name : undefined;
      recipient = staff(coordinator!);
      break;
    case 'prework':
    case 'prework-reminder':
      data.preworkUrl = TEAM_LINK;
      break;
    case 'session-invite':
    case 'session-reminder':
    case 'consultation-invite':
    case 'consultation-series-invite':
    case 'consultation-moved':
    case 'consultation-reminder':
      data.siteName = bayview.name;
      if (notice.kind.startsWith('session-')) data.teamUrl = TEAM_LINK;
      recipient = coreTeamMember;
      break;
    case 'session-missed':
      recipient = staff(faculty!);
      break;
    case 'feedback':
      data.feedbackText =
        'Good progress on the trauma narrative phase: two of your clinicians now complete it with fidelity above 85%. Next month, focus on caregiver sessions.';
      data.feedbackBy = faculty!.email;
      recipient = coreTeamMember;
      break;
    case 'schedule-change':
      data.siteName = bayview.name;
      break;
    case 'cancelled':
      data.siteName = bayview.name;
      data.teamMember = true; // on the team's roster: gets the cancellations of the sessions to come
      recipient = coreTeamMember;
      break;
    case 'metrics-reminder':
      data.missingMeasures = (config.metrics?.measures ?? []).filter((m) => m.required).map((m) => m.name);
      data.metricsUrl = `${TEAM_LINK}?period=${notice.missing[0]}`;
      recipient = dataManager;
      break;
    case 'metrics-digest':
      data.digestRows = [
        [site('bayview').name, '2027-06, 2027-07'],
        [site('harbor').name, '2027-07'],
        [site('keystone').name, '2027-05, 2027-06, 2027-07'],
      ];
      data.failedEmails = [
        ['data@keystone.example.org', '550 5.1.1 Recipient address rejected: User unknown'],
      ];
      recipient = staff(coordinator!);
      break;
    case 'storyboard-request':
    case 'storyboard-reminder':
      data.siteName = bayview.name;
      data.storyboardsUrl = `${TEAM_LINK}/storyboards`;
      recipient = coreTeamMember;
      break;
    case 'shared-digest':
      data.siteName = bayview.name;
      data.teamSiteId = 'bayview';
      data.teamUrl = TEAM_LINK;
      data.storyboardsUrl = `${TEAM_LINK}/storyboards`;
      data.cycles = [
        {
          siteId: 'bayview',
          team: bayview.name,
          n: 3,
          change: 'Caregiver session booked before the child leaves the first visit',
          measure: 'Fidelity (%)',
          decision: 'adopt',
          news: 'new',
        },
        {
          siteId: 'harbor',
          team: site('harbor').name,
          n: 1,
          change: 'Weekly 10-minute case huddle on the trauma narrative',
          measure: 'Fidelity (%)',
          decision: 'adapt',
          news: 'decided',
        },
      ];
      data.storyboards = [
        { siteId: 'harbor', team: site('harbor').name, session: 1, name: 'harbor-ls2.pdf', replaced: false },
      ];
      data.resources = [
        {
          title: 'Caregiver engagement tip sheet',
          kind: 'document',
          url: 'https://docs.example.org/tfcbt/caregiver-tips.pdf',
          session: 1,
        },
      ];
      recipient = coreTeamMember;
      break;
    case 'final-report':
      data.reportText = [
        '12 teams took part in the TF-CBT Learning Collaborative 2027; 11 completed it and 1 withdrew.',
        'Teams submitted 94% of the monthly metrics due, 81% of them on time.',
      ];
      data.reportRows = [
        [site('bayview').name, 'completed; 3/3 sessions; pre-work done; 10/10 periods submitted (9 on time)'],
        [
          site('cedar-hill').name,
          'completed; 3/3 sessions; pre-work done; 9/10 periods submitted (8 on time)',
        ],
        [site('fairview').name, 'withdrawn; 1/3 sessions; pre-work done; 3/10 periods submitted (2 on time)'],
      ];
      data.charts = [{ caption: 'Fidelity (%): All teams', svg: SAMPLE_SVG }];
      data.csv = [
        'siteId,period,children_served,fidelity,cds_used,notes',
        'bayview,2027-05,12,78,true,',
        'bayview,2027-06,14,83,true,booster training',
      ].join('\n');
      recipient = staff(faculty!);
      break;
    default:
      break;
  }
  const prepared = { kind: notice.kind, notice, data } as PreparedNotice;
  return { template: notice.kind, prepared, ctx: { slug: config.slug, config, schedule, recipient } };
}

/** Renders a sample input: throws, as the templates do, when a required value is missing. */
export function renderSampleInput(input: SampleInput): RenderedNotice {
  if (input.template === 'announcement') return renderAnnouncement(input.vars);
  return isCommunitySample(input)
    ? renderCommunityNotice(input.prepared, input.ctx)
    : renderNotice(input.prepared, input.ctx);
}

const isCommunitySample = (i: SampleInput): i is Extract<SampleInput, { template: CommunityNoticeKind }> =>
  i.template.startsWith('community-');

export function renderSample(name: TemplateName): RenderedNotice {
  return renderSampleInput(sampleInput(name));
}
