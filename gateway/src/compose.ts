import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { repoRoot } from '@erp/kit';
import { parse, printSchema } from 'graphql';

/** The subgraphs of the supergraph: the gateway's own `auth` and the domain subgraphs. */
export const SUBGRAPHS = ['auth', 'catalog', 'customers', 'suppliers', 'sales', 'analytics'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const supergraphPath = () => path.join(repoRoot(), 'gateway', 'supergraph.graphql');
/** The public API schema (what clients see, without federation machinery): the SDK is generated from it. */
export const apiSchemaPath = () => path.join(repoRoot(), 'sdk', 'schema.graphql');

export function sdlPath(name: SubgraphName): string {
  return name === 'auth'
    ? path.join(repoRoot(), 'gateway', 'schema.graphql')
    : path.join(repoRoot(), 'subgraphs', name, 'schema.graphql');
}

/** Composes the supergraph from the subgraphs' SDL files; throws with every composition error. */
export function composeSupergraph(names: readonly SubgraphName[] = SUBGRAPHS): string {
  return compose(names).supergraphSdl;
}

/** The supergraph and the public API schema printed from it. */
export function compose(names: readonly SubgraphName[] = SUBGRAPHS): {
  supergraphSdl: string;
  apiSchemaSdl: string;
} {
  const result = composeServices(
    names.map((name) => ({
      name,
      url: `http://${name}.internal/graphql`,
      typeDefs: parse(readFileSync(sdlPath(name), 'utf8')),
    })),
  );
  if (result.errors?.length) {
    throw new Error(
      `Supergraph composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
  }
  return {
    supergraphSdl: result.supergraphSdl!,
    apiSchemaSdl: `${printSchema(result.schema!.toAPISchema().toGraphQLJSSchema())}\n`,
  };
}
