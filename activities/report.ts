/**
 * The final report of a collaborative, computed from the records and stored once per
 * collaborative (`reports`, key collaborative + kind). Issue #4 adds metrics and run charts.
 */
import type { Db } from 'mongodb';
import { currentSchedule, getCollaborative } from './collaboratives';
import { COLLECTIONS } from './db';
import type { ApplicationDoc, TeamDoc } from './lifecycle';
import { getSites } from './sites';

export interface FinalReport {
  collaborative: string;
  kind: 'final';
  generatedAt: Date;
  summary: string[];
  /** One line per team (objects, not pairs: FerretDB 1.x stores no nested arrays). */
  rows: { team: string; summary: string }[];
  teams: {
    siteId: string;
    name: string;
    status: string;
    promoted: boolean;
    sessionsAttended: number;
    sessionsMissed: number[];
    prework: string[];
    feedback: number;
  }[];
}

export async function buildFinalReport(db: Db, slug: string): Promise<FinalReport> {
  const doc = await getCollaborative(db, slug);
  const schedule = currentSchedule(doc);
  const apps = await db
    .collection<ApplicationDoc>(COLLECTIONS.applications)
    .find({ collaborative: slug })
    .toArray();
  const teams = await db
    .collection<TeamDoc>(COLLECTIONS.teams)
    .find({ collaborative: slug })
    .sort({ siteId: 1 })
    .toArray();
  const attendance = await db
    .collection(COLLECTIONS.attendance)
    .aggregate<{ _id: { siteId: string; session: number }; present: number }>([
      { $match: { collaborative: slug, present: true } },
      { $group: { _id: { siteId: '$siteId', session: '$session' }, present: { $sum: 1 } } },
    ])
    .toArray();
  const prework = await db.collection(COLLECTIONS.prework).find({ collaborative: slug }).toArray();
  const feedback = await db
    .collection(COLLECTIONS.feedback)
    .aggregate<{ _id: string; n: number }>([
      { $match: { collaborative: slug } },
      { $group: { _id: '$siteId', n: { $sum: 1 } } },
    ])
    .toArray();
  const names = new Map(
    (
      await getSites(
        db,
        teams.map((t) => t.siteId),
      )
    ).map((s) => [s.siteId, s.name]),
  );
  const sessions = schedule.learningSessions.length;

  const perTeam = teams.map((t) => {
    const attended = new Set(attendance.filter((a) => a._id.siteId === t.siteId).map((a) => a._id.session));
    return {
      siteId: t.siteId,
      name: names.get(t.siteId) ?? t.siteId,
      status: t.status,
      promoted: t.promoted,
      sessionsAttended: attended.size,
      sessionsMissed:
        t.status === 'withdrawn' ? [] : [...Array(sessions).keys()].filter((i) => !attended.has(i)),
      prework: prework
        .filter((p) => p.siteId === t.siteId)
        .map((p) => p.item as string)
        .sort(),
      feedback: feedback.find((f) => f._id === t.siteId)?.n ?? 0,
    };
  });
  const count = (d: string) => apps.filter((a) => a.decision?.decision === d).length;
  const report: FinalReport = {
    collaborative: slug,
    kind: 'final',
    generatedAt: new Date(),
    summary: [
      `${doc.config.title}: ${apps.length} applications; ${count('accept')} accepted, ${count('waitlist')} waitlisted, ${count('decline')} declined.`,
      `${teams.filter((t) => t.status !== 'withdrawn').length} teams took part (${teams.filter((t) => t.promoted).length} promoted from the waiting list); ${teams.filter((t) => t.status === 'withdrawn').length} withdrew.`,
    ],
    rows: perTeam.map((t) => ({
      team: t.name,
      summary:
        t.status === 'withdrawn'
          ? 'withdrew'
          : `${t.sessionsAttended}/${sessions} sessions${t.sessionsMissed.length ? ` (missed LS${t.sessionsMissed.map((i) => i + 1).join(', LS')})` : ''}; pre-work ${t.prework.length}/3; ${t.feedback} feedback`,
    })),
    teams: perTeam,
  };
  await db
    .collection<FinalReport>(COLLECTIONS.reports)
    .updateOne({ collaborative: slug, kind: 'final' }, { $set: report }, { upsert: true });
  return report;
}
