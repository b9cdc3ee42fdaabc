/** Registering an input as both an Update (with validator) and a Signal (validated in its handler). */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, defineSignal, setHandler } from '@temporalio/workflow';
import { formatInZone } from '../domain/dates';
import type { Rejection } from './definitions';

const KEEP_REJECTIONS = 50;

/**
 * `validate` parses the input or throws an Error whose message people can act on; it must not
 * change state. An Update that fails it is refused before it reaches history; a Signal that
 * fails it is not applied and is listed in `rejected` (the status query shows it).
 */
export function handleInput<R, A>(
  update: UpdateDefinition<R, [A]>,
  validate: (input: A) => A,
  apply: (input: A) => Promise<R>,
  rejected: Rejection[],
): void {
  setHandler(update, (input: A) => apply(validate(input)), {
    validator: (input: A) => {
      try {
        validate(input);
      } catch (err) {
        throw invalidInput(err);
      }
    },
  });
  setHandler(defineSignal<[A]>(update.name), async (input: A) => {
    let parsed: A;
    try {
      parsed = validate(input);
    } catch (err) {
      rejected.push({ input: update.name, message: (err as Error).message, at: new Date().toISOString() });
      if (rejected.length > KEEP_REJECTIONS) rejected.splice(0, rejected.length - KEEP_REJECTIONS);
      return;
    }
    await apply(parsed);
  });
}

/** Throws the message as the validation failure people see. */
export function refuse(message: string): never {
  throw new Error(message);
}

/** The type of a refused input's failure: not a crash, and not worth retrying. */
export const INVALID_INPUT = 'InvalidInput';

/**
 * A refusal as the caller receives it: a non-retryable application failure of type InvalidInput,
 * so the CLI, the web app and Temporal's own tools can tell a refused input from a crash.
 */
function invalidInput(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  return ApplicationFailure.create({
    type: INVALID_INPUT,
    message: (err as Error).message,
    nonRetryable: true,
  });
}

/** Dates in refusals, in the workflow's own zone: "Mon 1 Mar 2027, 17:00 EST". */
export function refusalDates(timeZone: string): (iso: string) => string {
  return (iso) => formatInZone(iso, timeZone);
}
