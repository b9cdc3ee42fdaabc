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
