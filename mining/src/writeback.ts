/** Writing the analytic segments back to the ERP (Customer.analyticSegment) through the GraphQL API. */

export interface SegmentAssignment {
  customerId: number;
  segment: string;
}

/** Where segments go; tests pass a fake, production the GraphQL writer. Returns customers updated. */
export interface SegmentWriter {
  write(assignments: SegmentAssignment[], idempotencyKey: string): Promise<number>;
}

/** The API accepts at most 10,000 assignments per call (MAX_SEGMENT_ASSIGNMENTS in the customers subgraph). */
export const MAX_ASSIGNMENTS_PER_CALL = 10_000;

/**
 * Sends the assignments in batches of at most 10,000, each with the idempotency key
 * `mining-run-<runId>-batch-<n>`: a retried run-and-batch replays instead of writing twice.
 */
export async function writeSegments(
  writer: SegmentWriter,
  assignments: readonly SegmentAssignment[],
  runId: number,
  batchSize = MAX_ASSIGNMENTS_PER_CALL,
): Promise<{ batches: number; updated: number }> {
  let updated = 0;
  let batches = 0;
  for (let i = 0; i < assignments.length; i += batchSize) {
    updated += await writer.write(
      assignments.slice(i, i + batchSize),
      `mining-run-${runId}-batch-${batches + 1}`,
    );
    batches++;
  }
  return { batches, updated };
}

export interface Credentials {
  email: string;
  password: string;
}

/**
 * The production writer: logs in with the `login` mutation (the MINING_SERVICE account), then calls
 * `assignCustomerSegments` with a Bearer token; a GraphQL error becomes an exception naming its code.
 */
export class GraphqlSegmentWriter implements SegmentWriter {
  private token: string | undefined;
  constructor(
    private readonly gatewayUrl: string,
    private readonly credentials: Credentials,
  ) {}

  private async post(
    query: string,
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<Record<string, unknown>> {
    const res = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (body.errors?.length || !body.data) {
      const e = body.errors?.[0];
      throw new Error(
        `GraphQL ${res.status}: ${e ? `${e.extensions?.code ?? 'ERROR'} ${e.message}` : 'no data'}`,
      );
    }
    return body.data;
  }

  async write(assignments: SegmentAssignment[], idempotencyKey: string): Promise<number> {
    if (!this.token) {
      const data = await this.post(
        `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
        {
          e: this.credentials.email,
          p: this.credentials.password,
        },
      );
      this.token = (data.login as { accessToken: string }).accessToken;
    }
    const data = await this.post(
      `mutation($a: [CustomerSegmentAssignment!]!, $k: String) { assignCustomerSegments(assignments: $a, idempotencyKey: $k) }`,
      {
        a: assignments.map((a) => ({ customerId: String(a.customerId), segment: a.segment })),
        k: idempotencyKey,
      },
      this.token,
    );
    return data.assignCustomerSegments as number;
  }
}
