/** A column's `aria-sort`. */
export type SortOrder = 'ascending' | 'descending' | 'none';

/** One header cell of a DataTable. */
export interface Column {
  /** What the table's `sort` event names; the label when absent. */
  key?: string;
  label: string;
  /** `num` right-aligns, `hide-narrow` hides the column on small screens. */
  class?: string;
  /** A sortable column: its header is a button with this hint and test id, and tells its order. */
  sort?: { order: SortOrder; title: string; testid: string };
}

/**
 * Columns from one line of i18n keys, each relative to `prefix` unless it has a dot of its own, and
 * with its classes after a colon, comma-separated: `tableColumns(t, 'orders', 'number common.status
 * total:num discount:num,hide-narrow')`.
 */
export function tableColumns(t: (key: string) => string, prefix: string, keys: string): Column[] {
  return keys.split(/\s+/).map((k) => {
    const [key = '', cls] = k.split(':');
    const label = t(key.includes('.') ? key : `${prefix}.${key}`);
    return cls ? { label, class: cls.replaceAll(',', ' ') } : { label };
  });
}

/** A row of stock, marked when it is low (`data-low` tells the browser tests). */
export const lowStockRow = (low: boolean) => ({
  class: { 'row-low': low },
  'data-low': low ? 'true' : 'false',
});
