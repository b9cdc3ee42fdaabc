import fs from 'node:fs';
import path from 'node:path';
import { parseSitesFile } from '../../domain/sites';

describe('site directory files', () => {
  it('parses the example CSV with every row valid', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../examples/sites.csv'), 'utf8');
    const { sites, errors } = parseSitesFile(text, 'csv');
    expect(errors).toEqual([]);
    expect(sites).toHaveLength(13);
    expect(sites.find((s) => s.siteId === 'northwind')!.active).toBe(false);
    expect(sites.find((s) => s.siteId === 'bayview')).toMatchObject({
      piEmail: 'ana.ruiz@bayview.example.org',
      active: true,
    });
  });

  it('reports each bad CSV row by line and returns no sites', () => {
    const text = [
      'siteId,name,piName,piEmail',
      'good-one,Good Site,Dr A,a@example.org',
      'bad id!,Bad Site,Dr B,b@example.org',
      'good-two,Another,,c@example.org',
      'good-one,Duplicate,Dr D,not-an-email',
      'good-three,Third,Dr E,e@example.org',
    ].join('\n');
    const { sites, errors } = parseSitesFile(text, 'csv');
    expect(sites).toEqual([]);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(errors[0]!.problems[0]).toMatch(/^siteId: letters, digits and dashes/); // the path names the field once
    expect(errors[1]!.problems).toEqual(['piName: Required']);
    expect(errors[2]!.problems).toEqual(['piEmail: not a valid email address']);
  });

  it('reads YAML lists with line numbers of the bad item', () => {
    const text = [
      'sites:',
      '  - { siteId: a1, name: A, piName: Dr A, piEmail: a@example.org }',
      '  - siteId: b2',
      '    name: B',
      '    piName: Dr B',
      '    piEmail: nope',
    ].join('\n');
    const { errors } = parseSitesFile(text, 'yaml');
    expect(errors).toEqual([{ line: 3, problems: ['piEmail: not a valid email address'] }]);
  });

  it('flags a duplicate site id within one file', () => {
    const text = 'siteId,name,piName,piEmail\nx1,X,Dr X,x@example.org\nx1,X again,Dr Y,y@example.org\n';
    expect(parseSitesFile(text, 'csv').errors).toEqual([
      { line: 3, problems: ['siteId: "x1" already appears on line 2'] },
    ]);
  });
});
