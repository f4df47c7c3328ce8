import { parseId, scalarResolvers, must, inputMutation, rowInputMutation } from '@erp/kit/graphql';
import type { Resolvers } from '../generated/resolvers';
import * as customers from '../services/customers';
import * as geography from '../services/geography';

/**
 * Thin resolvers: parse arguments, call a service or a loader, return. Typed from schema.graphql
 * (src/generated/resolvers.ts): arguments, parents (the rows) and results are checked.
 */
export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    customers: (_, a, ctx) => customers.listCustomers(ctx, a),
    customer: (_, a, ctx) => customers.getCustomer(ctx, a),
    countries: (_, _a, ctx) => geography.listCountries(ctx),
  },
  Mutation: {
    createCustomer: inputMutation(customers.createCustomer),
    updateCustomer: rowInputMutation(customers.updateCustomer),
    addCustomerContact: (_, a, ctx) =>
      customers.addCustomerContact(ctx, parseId('customerId', a.customerId), a.input, a),
    assignCustomerSegments: (_, a, ctx) => customers.assignCustomerSegments(ctx, a.assignments, a),
  },
  Customer: {
    // The loader applies the row-level rule: another rep's customer resolves to null for a SALES user.
    __resolveReference: (ref, ctx) => ctx.loaders.customer.load(parseId('id', ref.id)),
    geography: (c) => ({ cityId: c.cityId }),
    contacts: (c, _a, ctx) => ctx.loaders.contactsOf.load(c.id),
  },
  CustomerGeography: {
    city: (g, _a, ctx) => ctx.loaders.city.load(g.cityId).then(must('City', g.cityId)),
  },
  City: {
    // A place other domains point at (an order's ship-to city).
    __resolveReference: (ref, ctx) => ctx.loaders.city.load(parseId('id', ref.id)),
    region: (c, _a, ctx) => ctx.loaders.region.load(c.regionId).then(must('Region', c.regionId)),
  },
  Region: {
    country: (r, _a, ctx) => ctx.loaders.country.load(r.countryCode).then(must('Country', r.countryCode)),
    cities: (r, _a, ctx) => ctx.loaders.citiesOf.load(r.id),
  },
  Country: {
    __resolveReference: (ref, ctx) =>
      typeof ref.code === 'string' ? ctx.loaders.country.load(ref.code) : null,
    regions: (c, _a, ctx) => ctx.loaders.regionsOf.load(c.code),
  },
};
