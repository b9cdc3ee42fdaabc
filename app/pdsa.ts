/**
 * The use cases of what teams share: a team logs and edits its PDSA cycles; faculty read every
 * team's and answer them (the answer is emailed to the team's people, once per answer and person,
 * through the outbox); faculty and coordinators keep the resource library.
 *
 * None of this is the workflow's: cycles, answers and resources change nothing the workflow decides,
 * so they are records written here, and the answer's email is sent from here (as the sign-in
 * email is) under the answer's business key.
 */
import type { Db } from 'mongodb';
import {
  cycleOpen,
  measureProblems,
  pdsaAnswerSchema,
  pdsaCycleSchema,
  resourceSchema,
  sessionProblems,
} from '../domain/pdsa';
import type { Outbox } from '../mail/outbox';
import { dbSource, dedupe, teams } from '../mail/recipients';
import { personalLink, type LinkMaker } from '../security/links';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import {
  deleteResource,
  getCycle,
  insertAnswer,
  insertCycle,
  insertResource,
  listAnswers,
  listCycles,
  listResources,
  updateOpenCycle,
  type PdsaAnswerDoc,
  type PdsaCycleDoc,
  type ResourceDoc,
} from '../store/pdsa';
import { getSites } from '../store/sites';
import { renderPdsaAnswer } from '../templates/pdsa';
import { OperationError } from './errors';
import { validate } from './validate';
import { windowsOf } from './windows';

export type { PdsaAnswerDoc, PdsaCycleDoc, ResourceDoc } from '../store/pdsa';

/** Without the fields left blank: the driver would store them as null, which `$exists` sees. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const measureKeys = (doc: CollaborativeDoc) => (doc.config.metrics?.measures ?? []).map((m) => m.key);
const measureName = (doc: CollaborativeDoc, key: string) =>
  doc.config.metrics?.measures.find((m) => m.key === key)?.name ?? key;

/** Teams log and edit cycles until the collaborative ends or is cancelled; the records stay to read. */
function refuseWhenOver(doc: CollaborativeDoc, at: Date): void {
  const over = windowsOf(doc, doc.phase, at.getTime()).over;
  if (over)
    throw new OperationError(
      `the collaborative has ${over === 'cancelled' ? 'been cancelled' : 'ended'}: cycles can no longer be logged or edited`,
      'refused',
    );
}

function checkedCycle(doc: CollaborativeDoc, input: Record<string, unknown>, by: string) {
  const measure = typeof input.measure === 'string' ? input.measure.trim() : '';
  return validate(
    pdsaCycleSchema,
    { ...input, by },
    'the PDSA cycle',
    measure ? measureProblems(measure, measureKeys(doc)) : [],
  );
}

/** A cycle with the faculty's answers to it. */
export interface CycleView extends PdsaCycleDoc {
  answers: PdsaAnswerDoc[];
  siteName: string;
  measureName: string;
}

/** A collaborative's cycles with their answers, one team's or one measure's when asked. */
export async function pdsaCycles(
  db: Db,
  doc: CollaborativeDoc,
  filter: { siteId?: string; measure?: string } = {},
): Promise<CycleView[]> {
  const [cycles, answers] = await Promise.all([
    listCycles(db, doc.slug, filter.siteId || undefined),
    listAnswers(db, doc.slug, filter.siteId || undefined),
  ]);
  const shown = cycles.filter((c) => !filter.measure || c.measure === filter.measure);
  const names = new Map(
    (await getSites(db, [...new Set(shown.map((c) => c.siteId))])).map((s) => [s.siteId, s.name]),
  );
  return shown.map((c) => ({
    ...c,
    answers: answers.filter((a) => a.siteId === c.siteId && a.cycle === c.n),
    siteName: names.get(c.siteId) ?? c.siteId,
    measureName: measureName(doc, c.measure),
  }));
}

/** The faculty's board: the cycles the filter keeps, and every team that logged one (for the filter). */
export async function pdsaBoard(
  db: Db,
  doc: CollaborativeDoc,
  filter: { siteId?: string; measure?: string },
): Promise<{ cycles: CycleView[]; teams: { siteId: string; name: string }[] }> {
  const all = await pdsaCycles(db, doc);
  const teams = [...new Map(all.map((c) => [c.siteId, { siteId: c.siteId, name: c.siteName }])).values()];
  const cycles = all.filter(
    (c) =>
      (!filter.siteId || c.siteId === filter.siteId) && (!filter.measure || c.measure === filter.measure),
  );
  return { cycles, teams };
}

/**
 * A team logs a new cycle. `request` names the form post (its one-time field): the same post
 * sent twice (a double click) logs one cycle.
 */
export async function logPdsaCycle(
  db: Db,
  doc: CollaborativeDoc,
  siteId: string,
  input: Record<string, unknown>,
  by: string,
  at: Date,
  request?: string,
): Promise<PdsaCycleDoc> {
  refuseWhenOver(doc, at);
  const c = checkedCycle(doc, input, by);
  const mine = await listCycles(db, doc.slug, siteId);
  const again = request && mine.find((x) => x.request === request);
  if (again) return again;
  return insertCycle(
    db,
    doc.slug,
    siteId,
    { ...defined(c), createdAt: at, updatedAt: at, updatedBy: by, ...(request ? { request } : {}) },
    Math.max(0, ...mine.map((x) => x.n)) + 1,
  );
}

