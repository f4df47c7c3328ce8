import { GraphqlSegmentWriter, writeSegments, type SegmentAssignment, type SegmentWriter } from '@erp/mining';
import { PASSWORD, startTestSystem, type TestSystem } from './test-system';

describe('segment write-back', () => {
  it('splits into batches of at most 10,000 with a key per run and batch', async () => {
    const calls: [number, string][] = [];
    const fake: SegmentWriter = { write: async (a, k) => (calls.push([a.length, k]), a.length) };
    const assignments: SegmentAssignment[] = Array.from({ length: 25_001 }, (_, i) => ({
      customerId: i + 1,
      segment: 'Lost',
    }));
    expect(await writeSegments(fake, assignments, 17)).toEqual({ batches: 3, updated: 25_001 });
    expect(calls).toEqual([
      [10_000, 'mining-run-17-batch-1'],
      [10_000, 'mining-run-17-batch-2'],
      [5_001, 'mining-run-17-batch-3'],
    ]);
  });

  describe('through the gateway (MINING_SERVICE account)', () => {
    let sys: TestSystem;
    beforeAll(async () => {
      sys = await startTestSystem();
    }, 120_000);
    afterAll(() => sys?.close());

    it('logs in, assigns analyticSegment, and a retried batch replays', async () => {
      const admin = await sys.login('ADMIN');
      const ids: string[] = [];
      for (const code of ['M1', 'M2']) {
        const r = await sys.gql(
          `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`,
          {
            i: {
              code,
              name: `Mining ${code}`,
              geography: { countryCode: 'FR', countryName: 'France', region: 'IDF', city: 'Paris' },
            },
          },
          admin,
        );
        expect(r.body.errors).toBeUndefined();
        ids.push(r.body.data.createCustomer.id);
      }
      const writer = new GraphqlSegmentWriter(sys.system.gatewayUrl, {
        email: sys.services.MINING_SERVICE.email,
        password: PASSWORD,
      });
      const a = [
        { customerId: Number(ids[0]), segment: 'Champions' },
        { customerId: Number(ids[1]), segment: 'Lost' },
      ];
      expect(await writeSegments(writer, a, 1)).toEqual({ batches: 1, updated: 2 });
      expect(await writer.write(a, 'mining-run-1-batch-1')).toBe(2); // replay of the same key
      const r = await sys.gql(
        `{ customers(first: 10) { edges { node { code analyticSegment } } } }`,
        {},
        admin,
      );
      const seg = Object.fromEntries(
        r.body.data.customers.edges.map((e: { node: { code: string; analyticSegment: string } }) => [
          e.node.code,
          e.node.analyticSegment,
        ]),
      );
      expect(seg).toMatchObject({ M1: 'Champions', M2: 'Lost' });
      const bad = new GraphqlSegmentWriter(sys.system.gatewayUrl, {
        email: sys.services.MINING_SERVICE.email,
        password: 'wrong password!',
      });
      await expect(bad.write(a, 'k')).rejects.toThrow(/GraphQL/);
    }, 60_000);
  });
});
