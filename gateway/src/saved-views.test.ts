import { startTestSystem, type TestSystem } from './test-system';

/**
 * Saved explorer views through the gateway: saved by name (the same name replaces, so a double
 * click makes one), listed to their owner, shared ones to every explorer user (read-only for them),
 * the query checked against the semantic model with the field named, and the roles of the matrix.
 */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
}, 120_000);
afterAll(() => t?.close());

const VIEW = 'id name query shared mine ownerName';
const save = async (role: 'ANALYST' | 'SALES' | 'MANAGER' | 'WAREHOUSE', input: Record<string, unknown>) =>
  t.gql(
    `mutation($i: SaveViewInput!) { saveView(input: $i) { ${VIEW} } }`,
    { i: input },
    await t.login(role),
  );
const list = async (role: 'ANALYST' | 'SALES' | 'MANAGER') =>
  (await t.gql(`{ savedViews { ${VIEW} } }`, {}, await t.login(role))).body.data!.savedViews as {
    id: string;
    name: string;
    mine: boolean;
    shared: boolean;
  }[];

test('a view is saved, listed to its owner, re-saved under the same name in place; shared ones are seen (not changed) by others', async () => {
  const first = await save('ANALYST', { name: '  Revenue by   family ', query: '?m=revenue&d=product.root' });
  expect(first.body.errors).toBeUndefined();
  expect(first.body.data.saveView).toMatchObject({
    name: 'Revenue by family',
    query: 'm=revenue&d=product.root',
    shared: false,
    mine: true,
    ownerName: t.users.ANALYST.email,
  });
  // the same name (any case) replaces it: one view
  const again = await save('ANALYST', {
    name: 'revenue BY family',
    query: 'm=revenue&d=product.category',
    shared: true,
  });
  expect(again.body.data.saveView.id).toBe(first.body.data.saveView.id);
  expect((await list('ANALYST')).filter((v) => v.name.toLowerCase() === 'revenue by family')).toHaveLength(1);
  // shared: the manager lists and opens it, not as theirs, and cannot delete it
  const theirs = (await list('MANAGER')).find((v) => v.id === first.body.data.saveView.id);
  expect(theirs).toMatchObject({ mine: false, shared: true });
  const opened = await t.gql(
    `query($id: ID!) { savedView(id: $id) { ${VIEW} } }`,
    { id: first.body.data.saveView.id },
    await t.login('MANAGER'),
  );
  expect(opened.body.data.savedView).toMatchObject({ query: 'm=revenue&d=product.category' });
  const del = await t.gql(
    `mutation($id: ID!) { deleteView(id: $id) }`,
    { id: first.body.data.saveView.id },
    await t.login('MANAGER'),
  );
  expect(del.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  // a private view is neither listed to nor opened by another user
  const mine = await save('SALES', { name: 'My customers', query: 'm=revenue&d=geography.country' });
  expect((await list('MANAGER')).some((v) => v.id === mine.body.data.saveView.id)).toBe(false);
  const peek = await t.gql(
    `query($id: ID!) { savedView(id: $id) { id } }`,
    { id: mine.body.data.saveView.id },
    await t.login('MANAGER'),
  );
  expect(peek.body.data.savedView).toBeNull();
  // the owner deletes their own
  const gone = await t.gql(
    `mutation($id: ID!) { deleteView(id: $id) }`,
    { id: mine.body.data.saveView.id },
    await t.login('SALES'),
  );
  expect(gone.body.data.deleteView).toBe(true);
  expect((await list('SALES')).some((v) => v.id === mine.body.data.saveView.id)).toBe(false);
});

test('bad input names its field; roles outside the explorer may not save', async () => {
  const code = (r: Awaited<ReturnType<typeof save>>) => ({
    code: r.body.errors?.[0]?.extensions?.code,
    field: r.body.errors?.[0]?.extensions?.field,
  });
  expect(code(await save('ANALYST', { name: ' ', query: 'm=revenue' }))).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'name',
  });
  expect(code(await save('ANALYST', { name: 'x'.repeat(81), query: 'm=revenue' }))).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'name',
  });
  expect(code(await save('ANALYST', { name: 'No measure', query: 'd=product.root' }))).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'query',
  });
  expect(code(await save('ANALYST', { name: 'Unknown', query: 'm=revenue;DROP TABLE x' }))).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'query',
  });
  expect(
    code(await save('ANALYST', { name: 'Unknown level', query: 'm=revenue&d=customer.password' })),
  ).toEqual({ code: 'BAD_USER_INPUT', field: 'query' });
  expect(code(await save('WAREHOUSE', { name: 'Stock', query: 'm=stockOnHand' })).code).toBe('FORBIDDEN');
  const bad = await t.gql(
    `query($id: ID!) { savedView(id: $id) { id } }`,
    { id: 'abc' },
    await t.login('ANALYST'),
  );
  expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
});
