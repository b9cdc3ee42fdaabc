/**
 * What an input causes beyond its record — an application's confirmation, a withdrawal's news,
 * the promoted team's start, a welcome — done by the workflow after it has answered the input:
 * a reply never waits for SMTP. Done one at a time, in the order the inputs caused them; a
 * workflow waits for the queue to drain before it completes or continues-as-new.
 *
 * Runs started before this (no 'notices-after-reply' marker) do each at once, inside the handler,
 * as their histories record.
 */
import { condition, patched } from '@temporalio/workflow';

export interface AfterReply<T, R> {
  /** Queues `t` for after the reply; runs started before do it at once, and get its result. */
  send(t: T): Promise<R | undefined>;
  /** Nothing is waiting to be done. */
  drained(): boolean;
}

/**
 * `pending` is the workflow's own list (part of its state, so a status shows it). Call this once,
 * at the start of the run, before any input is handled: it decides the patch there.
 */
export function afterReply<T, R>(perform: (t: T) => Promise<R>, pending: T[]): AfterReply<T, R> {
  const deferred = patched('notices-after-reply');
  let pumping = false;
  const pump = async () => {
    for (;;) {
      await condition(() => pending.length > 0);
      await perform(pending[0]!);
      pending.shift();
    }
  };
  const start = () => {
    if (pumping) return;
    pumping = true;
    void pump();
  };
  if (deferred && pending.length) start(); // carried over from an earlier run
  return {
    async send(t) {
      if (!deferred) return perform(t);
      pending.push(t);
      start();
      return undefined;
    },
    drained: () => pending.length === 0,
  };
}
