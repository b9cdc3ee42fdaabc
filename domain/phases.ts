/** The phases a collaborative moves through, in order; the value of the LcPhase search attribute. */
export const PHASES = [
  'scheduled',
  'announcement',
  'informational-calls',
  'applications',
  'review',
  'notification',
  'prework',
  'learning-sessions',
  'closing',
  'completed',
  'cancelled',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * The phases of a Learning Community: announced to the network and open to join, active from its
 * start (meetings, sharing, digests), completed at its end.
 */
export const COMMUNITY_PHASES = ['scheduled', 'open', 'active', 'completed'] as const;
export type CommunityPhase = (typeof COMMUNITY_PHASES)[number];
