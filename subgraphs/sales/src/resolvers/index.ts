import { parseId, scalarResolvers } from '@erp/kit/graphql';
import type { SalesContext } from '../context';
import type { OrderLineRow, OrderRow } from '../rows';
import * as orders from '../services/orders';
import * as workflow from '../services/workflow';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = SalesContext;

/** Thin resolvers: parse arguments, call a service or a loader, return. */
export const resolvers = {
  ...scalarResolvers,
  Query: {
    orders: (_: unknown, a: Args, ctx: Ctx) => orders.listOrders(ctx, a),
    order: (_: unknown, a: Args, ctx: Ctx) => orders.getOrder(ctx, a),
    salesTotals: (_: unknown, _a: Args, ctx: Ctx) => orders.salesTotals(ctx),
  },
  Mutation: {
    createOrder: (_: unknown, a: Args, ctx: Ctx) => orders.createOrder(ctx, a.input, a),
    updateOrder: (_: unknown, a: Args, ctx: Ctx) => orders.updateOrder(ctx, parseId('id', a.id), a.input, a),
    confirmOrder: (_: unknown, a: Args, ctx: Ctx) => workflow.confirmOrder(ctx, parseId('id', a.id), a),
    shipOrder: (_: unknown, a: Args, ctx: Ctx) => workflow.shipOrder(ctx, parseId('id', a.id), a),
    deliverOrder: (_: unknown, a: Args, ctx: Ctx) => workflow.deliverOrder(ctx, parseId('id', a.id), a),
    cancelOrder: (_: unknown, a: Args, ctx: Ctx) => workflow.cancelOrder(ctx, parseId('id', a.id), a.reason, a),
  },
  Order: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => orders.orderReference(ctx, ref.id),
    customer: (o: OrderRow) => ({ id: o.customerId }),
    warehouse: (o: OrderRow) => ({ id: o.warehouseId }),
    lines: (o: OrderRow, _a: Args, ctx: Ctx) => ctx.loaders.linesOf.load(o.id),
    totals: async (o: OrderRow, _a: Args, ctx: Ctx) => orders.totalsOf(await ctx.loaders.linesOf.load(o.id)),
    statusHistory: (o: OrderRow, _a: Args, ctx: Ctx) => ctx.loaders.historyOf.load(o.id),
    carrier: (o: OrderRow, _a: Args, ctx: Ctx) => (o.carrierId === null ? null : ctx.loaders.carrier.load(o.carrierId)),
    shipTo: (o: OrderRow) =>
      o.shipToCityId === null && o.shipToName === null && o.shipToAddress === null
        ? null
        : { name: o.shipToName, address: o.shipToAddress, postalCode: o.shipToPostalCode, city: o.shipToCityId === null ? null : { id: o.shipToCityId } },
  },
  OrderLine: {
    product: (l: OrderLineRow) => ({ id: l.productId }),
  },
  Customer: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    orders: (c: { id: string | number }, a: Args, ctx: Ctx) =>
      ctx.loaders.customerOrders.load({ customerId: parseId('id', c.id), args: { first: a.first, after: a.after, filter: a.filter, orderBy: a.orderBy } }),
  },
};
