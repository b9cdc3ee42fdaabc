/**
 * What the tests and the benchmarks both drive collaboratives with: an application as a PI fills
 * it in, and the time-skipping test environment with our search attributes registered. Not used by
 * the worker, the CLI or the web app (@temporalio/testing is a dev dependency).
 */
import type { ConnectionPlugin } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Application } from '../domain/inputs';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/** A complete application from `siteId`, its core team at `<role>@<siteId>.example.org`. */
export function applicationFor(
  siteId: string,
  piEmail: string,
  overrides: Partial<Application> = {},
): Application {
  const at = (who: string) => `${who}@${siteId}.example.org`;
  return {
    siteId,
    submittedBy: piEmail,
    readiness: `${siteId} has trained clinicians, leadership support and a referral pipeline for the practice.`,
    commitCoreDataSet: true,
    commitAllSessions: true,
    coreTeam: {
      members: [
        { name: `Leader of ${siteId}`, email: at('leader'), role: 'senior-leader' },
        { name: `Supervisor of ${siteId}`, email: at('supervisor'), role: 'supervisor' },
        { name: `Clinician of ${siteId}`, email: at('clinician'), role: 'clinician' },
      ],
      dataManager: { name: `Data manager of ${siteId}`, email: at('data') },
      contactPerson: { name: `Supervisor of ${siteId}`, email: at('supervisor') },
    },
    ...overrides,
  };
}

/**
 * The time-skipping test server (the binary at `testServer`, nothing downloaded). It knows no
 * custom search attributes until told, like a real cluster: ours are registered here. The caller
 * installs the SDK runtime (its logger) first.
 */
/**
 * The client's keepalive pings, every 6 minutes instead of the SDK's 30 s. The time-skipping test
 * server (grpc-java) allows one every 5 minutes and answers more with GOAWAY "too_many_pings"
 * ("rejected by server because of excess pings"), which drops the calls in flight; the client
 * retries them, and a retried `env.sleep` sleeps its whole duration again from where the first
 * one got to: past the last workflow's end, where the server's sleep never returns (a CI run hung
 * 600 s so).
 */
const TEST_SERVER_KEEPALIVE: ConnectionPlugin = {
  name: 'lc-test-server-keepalive',
  configureConnection: (o) => ({
    ...o,
    channelArgs: { ...o.channelArgs, 'grpc.keepalive_time_ms': 6 * 60_000 },
  }),
};

export async function timeSkippingEnv(testServer: string): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer } },
    plugins: [TEST_SERVER_KEEPALIVE],
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((k) => [
        k.name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}
