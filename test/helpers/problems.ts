import { ValidationError } from '../../domain/errors';

/** The problems a parser lists for a bad input (the test fails if the input is accepted). */
export function problemsOf(parse: (input: unknown) => unknown, input: unknown): string[] {
  try {
    parse(input);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected the input to be rejected');
}
