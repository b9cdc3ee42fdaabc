/**
 * What the tests and the benchmarks both drive collaboratives with: an application as a PI fills
 * it in, and the time-skipping test environment with our search attributes registered. Not used by
 * the worker, the CLI or the web app (@temporalio/testing is a dev dependency).
 */
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
export async function timeSkippingEnv(testServer: string): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer } },
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
