/**
 * The rehearsal: every email a collaborative will send, to whom and when, before it runs. It walks
 * the same agendas the workflows sleep through (domain/agenda.ts), asks the same recipient rules
 * (mail/recipients.ts) and renders the same templates (templates/), under one stated scenario in
 * which nothing goes wrong, so the list is exact for that scenario (test/workflows/rehearsal.test.ts
 * runs the scenario under time skipping and compares). `whatIf` rehearses a moved milestone and
 * says what differs.
 */
import type { Db } from 'mongodb';
import { parseLaunchConfig, type LaunchConfig } from '../domain/config';
import { collaborativeAgenda, isStale, teamAgenda, type AgendaItem } from '../domain/agenda';
import { ValidationError } from '../domain/errors';
import type { CoreTeam } from '../domain/inputs';
import { noticeKey, type CollaborativeNotice } from '../domain/notices';
import {
  milestoneDate,
  milestoneLabel,
  milestoneNames,
  moveMilestone,
  ms,
  plus,
  scheduleProblems,
  type Schedule,
} from '../domain/schedule';
import type { Site } from '../domain/sites';
import { toInstant } from '../domain/time';
import { dbSource, recipientsFrom, type Addressee } from '../mail/recipients';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { getSites, resolveSiteSelection } from '../store/sites';
import { renderAnnouncement } from '../templates/announcement';
import { renderNotice, type PreparedNotice } from '../templates/notices';
import type { TemplateName } from '../templates/samples';
import { CSV_BOM, csvTime, toCsv } from './csv';
import { collaborativeRecord, milestoneFromName } from './collaborative';
import { parseStructuredText } from './reading';
import { assumedCoreTeam, everyPiRegisters, standInRecipients } from './stand-in-recipients';

/** The scenario's inputs come this long after what makes them possible (a window opening, an email). */
export const SCENARIO_DELAY = 3_600_000;

/**
 * When the scenario's PIs register, its sites apply and the faculty decide: an hour into each
 * window, or halfway through one shorter than two hours (a compressed schedule), so each happens
 * while it is open.
 */
export function scenarioTimes(
  s: Pick<Schedule, 'informationalCalls' | 'applicationsOpen' | 'applicationsClose' | 'decisionsDue'>,
) {
  const into = (from: string, to: string) =>
    plus(from, Math.min(SCENARIO_DELAY, Math.floor((ms(to) - ms(from)) / 2)));
  return {
    /** When each PI registers for each call, after an announcement at `announcedAt` (none for a call before it). */
    registerAt: (announcedAt: string) =>
      s.informationalCalls.map((c) =>
        ms(c.start) > ms(announcedAt) ? into(announcedAt, c.start) : undefined,
      ),
    applyAt: into(s.applicationsOpen, s.applicationsClose),
    decideAt: into(s.applicationsClose, s.decisionsDue),
  };
}

/** What the rehearsal assumes, in words (shown on the page and in the CSV). */
export const SCENARIO = [
  'each announced site’s PI registers for every informational call 1 hour after the announcement (halfway to the call if sooner)',
  'every announced site applies 1 hour after applications open (halfway through a shorter window) and no site withdraws',
  'the faculty accept every application 1 hour after applications close (halfway to the decisions’ due date if sooner)',
  'each team finishes its pre-work 1 hour after the pre-work email',
  'each core team attends every learning session',
  'each team submits every period’s metrics 1 hour after the period starts',
  'every email is delivered and the schedule does not change',
  'people not yet named (core teams before they apply) are shown by role at example.invalid addresses',
];

export interface RehearsedEmail {
  /** When it goes out (UTC). */
  at: string;
  /** The same moment in the recipient's zone: "2027-03-04 09:00". */
  localTime: string;
  timeZone: string;
  email: string;
  name: string;
  /** PI, senior leader, supervisor, clinician, data manager, contact person, faculty, coordinator. */
  role: string;
  siteId?: string;
  siteName?: string;
  template: TemplateName;
  subject: string;
  /** The event as the outbox keys it (without slug and recipient): one per email and recipient. */
  event: string;
  /** A person the rehearsal assumes (not named until the site applies). */
  assumed?: boolean;
}

export interface Rehearsal {
  slug: string;
  title: string;
  scenario: string[];
  /** Sites of the config that the directory does not have (they would be skipped). */
  unknownSites: string[];
  emails: RehearsedEmail[];
}

