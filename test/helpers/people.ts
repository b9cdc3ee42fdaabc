/** Applications as a PI fills them in, for tests. */
import type { Application } from '../../domain/inputs';

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
