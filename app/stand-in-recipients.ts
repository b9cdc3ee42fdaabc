/**
 * The stand-in recipient source of the rehearsal and the template previews: the recipient rules
 * (mail/recipients.ts) read given sites, a core team for each (the recorded one, else one named by
 * role at example.invalid addresses), and the call's registrants as the caller says.
 */
import type { CoreTeam } from '../domain/inputs';
import type { Site } from '../domain/sites';
import type { RecipientSource } from '../mail/recipients';

/** A core team named by role, for a site that has not applied yet. */
export function assumedCoreTeam(siteId: string): CoreTeam {
  const person = (role: string) => ({
    name: `${role[0]!.toUpperCase()}${role.slice(1)} (named when ${siteId} applies)`,
    email: `${role.replace(/ /g, '-')}@${siteId}.example.invalid`,
  });
  return {
    members: [
      { ...person('senior leader'), role: 'senior-leader' },
      { ...person('supervisor'), role: 'supervisor' },
      { ...person('clinician'), role: 'clinician' },
    ],
    dataManager: person('data manager'),
    contactPerson: person('contact person'),
  } as CoreTeam;
}

type Registrants = RecipientSource['registrants'];

/** Every PI of the sites registers for every call (the rehearsal's scenario). */
export const everyPiRegisters =
  (sites: Site[]): Registrants =>
  async () =>
    sites.map((x) => ({ siteId: x.siteId, name: x.piName, email: x.piEmail }));

/**
 * A recipient source over `sites` (a site not among them is not found), each with its core team
 * from `coreTeams` or an assumed one, and the call registrants `registrants` gives.
 */
export function standInRecipients(o: {
  sites: Site[];
  coreTeams?: (siteId: string) => CoreTeam | undefined;
  registrants: Registrants;
}): RecipientSource {
  const byId = new Map(o.sites.map((x) => [x.siteId, x]));
  return {
    sites: async (ids) => ids.map((id) => byId.get(id)).filter((x): x is Site => !!x),
    applications: async (_slug, ids) =>
      ids
        .filter((id) => byId.has(id))
        .map((id) => ({ siteId: id, coreTeam: o.coreTeams?.(id) ?? assumedCoreTeam(id) })),
    registrants: o.registrants,
  };
}