export interface RehearsalOptions {
  /** When the collaborative starts (stands in for an announcement date the config leaves out). */
  launchedAt?: string;
  /** Core teams to use instead of the assumed ones, by site (a running collaborative's applications). */
  coreTeams?: Record<string, CoreTeam>;
  /** The schedule to rehearse instead of the config's (after reschedules, or a what-if). */
  schedule?: Schedule;
}

export { assumedCoreTeam } from './stand-in-recipients';

/** Parses the text of a config as the launch does (YAML or JSON). */
export function parseConfigText(text: string, what = 'the launch config'): LaunchConfig {
  if (!text.trim()) throw new ValidationError(what, ['config: paste the config or choose its file']);
  return parseLaunchConfig(parseStructuredText(text, what));
}

/** The rehearsal of a config (parsed, or its text) against the network directory. */
export async function rehearse(
  db: Db,
  input: LaunchConfig | string,
  o: RehearsalOptions = {},
): Promise<Rehearsal> {
  const config = typeof input === 'string' ? parseConfigText(input) : input;
  const { siteIds, unknown } = await resolveSiteSelection(db, config.sites);
  const sites = await getSites(db, siteIds);
  return rehearseWith(config, sites, unknown, o);
}

/** The rehearsal over given sites (in the directory's order of the selection). */
export async function rehearseWith(
  config: LaunchConfig,
  sites: Site[],
  unknownSites: string[],
  o: RehearsalOptions = {},
): Promise<Rehearsal> {
  const s = o.schedule ?? config.schedule;
  const launchedAt = o.launchedAt ?? new Date().toISOString();
  const siteIds = sites.map((x) => x.siteId);
  const site = new Map(sites.map((x) => [x.siteId, x]));
  const teamOf = (id: string) => o.coreTeams?.[id] ?? assumedCoreTeam(id);
  // The scenario: every PI registers for every call.
  const source = standInRecipients({ sites, coreTeams: teamOf, registrants: everyPiRegisters(sites) });
  const doc = { slug: config.slug, config: { ...config, schedule: s }, announcedTo: siteIds };
  const events: { at: string; notice: CollaborativeNotice | 'announcement'; event?: string }[] = [];
  const add = (at: string, notice: CollaborativeNotice | 'announcement', event?: string) =>
    events.push({ at, notice, event });
  const live = <T extends AgendaItem>(items: T[]) => items.filter((i) => !isStale(i, ms(i.at)));

  // What `patched()` gives a collaborative launched now (workflows/collaborative/index.ts, team.ts).
  const options = {
    remindersAfterInvitation: true,
    seriesInvites: true,
    storyboardRequests: true,
    sharedDigest: { timeZone: config.timeZone },
  };
  const ladder = config.metrics?.ladder;
  const { registerAt, applyAt, decideAt } = scenarioTimes(s);
  const notifyAt = ms(decideAt) > ms(s.decisionsDue) ? decideAt : s.decisionsDue;
  let reportSent = false;
  for (const item of live(collaborativeAgenda(s, launchedAt, ladder, options))) {
    const before = (t: string) => ms(item.at) < ms(t);
    switch (item.kind) {
      case 'announce':
        add(item.at, 'announcement');
        // Each registrant's invitation goes out when they register (app/call-registration.ts).
        registerAt(item.at).forEach((at, call) => {
          if (at) add(at, { kind: 'info-call-invite', call, sequence: 0 }, `info-call-invite:${call}`);
        });
        // Each site applies in the window (which opens after the announcement): "received" to its PI and contact.
        for (const siteId of siteIds) add(applyAt, { kind: 'application-received', siteId, version: 1 });
        break;
      case 'info-call-reminder':
        add(item.at, { kind: 'info-call-reminder', call: item.index! });
        break;
      case 'applications-closing':
        if (before(applyAt)) add(item.at, { kind: 'applications-closing', siteIds });
        break;
      case 'review-reminder':
        if (before(decideAt)) add(item.at, { kind: 'review-reminder', undecided: siteIds });
        break;
      case 'decisions-due':
        if (before(decideAt)) add(item.at, { kind: 'decisions-overdue', undecided: siteIds });
        break;
      case 'notify':
        for (const siteId of [...siteIds].sort())
          add(notifyAt, { kind: 'decision', siteId, decision: 'accept' });
        for (const siteId of siteIds) teamEmails(siteId);
        break;
      case 'consultation-invite':
      case 'consultation-reminder':
        if (siteIds.length && !before(notifyAt))
          add(item.at, { kind: item.kind, series: item.series!, call: item.index!, siteIds });
        break;
      case 'consultation-series-invite':
        if (siteIds.length && !before(notifyAt))
          add(item.at, { kind: item.kind, series: item.series!, siteIds });
        break;
      case 'consultation-moved':
        if (siteIds.length && !before(notifyAt))
          add(item.at, { kind: item.kind, series: item.series!, moved: item.index!, siteIds });
        break;
      case 'storyboard-request':
      case 'storyboard-reminder': // the scenario shares no storyboard: every team is reminded
        if (siteIds.length && !before(notifyAt))
          add(item.at, { kind: item.kind, session: item.index!, siteIds });
        break;
      case 'metrics-complete':
        if (siteIds.length && !reportSent) {
          add(item.at, { kind: 'final-report' });
          reportSent = true;
        }
        break;
      case 'end':
        if (!reportSent) add(item.at, { kind: 'final-report' });
        break;
      default: // opening and closing the window, the digests (nothing missing, nothing shared): no email
        break;
    }
  }

  /** A team's own emails: pre-work, and each session's invitation and reminders. */
  function teamEmails(siteId: string) {
    for (const item of live(teamAgenda(s, notifyAt, ladder, options)))
      if (item.kind === 'prework') add(item.at, { kind: 'prework', siteId });
      else if (item.kind === 'session-invite')
        add(item.at, { kind: 'session-invite', siteId, session: item.index!, sequence: 0 });
      else if (item.kind === 'session-reminder')
        add(item.at, { kind: 'session-reminder', siteId, session: item.index!, daysBefore: item.series! });
    // Pre-work reminders, missed sessions and the metrics ladder: none, the team being on time.
  }

  const roles = rolesOf(config, sites, teamOf);
  const emails: RehearsedEmail[] = [];
  for (const e of events) {
    if (e.notice === 'announcement') {
      for (const x of sites) {
        const r = renderAnnouncement({ config, siteName: x.name, piName: x.piName, timeZone: x.timeZone });
        const to = { name: x.piName, email: x.piEmail, siteId: x.siteId, timeZone: x.timeZone ?? '' };
        emails.push(
          row(
            e.at,
            { ...to, timeZone: to.timeZone || config.timeZone },
            'announcement',
            r.subject,
            `announcement:${x.siteId}`,
          ),
        );
      }
      continue;
    }
    const notice = e.notice;
    for (const to of await recipientsFrom(source, doc, notice)) {
      const siteId = 'siteId' in notice ? notice.siteId : to.siteId;
      const prepared = {
        kind: notice.kind,
        notice,
        data: {
          siteName: siteId ? site.get(siteId)?.name : undefined,
          undecidedNames: siteIds.map((id) => site.get(id)!.name),
          preworkStart: s.prework ?? s.decisionsDue,
          reportRows: [],
          reportText: [],
          charts: [],
          teamMember: to.member,
          pi: to.pi,
          registrant: to.registrant,
        },
      } as PreparedNotice;
      const r = renderNotice(prepared, {
        slug: config.slug,
        config,
        schedule: s,
        recipient: to,
      });
      emails.push(row(e.at, to, notice.kind, r.subject, e.event ?? noticeKey(notice)));
    }
  }

  function row(
    at: string,
    to: Addressee,
    template: TemplateName,
    subject: string,
    event: string,
  ): RehearsedEmail {
    const x = to.siteId ? site.get(to.siteId) : undefined;
    return {
      at: new Date(ms(at)).toISOString(),
      localTime: csvTime(at, to.timeZone),
      timeZone: to.timeZone,
      email: to.email,
      name: to.name,
      role: roles.get(`${to.siteId ?? ''}|${to.email}`) ?? roles.get(`|${to.email}`) ?? '',
      ...(x ? { siteId: x.siteId, siteName: x.name } : {}),
      template,
      subject,
      event,
      ...(to.email.endsWith('.example.invalid') ? { assumed: true } : {}),
    };
  }

  // Stable: emails of one moment keep the order the workflows ask for them in.
  emails.sort((a, b) => ms(a.at) - ms(b.at));
  return { slug: config.slug, title: config.title, scenario: SCENARIO, unknownSites, emails };
}

