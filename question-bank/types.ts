/**
 * One entry of the question bank: a question as a user would type it, and how to know the right
 * answer without the chat — an oracle SQL on the source (never the warehouse).
 */
export type Dataset = 'native' | 'northwind';

/**
 * What the answer must show:
 * - `value`: one figure (the answer's total, or its only row); the oracle returns one row, column `value`.
 * - `rows`: a breakdown; the oracle returns `label, value` rows; every one must be in the answer with
 *   its figure (matched by label or key, case and accents ignored), and the answer must hold no other
 *   member with a non-zero figure.
 * - `top`: a ranking; the oracle returns `label, value` rows in the expected order (its LIMIT is the
 *   N asked); the answer's first N rows must be these, in this order, with these figures.
 * - `direction`: a change; the oracle returns one row with `current, previous`; the answer must say the
 *   figure went the same way (up or down) — from its comparison delta, else from its words.
 * - `compare`: a figure and the one it is compared with; the oracle returns `current, previous`; the
 *   answer's value and compared value must match both.
 * - `share`: a share of the total in percent; the oracle returns one row `value` (0–100).
 * - `refusal`: the question is outside the model (or asks to write): the answer must be "not
 *   understood" (understood = false), never a broader figure. No oracle.
 */
export type Expect = 'value' | 'rows' | 'top' | 'direction' | 'compare' | 'share' | 'refusal';

export type Tag =
  | 'period'
  | 'relative'
  | 'follow-up'
  | 'level'
  | 'ranking'
  | 'comparison'
  | 'share'
  | 'why'
  | 'member'
  | 'refusal'
  | 'not-modelled'
  | 'inventory'
  | 'supplier'
  | 'catalog';

export interface Question {
  /** Stable id: dataset prefix + number (n001, w001). */
  id: string;
  dataset: Dataset;
  lang: 'fr' | 'en';
  q: string;
  /** Earlier questions of the same conversation, oldest first (for "that year", "et en 1997 ?"). */
  previous?: string[];
  expect: Expect;
  /**
   * The oracle. `:asof` is replaced by the source's last day with sales ('YYYY-MM-DD' literal) so that
   * relative periods are computed from the data, not from the wall clock.
   */
  sql?: string;
  /** For `top`: how many rows the question asks for (the oracle returns the whole ranking, for ties). */
  n?: number;
  /** For `top`: rank by the answer's change against the compared period (delta) instead of its value. */
  figure?: 'value' | 'delta';
  /** Measure the figure is read from, when the answer may carry several (default: the first). */
  measure?: string;
  /** Kind of figure, for the tolerance: money (cent rounding per line), count (exact), pct (±0.01 points). */
  unit: 'money' | 'count' | 'pct' | 'none';
  tags: Tag[];
  /** Why the expected answer is what it is, when it is not obvious (the definition it follows). */
  note?: string;
}
