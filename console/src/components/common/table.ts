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
