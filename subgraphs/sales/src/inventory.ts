import {
  AppError,
  ConflictError,
  ForbiddenError,
  IDENTITY_HEADER,
  InsufficientStockError,
  signIdentity,
  type Identity,
} from '@erp/kit';
import type { BaseContext, Subgraph } from '@erp/kit/graphql';

/** A quantity of one product, as the stock sees it. */
export interface StockLine {
  productId: number;
  quantity: number;
}

/**
 * The stock as the sales domain uses it. The stock belongs to the catalog domain: sales never
 * touches the inventory tables, it asks the catalog subgraph. `reference` is the order number.
 * Failures come back as our typed errors (InsufficientStockError naming the product, …).
 */
export interface Inventory {
  /** Reserves every line in the warehouse, all or nothing. */
  reserve(identity: Identity, reference: string, warehouseId: number, lines: StockLine[]): Promise<void>;
  /** Releases the active reservations of the reference. */
  release(identity: Identity, reference: string): Promise<void>;
  /** Turns the active reservations of the reference into SHIPMENT movements. */
  ship(identity: Identity, reference: string): Promise<void>;
  /** The catalog list prices of products; a product the catalog does not know is absent from the map. */
  listPrices(identity: Identity, productIds: number[]): Promise<Map<number, string>>;
}

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}
interface ResultLike {
  data?: unknown;
  errors?: readonly GraphQLErrorLike[];
}
/** Runs one catalog operation as `identity`. */
type Run = (identity: Identity, query: string, variables: Record<string, unknown>) => Promise<ResultLike>;

const RESERVE = `mutation SalesReserve($input: ReserveStockInput!) { reserveStock(input: $input) { reference } }`;
const RELEASE = `mutation SalesRelease($reference: String!) { releaseStock(reference: $reference) { reference } }`;
const SHIP = `mutation SalesShip($reference: String!) { shipStock(reference: $reference) { id } }`;
const PRICES = `query SalesPrices($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id listPrice } } }`;

/** A catalog GraphQL error back as the typed error it was thrown as over there. */
export function toTypedError(e: GraphQLErrorLike): Error {
  const x = e.extensions ?? {};
  const field = typeof x.field === 'string' ? { field: x.field } : {};
  switch (x.code) {
    case 'INSUFFICIENT_STOCK':
      return new InsufficientStockError({
        productId: Number(x.productId),
        sku: typeof x.sku === 'string' ? x.sku : undefined,
        warehouseId: Number(x.warehouseId),
        requested: Number(x.requested),
        available: Number(x.available),
      });
    case 'BAD_USER_INPUT':
      return new AppError('VALIDATION', `Catalog: ${e.message}`, field);
    case 'NOT_FOUND':
      return new AppError('NOT_FOUND', `Catalog: ${e.message}`);
    case 'CONFLICT':
      return new ConflictError(`Catalog: ${e.message}`, field);
    case 'FORBIDDEN':
      return new ForbiddenError(`Catalog: ${e.message}`);
    default:
      // UNAUTHENTICATED (secrets differ), INTERNAL_SERVER_ERROR…: a fault, logged and masked.
      return new Error(`catalog subgraph failed: ${e.message} (${String(x.code ?? 'no code')})`);
  }
}

function client(run: Run): Inventory {
  const call = async (identity: Identity, query: string, variables: Record<string, unknown>) => {
    const res = await run(identity, query, variables);
    const first = res.errors?.[0];
    if (first) throw toTypedError(first);
    return res.data as Record<string, unknown> | undefined;
  };
  return {
    reserve: async (identity, reference, warehouseId, lines) =>
      void await call(identity, RESERVE, {
        input: { reference, warehouseId: String(warehouseId), lines: lines.map((l) => ({ productId: String(l.productId), quantity: l.quantity })) },
      }),
    release: async (identity, reference) => void (await call(identity, RELEASE, { reference })),
    ship: async (identity, reference) => void (await call(identity, SHIP, { reference })),
    listPrices: async (identity, productIds) => {
      const ids = [...new Set(productIds)];
      const data = await call(identity, PRICES, { r: ids.map((id) => ({ __typename: 'Product', id: String(id) })) });
      const found = (data?._entities ?? []) as ({ id: string; listPrice: string } | null)[];
      return new Map(found.filter((p): p is { id: string; listPrice: string } => p !== null).map((p) => [Number(p.id), String(p.listPrice)]));
    },
  };
}

/** The catalog subgraph over HTTP, called with the user's identity signed as the gateway does. */
export function httpInventory(catalogUrl: string, identitySecret: string, timeoutMs = 15_000): Inventory {
  return client(async (identity, query, variables) => {
    const res = await fetch(catalogUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await signIdentity(identitySecret, identity) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    let body: ResultLike | undefined;
    try {
      body = (await res.json()) as ResultLike;
    } catch {
      body = undefined;
    }
    if (body?.errors?.length) return body;
    if (!res.ok || !body) throw new Error(`catalog subgraph at ${catalogUrl} answered HTTP ${res.status}`);
    return body;
  });
}

/** The catalog subgraph in the same process (tests, the all-in-one start): same rules, no HTTP. */
export function localInventory<C extends BaseContext>(catalog: Subgraph<C>): Inventory {
  return client(async (identity, query, variables) => {
    const res = await catalog.server.executeOperation({ query, variables }, { contextValue: catalog.contextFor(identity) });
    if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
    return res.body.singleResult as ResultLike;
  });
}
