import type { ZodError, ZodIssue, ZodType, ZodTypeDef } from 'zod';

/** One readable line per problem: `schedule.learningSessions[1].start: must be after …`. */
export function issuePath(issue: ZodIssue): string {
  return issue.path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc ? `${acc}.${part}` : part;
  }, '');
}

export function formatIssues(error: ZodError): string[] {
  return error.issues.map((i) => {
    const where = issuePath(i);
    return where ? `${where}: ${i.message}` : i.message;
  });
}

/** A validation failure with every problem listed; what the CLI and API show to people. */
export class ValidationError extends Error {
  constructor(
    public readonly what: string,
    public readonly problems: string[],
  ) {
    super(`${what} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

/** Parses with `schema`, or throws a ValidationError about `what` listing every problem. */
export function parseOrThrow<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(what, formatIssues(r.error));
  return r.data;
}
