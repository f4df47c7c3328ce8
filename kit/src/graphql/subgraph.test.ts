import { graphql, parse, type GraphQLObjectType } from 'graphql';
import { rule } from 'graphql-shield';
import { identity, quietLogger } from '../test/graphql';
import { buildRuleTree, buildSchema, type BaseContext } from './subgraph';

/**
 * The shield tree guards the ways into a subgraph — root fields (role matrix), `_entities` (an
 * identity) — and the fields given their own rules; entity and value types are reached only through those.
 */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { products: [Product!]! users: [Row!]! }
  type Product @key(fields: "id") { id: ID! name: String! lines: [Line!]! }
  type Line { quantity: Int! secret: String }
  type Row { label: String! }
`);
const resolvers = {
  Query: { products: () => [{ id: '1', name: 'Bolt' }], users: () => [{ label: 'a' }, { label: 'b' }] },
  Product: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `Product ${ref.id}` }),
    lines: () => [{ quantity: 2, secret: 's' }],
  },
};
const secretRule = rule('secret-admin-only', { cache: 'contextual' })(
  (_p, _a, ctx: BaseContext) => ctx.identity?.role === 'ADMIN',
);
const log = quietLogger();
const schema = buildSchema({ typeDefs, resolvers, fieldRules: { Line: { secret: secretRule } }, log });
const run = (role: 'ADMIN' | 'WAREHOUSE' | null, source: string) =>
  graphql({
    schema,
    source,
    contextValue: { identity: role ? identity(role) : null, pool: null, log } as unknown as BaseContext,
  });

test('the tree holds Query and the types with field rules; entity and value types keep their plain resolvers', () => {
  const tree = buildRuleTree(schema, { Line: { secret: secretRule } });
  expect(Object.keys(tree).sort()).toEqual(['Line', 'Query']);
  // no rule call per field per row: a value type, an entity, and a ruled type's other fields
  expect((schema.getType('Row') as GraphQLObjectType).getFields().label!.resolve).toBeUndefined();
  expect((schema.getType('Product') as GraphQLObjectType).getFields().name!.resolve).toBeUndefined();
  expect((schema.getType('Line') as GraphQLObjectType).getFields().quantity!.resolve).toBeUndefined();
  expect((schema.getType('Line') as GraphQLObjectType).getFields().secret!.resolve).toBeDefined();
});

test('roles at the root, identity on entities, field rules below: still enforced', async () => {
  const denied = await run('WAREHOUSE', '{ users { label } }');
  expect([denied.data?.users, denied.errors?.[0]?.extensions?.code]).toEqual([undefined, 'FORBIDDEN']);
  expect((await run('ADMIN', '{ users { label } }')).data).toEqual({
    users: [{ label: 'a' }, { label: 'b' }],
  });
  const entities =
    '{ _entities(representations: [{ __typename: "Product", id: "7" }]) { ... on Product { name lines { quantity } } } }';
  expect((await run(null, entities)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const ok = await run('WAREHOUSE', entities);
  expect(ok.errors).toBeUndefined();
  expect(ok.data).toEqual({ _entities: [{ name: 'Product 7', lines: [{ quantity: 2 }] }] });
  const secret = await run('WAREHOUSE', '{ products { lines { quantity secret } } }');
  expect(secret.data).toEqual({ products: [{ lines: [{ quantity: 2, secret: null }] }] });
  expect(secret.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect((await run('ADMIN', '{ products { lines { secret } } }')).data).toEqual({
    products: [{ lines: [{ secret: 's' }] }],
  });
});
