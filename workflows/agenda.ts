/**
 * The one agenda loop of all three workflows: work through an agenda (domain/agenda.ts) in time
 * order — sleep until the next item not yet done, perform it, mark it done. The agenda is
 * recomputed before every item, so what inputs change (a reschedule, a new member) is followed.
 * An item reached after its `staleAfter` (a reminder of a meeting that has begun) is marked done
 * without being performed.
 *
 * Each workflow's own rules are options, each checked at the same points as that workflow always
 * checked them (the committed histories replay through this loop): `stop` (cancelled, closed),
 * `version` (a reschedule wakes the wait and re-reads the agenda), `full` (history budget, before
 * the wait or after the item), `gate` (a date to pass before an item), `last` (the item that ends).
 */
import { condition } from '@temporalio/workflow';
import { isStale, nextItem, type AgendaItem } from '../domain/agenda';
import { ms } from '../domain/schedule';

export interface AgendaRun<K extends string> {
  agenda: () => AgendaItem<K>[];
  /** Keys of the items done; carried across continue-as-new. */
  done: { has(key: string): boolean; add(key: string): unknown };
  /** Performs an item; `false` leaves it not done, to be taken up again. */
  perform: (item: AgendaItem<K>) => Promise<boolean | void>;
  /** Told of each item before the wait for it (e.g. for a status query's next milestone). */
  upcoming?: (item: AgendaItem<K> | undefined) => void;
  /** Ends the run: checked before each item, while waiting and once the wait is over. */
  stop?: () => boolean;
  /** The agenda's version: a change while waiting re-reads the agenda. */
  version?: () => number;
  /**
   * The history budget is spent: the run returns 'full' (to continue-as-new), checked before each
   * item and while waiting (`when: 'waiting'`) or after each item (`when: 'after-item'`).
   */
  full?: { when: 'waiting' | 'after-item'; check: () => boolean };
  /** A date to pass before an item (waited for as the item is), and what passing it does. */
  gate?: (item: AgendaItem<K>) => { at: number; pass: () => void } | undefined;
  /** The kind whose item, performed, ends the run. */
  last?: K;
}

export type AgendaEnd = 'done' | 'stopped' | 'full';

/** Works through the agenda; says why it ended. */
export async function runAgenda<K extends string>(run: AgendaRun<K>): Promise<AgendaEnd> {
  const fullWhileWaiting = () => run.full?.when === 'waiting' && run.full.check();
  /** 'passed' once `at` is reached; 'changed' when the agenda changed first. */
  const waitUntil = async (at: number): Promise<'passed' | 'changed' | 'stopped' | 'full'> => {
    const version = run.version?.();
    const wait = at - Date.now();
    const interrupted = () =>
      !!run.stop?.() || (run.version !== undefined && run.version() !== version) || fullWhileWaiting();
    if (wait > 0 && (await condition(interrupted, wait))) {
      if (run.stop?.()) return 'stopped';
      return fullWhileWaiting() ? 'full' : 'changed';
    }
    return run.stop?.() ? 'stopped' : 'passed';
  };

  for (;;) {
    const item = nextItem(run.agenda(), run.done);
    run.upcoming?.(item);
    if (!item) return 'done';
    if (run.stop?.()) return 'stopped';
    if (fullWhileWaiting()) return 'full';
    const gate = run.gate?.(item);
    if (gate) {
      const passed = await waitUntil(gate.at);
      if (passed === 'changed') continue;
      if (passed !== 'passed') return passed;
      gate.pass();
    }
    const reached = await waitUntil(ms(item.at));
    if (reached === 'changed') continue;
    if (reached !== 'passed') return reached;
    if (isStale(item, Date.now())) run.done.add(item.key);
    else if ((await run.perform(item)) !== false) run.done.add(item.key);
    if (item.kind === run.last) return 'done';
    if (run.full?.when === 'after-item' && run.full.check()) return 'full';
  }
}
