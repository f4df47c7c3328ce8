import type { Tx } from '@erp/kit';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { EtlApi } from '../api';
import { emptyCounts, stageChanged, type PageCounts } from '../load';

export const ENTITY_NAMES = [
  'warehouses',
  'products',
  'customers',
  'suppliers',
  'salesReps',
  'orders',
  'stock',
  'stockMovements',
  'purchaseOrders',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

export interface Page<N> {
  nodes: N[];
  endCursor: string | null;
  hasNextPage: boolean;
  /** Source rows on the page when a node is not one row (a feed page of many orders); nodes.length otherwise. */
  count?: number;
  /** The page's last position in extraction order when the feed says it (otherwise position() of the last node). */
  last?: Position | null;
}

export interface LoadContext {
  runId: number;
  /** The run's snapshot date (YYYY-MM-DD, UTC) for the inventory snapshot. */
  snapshotDate: string;
}

/** Where a page ends in the extraction order (updatedAt, id): the watermark and the checkpoint keep it. */
export interface Position {
  updatedAt: string;
  id: string;
}

/** How an entity reads and loads its nodes (of type N); defineEntity turns it into the run's Entity. */
export interface EntitySpec<N> {
  name: EntityName;
  /** Incremental by an updatedAt watermark (otherwise the whole list is read every run). */
  watermark: boolean;
  /** The warehouse tables its load writes (statistics are refreshed on them when they changed). */
  tables: string[];
  fetch(api: EtlApi, first: number, after: string | null, updatedFrom: string | null): Promise<Page<N>>;
  /** Position of a row in the extraction order (updatedAt, id), for the watermark. */
  position?(node: N): Position;
  load(tx: Tx, nodes: N[], ctx: LoadContext): Promise<PageCounts>;
}

/** A page read, ready to load: its nodes are closed over, so the run needs not know their type. */
export interface FetchedPage {
  endCursor: string | null;
  hasNextPage: boolean;
  /** Source rows on the page. */
  count: number;
  /** The page's last position in extraction order (null: none, the watermark stays). */
  last: Position | null;
  load(tx: Tx, ctx: LoadContext): Promise<PageCounts>;
}

/** An entity as the run sees it: every entity has this one shape, whatever its nodes. */
export interface Entity {
  name: EntityName;
  watermark: boolean;
  tables: string[];
  fetch(api: EtlApi, first: number, after: string | null, updatedFrom: string | null): Promise<FetchedPage>;
}

/** The one way to declare an entity: its spec, typed by its nodes, behind the run's Entity. */
export function defineEntity<N>(spec: EntitySpec<N>): Entity {
  return {
    name: spec.name,
    watermark: spec.watermark,
    tables: spec.tables,
    async fetch(api, first, after, updatedFrom) {
      const page = await spec.fetch(api, first, after, updatedFrom);
      const { nodes } = page;
      const lastNode = nodes[nodes.length - 1];
      return {
        endCursor: page.endCursor,
        hasNextPage: page.hasNextPage,
        count: page.count ?? nodes.length,
        last:
          page.last !== undefined ? page.last : lastNode && spec.position ? spec.position(lastNode) : null,
        load: (tx, ctx) => spec.load(tx, nodes, ctx),
      };
    },
  };
}

/** A page of a flat feed (its rows one JSON text of tuples): the whole page is one node. */
interface FlatFeedPage {
  columns: readonly string[];
  hasNextPage: boolean;
  endCursor?: string | null;
  lastUpdatedAt?: string | null;
  lastId?: string | null;
}

/**
 * Reads a flat feed in keyset pages from its watermark (the query takes first, after, updatedFrom):
 * `page` picks the page from the answer, `checkColumns` refuses a page missing a column the load
 * reads, `count` says how many source rows the page holds; the page ends where the feed says.
 */
export function flatFeed<R, F extends FlatFeedPage>(
  document: TypedDocumentNode<R, { first: number; after?: string | null; updatedFrom?: string | null }>,
  what: string,
  feed: { page(result: R): F; checkColumns(columns: readonly string[]): unknown; count(page: F): number },
): EntitySpec<F>['fetch'] {
  return async (api, first, after, updatedFrom) => {
    const page = feed.page(await api.query(document, { first, after, updatedFrom }, what));
    feed.checkColumns(page.columns);
    const { endCursor, hasNextPage, lastUpdatedAt, lastId } = page;
    const last = lastUpdatedAt && lastId ? { updatedAt: lastUpdatedAt, id: lastId } : null;
    return { nodes: [page], endCursor: endCursor ?? null, hasNextPage, count: feed.count(page), last };
  };
}

/** A flat feed's load: each page loaded by `loadPage`, the counts summed over the pages. */
export function eachPage<F>(
  loadPage: (tx: Tx, page: F, ctx: LoadContext, counts: PageCounts) => Promise<void>,
): EntitySpec<F>['load'] {
  return async (tx, pages, ctx) => {
    const counts = emptyCounts();
    for (const page of pages) await loadPage(tx, page, ctx, counts);
    return counts;
  };
}

export const int = (v: string | number | null | undefined) => (v == null ? null : Number(v));

interface Connection<N> {
  edges: { node: N }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** A page of a GraphQL connection as the run reads it. */
export function connectionPage<N>(connection: Connection<N>): Page<N> {
  return { nodes: connection.edges.map((e) => e.node), ...connection.pageInfo };
}

/**
 * Reads an entity in keyset pages from its watermark (the query takes first, after, updatedFrom);
 * a node's position is its (updatedAt, id).
 */
export function keysetPages<R, N extends Position>(
  document: TypedDocumentNode<R, { first: number; after?: string | null; updatedFrom?: string | null }>,
  what: string,
  connection: (result: R) => Connection<N>,
): Pick<EntitySpec<N>, 'fetch' | 'position'> {
  return {
    fetch: async (api, first, after, updatedFrom) =>
      connectionPage(connection(await api.query(document, { first, after, updatedFrom }, what))),
    position: (n) => ({ updatedAt: n.updatedAt, id: n.id }),
  };
}

/**
 * An entity whose nodes are one staging row each, keyed by their id (the source's updatedAt is the
 * node's position when it has one): the page is staged and counted, and only the nodes whose
 * checksum changed go on to `loadChanged` (never called with none).
 */
export function stagedEntity<N extends { id: string }>(
  def: Omit<EntitySpec<N>, 'load'> & {
    staging: { table: string; keyCol: string; checksum(node: N): string };
    loadChanged(tx: Tx, changed: N[], ctx: LoadContext, counts: PageCounts): Promise<void>;
  },
): Entity {
  const { staging, loadChanged, ...spec } = def;
  return defineEntity({
    ...spec,
    async load(tx, nodes, ctx) {
      const counts = emptyCounts();
      const target = { table: staging.table, keyCol: staging.keyCol, runId: ctx.runId };
      const changed = await stageChanged(tx, counts, target, nodes, (n) => ({
        checksum: staging.checksum(n),
        updatedAt: spec.position?.(n).updatedAt ?? null,
      }));
      if (changed.length) await loadChanged(tx, changed, ctx, counts);
      return counts;
    },
  });
}
