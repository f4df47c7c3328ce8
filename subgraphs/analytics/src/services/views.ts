import type pg from 'pg';
import { ForbiddenError, NotFoundError, ValidationError } from '@erp/kit';
import { describeModel } from '@erp/semantic';

/**
 * Saved explorer views: a named explorer query (the explorer's URL query string) kept per user in
 * the warehouse's `analytics` schema, next to what it reads. A view is its owner's; shared, every
 * user of the explorer may list and open it (but not change it). Saving a name the user already
 * has replaces that view, so a double click or a re-save never makes two. The table is the
 * warehouse's (dwh-schema migrations).
 */
export interface Viewer {
  userId: number | null;
  email: string | null;
}
interface Row {
  id: string;
  owner_id: string;
  owner_name: string;
  name: string;
  query: string;
  shared: boolean;
  created_at: Date;
  updated_at: Date;
}
export interface SavedView {
  id: string;
  name: string;
  query: string;
  shared: boolean;
  mine: boolean;
  /** The owner's e-mail (who to ask about a shared view). */
  ownerName: string;
  createdAt: Date;
  updatedAt: Date;
}

const MAX_NAME = 80;
const MAX_QUERY = 4000;
const COLUMNS = 'id, owner_id, owner_name, name, query, shared, created_at, updated_at';

function toView(r: Row, viewer: Viewer): SavedView {
  return {
    id: String(r.id),
    name: r.name,
    query: r.query,
    shared: r.shared,
    mine: Number(r.owner_id) === viewer.userId,
    ownerName: r.owner_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function person(viewer: Viewer): number {
  if (viewer.userId === null)
    throw new ForbiddenError('saved views belong to people, not to service accounts');
  return viewer.userId;
}

/**
 * The query must be an explorer query of this model: at least one measure, and only measures and
 * levels the semantic model has (what a view may show is still checked by `olap` when it runs).
 */
export function checkQuery(query: unknown): string {
  if (typeof query !== 'string' || !query.trim()) throw new ValidationError('query', query, 'is required');
  const q = query.trim().replace(/^\?/, '');
  if (q.length > MAX_QUERY)
    throw new ValidationError('query', `${q.slice(0, 40)}…`, `must be at most ${MAX_QUERY} characters`);
  const p = new URLSearchParams(q);
  const model = describeModel('EUR');
  const measures = new Set(model.measures.map((m) => m.name));
  const levels = new Set(model.dimensions.flatMap((d) => d.levels.map((l) => l.name)));
  const list = (k: string) => (p.get(k) ?? '').split(',').filter(Boolean).map(decodeURIComponent);
  const m = list('m');
  if (!m.length) throw new ValidationError('query', q, 'needs at least one measure (m=…)');
  const unknownMeasure = m.find((x) => !measures.has(x));
  if (unknownMeasure) throw new ValidationError('query', q, `unknown measure ${unknownMeasure}`);
  const unknownLevel = [
    ...list('d'),
    ...p.getAll('f').map((f) => decodeURIComponent(f.split(':')[0] ?? '')),
  ].find((x) => !levels.has(x));
  if (unknownLevel) throw new ValidationError('query', q, `unknown level ${unknownLevel}`);
  return q;
}

export async function savedViews(pool: pg.Pool, viewer: Viewer): Promise<SavedView[]> {
  const me = person(viewer);
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM analytics.saved_views WHERE owner_id = $1 OR shared ORDER BY lower(name), id`,
    [me],
  );
  return rows.map((r) => toView(r, viewer));
}

export async function savedView(pool: pg.Pool, viewer: Viewer, id: unknown): Promise<SavedView | null> {
  const me = person(viewer);
  const n = typeof id === 'string' && /^\d{1,18}$/.test(id) ? id : null;
  if (!n) throw new ValidationError('id', id, 'is not a valid id');
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM analytics.saved_views WHERE id = $1 AND (owner_id = $2 OR shared)`,
    [n, me],
  );
  return rows[0] ? toView(rows[0], viewer) : null;
}

export interface SaveViewInput {
  name: unknown;
  query: unknown;
  shared?: unknown;
}

/** Saves (or replaces, by name) one of the viewer's views. */
export async function saveView(pool: pg.Pool, viewer: Viewer, input: SaveViewInput): Promise<SavedView> {
  const me = person(viewer);
  if (typeof input.name !== 'string' || !input.name.trim())
    throw new ValidationError('name', input.name, 'is required');
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length > MAX_NAME)
    throw new ValidationError('name', name, `must be at most ${MAX_NAME} characters`);
  const query = checkQuery(input.query);
  const shared = input.shared === true;
  const { rows } = await pool.query<Row>(
    `INSERT INTO analytics.saved_views (owner_id, owner_name, name, query, shared) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (owner_id, lower(name)) DO UPDATE SET name = EXCLUDED.name, query = EXCLUDED.query, shared = EXCLUDED.shared, owner_name = EXCLUDED.owner_name, updated_at = now()
     RETURNING ${COLUMNS}`,
    [me, viewer.email ?? '', name, query, shared],
  );
  return toView(rows[0]!, viewer);
}

/** Deletes one of the viewer's own views (a shared view of someone else: NOT_FOUND, as if absent). */
export async function deleteView(pool: pg.Pool, viewer: Viewer, id: unknown): Promise<boolean> {
  const me = person(viewer);
  const n = typeof id === 'string' && /^\d{1,18}$/.test(id) ? id : null;
  if (!n) throw new ValidationError('id', id, 'is not a valid id');
  const { rowCount } = await pool.query(`DELETE FROM analytics.saved_views WHERE id = $1 AND owner_id = $2`, [
    n,
    me,
  ]);
  if (!rowCount) throw new NotFoundError('SavedView', n);
  return true;
}
