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
import { updateProgramme } from './collaboratives';
import { COLLECTIONS, findByKey, isDuplicateKey, updateByKey, upsertById } from './db';
import { ids } from './keys';

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
  return findByKey(
    db.collection<ApplicationDoc>(COLLECTIONS.applications),
    ids.application(slug, siteId),
    { collaborative: slug, siteId },
    { projection: { _id: 0 } },
  );
}

export interface CallRegistrationDoc extends CallRegistration {
  collaborative: string;
  at: Date;
}

/** Who registered for a collaborative's informational calls (one call's when `call` is given), in the order they did. */
export async function callRegistrationsOf(
  db: Db,
  slug: string,
  call?: number,
): Promise<CallRegistrationDoc[]> {
  const found = await db
    .collection<CallRegistrationDoc>(COLLECTIONS.callRegistrations)
    .find({ collaborative: slug, ...(call === undefined ? {} : { call }) }, { projection: { _id: 0 } })
    .toArray();
  return found.sort((a, b) => a.call - b.call || a.at.getTime() - b.at.getTime());
}

export function createLifecycleRecords(db: Db) {
  const col = <T extends object>(name: string) => db.collection<T>(name);
  return {
    /**
     * Versioned: an amendment never is overwritten by an earlier version written late. The first
     * version is one lookup and one insert by `_id`; an amendment (or a retry) is a conditional
     * update on the version, which FerretDB 1.24 does not push down (a scan: amendments are rare).
     */
    async recordApplication(slug: string, app: Application, version: number): Promise<void> {
      const apps = col<ApplicationDoc>(COLLECTIONS.applications);
      const _id = ids.application(slug, app.siteId);
      const doc = { ...app, collaborative: slug, version, submittedAt: new Date() };
      const current = await apps.findOne({ _id } as never, { projection: { version: 1 } });
      if (current && current.version > version) return; // a newer one is recorded
      if (!current) {
        try {
          await apps.insertOne({ _id, ...doc } as never);
          return;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Another version was inserted first (a race), or one in the old shape: below.
        }
      }
      await apps.updateOne(
        { collaborative: slug, siteId: app.siteId, version: { $lte: version } },
        { $set: doc },
      );
    },

    async recordDecision(slug: string, d: Decision): Promise<void> {
      const { siteId, ...decision } = d;
      await updateByKey(
        col(COLLECTIONS.applications),
        ids.application(slug, siteId),
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
      await upsertById(
        db,
        COLLECTIONS.teams,
        ids.team(slug, siteId),
        { collaborative: slug, siteId },
        { $set: { status, updatedAt: now, ...(extra.reason ? { reason: extra.reason } : {}) } },
        { joinedAt: now, promoted: extra.promoted ?? false },
      );
    },

    /** The e-mail addresses of the team (core team, data manager, contact person), for attendance. */
    async loadRoster(slug: string, siteId: string): Promise<string[]> {
      const app = await applicationOf(db, slug, siteId);
      if (!app) throw new Error(`no application of ${siteId} in ${slug}`);
      return [...new Set(app.coreTeam.members.map((m) => m.email))];
    },

    async recordAttendance(slug: string, siteId: string, a: Attendance): Promise<void> {
      for (const { email, present } of a.attendees) {
        await upsertById(
          db,
          COLLECTIONS.attendance,
          ids.attendance(slug, siteId, a.session, email),
          { collaborative: slug, siteId, session: a.session, email },
          { $set: { present, recordedBy: a.by, recordedAt: new Date() } },
        );
      }
    },

    async recordPrework(slug: string, siteId: string, item: PreworkItem, by: string): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.prework,
        ids.prework(slug, siteId, item),
        { collaborative: slug, siteId, item },
        { $set: { by, doneAt: new Date() } },
      );
    },

    async recordFeedback(slug: string, f: Feedback, n: number): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.feedback,
        ids.feedback(slug, f.siteId, n),
        { collaborative: slug, siteId: f.siteId, n },
        { $set: { by: f.by, text: f.text, at: new Date() } },
      );
    },

    async recordCallRegistration(slug: string, r: CallRegistration): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.callRegistrations,
        ids.callRegistration(slug, r.call, r.siteId, r.email),
        { collaborative: slug, call: r.call, siteId: r.siteId, email: r.email },
        { $set: { name: r.name, at: new Date() } },
      );
    },

    async recordCallAttendance(slug: string, a: CallAttendance): Promise<void> {
      for (const siteId of a.siteIds)
        await upsertById(
          db,
          COLLECTIONS.callAttendance,
          ids.callAttendance(slug, a.call, siteId),
          { collaborative: slug, call: a.call, siteId },
          { $set: { attended: true, at: new Date() } },
        );
    },

    async recordSchedule(slug: string, schedule: Schedule, version: number): Promise<void> {
      await updateProgramme(db, COLLECTIONS.collaboratives, slug, {
        $set: { schedule, scheduleVersion: version, updatedAt: new Date() },
      });
    },
  };
}
