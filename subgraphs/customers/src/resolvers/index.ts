import { NotFoundError } from '@erp/kit';
import { parseId, scalarResolvers } from '@erp/kit/graphql';
import type { CustomersContext } from '../context';
import type { CityRow, CustomerRow, RegionRow } from '../rows';
import * as customers from '../services/customers';
import * as geography from '../services/geography';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = CustomersContext;

const must = <T>(entity: string, id: unknown) => (row: T | null): T => {
  if (!row) throw new NotFoundError(entity, id);
  return row;
};

/** Thin resolvers: parse arguments, call a service or a loader, return. */
export const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    customers: (_: unknown, a: Args, ctx: Ctx) => customers.listCustomers(ctx, a),
    customer: (_: unknown, a: Args, ctx: Ctx) => customers.getCustomer(ctx, a),
    countries: (_: unknown, _a: Args, ctx: Ctx) => geography.listCountries(ctx),
  },
  Mutation: {
    createCustomer: (_: unknown, a: Args, ctx: Ctx) => customers.createCustomer(ctx, a.input, a),
    updateCustomer: (_: unknown, a: Args, ctx: Ctx) => customers.updateCustomer(ctx, parseId('id', a.id), a.input, a),
    addCustomerContact: (_: unknown, a: Args, ctx: Ctx) => customers.addCustomerContact(ctx, parseId('customerId', a.customerId), a.input, a),
    assignCustomerSegments: (_: unknown, a: Args, ctx: Ctx) => customers.assignCustomerSegments(ctx, a.assignments, a),
  },
  Customer: {
    // The loader applies the row-level rule: another rep's customer resolves to null for a SALES user.
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.customer.load(parseId('id', ref.id)),
    geography: (c: CustomerRow) => ({ cityId: c.cityId }),
    contacts: (c: CustomerRow, _a: Args, ctx: Ctx) => ctx.loaders.contactsOf.load(c.id),
  },
  CustomerGeography: {
    city: (g: { cityId: number }, _a: Args, ctx: Ctx) => ctx.loaders.city.load(g.cityId).then(must('City', g.cityId)),
  },
  City: {
    // A place other domains point at (an order's ship-to city).
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.city.load(parseId('id', ref.id)),
    region: (c: CityRow, _a: Args, ctx: Ctx) => ctx.loaders.region.load(c.regionId).then(must('Region', c.regionId)),
  },
  Region: {
    country: (r: RegionRow, _a: Args, ctx: Ctx) => ctx.loaders.country.load(r.countryCode).then(must('Country', r.countryCode)),
    cities: (r: RegionRow, _a: Args, ctx: Ctx) => ctx.loaders.citiesOf.load(r.id),
  },
  Country: {
    __resolveReference: (ref: { code: string }, ctx: Ctx) => (typeof ref.code === 'string' ? ctx.loaders.country.load(ref.code) : null),
    regions: (c: { code: string }, _a: Args, ctx: Ctx) => ctx.loaders.regionsOf.load(c.code),
  },
};
