import { InsufficientStockError, type Identity } from '@erp/kit';
import {
  askSubgraph,
  httpSubgraphRun,
  localSubgraphRun,
  remoteError,
  type BaseContext,
  type GraphQLErrorLike,
  type Subgraph,
  type SubgraphRun,
} from '@erp/kit/graphql';

/** A quantity of one product, as the stock sees it. */
export interface StockLine {
  productId: number;
  quantity: number;
}

/** The order a stock operation is for. */
export interface OrderRef {
  id: number;
  number: string;
  warehouseId: number;
}

/** An order the catalog says holds active reservations. */
export interface StockHold {
  orderId: number;
  reference: string;
}

/**
 * The stock as the sales domain uses it. The stock belongs to the catalog domain: sales never
 * touches the inventory tables, it asks the catalog subgraph, through internal operations that
 * only the sales service's identity may call, always for one order (its id, number and lines).
 * `actor` is the person the order workflow acts for (kept in the catalog's audit trail); the call
 * itself carries the SALES_SERVICE role. Failures come back as our typed errors.
 */
export interface Inventory {
  /** Reserves every line of the order in its warehouse, all or nothing. */
  reserve(actor: Identity, order: OrderRef, lines: StockLine[]): Promise<void>;
  /** Releases what the order holds (nothing held is fine). */
  release(actor: Identity, orderId: number): Promise<void>;
  /** Turns the order's active reservation into SHIPMENT movements. */
  ship(actor: Identity, orderId: number): Promise<void>;
  /** Compensation of `ship`: the units come back and are reserved again. */
  undoShipment(actor: Identity, orderId: number): Promise<void>;
  /** Orders holding active reservations, by order id, `first` at a time after `afterOrderId`. */
  holds(actor: Identity, afterOrderId: number, first: number): Promise<StockHold[]>;
  /**
   * The catalog products of the ids (list price, status, the tax rate of their category: absent or
   * null when none is set); a product the catalog does not know is absent.
   */
  products(actor: Identity, productIds: number[]): Promise<Map<number, CatalogProduct>>;
  /** Whether the catalog knows the warehouse. */
  warehouseExists(actor: Identity, warehouseId: number): Promise<boolean>;
}

/** The customers as the sales domain checks them (the customers subgraph owns them). */
export interface CustomerDirectory {
  /**
   * The customer as `actor` may see it, or null when it does not exist or is not the actor's to
   * see (a SALES user sees only the customers assigned to them). Its country only with
   * `{ country: true }`: reaching it walks city → region → country (three more lookups there),
   * which an order needs only for a line no rate is known for.
   */
  customer(
    actor: Identity,
    customerId: number,
    opts?: { country?: boolean },
  ): Promise<DirectoryCustomer | null>;
}

export interface CatalogProduct {
  listPrice: string;
  status: string;
  taxRate?: string | null;
}
export interface DirectoryCustomer {
  status: string;
  salesRepId: number | null;
  /** The country of the customer's city (what its default tax rate depends on); absent when not known. */
  countryCode?: string | null;
}

const RESERVE = `mutation SalesReserve($input: OrderStockInput!) { reserveOrderStock(input: $input) { reference } }`;
const RELEASE = `mutation SalesRelease($orderId: ID!) { releaseOrderStock(orderId: $orderId) { reference } }`;
const SHIP = `mutation SalesShip($orderId: ID!) { shipOrderStock(orderId: $orderId) { id } }`;
const UNSHIP = `mutation SalesUndoShipment($orderId: ID!) { undoOrderShipment(orderId: $orderId) { id } }`;
const HOLDS = `query SalesStockHolds($after: ID, $first: Int) { orderStockHolds(afterOrderId: $after, first: $first) { orderId reference } }`;
const WAREHOUSE = `query SalesWarehouse($r: [_Any!]!) { _entities(representations: $r) { ... on Warehouse { id } } }`;
const CUSTOMER = `query SalesCustomer($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id status salesRepId } } }`;
const CUSTOMER_COUNTRY = `query SalesCustomerCountry($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id status salesRepId geography { city { region { country { code } } } } } } }`;
const PRODUCTS = `query SalesProducts($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id listPrice status taxRate } } }`;

/** The identity of the sales service acting for `actor` (whose user id the catalog's audit keeps). */
export const serviceIdentity = (actor: Identity): Identity => ({ ...actor, role: 'SALES_SERVICE' });

