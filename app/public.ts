/**
 * What anyone may read without signing in: the collaboratives being announced or open for
 * applications, each as a public view (title, practice, description, timeline, informational
 * calls, learning sessions) built from a whitelist of its record, never the record itself: no
 * coordinator, faculty or PI, no site list, no email. And each collaborative's calendar feed.
 */
import type { Db } from 'mongodb';
import { PHASES, type Phase } from '../domain/phases';
import { milestoneDate, milestoneLabel, milestoneNames, ms } from '../domain/schedule';
import { renderCollaborativeFeed } from '../mail/calendar-feed';
import { collaboratives, currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { findCollaborative } from './records';
import { windowsOf } from './windows';

/** The phases in which a collaborative is public: from its launch until its applications close. */
export const PUBLIC_PHASES: readonly Phase[] = PHASES.slice(0, PHASES.indexOf('applications') + 1);

export interface PublicCollaborative {
  slug: string;
  title: string;
  practice: string;
  description?: string;
  /** The collaborative's IANA zone: every date is shown in it. */
  timeZone: string;
  applications: { state: 'not-yet-open' | 'open'; opens: string; closes: string };
  /** Every milestone, in date order, as words (milestoneLabel) and an ISO instant. */
  timeline: { label: string; at: string }[];
  informationalCalls: { label: string; start: string; durationMinutes: number; link?: string }[];
  learningSessions: { label: string; start: string; end: string; venue?: string }[];
}

/** The public view of a record, or undefined when it is not public now (phase, or applications closed). */
export function publicView(doc: CollaborativeDoc, now: number): PublicCollaborative | undefined {
  if (!PUBLIC_PHASES.includes(doc.phase)) return undefined;
  const w = windowsOf(doc, doc.phase, now);
  if (w.over || w.applications.state === 'closed') return undefined;
  const s = currentSchedule(doc);
  const c = doc.config;
  return {
    slug: doc.slug,
    title: c.title,
    practice: c.practice,
    description: c.description,
    timeZone: c.timeZone,
    applications: { state: w.applications.state, opens: w.applications.opens, closes: w.applications.closes },
    timeline: milestoneNames(s)
      .map((n) => ({ label: milestoneLabel(n), at: milestoneDate(s, n)! }))
      .filter((m) => !!m.at)
      .sort((a, b) => ms(a.at) - ms(b.at)),
    informationalCalls: s.informationalCalls.map((call, i) => ({
      label: milestoneLabel(`informationalCalls[${i}]`),
      start: call.start,
      durationMinutes: call.durationMinutes,
      link: call.link,
    })),
    learningSessions: s.learningSessions.map((ls, i) => ({
      label: milestoneLabel(`learningSessions[${i}]`),
      start: ls.start,
      end: ls.end,
      venue: ls.venue,
    })),
  };
}

/** The collaboratives public now, those whose applications close soonest first. */
export async function publicCollaboratives(db: Db, now: number): Promise<PublicCollaborative[]> {
  const docs = await collaboratives(db)
    .find({ phase: { $in: [...PUBLIC_PHASES] } }, { projection: { _id: 0 } })
    .toArray();
  return docs
    .flatMap((d) => publicView(d, now) ?? [])
    .sort((a, b) => ms(a.applications.closes) - ms(b.applications.closes) || a.slug.localeCompare(b.slug));
}

/** One public collaborative, or undefined (unknown slug, or not public now). */
export async function publicCollaborative(
  db: Db,
  slug: string,
  now: number,
): Promise<PublicCollaborative | undefined> {
  const doc = await findCollaborative(db, slug);
  return doc && publicView(doc, now);
}

/**
 * A collaborative's calendar feed (text/calendar), or undefined for an unknown slug. Served for
 * every launched collaborative, not only the public ones: people who subscribed while it was open
 * keep seeing its sessions, moved ones moved, and a cancellation as cancelled events.
 */
export async function collaborativeFeed(db: Db, slug: string): Promise<string | undefined> {
  const doc = await findCollaborative(db, slug);
  return doc && renderCollaborativeFeed(doc);
}