/** Each person's roles, by `<siteId>|<email>` (staff under an empty site id). */
function rolesOf(config: LaunchConfig, sites: Site[], teamOf: (id: string) => CoreTeam): Map<string, string> {
  const out = new Map<string, string[]>();
  const put = (siteId: string, email: string, role: string) => {
    const list = out.get(`${siteId}|${email}`) ?? [];
    if (!list.includes(role)) list.push(role);
    out.set(`${siteId}|${email}`, list);
  };
  for (const f of config.faculty) put('', f.email, 'faculty');
  for (const c of config.coordinators) put('', c.email, 'coordinator');
  for (const x of sites) {
    put(x.siteId, x.piEmail, 'PI');
    const t = teamOf(x.siteId);
    for (const m of t.members) put(x.siteId, m.email, m.role.replace(/-/g, ' '));
    put(x.siteId, t.dataManager.email, 'data manager');
    put(x.siteId, t.contactPerson.email, 'contact person');
  }
  return new Map([...out].map(([k, v]) => [k, v.join(', ')]));
}

// ---- the CSV -----------------------------------------------------------------------------------

export const REHEARSAL_CSV_HEADER = [
  'at (UTC)',
  'local time',
  'time zone',
  'recipient',
  'name',
  'role',
  'site',
  'site name',
  'template',
  'subject',
  'event',
  'assumed person',
];

