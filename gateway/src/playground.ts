import { readdirSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Route } from '@erp/kit/graphql';
import { Kind, parse, print, visit, type FragmentDefinitionNode } from 'graphql';

const PLAYGROUND_DIR = path.join(__dirname, '..', 'playground');
const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');
/** The fragments the SDK's documents share (the examples are SDK documents too and may use them). */
const SHARED_FRAGMENTS = path.join(__dirname, '..', '..', 'sdk', 'operations', 'shared.graphql');

let bundle: Promise<{ js: string; css: string }> | undefined;

/** Bundles GraphiQL (React, CodeMirror, our page) with esbuild, once per process, in memory. */
function build(): Promise<{ js: string; css: string }> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [path.join(PLAYGROUND_DIR, 'main.tsx')],
      bundle: true,
      minify: true,
      write: false,
      outdir: 'out',
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: {
        '.css': 'css',
        '.woff2': 'dataurl',
        '.woff': 'dataurl',
        '.ttf': 'dataurl',
        '.svg': 'dataurl',
      },
      logLevel: 'silent',
    });
    const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
    return { js: file('.js'), css: file('.css') };
  })();
  bundle.catch(() => (bundle = undefined)); // a failed build is retried on the next request
  return bundle;
}

/**
 * An example as the playground opens it: its file, then the shared fragments it uses (and those
 * they use), since the playground holds one document at a time.
 */
function withSharedFragments(source: string, shared: Map<string, FragmentDefinitionNode>): string {
  let text = source;
  for (;;) {
    const defined = new Set<string>();
    const spread = new Set<string>();
    visit(parse(text), {
      FragmentDefinition: (d) => void defined.add(d.name.value),
      FragmentSpread: (s) => void spread.add(s.name.value),
    });
    const missing = [...spread].filter((n) => !defined.has(n) && shared.has(n));
    if (!missing.length) return text;
    text += missing.map((n) => `\n${print(shared.get(n)!)}\n`).join('');
  }
}

/** The playground's preloaded operations: one per file of gateway/examples, each complete on its own. */
export function examples(): { name: string; query: string }[] {
  const shared = new Map(
    parse(readFileSync(SHARED_FRAGMENTS, 'utf8'))
      .definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.graphql$/, ''),
      query: withSharedFragments(readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'), shared),
    }));
}

const page = () => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Distribution ERP — GraphQL playground</title>
<link rel="stylesheet" href="/playground/app.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the playground…</div>
<script>window.__ERP_EXAMPLES__ = ${JSON.stringify(examples()).replace(/</g, '\\u003c')};</script>
<script src="/playground/app.js"></script>
</body>
</html>`;

/**
 * Development only: GET /graphql from a browser (Accept: text/html) serves GraphiQL preloaded with
 * gateway/examples; its assets come from this server. In production the route does not exist.
 */
export const playgroundRoute: Route = async (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) => {
  if (req.method !== 'GET') return false;
  const send = (type: string, body: string) => {
    res.writeHead(200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
    return true;
  };
  if (url.pathname === '/graphql' && (req.headers.accept ?? '').includes('text/html'))
    return send('text/html', page());
  if (url.pathname === '/playground/app.js') return send('text/javascript', (await build()).js);
  if (url.pathname === '/playground/app.css') return send('text/css', (await build()).css);
  return false;
};
