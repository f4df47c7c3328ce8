import { describe, expect, test } from 'vitest';
import { csvCell, escapeFormula, toCsv } from './csv';

describe('CSV export', () => {
  test('cells a spreadsheet would run as formulas are escaped with an apostrophe', () => {
    for (const s of ['=SUM(A1:A9)', '+33 1 23', '-2+3', '@cmd', '\tx', '\rx'])
      expect(escapeFormula(s)).toBe(`'${s}`);
    expect(escapeFormula('Paris')).toBe('Paris');
    expect(escapeFormula('a=b')).toBe('a=b');
  });

  test('numbers stay numbers, negative ones included; null is empty', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
  });

  test('quotes, commas, semicolons and line breaks are quoted (RFC 4180), after the formula escape', () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  test('a result set becomes a header line and one CRLF line per row', () => {
    const csv = toCsv({
      columns: [
        { key: 'c', label: 'Customer', kind: 'dimension' },
        { key: 'r', label: 'Revenue, €', kind: 'measure' },
      ],
      rows: [
        { c: '=cmd|calc', r: 10 },
        { c: 'Dupont', r: -3 },
        { c: null, r: null },
      ],
    });
    expect(csv).toBe('Customer,"Revenue, €"\r\n\'=cmd|calc,10\r\nDupont,-3\r\n,\r\n');
  });
});
