/** What each pre-work item is, in the words the pre-work email uses, for pages that list them. */
import type { PreworkItem } from './inputs';

export const PREWORK_GUIDE: Record<PreworkItem, { title: string; explained: string }> = {
  checklist: {
    title: 'Pre-work checklist',
    explained:
      'The list of preparations before learning session 1; mark it done once your team has worked through it.',
  },
  commitment: {
    title: 'Commitment form',
    explained:
      "The form in which the site's senior leader commits the team's time to the collaborative, signed and returned.",
  },
  baseline: {
    title: 'Baseline data',
    explained:
      'The Core Data Set measures for the months before the collaborative, submitted by the data manager: what later months are compared with.',
  },
};
