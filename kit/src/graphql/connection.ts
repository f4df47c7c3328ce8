import type DataLoader from 'dataloader';
import { ForbiddenError, ValidationError } from '../errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** The ETL's service identity reads lists whole, in pages of up to this many rows. */
export const MAX_BULK_PAGE_SIZE = 10_000;

/**
 * Page size from `first`: at most 100, clamped by the server; at most 10,000 for the ETL's service
 * identity (machine extraction: thousands of rows per request instead of a request per 100).
 */
export function pageSize(first: number | null | undefined, reader?: { role: string }): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0)
    throw new ValidationError('first', first, 'must be a whole number ≥ 0');
  return Math.min(first, reader?.role === 'ETL_SERVICE' ? MAX_BULK_PAGE_SIZE : MAX_PAGE_SIZE);
}

/** Opaque cursor of a row in a sorted list: the sort key values and the id (ties broken by id). */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity) return values;
  } catch {
    /* reported below */
  }
  throw new ValidationError('after', cursor, 'is not a cursor from this list');
}

/**
 * How many rows match a list's filter, all pages together. A function: graphql-js's default
 * resolver calls a function-valued field, so the count runs only when a client selects
 * `totalCount` (a page that does not ask for it costs its rows, not the table).
 */
export type LazyCount = () => Promise<number>;

/** A value computed at most once, and only when first asked for (a count, a batch of counts). */
export function lazyOnce<T>(compute: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= compute());
}
export const lazyCount: (count: () => Promise<number>) => LazyCount = lazyOnce;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: LazyCount;
}

/**
 * The keyset condition "after this cursor" on `column` (ties broken by `id`) for bound parameters
 * `$a` (sort value) and `$b` (id). The plain bound on the column alone lets PostgreSQL start an
 * index scan on the column's own index at the cursor; the row comparison keeps ties exact.
 */
export function keysetSql(column: string, id: string, cmp: '<' | '>', a: string, b: string): string {
  return `${column} ${cmp}= ${a} AND (${column}, ${id}) ${cmp} (${a}, ${b})`;
}

/** Builds a connection from `limit + 1` fetched rows. */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T) => unknown[]): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** An ILIKE pattern matching `search` anywhere, with LIKE's wildcards in it taken literally. */
export function likePattern(search: string): string {
  return `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A list's sort: the whitelisted column for `orderBy.field` (an unknown field is a validation error)
 * and the direction. Only these column names ever enter the SQL; values are bound parameters.
 */
export function sortOrder<F extends string>(
  orderBy: { field?: F | null; direction?: 'ASC' | 'DESC' | null } | null | undefined,
  columns: Record<F, string>,
  fallback: { field: F; direction: 'ASC' | 'DESC' },
) {
  const field = orderBy?.field ?? fallback.field;
  const column = columns[field];
  if (!column) throw new ValidationError('orderBy.field', field, 'unknown sort field');
  const desc = (orderBy?.direction ?? fallback.direction) === 'DESC';
  return { field, column, desc, dir: desc ? 'DESC' : 'ASC', cmp: desc ? '<' : '>' } as const;
}

/** What a keyset page reads with: a pool or a client (only `query` is used). */
interface Queryable {
  query<R extends object>(sql: string, params: unknown[]): Promise<{ rows: R[] }>;
}

/** One sorted, filtered list of a table, read a page at a time. */
export interface KeysetPageSpec<R extends { id: number }> {
  /** The table and its alias in the SQL (its rows have `id` and `updated_at`). */
  table: string;
  alias: string;
  /** The selected columns, qualified by the alias. */
  columns: string;
  /** The filter's conditions (ANDed) and their bound parameters. */
  where: string[];
  params: unknown[];
  /** The ETL's incremental extraction: rows changed at or after this instant. */
  updatedFrom?: Date | string | null;
  /** The sort expression and the direction (ties broken by id in the same direction). */
  sortExpr: string;
  desc: boolean;
  /** Casts of the cursor's bound values where the parameter's type is not inferred (`::timestamptz`). */
  sortCast?: string;
  idCast?: string;
  after: string | null | undefined;
  limit: number;
  /** Called on every fetched row (to prime a loader). */
  onRow?: (row: R) => void;
}

/**
 * A page of a list sorted by one expression, ties broken by id. The cursor keeps the sort value
 * as PostgreSQL prints it (timestamps keep their microseconds), so pages neither repeat nor skip
 * rows; the count runs only when the client selects totalCount.
 */
export async function keysetPage<R extends { id: number }>(pool: Queryable, spec: KeysetPageSpec<R>) {
  const where = [...spec.where];
  const params = [...spec.params];
  const from = `${spec.table} ${spec.alias}`;
  const idExpr = `${spec.alias}.id`;
  if (spec.updatedFrom != null) where.push(`${spec.alias}.updated_at >= $${params.push(spec.updatedFrom)}`);
  const countParams = [...params];
  const filterSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const cursor = decodeCursor(spec.after, 2);
  if (cursor) {
    if (typeof cursor[0] !== 'string' || !Number.isSafeInteger(cursor[1]))
      throw new ValidationError('after', spec.after, 'is not a cursor from this list');
    const a = params.push(cursor[0]);
    const b = params.push(cursor[1]);
    where.push(
      keysetSql(
        spec.sortExpr,
        idExpr,
        spec.desc ? '<' : '>',
        `$${a}${spec.sortCast ?? ''}`,
        `$${b}${spec.idCast ?? ''}`,
      ),
    );
  }
  const dir = spec.desc ? 'DESC' : 'ASC';
  const page = await pool.query<R & { sortKey: string }>(
    `SELECT ${spec.columns}, ${spec.sortExpr}::text AS "sortKey" FROM ${from}
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${spec.sortExpr} ${dir}, ${idExpr} ${dir} LIMIT $${params.push(spec.limit + 1)}`,
    params,
  );
  const keyed = page.rows.map(({ sortKey, ...rest }) => {
    const row = rest as unknown as R;
    spec.onRow?.(row);
    return { row, sortKey };
  });
  const connection = toConnection(keyed, spec.limit, (k) => [k.sortKey, k.row.id]);
  return {
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: e.node.row })),
    pageInfo: connection.pageInfo,
    totalCount: lazyCount(
      async () =>
        (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} ${filterSql}`, countParams))
          .rows[0]!.n,
    ),
  } satisfies Connection<R>;
}

