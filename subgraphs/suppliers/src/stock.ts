import type { Identity } from '@erp/kit';
import {
  askSubgraph,
  httpSubgraphRun,
  localSubgraphRun,
  remoteError,
  type BaseContext,
  type Subgraph,
  type SubgraphRun,
} from '@erp/kit/graphql';

/** One purchase receipt's goods, as the stock sees them. */
export interface ReceiptPosting {
  /** Unique per receipt: a second posting under the same key posts nothing. */
  receiptKey: string;
  /** The receipt number (the movements' reference). */
  reference: string;
  warehouseId: number;
  occurredAt: string;
  lines: { productId: number; quantity: number }[];
}

/** What a product looks like to the purchasing rules (the catalog owns it). */
export interface CatalogProduct {
  status: string;
}

/** A product's stock in one warehouse and its recent outflow (the catalog owns both). */
export interface StockDemand {
  productId: number;
  warehouseId: number;
  onHand: number;
  reserved: number;
  /** Units shipped in the window. */
  shipped: number;
}

/**
 * The stock as the purchasing workflow uses it. The stock belongs to the catalog domain: purchasing
 * never writes the inventory tables, it asks the catalog subgraph, through internal operations
 * only the PURCHASING_SERVICE identity may call, keyed per receipt. `actor` is the person
 * receiving (kept in the catalog's audit trail). Failures come back as typed errors.
 */
export interface PurchaseStock {
  /** Posts the receipt's RECEIPT movements, once per receiptKey. */
  post(actor: Identity, posting: ReceiptPosting): Promise<void>;
  /** Compensation of `post` (same posting): the units leave again, once; nothing posted is fine. */
  undo(actor: Identity, posting: ReceiptPosting): Promise<void>;
  /** The catalog products of the ids; a product the catalog does not know is absent. */
  products(actor: Identity, productIds: number[]): Promise<Map<number, CatalogProduct>>;
  /** Whether the catalog knows the warehouse. */
  warehouseExists(actor: Identity, warehouseId: number): Promise<boolean>;
  /** Stock of the products (each warehouse holding them) with the units shipped since `since`. */
  demand(
    actor: Identity,
    since: string,
    productIds: number[],
    warehouseId: number | null,
  ): Promise<StockDemand[]>;
}

const POST = `mutation PurchasingPost($input: PurchaseStockInput!) { receivePurchaseStock(input: $input) { id } }`;
const UNDO = `mutation PurchasingUndo($input: PurchaseStockInput!) { undoPurchaseStock(input: $input) { id } }`;
const WAREHOUSE = `query PurchasingWarehouse($r: [_Any!]!) { _entities(representations: $r) { ... on Warehouse { id } } }`;
const PRODUCTS = `query PurchasingProducts($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id status } } }`;
const DEMAND = `query PurchasingDemand($since: DateTime!, $p: [ID!], $w: ID) { stockDemand(since: $since, productIds: $p, warehouseId: $w) { productId warehouseId onHand reserved shipped } }`;

/** The suppliers service acting for `actor` (whose user id the catalog's audit keeps). */
export const purchasingIdentity = (actor: Identity): Identity => ({ ...actor, role: 'PURCHASING_SERVICE' });

const ask = (run: SubgraphRun, actor: Identity, query: string, variables: Record<string, unknown>) =>
  askSubgraph(run, purchasingIdentity(actor), query, variables, (e) => remoteError(e, 'Catalog'));

const postingInput = (p: ReceiptPosting) => ({
  receiptKey: p.receiptKey,
  reference: p.reference,
  warehouseId: String(p.warehouseId),
  occurredAt: p.occurredAt,
  lines: p.lines.map((l) => ({ productId: String(l.productId), quantity: l.quantity })),
});

interface ProductEntity {
  id: string;
  status: string;
}
interface DemandRow {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  shipped: number;
}

function client(run: SubgraphRun): PurchaseStock {
  return {
    post: async (actor, posting) => void (await ask(run, actor, POST, { input: postingInput(posting) })),
    undo: async (actor, posting) => void (await ask(run, actor, UNDO, { input: postingInput(posting) })),
    products: async (actor, productIds) => {
      const ids = [...new Set(productIds)];
      if (!ids.length) return new Map();
      const data = await ask(run, actor, PRODUCTS, {
        r: ids.map((id) => ({ __typename: 'Product', id: String(id) })),
      });
      const found = ((data?._entities ?? []) as (ProductEntity | null)[]).filter(
        (p): p is ProductEntity => p !== null,
      );
      return new Map(found.map((p) => [Number(p.id), { status: p.status }]));
    },
    demand: async (actor, since, productIds, warehouseId) => {
      const data = await ask(run, actor, DEMAND, {
        since,
        p: productIds.map(String),
        w: warehouseId === null ? null : String(warehouseId),
      });
      return ((data?.stockDemand ?? []) as DemandRow[]).map((d) => ({
        ...d,
        productId: Number(d.productId),
        warehouseId: Number(d.warehouseId),
      }));
    },
    warehouseExists: async (actor, warehouseId) => {
      const data = await ask(run, actor, WAREHOUSE, {
        r: [{ __typename: 'Warehouse', id: String(warehouseId) }],
      });
      return ((data?._entities ?? []) as unknown[]).some((e) => e !== null);
    },
  };
}

/** The catalog subgraph over HTTP, called with the purchasing service's identity, signed with SUBGRAPH_SECRET. */
export function httpPurchaseStock(
  url: string | (() => string),
  identitySecret: string,
  timeoutMs = 15_000,
): PurchaseStock {
  return client(httpSubgraphRun(url, identitySecret, timeoutMs));
}

/** The catalog subgraph in the same process (SUBGRAPH_TRANSPORT=local, tests): same rules, no HTTP. */
export function localPurchaseStock<C extends BaseContext>(catalog: Subgraph<C>): PurchaseStock {
  return client(localSubgraphRun(catalog));
}
