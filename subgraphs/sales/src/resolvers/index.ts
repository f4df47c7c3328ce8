import { parseId, scalarResolvers, inputMutation, rowInputMutation } from '@erp/kit/graphql';
import type { Resolvers } from '../generated/resolvers';
import * as feed from '../services/feed';
import { getOrder, listOrders, orderReference } from '../services/order-list';
import { salesTotals, totalsOf } from '../services/order-totals';
import { createOrder, updateOrder } from '../services/order-writes';
import * as workflow from '../services/workflow';

/** Thin resolvers: parse arguments, call a service or a loader, return; typed from schema.graphql (src/generated). */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    orders: (_, a, ctx) => listOrders(ctx, a),
    order: (_, a, ctx) => getOrder(ctx, a),
    salesTotals: (_, _a, ctx) => salesTotals(ctx),
    salesOrderLineFeed: (_, a, ctx) => feed.orderLineFeed(ctx, a),
  },
  Mutation: {
    createOrder: inputMutation(createOrder),
    updateOrder: rowInputMutation(updateOrder),
    confirmOrder: (_, a, ctx) => workflow.confirmOrder(ctx, parseId('id', a.id), a),
    shipOrder: (_, a, ctx) => workflow.shipOrder(ctx, parseId('id', a.id), a),
    deliverOrder: (_, a, ctx) => workflow.deliverOrder(ctx, parseId('id', a.id), a),
    cancelOrder: (_, a, ctx) => workflow.cancelOrder(ctx, parseId('id', a.id), a.reason, a),
  },
  Order: {
    __resolveReference: (ref, ctx) => orderReference(ctx, ref.id),
    customer: (o) => ({ id: o.customerId }),
    warehouse: (o) => ({ id: o.warehouseId }),
    lines: (o, _a, ctx) => ctx.loaders.linesOf.load(o.id),
    totals: async (o, _a, ctx) => totalsOf(await ctx.loaders.linesOf.load(o.id)),
    statusHistory: (o, _a, ctx) => ctx.loaders.historyOf.load(o.id),
    carrier: (o, _a, ctx) => (o.carrierId === null ? null : ctx.loaders.carrier.load(o.carrierId)),
    shipTo: (o) =>
      o.shipToCityId === null && o.shipToName === null && o.shipToAddress === null
        ? null
        : {
            name: o.shipToName,
            address: o.shipToAddress,
            postalCode: o.shipToPostalCode,
            city: o.shipToCityId === null ? null : { id: o.shipToCityId },
          },
  },
  OrderLine: {
    product: (l) => ({ id: l.productId }),
  },
  Customer: {
    __resolveReference: (ref) => ({ id: ref.id }),
    orders: (c, a, ctx) =>
      ctx.loaders.customerOrders.load({
        customerId: parseId('id', c.id),
        args: { first: a.first, after: a.after, filter: a.filter, orderBy: a.orderBy },
      }),
  },
};