/**
 * The rehearsal as a spreadsheet: a first line `# scenario: …` (csv-parse's `comment: '#'` skips
 * it; a spreadsheet shows it as a note above the header), then one row per email.
 */
export function rehearsalCsv(r: Rehearsal): string {
  const rows = r.emails.map((e) => [
    e.at.replace(/\.000Z$/, 'Z'),
    e.localTime,
    e.timeZone,
    e.email,
    e.name,
    e.role,
    e.siteId,
    e.siteName,
    e.template,
    e.subject,
    e.event,
    !!e.assumed,
  ]);
  // The scenario's sentences hold no comma or quote, so the note is one cell as it stands.
  const note = `# scenario: ${r.scenario.join('; ').replace(/[",\r\n]/g, ' ')}\r\n`;
  return `${CSV_BOM}${note}${toCsv(REHEARSAL_CSV_HEADER, rows, { bom: false })}`;
}

// ---- what if a milestone moves -----------------------------------------------------------------

export interface RehearsalChange {
  change: 'added' | 'removed' | 'moved';
  before?: RehearsedEmail;
  after?: RehearsedEmail;
}

export interface WhatIf {
  milestone: string;
  at: string;
  /** Told of the change when it is made (the schedule-change email). */
  toldNow: RehearsedEmail[];
  /** The emails still to come that the change adds, removes or moves, in time order. */
  changes: RehearsalChange[];
}

/** What differs between two rehearsals, from `from` on: emails added, removed or moved (same event and person). */
export function diffRehearsals(before: Rehearsal, after: Rehearsal, from: number): RehearsalChange[] {
  const key = (e: RehearsedEmail) => `${e.event}|${e.email}`;
  const ahead = (r: Rehearsal) => new Map(r.emails.filter((e) => ms(e.at) > from).map((e) => [key(e), e]));
  const a = ahead(before);
  const b = ahead(after);
  const out: RehearsalChange[] = [];
  for (const [k, e] of a) {
    const next = b.get(k);
    if (!next) out.push({ change: 'removed', before: e });
    else if (next.at !== e.at) out.push({ change: 'moved', before: e, after: next });
  }
  for (const [k, e] of b) if (!a.has(k)) out.push({ change: 'added', after: e });
  const when = (c: RehearsalChange) => ms((c.after ?? c.before)!.at);
  return out.sort((x, y) => when(x) - when(y));
}

/** A running collaborative's rehearsal: its current schedule, its recorded applications where there are some. */
export async function rehearseRunning(db: Db, slug: string): Promise<Rehearsal> {
  const doc = await collaborativeRecord(db, slug);
  const { sites, coreTeams } = await runningWorld(db, doc);
  return rehearseWith(doc.config, sites, [], {
    launchedAt: doc.createdAt.toISOString(),
    coreTeams,
    schedule: currentSchedule(doc),
  });
}

/** The milestones a what-if may move (those still ahead), with their labels and dates. */
export async function whatIfChoices(
  db: Db,
  slug: string,
  now = Date.now(),
): Promise<{ name: string; label: string; at: string }[]> {
  const s = currentSchedule(await collaborativeRecord(db, slug));
  return milestoneNames(s)
    .map((name) => ({ name, label: milestoneLabel(name), at: milestoneDate(s, name)! }))
    .filter((m) => ms(m.at) > now);
}

async function runningWorld(db: Db, doc: CollaborativeDoc) {
  const siteIds = doc.announcedTo ?? (await resolveSiteSelection(db, doc.config.sites)).siteIds;
  const sites = await getSites(db, siteIds);
  return { sites, coreTeams: await recordedCoreTeams(db, doc.slug, siteIds) };
}

