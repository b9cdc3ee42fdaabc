/** Small schemas shared by every input: ids, names, email addresses. */
import { z } from 'zod';

export const siteIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'letters, digits and dashes, up to 63 characters');

export const emailSchema = z.string().trim().toLowerCase().email('not a valid email address');
export const personNameSchema = z.string().trim().min(1, 'a name is required').max(200);

/** Which sites of the network directory hear of a programme: all active ones, or those listed. */
export const siteSelectionSchema = z
  .union([z.literal('all'), z.array(siteIdSchema).min(1, 'list at least one site, or use "all"')], {
    errorMap: () => ({ message: 'expected "all" or a list of site ids' }),
  })
  .default('all');
export type SiteSelection = z.infer<typeof siteSelectionSchema>;

/** The workflow of a collaborative (its teams' are `lc/<slug>/team/<siteId>`). Here, without luxon, for the workflows too. */
export function workflowIdFor(slug: string): string {
  return `lc/${slug}`;
}
