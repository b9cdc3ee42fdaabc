/** Validation at the edge: every input is checked by the domain's zod schemas before it reaches a workflow, with messages people can act on. */
import type { z } from 'zod';
import { siteIdSchema } from '../domain/common';
import { slugSchema } from '../domain/config';
import { formatIssues, ValidationError } from '../domain/errors';

// ---- validation at the edge ------------------------------------------------------------------

export type Schema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** Parses with a domain schema or throws a ValidationError listing every problem (and `extra` ones). */
export function validate<T>(schema: Schema<T>, input: unknown, what: string, extra: string[] = []): T {
  const r = schema.safeParse(input);
  const problems = [...extra, ...(r.success ? [] : formatIssues(r.error).map(requiredReadably))];
  if (problems.length || !r.success) throw new ValidationError(what, problems);
  return r.data;
}

/** zod says "Required" for a missing field; people read "by: required". */
export function requiredReadably(problem: string): string {
  return problem.replace(/: Required$/, ': required');
}

export function slugProblems(slug: string): string[] {
  const r = slugSchema.safeParse(slug);
  return r.success ? [] : formatIssues(r.error).map((p) => (p.startsWith('slug') ? p : `slug: ${p}`));
}

export function siteProblems(siteId: string): string[] {
  const r = siteIdSchema.safeParse(siteId);
  return r.success ? [] : [`siteId: "${siteId}" is not a site id (letters, digits and dashes)`];
}

/** Throws a ValidationError when the slug cannot be one (for commands to check before connecting). */
export function checkSlug(slug: string): void {
  const problems = slugProblems(slug);
  if (problems.length) throw new ValidationError('the slug', problems);
}
