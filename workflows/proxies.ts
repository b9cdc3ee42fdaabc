/**
 * How workflows call their activities: record writes are short and retried quickly; emails go in
 * bulk, heartbeat their progress, and a stalled send is retried and resumes through the outbox
 * (which never sends a key twice).
 */
import type { Duration } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const backoff = (initialInterval: Duration, maximumInterval: Duration) => ({
  initialInterval,
  maximumInterval,
  backoffCoefficient: 2,
});

export function recordActivities() {
  return proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: backoff('1 second', '1 minute'),
  });
}

export function mailActivities(startToCloseTimeout: Duration = '30 minutes') {
  return proxyActivities<Activities>({
    startToCloseTimeout,
    heartbeatTimeout: '2 minutes',
    retry: backoff('5 seconds', '10 minutes'),
  });
}
