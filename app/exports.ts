/**
 * A collaborative's records as CSV files a coordinator opens in a spreadsheet: its applications,
 * decisions, teams, attendance, metrics compliance and metrics submissions. One function per
 * export, for the web's downloads and the CLI alike; each reads the system of record (MongoDB)
 * and writes through app/csv.ts (RFC 4180, UTF-8 with BOM, spreadsheet formulas neutralised).
 * Times are in the collaborative's zone, which each time column's header names.
 */
import type { Db } from 'mongodb';
import { COLLECTIONS } from '../store/db';
import type { TeamDoc } from '../store/lifecycle';
import type { SubmissionDoc } from '../store/metrics';
import { siteNames } from '../store/sites';
import { collaborativeRecord } from './collaborative';
import { COMPLIANCE_LABELS, complianceReport } from './compliance';
import { csvTime, toCsv, type CsvValue } from './csv';
import { OperationError } from './errors';
import { applicationsOf, type CollaborativeDoc } from './records';
import { checkSlug } from './validate';
import { currentSchedule } from '../store/collaboratives';

export const EXPORT_KINDS = [
  'applications',
  'decisions',
  'teams',
  'attendance',
  'compliance',
  'metrics',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_TITLES: Record<ExportKind, string> = {
  applications: 'applications',
  decisions: 'decisions',
  teams: 'teams',
  attendance: 'attendance',
  compliance: 'metrics compliance',
  metrics: 'metrics submissions',
};

export function isExportKind(kind: string): kind is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(kind);
}

/** Whether the collaborative has anything to put in this export (compliance and metrics need a metrics block). */
export function exportApplies(doc: Pick<CollaborativeDoc, 'config'>, kind: ExportKind): boolean {
  return kind === 'compliance' || kind === 'metrics' ? !!doc.config.metrics : true;
}

export interface CsvFile {
  /** `<slug>-<kind>.csv` */
  filename: string;
  /** The file's text, starting with the UTF-8 byte-order mark. */
  text: string;
  rows: number;
}

const file = (slug: string, kind: ExportKind, header: string[], rows: CsvValue[][]): CsvFile => ({
  filename: `${slug}-${kind}.csv`,
  text: toCsv(header, rows),
  rows: rows.length,
});

async function namesFor(db: Db, doc: CollaborativeDoc, more: string[] = []) {
  const ids = [...new Set([...(doc.announcedTo ?? []), ...more])];
  const names = await siteNames(db, ids);
  return (siteId: string) => names.get(siteId) ?? '';
}

const readFailure = (what: string, slug: string) => (err: Error) => {
  if (err instanceof OperationError) throw err;
  throw new OperationError(`cannot read the ${what} of "${slug}" from MongoDB (${err.message})`);
};

/** A collaborative's applications (latest versions), its zone, and its sites' names. */
async function applicationsNamed(db: Db, slug: string) {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  const apps = await applicationsOf(db, slug).catch(readFailure('applications', slug));
  const name = await namesFor(
    db,
    doc,
    apps.map((a) => a.siteId),
  );
  return { tz: doc.config.timeZone, apps, name };
}

/** One row per application (its latest version): the four criteria and the core team. */
export async function applicationsExport(db: Db, slug: string): Promise<CsvFile> {
  const { tz, apps, name } = await applicationsNamed(db, slug);
  return file(
    slug,
    'applications',
    [
      'siteId',
      'site',
      'version',
      `submitted (${tz})`,
      'submittedBy',
      'readiness',
      'commitCoreDataSet',
      'commitAllSessions',
      'coreTeam',
      'dataManager',
      'dataManagerEmail',
      'contactPerson',
      'contactEmail',
      'decision',
    ],
    apps.map((a) => [
      a.siteId,
      name(a.siteId),
      a.version,
      csvTime(a.submittedAt, tz),
      a.submittedBy,
      a.readiness,
      a.commitCoreDataSet,
      a.commitAllSessions,
      a.coreTeam.members.map((m) => `${m.name} (${m.role}, ${m.email})`).join('; '),
      a.coreTeam.dataManager.name,
      a.coreTeam.dataManager.email,
      a.coreTeam.contactPerson.name,
      a.coreTeam.contactPerson.email,
      a.decision?.decision ?? '',
    ]),
  );
}

/** One row per application: its decision (or `undecided`), who made it, when, and the notes sent with it. */
export async function decisionsExport(db: Db, slug: string): Promise<CsvFile> {
  const { tz, apps, name } = await applicationsNamed(db, slug);
  return file(
    slug,
    'decisions',
    ['siteId', 'site', 'decision', 'by', `decided (${tz})`, 'notes'],
    apps.map((a) => [
      a.siteId,
      name(a.siteId),
      a.decision?.decision ?? 'undecided',
      a.decision?.by ?? '',
      csvTime(a.decision?.decidedAt, tz),
      a.decision?.notes ?? '',
    ]),
  );
}

