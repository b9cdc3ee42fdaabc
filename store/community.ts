/**
 * A Learning Community's records: its config and phase (by slug), its members' memberships, what
 * they share, the attendance and summaries of its meetings. Each write is an upsert on its
 * business key, so an activity retried after a crash writes the same document again, never a
 * second one. Times come from the workflow, so records and notices agree on who was a member when.
 */
import type { Db } from 'mongodb';
import { communityWorkflowId, type CommunityConfig } from '../domain/community';
import type { Join, MeetingAttendance, MeetingSummary, Share } from '../domain/inputs';
import type { CommunityPhase } from '../domain/phases';
import { getProgramme, recordProgramme, recordProgrammePhase } from './collaboratives';
import { COLLECTIONS, updateByKey, upsertById } from './db';
import { ids } from './keys';
import { resolveSiteSelection } from './sites';

export interface CommunityDoc {
  slug: string;
  workflowId: string;
  config: CommunityConfig;
  phase: CommunityPhase;
  createdAt: Date;
  updatedAt: Date;
  /** The sites whose PIs were told of the community. */
  announcedTo?: string[];
}

/** One membership: people may leave and join again, each time a new membership (numbered from 1). */
export interface MemberDoc {
  community: string;
  email: string;
  membership: number;
  name: string;
  siteId?: string;
  joinedAt: Date;
  leftAt?: Date;
}

export interface ShareDoc extends Share {
  community: string;
  n: number;
  at: Date;
}

export const getCommunity = (db: Db, slug: string) =>
  getProgramme<CommunityDoc>(db, COLLECTIONS.communities, slug, 'community');

/** The members of a community at `at`: joined by then and not left by then, by email. */
export async function membersAt(db: Db, slug: string, at: Date): Promise<MemberDoc[]> {
  const joined = await db
    .collection<MemberDoc>(COLLECTIONS.members)
    .find({ community: slug, joinedAt: { $lte: at } }, { projection: { _id: 0 } })
    .toArray();
  return joined
    .filter((m) => !m.leftAt || m.leftAt.getTime() > at.getTime())
    .sort((a, b) => a.email.localeCompare(b.email));
}

export function createCommunityRecords(db: Db) {
  return {
    async recordCommunity(config: CommunityConfig): Promise<void> {
      await recordProgramme(db, COLLECTIONS.communities, config, communityWorkflowId(config.slug));
    },

    async recordCommunityPhase(slug: string, phase: CommunityPhase): Promise<void> {
      await recordProgrammePhase(db, COLLECTIONS.communities, slug, phase);
    },

    /** The sites whose PIs hear of the community (recorded); those of the config that are unknown. */
    async resolveCommunitySites(slug: string): Promise<{ siteIds: string[]; unknown: string[] }> {
      const resolved = await resolveSiteSelection(db, (await getCommunity(db, slug)).config.sites);
      await updateByKey(
        db.collection(COLLECTIONS.communities),
        ids.programme(slug),
        { slug },
        { $set: { announcedTo: resolved.siteIds } },
      );
      return resolved;
    },

    async recordMemberJoined(
      slug: string,
      m: Join & { membership: number; joinedAt: string },
    ): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.members,
        ids.member(slug, m.email, m.membership),
        { community: slug, email: m.email, membership: m.membership },
        { $set: { name: m.name, joinedAt: new Date(m.joinedAt), ...(m.siteId ? { siteId: m.siteId } : {}) } },
      );
    },

    /** An upsert too: a leave right after the join may be written before the join is. */
    async recordMemberLeft(slug: string, email: string, membership: number, leftAt: string): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.members,
        ids.member(slug, email, membership),
        { community: slug, email, membership },
        { $set: { leftAt: new Date(leftAt) } },
      );
    },

    async recordShare(slug: string, n: number, share: Share, at: string): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.shares,
        ids.share(slug, n),
        { community: slug, n },
        { $set: { ...share, at: new Date(at) } },
      );
    },

    async recordMeetingAttendance(slug: string, a: MeetingAttendance, at: string): Promise<void> {
      for (const email of a.emails)
        await upsertById(
          db,
          COLLECTIONS.meetingAttendance,
          ids.meetingAttendance(slug, a.meeting, email),
          { community: slug, meeting: a.meeting, email },
          { $set: { present: true, recordedBy: a.by, recordedAt: new Date(at) } },
        );
    },

    async recordMeetingSummary(slug: string, s: MeetingSummary, at: string): Promise<void> {
      await upsertById(
        db,
        COLLECTIONS.meetingSummaries,
        ids.meetingSummary(slug, s.meeting),
        { community: slug, meeting: s.meeting },
        { $set: { text: s.text, by: s.by, at: new Date(at) } },
      );
    },
  };
}
