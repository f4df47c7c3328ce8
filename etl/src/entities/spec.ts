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
  last?: { updatedAt: string; id: string } | null;
}

export interface LoadContext {
  runId: number;
  /** The run's snapshot date (YYYY-MM-DD, UTC) for the inventory snapshot. */
  snapshotDate: string;
}

export interface EntitySpec<N> {
  name: EntityName;
  /** Incremental by an updatedAt watermark (otherwise the whole list is read every run). */
  watermark: boolean;
  /** The warehouse tables its load writes (statistics are refreshed on them when they changed). */
  tables: string[];
  fetch(api: EtlApi, first: number, after: string | null, updatedFrom: string | null): Promise<Page<N>>;
  /** Position of a row in the extraction order (updatedAt, id), for the watermark. */
  position?(node: N): { updatedAt: string; id: string };
  load(tx: Tx, nodes: N[], ctx: LoadContext): Promise<PageCounts>;
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

/** Reads an entity in keyset pages from its watermark: the query takes (first, after, updatedFrom). */
export function keysetPages<R, N>(
  document: TypedDocumentNode<R, { first: number; after?: string | null; updatedFrom?: string | null }>,
  what: string,
  connection: (result: R) => Connection<N>,
): EntitySpec<N>['fetch'] {
  return async (api, first, after, updatedFrom) =>
    connectionPage(connection(await api.query(document, { first, after, updatedFrom }, what)));
}

/** The extraction order's position of a node read by its updatedAt watermark. */
export const updatedAtPosition = (n: { updatedAt: string; id: string }) => ({
  updatedAt: n.updatedAt,
  id: n.id,
});

/**
 * An entity whose nodes are one staging row each, keyed by their id (the source's updatedAt is the
 * node's position when it has one): the page is staged and counted, and only the nodes whose
 * checksum changed go on to `loadChanged` (never called with none).
 */
export function stagedEntity<N extends { id: string }>(
  def: Omit<EntitySpec<N>, 'load'> & {
    staging: { table: string; keyCol: string };
    checksum(node: N): string;
    loadChanged(tx: Tx, changed: N[], ctx: LoadContext, counts: PageCounts): Promise<void>;
  },
): EntitySpec<N> {
  const { staging, checksum, loadChanged, ...spec } = def;
  return {
    ...spec,
    async load(tx, nodes, ctx) {
      const counts = emptyCounts();
      const changed = await stageChanged(tx, counts, { ...staging, runId: ctx.runId }, nodes, (n) => ({
        checksum: checksum(n),
        updatedAt: spec.position?.(n).updatedAt ?? null,
      }));
      if (changed.length) await loadChanged(tx, changed, ctx, counts);
      return counts;
    },
  };
}
