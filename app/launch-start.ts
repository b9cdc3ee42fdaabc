/** Where the launch wizard starts from: blank, the example config, or an earlier collaborative. */
import path from 'node:path';
import type { CollaborativeDoc } from '../store/collaboratives';
import type { Person } from '../domain/config';
import { exampleFields, fieldsFromConfig, shiftedCopy, type DraftFields } from './launch-draft';
import { readTextFile } from './reading';

const EXAMPLE = path.join(__dirname, '../examples/collaborative.yaml');

/** A blank form: the signed-in coordinator as its first coordinator, every site, New York time. */
export function blankLaunchFields(email: string): DraftFields {
  return { timeZone: 'America/New_York', sitesMode: 'all', 'coordinators[0].email': email };
}

/** The example config (examples/collaborative.yaml) as the form's fields. */
export function exampleLaunchFields(): DraftFields {
  return exampleFields(readTextFile(EXAMPLE));
}

/** An earlier collaborative's config as the form's fields, its dates moved to a new announcement. */
export function copiedLaunchFields(doc: CollaborativeDoc, announcement: string): DraftFields {
  return shiftedCopy(fieldsFromConfig(doc.config), announcement);
}

/** The coordinators and faculty of earlier programmes, once each, to pick from. */
export function earlierPeople(docs: CollaborativeDoc[]): { coordinators: Person[]; faculty: Person[] } {
  const once = (people: Person[]) => [...new Map(people.map((p) => [p.email, p])).values()];
  return {
    coordinators: once(docs.flatMap((d) => d.config.coordinators)),
    faculty: once(docs.flatMap((d) => d.config.faculty)),
  };
}
