import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The phase of a collaborative or community, for the Temporal UI and `temporal workflow list --query`. */
export const LC_PHASE = defineSearchAttributeKey('LcPhase', SearchAttributeType.KEYWORD);
/** Which kind of workflow: collaborative, team, community. */
export const LC_KIND = defineSearchAttributeKey('LcKind', SearchAttributeType.KEYWORD);
export const ALL_SEARCH_ATTRIBUTES = [LC_PHASE, LC_KIND];
