/**
 * Working through an agenda (domain/agenda.ts) in time order: sleep until the next item not yet
 * done, perform it, mark it done. An item reached after its `staleAfter` (a reminder of a meeting
 * that has begun) is marked done without being performed. The agenda is recomputed before every
 * item, so what inputs change (a reschedule, a new member) is followed.
 */
import { condition } from '@temporalio/workflow';
import { isStale, nextItem, type AgendaItem } from '../domain/agenda';
import { ms } from '../domain/schedule';

export interface AgendaRun<K extends string> {
  agenda: () => AgendaItem<K>[];
  /** Keys of the items done; carried across continue-as-new. */
  done: Set<string>;
  perform: (item: AgendaItem<K>) => Promise<void>;
  /** Checked while waiting: when it turns true, the run returns before the next item. */
  interrupt: () => boolean;
  /** Told of each item before the wait for it (e.g. for a status query's next milestone). */
  upcoming?: (item: AgendaItem<K> | undefined) => void;
}

/** Resolves `true` once every item is done, `false` when interrupted first. */
export async function runAgenda<K extends string>(run: AgendaRun<K>): Promise<boolean> {
  for (;;) {
    const item = nextItem(run.agenda(), run.done);
    run.upcoming?.(item);
    if (!item) return true;
    const wait = ms(item.at) - Date.now();
    if (run.interrupt() || (wait > 0 && (await condition(run.interrupt, wait)))) return false;
    if (!isStale(item, Date.now())) await run.perform(item);
    run.done.add(item.key);
  }
}