/**
 * "If this milestone moves to this date, who is told what", for a running collaborative: its
 * current schedule rehearsed with and without the move (its recorded applications where there
 * are some), and the schedule-change email the move sends now.
 */
export async function whatIf(
  db: Db,
  slug: string,
  request: { milestone?: unknown; date?: unknown },
  now = Date.now(),
): Promise<WhatIf> {
  const doc = await collaborativeRecord(db, slug);
  const s = currentSchedule(doc);
  const tz = doc.config.timeZone;
  const problems: string[] = [];
  const milestone = milestoneFromName(String(request.milestone ?? '').trim());
  if (!milestoneNames(s).includes(milestone as never))
    problems.push(`milestone: choose one of: ${milestoneNames(s).join(', ')}`);
  const date = String(request.date ?? '').trim();
  const at = toInstant(date, tz);
  if (!at)
    problems.push(`date: "${date}" is not a date; write 2027-05-20 (09:00) or 2027-05-20T09:30 (in ${tz})`);
  else if (ms(at) <= now) problems.push('date: the new date has passed');
  if (problems.length) throw new ValidationError('the what-if', problems);
  const moved = moveMilestone(s, milestone, new Date(ms(at!)).toISOString());
  const held = scheduleProblems(moved, {
    learningSessionCount: doc.config.learningSessionCount,
    strictSpan: doc.config.scheduleChecks === 'strict',
  });
  if (held.length)
    throw new ValidationError('the what-if', [
      `date: the new schedule does not hold: ${held.map((p) => p.message).join('; ')}`,
    ]);

  const { sites, coreTeams } = await runningWorld(db, doc);
  const o = { launchedAt: doc.createdAt.toISOString(), coreTeams };
  const before = await rehearseWith(doc.config, sites, [], { ...o, schedule: s });
  const after = await rehearseWith(doc.config, sites, [], { ...o, schedule: moved });
  const toldNow = await toldOfChange(db, doc, sites, coreTeams, milestone, moved, now);
  return {
    milestone,
    at: new Date(ms(at!)).toISOString(),
    toldNow,
    changes: diffRehearsals(before, after, now),
  };
}

/** The schedule-change email's recipients and subject, as the reschedule would send it now. */
async function toldOfChange(
  db: Db,
  doc: CollaborativeDoc,
  sites: Site[],
  coreTeams: Record<string, CoreTeam>,
  milestone: string,
  moved: Schedule,
  now: number,
): Promise<RehearsedEmail[]> {
  const site = new Map(sites.map((x) => [x.siteId, x]));
  // A moved call goes to every PI and to its registrants as recorded (only they hold its entry).
  const source = standInRecipients({
    sites,
    coreTeams: (id) => coreTeams[id],
    registrants: (slug, call) => dbSource(db).registrants(slug, call),
  });
  const notice: CollaborativeNotice = {
    kind: 'schedule-change',
    milestone,
    version: (doc.scheduleVersion ?? 0) + 1,
    siteIds: sites.map((x) => x.siteId),
  };
  const roles = rolesOf(doc.config, sites, (id) => coreTeams[id] ?? assumedCoreTeam(id));
  const out: RehearsedEmail[] = [];
  for (const to of await recipientsFrom(source, { ...doc, announcedTo: notice.siteIds }, notice)) {
    const rendered = renderNotice(
      {
        kind: 'schedule-change',
        notice,
        data: { teamMember: to.member, pi: to.pi, registrant: to.registrant },
      } as PreparedNotice,
      { slug: doc.slug, config: doc.config, schedule: moved, recipient: to },
    );
    const x = to.siteId ? site.get(to.siteId) : undefined;
    out.push({
      at: new Date(now).toISOString(),
      localTime: csvTime(new Date(now), to.timeZone),
      timeZone: to.timeZone,
      email: to.email,
      name: to.name,
      role: roles.get(`${to.siteId ?? ''}|${to.email}`) ?? roles.get(`|${to.email}`) ?? '',
      ...(x ? { siteId: x.siteId, siteName: x.name } : {}),
      template: 'schedule-change',
      subject: rendered.subject,
      event: noticeKey(notice),
    });
  }
  return out;
}

/** The core teams of the applications recorded so far. */
async function recordedCoreTeams(db: Db, slug: string, siteIds: string[]): Promise<Record<string, CoreTeam>> {
  const apps = await dbSource(db).applications(slug, siteIds);
  return Object.fromEntries(apps.map((a) => [a.siteId, a.coreTeam]));
}
