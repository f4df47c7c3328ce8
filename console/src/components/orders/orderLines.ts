/**
 * An order line as a person edits it: the quantity, the price as typed, the discount and the tax
 * in percent. The API takes the discount and the tax as fractions and decimals with a dot.
 */
export interface OrderLineDraft {
  productId: string;
  label: string;
  quantity: number;
  unitPrice: string;
  discountPct: string;
  taxPct: string;
}

/** A number typed with a comma or a dot. */
export const typedNumber = (v: string) => Number(String(v).replace(',', '.'));
/** A percentage typed by a person as the fraction the API takes ("12,5" → "0.125"). */
export const fraction = (pct: string) => String(Math.round(typedNumber(pct) * 1000) / 100000);
/** The API's fraction as the percentage people read ("0.125" → "12.5"). */
export const percent = (fraction: string) => String(Math.round(Number(fraction) * 10000) / 100);

/** A line's amount before tax, after its discount. */
export const lineNet = (l: OrderLineDraft) =>
  l.quantity * typedNumber(l.unitPrice) * (1 - typedNumber(l.discountPct) / 100);

/** The line as the API takes it, on a new order and on a draft's change alike. */
export const lineInput = (l: OrderLineDraft) => ({
  productId: l.productId,
  quantity: l.quantity,
  unitPrice: String(typedNumber(l.unitPrice)),
  discount: fraction(l.discountPct),
  taxRate: fraction(l.taxPct),
});

/** A product picked once more adds one to its line; a new one comes at its list price, 20 % tax. */
export function addProduct<L extends OrderLineDraft>(
  lines: L[],
  p: { id: string; listPrice: string },
  line: (draft: OrderLineDraft) => L,
  label: string,
) {
  const same = lines.find((l) => l.productId === p.id);
  if (same) same.quantity += 1;
  else
    lines.push(
      line({ productId: p.id, label, quantity: 1, unitPrice: p.listPrice, discountPct: '0', taxPct: '20' }),
    );
}

/** The test ids of an order's lines table: `${order}-line` a row, `${line}-quantity` a field, `${order}-net` the total. */
export const lineIds = (line: string, order: string) => ({
  row: `${order}-line`,
  quantity: `${line}-quantity`,
  price: `${line}-price`,
  discount: `${line}-discount`,
  tax: `${line}-tax`,
  net: `${order}-net`,
});
/** A new order's: order-line, line-quantity, line-price, line-discount, line-tax, order-net, order-gross. */
export const NEW_ORDER_LINE_IDS = { ...lineIds('line', 'order'), gross: 'order-gross' };
