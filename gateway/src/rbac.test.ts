import {
  ACCOUNT_ROLES,
  IDENTITY_HEADER,
  INTERNAL_OPERATIONS,
  PERMISSIONS,
  signIdentity,
  WORKSPACE_MUTATIONS,
} from '@erp/kit';
import { buildSchema as buildSubgraphSchema } from '@erp/kit/graphql';
import { quietLogger } from '@erp/kit/test/graphql';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { typeDefs as catalogTypeDefs } from '@erp/subgraph-catalog';
import { startTestSystem, TEST_SECRETS, type TestSystem } from './test-system';

/**
 * The role matrix, exhaustively: every root field of the public API × every role, through the
 * gateway. A role the matrix allows never gets FORBIDDEN on the root field; any other role always
 * does. Fields are generated from the schema, so a new field joins the test automatically, and a
 * field without a matrix entry fails it (deny by default must be a decision, not an accident).
 */
let t: TestSystem;
let schema: GraphQLSchema;
const PUBLIC = new Set(['Mutation.login', 'Mutation.refreshToken', 'Mutation.logout']);

beforeAll(async () => {
  t = await startTestSystem();
  const r = await t.gql(getIntrospectionQuery(), {}, await t.login('ADMIN'));
  schema = buildClientSchema(r.body.data);
}, 60_000);
afterAll(() => t.close());