/** A column list (`a, b AS "bB"`) qualified by a table alias (`p.a, p.b AS "bB"`), for joins and keyset pages. */
export const qualifiedColumns = (columns: string, alias: string) =>
  columns.replace(/(^|,\s*)(\w+)/g, `$1${alias}.$2`);

/** What every list query's arguments hold besides its filter and sort. */
export interface ListPageArgs {
  after?: string | null;
  filter?: { updatedFrom?: Date | string | null } | null;
}

/**
 * The parts of a keyset page that a list query fills the same way: the page after `after`, the
 * ETL's `filter.updatedFrom`, and each row primed into the entity's loader (a later field of the
 * request that loads it by id reads no row again).
 */
export function listPage<R extends { id: number }>(
  args: ListPageArgs,
  limit: number,
  loader: DataLoader<number, R | null>,
): Pick<KeysetPageSpec<R>, 'after' | 'limit' | 'updatedFrom' | 'onRow'> {
  return {
    updatedFrom: args.filter?.updatedFrom,
    after: args.after,
    limit,
    onRow: (row) => loader.prime(row.id, row),
  };
}

/** The arguments of an ETL feed: a page size, the previous page's cursor, the instant to read from. */
export interface EtlFeedArgs {
  first?: number | null;
  after?: string | null;
  updatedFrom?: Date | string | null;
}

/**
 * The keyset page of an ETL feed (flat rows of every record: the ETL service identity's alone, any
 * other caller FORBIDDEN): its size (`first`, default 2,000, at most 10,000) and the conditions, with
 * their parameters, keeping the rows at or after `updatedFrom` and after the `after` cursor (the last
 * row's sort instant as text and its id) on the feed's (sort, id) columns.
 */
export function etlFeedKeyset(
  identity: { role: string } | null | undefined,
  feed: string,
  args: EtlFeedArgs,
  keys: { sort: string; id: string; idType: 'int' | 'bigint' },
): { limit: number; params: unknown[]; where: string[] } {
  if (identity?.role !== 'ETL_SERVICE') throw new ForbiddenError(`${feed} is the ETL service identity’s`);
  const first = args.first ?? 2000;
  if (!Number.isInteger(first) || first < 1)
    throw new ValidationError('first', first, 'must be a whole number ≥ 1');
  const cursor = decodeCursor(args.after, 2);
  if (cursor && (typeof cursor[0] !== 'string' || !Number.isSafeInteger(cursor[1])))
    throw new ValidationError('after', args.after, 'is not a cursor from this feed');
  const params: unknown[] = [];
  const where: string[] = [];
  if (args.updatedFrom != null) where.push(`${keys.sort} >= $${params.push(args.updatedFrom)}`);
  if (cursor) {
    const sortKey = `$${params.push(cursor[0])}::timestamptz`;
    where.push(keysetSql(keys.sort, keys.id, '>', sortKey, `$${params.push(cursor[1])}::${keys.idType}`));
  }
  return { limit: Math.min(first, MAX_BULK_PAGE_SIZE), params, where };
}
