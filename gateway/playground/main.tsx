// The self-hosted playground: GraphiQL from npm, bundled by esbuild when first asked for (no CDN).
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import React from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    __ERP_EXAMPLES__: { name: string; query: string }[];
  }
}

const fetcher = createGraphiQLFetcher({ url: '/graphql', headers: { 'apollo-require-preflight': 'true' } });
const intro = `# Distribution ERP API (development playground)
#
# 1. Run the Login tab with your e-mail and password (Variables below).
# 2. Copy accessToken into Headers: { "Authorization": "Bearer <token>" }
# 3. The other tabs are the examples of gateway/examples, the same operations the typed SDK offers.
`;
const examples = window.__ERP_EXAMPLES__ ?? [];

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultEditorToolsVisibility="headers"
    // No placeholder header: a malformed token would make the schema load fail with 401.
    defaultHeaders=""
    defaultTabs={[
      {
        query: `${intro}\n${examples.find((e) => e.name === 'auth')?.query ?? ''}`,
        variables: '{ "email": "admin@erp.local", "password": "" }',
      },
      ...examples.filter((e) => e.name !== 'auth').map((e) => ({ query: e.query })),
    ]}
  />,
);
