import type { ZodError, ZodIssue } from 'zod';

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