/** One row per team (accepted, completed, withdrawn or cancelled): its status, the pre-work it marked done. */
export async function teamsExport(db: Db, slug: string): Promise<CsvFile> {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  const tz = doc.config.timeZone;
  const [teams, prework] = await Promise.all([
    db
      .collection<TeamDoc>(COLLECTIONS.teams)
      .find({ collaborative: slug }, { projection: { _id: 0 } })
      .toArray(),
    db
      .collection<{ siteId: string; item: string }>(COLLECTIONS.prework)
      .find({ collaborative: slug }, { projection: { _id: 0, siteId: 1, item: 1 } })
      .toArray(),
  ]).catch(readFailure('teams', slug));
  teams.sort((a, b) => a.siteId.localeCompare(b.siteId));
  const name = await namesFor(
    db,
    doc,
    teams.map((t) => t.siteId),
  );
  const done = (siteId: string) =>
    prework
      .filter((p) => p.siteId === siteId)
      .map((p) => p.item)
      .sort()
      .join('; ');
  return file(
    slug,
    'teams',
    [
      'siteId',
      'site',
      'status',
      'promotedFromWaitlist',
      `joined (${tz})`,
      `updated (${tz})`,
      'reason',
      'preworkDone',
    ],
    teams.map((t) => [
      t.siteId,
      name(t.siteId),
      t.status,
      t.promoted,
      csvTime(t.joinedAt, tz),
      csvTime(t.updatedAt, tz),
      t.reason ?? '',
      done(t.siteId),
    ]),
  );
}

interface AttendanceDoc {
  siteId: string;
  session: number;
  email: string;
  present: boolean;
  recordedBy?: string;
  recordedAt?: Date;
}

/** One row per person and learning session recorded: present or absent, with the person's name from the application. */
export async function attendanceExport(db: Db, slug: string): Promise<CsvFile> {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  const tz = doc.config.timeZone;
  const sessions = currentSchedule(doc).learningSessions;
  const [rows, apps] = await Promise.all([
    db
      .collection<AttendanceDoc>(COLLECTIONS.attendance)
      .find({ collaborative: slug }, { projection: { _id: 0 } })
      .toArray(),
    applicationsOf(db, slug),
  ]).catch(readFailure('attendance', slug));
  rows.sort(
    (a, b) => a.siteId.localeCompare(b.siteId) || a.session - b.session || a.email.localeCompare(b.email),
  );
  const name = await namesFor(
    db,
    doc,
    rows.map((r) => r.siteId),
  );
  const people = new Map<string, string>();
  for (const a of apps)
    for (const p of [...a.coreTeam.members, a.coreTeam.dataManager, a.coreTeam.contactPerson])
      people.set(`${a.siteId} ${p.email}`, p.name);
  return file(
    slug,
    'attendance',
    [
      'siteId',
      'site',
      'session',
      `sessionStart (${tz})`,
      'email',
      'person',
      'present',
      'recordedBy',
      `recorded (${tz})`,
    ],
    rows.map((r) => [
      r.siteId,
      name(r.siteId),
      r.session + 1,
      csvTime(sessions[r.session]?.start, tz),
      r.email,
      people.get(`${r.siteId} ${r.email}`) ?? '',
      r.present,
      r.recordedBy ?? '',
      csvTime(r.recordedAt, tz),
    ]),
  );
}

/** The compliance matrix at `now`, one row per team × period (the CLI's `compliance --csv`, with the site's name). */
export async function complianceExport(db: Db, slug: string, now: number): Promise<CsvFile> {
  const r = await complianceReport(db, slug, now);
  const doc = await collaborativeRecord(db, slug);
  const name = await namesFor(
    db,
    doc,
    r.teams.map((t) => t.siteId),
  );
  return file(
    slug,
    'compliance',
    ['siteId', 'site', 'period', 'status', 'statusInWords'],
    r.teams.flatMap((t) =>
      t.cells.map((c, i) => [t.siteId, name(t.siteId), r.periods[i], c, COMPLIANCE_LABELS[c]]),
    ),
  );
}

/** One row per submission (team × period): who sent it, when, late or not, and one column per measure. */
export async function metricsExport(db: Db, slug: string): Promise<CsvFile> {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  const measures = doc.config.metrics?.measures;
  if (!measures)
    throw new OperationError(
      `lc/${slug} collects no metrics (its launch config has no metrics block)`,
      'input',
    );
  const tz = doc.config.timeZone;
  const subs = await db
    .collection<SubmissionDoc>(COLLECTIONS.metrics)
    .find({ collaborative: slug }, { projection: { _id: 0 } })
    .toArray()
    .catch(readFailure('metrics', slug));
  subs.sort((a, b) => a.siteId.localeCompare(b.siteId) || a.period.localeCompare(b.period));
  const name = await namesFor(
    db,
    doc,
    subs.map((s) => s.siteId),
  );
  return file(
    slug,
    'metrics',
    [
      'siteId',
      'site',
      'period',
      'submittedBy',
      `submitted (${tz})`,
      'late',
      'amendments',
      ...measures.map((m) => m.key),
    ],
    subs.map((s) => [
      s.siteId,
      name(s.siteId),
      s.period,
      s.by,
      csvTime(s.submittedAt, tz),
      s.late,
      s.amendments,
      ...measures.map((m) => s.values?.[m.key] ?? ''),
    ]),
  );
}

/** The export of that kind (see EXPORT_KINDS). */
export function collaborativeExport(db: Db, slug: string, kind: ExportKind, now: number): Promise<CsvFile> {
  switch (kind) {
    case 'applications':
      return applicationsExport(db, slug);
    case 'decisions':
      return decisionsExport(db, slug);
    case 'teams':
      return teamsExport(db, slug);
    case 'attendance':
      return attendanceExport(db, slug);
    case 'compliance':
      return complianceExport(db, slug, now);
    case 'metrics':
      return metricsExport(db, slug);
  }
}
