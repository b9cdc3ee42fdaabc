/** The CSV writer of the exports: RFC 4180 quoting, the BOM, and no cell a spreadsheet runs as a formula. */
import { parse } from 'csv-parse/sync';
import { CSV_BOM, csvCell, csvTime, neutraliseFormula, toCsv } from '../../app/csv';
import { rowProblemInWords } from '../../web/pages/directory';
import { parseMultipart } from '../../web/multipart';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
    ['＝1+1', "'＝1+1"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ['', ''],
  ])('writes %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('quotes commas, quotes and line breaks, and writes numbers, booleans and blanks plainly', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(-3)).toBe('-3'); // a number runs nothing
    expect(csvCell(2.5)).toBe('2.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(true)).toBe('yes');
    expect(csvCell(false)).toBe('no');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(new Date('2027-03-04T09:00:00Z'))).toBe('2027-03-04T09:00:00.000Z');
  });

  it('leaves text that starts otherwise alone', () => {
    for (const s of ['Dr. Ana Ruiz', 'Zoë Müller', '1+1', "'quoted", 'Ñandú, S.A.'])
      expect(neutraliseFormula(s)).toBe(s);
  });
});

describe('CSV files', () => {
  const header = ['siteId', 'site', 'count'];
  const rows = [
    ['bayview', '=cmd|"/c calc"!A1', 3],
    ['cedar', 'Zoë, "Cedar" Hill\nFamily', -1],
    ['delta', '@risky', null],
  ];

  it('starts with a BOM, ends each line with CRLF, and parses back to the values (formulas escaped)', () => {
    const text = toCsv(header, rows);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(`${CSV_BOM}siteId,site,count`);
    const back = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(back).toEqual([
      { siteId: 'bayview', site: `'=cmd|"/c calc"!A1`, count: '3' },
      { siteId: 'cedar', site: 'Zoë, "Cedar" Hill\nFamily', count: '-1' },
      { siteId: 'delta', site: "'@risky", count: '' },
    ]);
    // No parsed cell begins with a formula sign.
    for (const r of back) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+@\t\r]|^-[^\d]/);
  });

  it('leaves the BOM out when asked', () => {
    expect(toCsv(['a'], [['b']], { bom: false })).toBe('a\r\nb\r\n');
  });

  it('writes times in the collaborative’s zone', () => {
    expect(csvTime('2027-03-04T14:00:00Z', 'America/New_York')).toBe('2027-03-04 09:00');
    expect(csvTime(new Date('2027-07-01T00:30:00Z'), 'America/Los_Angeles')).toBe('2027-06-30 17:30');
    expect(csvTime(undefined, 'UTC')).toBe('');
    expect(csvTime('not a date', 'UTC')).toBe('');
  });
});

describe('the directory upload', () => {
  it('reads a multipart body: fields as text, the file with its name', () => {
    const b = 'XyZ';
    const body = Buffer.from(
      [
        `--${b}`,
        'Content-Disposition: form-data; name="_csrf"',
        '',
        'token',
        `--${b}`,
        'Content-Disposition: form-data; name="file"; filename="C:\\fakepath\\sites.csv"',
        'Content-Type: text/csv',
        '',
        'siteId,name\r\nbayview,Bayview',
        `--${b}--`,
        '',
      ].join('\r\n'),
    );
    expect(parseMultipart(body, `multipart/form-data; boundary=${b}`)).toEqual({
      _csrf: 'token',
      file: {
        filename: 'sites.csv',
        text: 'siteId,name\r\nbayview,Bayview',
        bytes: Buffer.from('siteId,name\r\nbayview,Bayview'),
      },
    });
    expect(() => parseMultipart(body, 'multipart/form-data')).toThrow(/boundary/);
    expect(() => parseMultipart(Buffer.from(`--${b}\r\nxx`), `multipart/form-data; boundary=${b}`)).toThrow();
  });

  it('says a bad row’s problem in words', () => {
    expect(rowProblemInWords('line 3: piEmail: not a valid email address')).toBe(
      'Line 3, PI email: not a valid email address',
    );
    expect(rowProblemInWords('line 4: siteId: "x" already appears on line 2')).toBe(
      'Line 4, Site id: "x" already appears on line 2',
    );
    expect(rowProblemInWords('line 1: the file has no sites')).toBe('Line 1: the file has no sites');
  });
});
