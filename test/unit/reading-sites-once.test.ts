/**
 * `readingSitesOnce` reads each site of a notice once, however often the rules ask, and answers
 * in the order asked, leaving out sites the directory does not know. The source here is an
 * in-memory directory that counts its reads (the interface, not a database stand-in: the notify
 * activity's tests run it against FerretDB).
 */
import type { Site } from '../../domain/sites';
import { readingSitesOnce, type RecipientSource } from '../../mail/recipients';

const site = (siteId: string): Site =>
  ({ siteId, name: siteId, piName: 'Dr A', piEmail: `pi@${siteId}.example.org`, active: true }) as Site;

describe('readingSitesOnce', () => {
  it('reads each site once and answers in the order asked', async () => {
    const asked: string[][] = [];
    const directory = new Map(['a', 'b', 'c'].map((id) => [id, site(id)]));
    const source: RecipientSource = {
      sites: async (ids) => {
        asked.push(ids);
        return ids.flatMap((id) => (directory.has(id) ? [directory.get(id)!] : []));
      },
      applications: async () => [],
      registrants: async () => [],
    };
    const once = readingSitesOnce(source);
    expect((await once.sites(['b', 'a'])).map((s) => s.siteId)).toEqual(['b', 'a']);
    expect((await once.sites(['a', 'c', 'nowhere', 'b'])).map((s) => s.siteId)).toEqual(['a', 'c', 'b']);
    expect((await once.sites(['c', 'a'])).map((s) => s.siteId)).toEqual(['c', 'a']);
    // A site read is not read again; one the directory did not know is asked for again.
    expect(asked).toEqual([
      ['b', 'a'],
      ['c', 'nowhere'],
    ]);
  });
});