function sample(type: GraphQLInputType): string {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return `[${sample(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter(
      (f) => isNonNullType(f.type) && f.defaultValue === undefined,
    );
    return `{${fields.map((f) => `${f.name}: ${sample(f.type)}`).join(', ')}}`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return '1';
      case 'Float':
        return '1.5';
      case 'Boolean':
        return 'false';
      case 'ID':
        return '"1"';
      case 'DateTime':
        return '"2025-01-01T00:00:00Z"';
      case 'Decimal':
        return '"1.00"';
      default:
        return '"rbac-probe"';
    }
  }
  return 'null';
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${sample(a.type)}`);
  const selection =
    isObjectType(getNamedType(field.type)) ||
    (!isScalarType(getNamedType(field.type)) && !isEnumType(getNamedType(field.type)))
      ? ' { __typename }'
      : '';
  return `${kind} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

function rootFields(): [string, 'query' | 'mutation', GraphQLField<unknown, unknown>][] {
  const out: [string, 'query' | 'mutation', GraphQLField<unknown, unknown>][] = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const f of Object.values(type?.getFields() ?? {}))
      out.push([`${kind === 'query' ? 'Query' : 'Mutation'}.${f.name}`, kind, f]);
  }
  return out;
}

test('every root field of the API has an entry in the role matrix (or is explicitly public)', () => {
  const missing = rootFields()
    .map(([key]) => key)
    .filter((k) => !PERMISSIONS[k] && !PUBLIC.has(k));
  expect(missing).toEqual([]);
});

test('every role × every root field is allowed or FORBIDDEN exactly as the matrix says', async () => {
  const mismatches: string[] = [];
  let checked = 0;
  // people's roles and the service accounts that log in (ETL_SERVICE, MINING_SERVICE)
  for (const role of ACCOUNT_ROLES) {
    const token = await t.login(role);
    for (const [key, kind, field] of rootFields()) {
      if (PUBLIC.has(key)) continue;
      const r = await t.gql(operation(kind, field), {}, token);
      const forbidden = (r.body.errors ?? []).some(
        (e: { extensions?: { code?: string }; path?: string[] }) =>
          e.extensions?.code === 'FORBIDDEN' && e.path?.length === 1,
      );
      const allowed = PERMISSIONS[key]!.includes(role);
      checked++;
      if (allowed === forbidden)
        mismatches.push(
          `${role} ${key}: expected ${allowed ? 'allowed' : 'FORBIDDEN'}, got ${JSON.stringify(r.body.errors ?? 'data')}`,
        );
    }
  }
  expect(mismatches).toEqual([]);
  expect(checked).toBeGreaterThan(200);
}, 180_000);

test('ANALYST and the ETL identity are read-only (but for their own saved views); the mining identity writes customer segments and nothing else', () => {
  const mutations = Object.entries(PERMISSIONS).filter(
    ([key]) => key.startsWith('Mutation.') && !WORKSPACE_MUTATIONS.includes(key),
  );
  expect(
    WORKSPACE_MUTATIONS.every(
      (k) => !PERMISSIONS[k]!.includes('ETL_SERVICE') && !PERMISSIONS[k]!.includes('MINING_SERVICE'),
    ),
  ).toBe(true);
  expect(
    mutations
      .filter(([, roles]) => roles.includes('ANALYST') || roles.includes('ETL_SERVICE'))
      .map(([k]) => k),
  ).toEqual([]);
  expect(mutations.filter(([, roles]) => roles.includes('MINING_SERVICE')).map(([k]) => k)).toEqual([
    'Mutation.assignCustomerSegments',
  ]);
  expect(PERMISSIONS['Mutation.assignCustomerSegments']).toEqual(['MINING_SERVICE']);
});

test('the internal stock operations: every role × operation is refused, through the gateway and straight at the catalog', async () => {
  const catalogSchema = buildSubgraphSchema({ typeDefs: catalogTypeDefs, resolvers: {}, log: quietLogger() });
  const fields = INTERNAL_OPERATIONS.map((key) => {
    const [type, name] = key.split('.') as ['Query' | 'Mutation', string];
    const field = (
      type === 'Query' ? catalogSchema.getQueryType() : catalogSchema.getMutationType()
    )!.getFields()[name]!;
    expect(field).toBeDefined();
    return [key, type === 'Query' ? 'query' : 'mutation', field] as const;
  });
  // not in the public API at all
  expect(
    rootFields()
      .map(([key]) => key)
      .filter((k) => (INTERNAL_OPERATIONS as readonly string[]).includes(k)),
  ).toEqual([]);
  // the matrix gives each to one service's identity and to no one else: the order stock to sales,
  // the purchase receipts' stock to suppliers (purchasing)
  for (const key of INTERNAL_OPERATIONS)
    expect(PERMISSIONS[key]).toEqual([/Purchase|Demand/.test(key) ? 'PURCHASING_SERVICE' : 'SALES_SERVICE']);
  expect(INTERNAL_OPERATIONS.filter((k) => /Purchase|Demand/.test(k))).toEqual([
    'Mutation.receivePurchaseStock',
    'Mutation.undoPurchaseStock',
    'Query.stockDemand',
  ]);
  const refused: string[] = [];
  let checked = 0;
  for (const role of [...ACCOUNT_ROLES, 'SERVICE'] as const) {
    const token = role === 'SERVICE' ? undefined : await t.login(role);
    for (const [key, kind, field] of fields) {
      const op = operation(kind, field);
      // through the gateway: unknown field
      if (token) {
        const viaGateway = await t.gql(op, {}, token);
        if (viaGateway.body.errors?.[0]?.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED')
          refused.push(`${role} ${key} via gateway: ${JSON.stringify(viaGateway.body)}`);
      }
      // straight at the catalog with a validly signed identity of that role: FORBIDDEN
      const direct = (await (
        await fetch(t.system.subgraphUrls.catalog!, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [IDENTITY_HEADER]: await signIdentity(TEST_SECRETS.SUBGRAPH_SECRET, {
              userId: 7,
              email: null,
              role,
              requestId: 'rbac',
            }),
          },
          body: JSON.stringify({ query: op }),
        })
      ).json()) as { errors?: { extensions?: { code?: string } }[] };
      if (direct.errors?.[0]?.extensions?.code !== 'FORBIDDEN')
        refused.push(`${role} ${key} direct: ${JSON.stringify(direct)}`);
      checked++;
    }
  }
  expect(refused).toEqual([]);
  expect(checked).toBe((ACCOUNT_ROLES.length + 1) * INTERNAL_OPERATIONS.length);
}, 120_000);
