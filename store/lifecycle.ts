/**
 * The records of a collaborative's lifecycle: applications, decisions, teams, attendance,
 * pre-work, feedback, informational-call registrations. Each write is an upsert on its business
 * key, so an activity retried after a crash writes the same document again, never a second one.
 */
import type { Db } from 'mongodb';
import type { Schedule } from '../domain/config';
import type {
  Application,
  Attendance,
  CallAttendance,
  CallRegistration,
  Decision,
  Feedback,
  PreworkItem,
} from '../domain/inputs';
import { collaboratives } from './collaboratives';
import { COLLECTIONS, isDuplicateKey } from './db';

export type TeamStatus = 'accepted' | 'withdrawn' | 'completed' | 'cancelled';

export interface ApplicationDoc extends Application {
  collaborative: string;
  version: number;
  submittedAt: Date;
  decision?: Omit<Decision, 'siteId'> & { decidedAt: Date };
}

export interface TeamDoc {
  collaborative: string;
  siteId: string;
  status: TeamStatus;
  promoted: boolean;
  joinedAt: Date;
  updatedAt: Date;
  reason?: string;
}

/** A site's application to a collaborative (its latest version), or null. */
export function applicationOf(db: Db, slug: string, siteId: string): Promise<ApplicationDoc | null> {
  return db
    .collection<ApplicationDoc>(COLLECTIONS.applications)
    .findOne({ collaborative: slug, siteId }, { projection: { _id: 0 } });
}

export function createLifecycleRecords(db: Db) {
  const col = <T extends object>(name: string) => db.collection<T>(name);
  return {
    /** Versioned: an amendment never is overwritten by an earlier version written late. */
    async recordApplication(slug: string, app: Application, version: number): Promise<void> {
      const apps = col<ApplicationDoc>(COLLECTIONS.applications);
      const doc = { ...app, collaborative: slug, version, submittedAt: new Date() };
      try {
        await apps.updateOne(
          { collaborative: slug, siteId: app.siteId, version: { $lte: version } },
          { $set: doc },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another version was inserted first (a race, or a newer one): overwrite it only if older.
        await apps.updateOne(
          { collaborative: slug, siteId: app.siteId, version: { $lt: version } },
          { $set: doc },
        );
      }
    },

    async recordDecision(slug: string, d: Decision): Promise<void> {
      const { siteId, ...decision } = d;
      await col<ApplicationDoc>(COLLECTIONS.applications).updateOne(
        { collaborative: slug, siteId },
        { $set: { decision: { ...decision, decidedAt: new Date() } } },
      );
    },

    async recordTeam(
      slug: string,
      siteId: string,
      status: TeamStatus,
      extra: { promoted?: boolean; reason?: string } = {},
    ) {
      const now = new Date();
      await col<TeamDoc>(COLLECTIONS.teams).updateOne(
        { collaborative: slug, siteId },
        {
          $set: { status, updatedAt: now, ...(extra.reason ? { reason: extra.reason } : {}) },
          $setOnInsert: { collaborative: slug, siteId, joinedAt: now, promoted: extra.promoted ?? false },
        },
        { upsert: true },
      );
    },

    /** The e-mail addresses of the team (core team, data manager, contact person), for attendance. */
    async loadRoster(slug: string, siteId: string): Promise<string[]> {
      const app = await col<ApplicationDoc>(COLLECTIONS.applications).findOne({
        collaborative: slug,
        siteId,
      });
      if (!app) throw new Error(`no application of ${siteId} in ${slug}`);
      return [...new Set(app.coreTeam.members.map((m) => m.email))];
    },

    async recordAttendance(slug: string, siteId: string, a: Attendance): Promise<void> {
      for (const { email, present } of a.attendees) {
        await col(COLLECTIONS.attendance).updateOne(
          { collaborative: slug, siteId, session: a.session, email },
          { $set: { present, recordedBy: a.by, recordedAt: new Date() } },
          { upsert: true },
        );
      }
    },

    async recordPrework(slug: string, siteId: string, item: PreworkItem, by: string): Promise<void> {
      await col(COLLECTIONS.prework).updateOne(
        { collaborative: slug, siteId, item },
        { $set: { by, doneAt: new Date() } },
        { upsert: true },
      );
    },

    async recordFeedback(slug: string, f: Feedback, n: number): Promise<void> {
      await col(COLLECTIONS.feedback).updateOne(
        { collaborative: slug, siteId: f.siteId, n },
        { $set: { by: f.by, text: f.text, at: new Date() } },
        { upsert: true },
      );
    },

    async recordCallRegistration(slug: string, r: CallRegistration): Promise<void> {
      await col(COLLECTIONS.callRegistrations).updateOne(
        { collaborative: slug, call: r.call, siteId: r.siteId, email: r.email },
        { $set: { name: r.name, at: new Date() } },
        { upsert: true },
      );
    },

    async recordCallAttendance(slug: string, a: CallAttendance): Promise<void> {
      for (const siteId of a.siteIds)
        await col(COLLECTIONS.callAttendance).updateOne(
          { collaborative: slug, call: a.call, siteId },
          { $set: { attended: true, at: new Date() } },
          { upsert: true },
        );
    },

    async recordSchedule(slug: string, schedule: Schedule, version: number): Promise<void> {
      await collaboratives(db).updateOne(
        { slug },
        { $set: { schedule, scheduleVersion: version, updatedAt: new Date() } },
      );
    },
  };
}
