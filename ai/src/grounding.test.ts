import { checkGrounding, collectNumbers, Pseudonymizer, readNumbers } from './grounding';

describe('grounding validator', () => {
  const allowed = collectNumbers({
    value: 1234567.89,
    pct: 12.345,
    period: { from: '2026-10-01' },
    code: 'SO-1056',
    id: 424242,
  });

  it.each([
    '1,234,567.89 €',
    '1 234 567,89 €',
    '1\u202f234\u202f568 €',
    '1.23 M',
    '1,2 M€',
    '1.2 million euros',
    '1 235 k€',
    'up 12 %',
    '12.3%',
    '12,3 %',
    '−12,35 %',
    'in October 2026',
    'order SO-1056',
    'on the 1st',
  ])('accepts %s', (text) => {
    expect(checkGrounding(text, allowed)).toEqual({ ok: true, unmatched: [] });
  });

  it.each([
    ['1,234,000 €', '1,234,000'],
    ['1.3 M', '1.3 M'],
    ['12.5 %', '12.5'],
    ['in 2025', '2025'],
    ['top 7', '7'],
    ['customer 424242', '424242'], // ids are not figures
  ])('refuses %s', (text, bad) => {
    const r = checkGrounding(text, allowed);
    expect(r.ok).toBe(false);
    expect(r.unmatched.join(' ')).toContain(bad);
  });

  it('reads both meanings of an ambiguous 1,234', () => {
    expect(
      readNumbers('1,234')[0]!
        .readings.map((r) => r.value)
        .sort(),
    ).toEqual([1.234, 1234]);
  });

  it('pseudonymises customers and re-identifies them', () => {
    const p = new Pseudonymizer().collect([
      { type: 'customer', code: 'CUST-001', label: 'Dupont SARL' },
      { details: { top: [{ id: 2, code: 'CUST-002', name: 'Müller GmbH' }] } },
    ]);
    const red = p.redact('Dupont SARL (CUST-001) and Müller GmbH (CUST-002)');
    expect(red).toBe('C1 and C2');
    expect(p.restore('C2 then C1')).toBe('Müller GmbH (CUST-002) then Dupont SARL (CUST-001)');
  });
});