/** A catalog GraphQL error back as the typed error it was thrown as over there. */
export function toTypedError(e: GraphQLErrorLike): Error {
  const x = e.extensions ?? {};
  if (x.code === 'INSUFFICIENT_STOCK')
    return new InsufficientStockError({
      productId: Number(x.productId),
      sku: typeof x.sku === 'string' ? x.sku : undefined,
      warehouseId: Number(x.warehouseId),
      requested: Number(x.requested),
      available: Number(x.available),
    });
  return remoteError(e, 'Catalog');
}

const ask = (run: SubgraphRun, identity: Identity, query: string, variables: Record<string, unknown>) =>
  askSubgraph(run, identity, query, variables, toTypedError);

function client(run: SubgraphRun): Inventory {
  const call = (actor: Identity, query: string, variables: Record<string, unknown>) =>
    ask(run, serviceIdentity(actor), query, variables);
  return {
    warehouseExists: async (actor, warehouseId) => {
      const data = await call(actor, WAREHOUSE, {
        r: [{ __typename: 'Warehouse', id: String(warehouseId) }],
      });
      return ((data?._entities ?? []) as unknown[]).some((e) => e !== null);
    },
    reserve: async (actor, order, lines) =>
      void (await call(actor, RESERVE, {
        input: {
          orderId: String(order.id),
          orderNumber: order.number,
          warehouseId: String(order.warehouseId),
          lines: lines.map((l) => ({ productId: String(l.productId), quantity: l.quantity })),
        },
      })),
    release: async (actor, orderId) => void (await call(actor, RELEASE, { orderId: String(orderId) })),
    ship: async (actor, orderId) => void (await call(actor, SHIP, { orderId: String(orderId) })),
    undoShipment: async (actor, orderId) => void (await call(actor, UNSHIP, { orderId: String(orderId) })),
    holds: async (actor, afterOrderId, first) => {
      const data = await call(actor, HOLDS, { after: afterOrderId > 0 ? String(afterOrderId) : null, first });
      return ((data?.orderStockHolds ?? []) as { orderId: string; reference: string }[]).map((h) => ({
        orderId: Number(h.orderId),
        reference: h.reference,
      }));
    },
    products: async (actor, productIds) => {
      const ids = [...new Set(productIds)];
      if (!ids.length) return new Map();
      const data = await call(actor, PRODUCTS, {
        r: ids.map((id) => ({ __typename: 'Product', id: String(id) })),
      });
      type Found = { id: string; listPrice: string; status: string; taxRate: string | null };
      const found = (data?._entities ?? []) as (Found | null)[];
      return new Map(
        found
          .filter((p): p is Found => p !== null)
          .map((p) => [
            Number(p.id),
            {
              listPrice: String(p.listPrice),
              status: p.status,
              taxRate: p.taxRate === null ? null : String(p.taxRate),
            },
          ]),
      );
    },
  };
}

/** The customers subgraph, asked with the person's own identity (its row-level rules apply). */
function customerClient(run: SubgraphRun): CustomerDirectory {
  return {
    customer: async (actor, customerId, opts = {}) => {
      const data = await ask(run, actor, opts.country ? CUSTOMER_COUNTRY : CUSTOMER, {
        r: [{ __typename: 'Customer', id: String(customerId) }],
      });
      type Found = {
        status: string;
        salesRepId: string | null;
        geography?: { city?: { region?: { country?: { code: string } } } };
      };
      const found = ((data?._entities ?? []) as (Found | null)[])[0];
      return found
        ? {
            status: found.status,
            salesRepId: found.salesRepId === null ? null : Number(found.salesRepId),
            countryCode: found.geography?.city?.region?.country?.code ?? null,
          }
        : null;
    },
  };
}

export const httpCustomers = (
  url: string | (() => string),
  identitySecret: string,
  timeoutMs = 15_000,
): CustomerDirectory => customerClient(httpSubgraphRun(url, identitySecret, timeoutMs));
export const localCustomers = <C extends BaseContext>(customers: Subgraph<C>): CustomerDirectory =>
  customerClient(localSubgraphRun(customers));

/** The catalog subgraph over HTTP, called with the sales service's identity, signed with SUBGRAPH_SECRET. */
export function httpInventory(catalogUrl: string, identitySecret: string, timeoutMs = 15_000): Inventory {
  return client(httpSubgraphRun(catalogUrl, identitySecret, timeoutMs));
}

/** The catalog subgraph in the same process (SUBGRAPH_TRANSPORT=local, tests): same rules, no HTTP. */
export function localInventory<C extends BaseContext>(catalog: Subgraph<C>): Inventory {
  return client(localSubgraphRun(catalog));
}