/** A team edits one of its cycles while it is open (no decision yet). */
export async function editPdsaCycle(
  db: Db,
  doc: CollaborativeDoc,
  siteId: string,
  n: number,
  input: Record<string, unknown>,
  by: string,
  at: Date,
): Promise<PdsaCycleDoc> {
  refuseWhenOver(doc, at);
  const existing = await getCycle(db, doc.slug, siteId, n);
  if (!existing) throw new OperationError(`there is no PDSA cycle ${n} of this team`, 'not-found');
  if (!cycleOpen(existing))
    throw new OperationError(
      `PDSA cycle ${n} is closed (the team decided to ${existing.decision} the change); log a new cycle instead`,
      'conflict',
    );
  const c = checkedCycle(doc, input, existing.by);
  const { by: _first, ...fields } = c;
  void _first;
  const unset = (['observed', 'learned', 'decision'] as const).filter((k) => fields[k] === undefined);
  const ok = await updateOpenCycle(
    db,
    doc.slug,
    siteId,
    n,
    { ...defined(fields), updatedAt: at, updatedBy: by },
    unset,
  );
  if (!ok) throw new OperationError(`PDSA cycle ${n} was closed meanwhile; reload the page`, 'conflict');
  return (await getCycle(db, doc.slug, siteId, n))!;
}

/** How the emails of one answer went: one per person of the team. */
export interface AnswerOutcome {
  answer: PdsaAnswerDoc;
  sent: number;
  alreadySent: number;
  failed: number;
  /** People whose email could not be sent now (a temporary fault of the mail server). */
  notYet: string[];
}

/** The email key of an answer for one person: the answer's business key, then the address. */
export const answerEmailKey = (a: PdsaAnswerDoc, email: string) =>
  `${a.collaborative}:pdsa-answer:${a.siteId}:${a.cycle}:${a.n}:${email}`;

/**
 * A faculty member answers a team's cycle: the answer is recorded, then emailed to the team's
 * people (the PI, core team, data manager, contact person) through the outbox, each once.
 */
export async function answerPdsaCycle(
  db: Db,
  mail: { outbox: Outbox; links?: LinkMaker },
  doc: CollaborativeDoc,
  siteId: string,
  n: number,
  input: Record<string, unknown>,
  by: string,
  at: Date,
): Promise<AnswerOutcome> {
  const a = validate(pdsaAnswerSchema, { ...input, by }, 'the answer');
  const cycle = await getCycle(db, doc.slug, siteId, n);
  if (!cycle) throw new OperationError(`there is no PDSA cycle ${n} of this team`, 'not-found');
  const previous = (await listAnswers(db, doc.slug, siteId)).filter((x) => x.cycle === n);
  const answer = await insertAnswer(
    db,
    doc.slug,
    siteId,
    n,
    { text: a.text, by: a.by, at },
    Math.max(0, ...previous.map((x) => x.n)) + 1,
  );
  return { answer, ...(await emailAnswer(db, mail, doc, cycle, answer)) };
}

/** Sends (or, for those sent before, skips) one answer's emails. */
export async function emailAnswer(
  db: Db,
  mail: { outbox: Outbox; links?: LinkMaker },
  doc: CollaborativeDoc,
  cycle: PdsaCycleDoc,
  answer: PdsaAnswerDoc,
): Promise<Omit<AnswerOutcome, 'answer'>> {
  const people = dedupe(await teams(dbSource(db), doc, [cycle.siteId], true));
  const siteName = (await getSites(db, [cycle.siteId]))[0]?.name ?? cycle.siteId;
  const faculty = doc.config.faculty.find((f) => f.email === answer.by);
  const out = { sent: 0, alreadySent: 0, failed: 0, notYet: [] as string[] };
  for (const p of people) {
    const rendered = renderPdsaAnswer(p, {
      title: doc.config.title,
      signer: faculty ?? doc.config.coordinators[0]!,
      siteName,
      cycle: cycle.n,
      change: cycle.change,
      measure: measureName(doc, cycle.measure),
      answer: answer.text,
      answeredBy: faculty ? `${faculty.name} (${faculty.email})` : answer.by,
      teamUrl: mail.links
        ? personalLink(
            mail.links,
            'team',
            { email: p.email, slug: doc.slug, siteId: cycle.siteId },
            answer.at.getTime(),
            '#pdsa',
          )
        : undefined,
    });
    try {
      const r = await mail.outbox.deliver({
        key: answerEmailKey(answer, p.email),
        collaborative: doc.slug,
        purpose: 'pdsa-answer',
        template: 'pdsa-answer',
        to: p.email,
        toName: p.name,
        replyTo: answer.by,
        ...rendered,
      });
      if (r === 'sent') out.sent++;
      else if (r === 'already-sent') out.alreadySent++;
      else out.failed++;
    } catch {
      out.notYet.push(p.email);
    }
  }
  return out;
}

// ---- the resource library ------------------------------------------------------------------------

export const pdsaResources = (db: Db, slug: string): Promise<ResourceDoc[]> => listResources(db, slug);

export async function addResource(
  db: Db,
  doc: CollaborativeDoc,
  input: Record<string, unknown>,
  by: string,
  at: Date,
): Promise<ResourceDoc> {
  const raw = input.session;
  const session = raw === undefined || raw === '' ? '' : /^\d+$/.test(String(raw)) ? Number(raw) : raw;
  const sessions = currentSchedule(doc).learningSessions.length;
  const r = validate(
    resourceSchema,
    { ...input, session, by },
    'the resource',
    typeof session === 'number' ? sessionProblems(session, sessions) : [],
  );
  const existing = await listResources(db, doc.slug);
  return insertResource(db, doc.slug, { ...defined(r), at }, Math.max(0, ...existing.map((x) => x.n)) + 1);
}

export async function removeResource(db: Db, doc: CollaborativeDoc, n: number): Promise<ResourceDoc> {
  const gone = await deleteResource(db, doc.slug, n);
  if (!gone) throw new OperationError(`there is no resource ${n} (removed already?)`, 'not-found');
  return gone;
}
