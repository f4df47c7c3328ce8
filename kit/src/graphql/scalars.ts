import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO 8601 date-time; values leave as strings with offset (UTC). */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  parseValue: (v) => parseDate(v),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? parseDate(ast.value) : invalid('DateTime', ast)),
});

/** Exact decimal (money, rates) as a string, so no float rounding ever touches it. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  serialize: (v) => String(v),
  parseValue: (v) => parseDecimal(v),
  parseLiteral: (ast) =>
    ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT
      ? parseDecimal(ast.value)
      : invalid('Decimal', ast),
});

function invalid(name: string, ast: { kind: string }): never {
  throw new GraphQLError(`${name} cannot represent a ${ast.kind} literal`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

function parseDate(v: unknown): Date {
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? new Date(v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new GraphQLError(`DateTime must be an ISO 8601 date-time, got ${JSON.stringify(v)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return d;
}

function parseDecimal(v: unknown): string {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !/^-?\d{1,12}(\.\d{1,6})?$/.test(s.trim())) {
    throw new GraphQLError(`Decimal must be a decimal number, got ${JSON.stringify(v)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return s.trim();
}

export const scalarResolvers = { DateTime: DateTimeScalar, Decimal: DecimalScalar };
