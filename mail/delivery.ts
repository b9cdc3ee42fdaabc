/** Delivering a notice to many people through the exactly-once outbox: bounded concurrency, what a retry skips, and its tally. */
import { Context } from '@temporalio/activity';
import { activityAttempt, type KeyStatus, type Outbox, type OutgoingEmail } from './outbox';

export interface BulkResult {
  sent: number;
  alreadySent: number;
  /** Refused permanently by the SMTP server: recorded, reported, not retried. */
  failed: number;
  total: number;
}

export function tally(result: BulkResult, outcome: 'sent' | 'already-sent' | 'failed'): void {
  if (outcome === 'sent') result.sent++;
  else if (outcome === 'already-sent') result.alreadySent++;
  else result.failed++;
}

/** The running activity's cancellation (a heartbeat that found it timed out, or a cancel), if any. */
function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not in an activity
  }
}

/**
 * Runs `fn` over items with at most `limit` in flight; `progress` is called after each. On the
 * first error (or once the activity is cancelled) it starts no more items, lets those in flight
 * finish (so their outcomes are recorded), then throws that error: a failing bulk activity must
 * not go on sending while the server already retries it.
 */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  progress?: (done: number, total: number) => void,
): Promise<void> {
  const signal = activitySignal();
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      if (signal?.aborted) {
        failure = { error: signal.reason ?? new Error('the activity was cancelled') };
        return;
      }
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
        return;
      }
      progress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/**
 * Sends one email per item through the outbox, at most `concurrency` at once. A retried activity
 * (or a caller outside one) first finds the keys sent (or refused) before, and counts them without
 * rendering or claiming them; the keys another attempt holds (claimed, lease running) go last, so
 * that, if they are still held then, the attempt has sent everything else before it fails and
 * is retried.
 */
export async function deliverEach<T>(
  outbox: Outbox,
  items: T[],
  o: {
    concurrency: number;
    purpose: string;
    key: (item: T) => string;
    email: (item: T, key: string) => OutgoingEmail;
    progress?: (done: number, total: number) => void;
  },
): Promise<BulkResult> {
  const result: BulkResult = { sent: 0, alreadySent: 0, failed: 0, total: items.length };
  const keyed = items.map((item) => ({ item, key: o.key(item) }));
  // A first attempt asks nothing ahead: every claim is then one insert, and one that was sent
  // before (another activity sent the same key) is found by its claim. A retry asks first.
  const known =
    activityAttempt() === 1 ? new Map<string, KeyStatus>() : await outbox.statuses(keyed.map((k) => k.key));
  const now = Date.now();
  const first: typeof keyed = [];
  const last: typeof keyed = [];
  for (const k of keyed) {
    const s = known.get(k.key);
    if (s?.status === 'sent' || s?.status === 'failed') {
      const outcome = s.status === 'sent' ? 'already-sent' : 'failed';
      tally(result, outcome);
      outbox.counted(o.purpose, outcome);
    } else if (s?.status === 'claimed' && s.leaseUntil && s.leaseUntil.getTime() > now) last.push(k);
    else first.push(k);
  }
  const skipped = items.length - first.length - last.length;
  if (skipped) o.progress?.(skipped, items.length);
  await forEachLimited(
    [...first, ...last],
    o.concurrency,
    async ({ item, key }) => tally(result, await outbox.deliver(o.email(item, key))),
    o.progress && ((done) => o.progress!(skipped + done, items.length)),
  );
  return result;
}
