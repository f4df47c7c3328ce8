import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderName } from '../env';

/**
 * A local fake of each provider's REST API (node:http on 127.0.0.1): it records every request body
 * and answers in that provider's shape, as the test scripts it. No real endpoint is ever called.
 */
export type Behaviour =
  | { kind: 'reply'; text: (body: string) => string; toolArgs?: (body: string) => unknown; toolName?: string }
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect' }
  | { kind: 'garbage' };

export interface FakeLlm {
  url: string;
  requests: { path: string; body: string }[];
  /** Behaviours used in turn, the last one repeating. */
  script: Behaviour[];
  close(): Promise<void>;
}

function reply(
  provider: ProviderName,
  text: string | null,
  tool: { name: string; args: unknown } | null,
): unknown {
  switch (provider) {
    case 'openai':
      return {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 0,
        model: 'fake',
        choices: [
          {
            index: 0,
            finish_reason: tool ? 'tool_calls' : 'stop',
            message: {
              role: 'assistant',
              content: text,
              ...(tool
                ? {
                    tool_calls: [
                      {
                        id: 'call_1',
                        type: 'function',
                        function: { name: tool.name, arguments: JSON.stringify(tool.args) },
                      },
                    ],
                  }
                : {}),
            },
          },
        ],
      };
    case 'anthropic':
      return {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'fake',
        content: tool
          ? [{ type: 'tool_use', id: 'toolu_1', name: tool.name, input: tool.args }]
          : [{ type: 'text', text }],
        stop_reason: tool ? 'tool_use' : 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      };
    case 'gemini':
      return {
        candidates: [
          {
            content: {
              role: 'model',
              parts: tool ? [{ functionCall: { name: tool.name, args: tool.args } }] : [{ text }],
            },
            finishReason: 'STOP',
          },
        ],
      };
    case 'ollama':
      return {
        model: 'fake',
        created_at: new Date(0).toISOString(),
        message: {
          role: 'assistant',
          content: text ?? '',
          ...(tool ? { tool_calls: [{ function: { name: tool.name, arguments: tool.args } }] } : {}),
        },
        done: true,
      };
  }
}

const providerOf = (path: string): ProviderName | null =>
  path.includes('/chat/completions')
    ? 'openai'
    : path.includes('/messages')
      ? 'anthropic'
      : path.includes(':generateContent')
        ? 'gemini'
        : path.startsWith('/api/chat')
          ? 'ollama'
          : null;

export async function startFakeLlm(): Promise<FakeLlm> {
  const fake: FakeLlm = { url: '', requests: [], script: [], close: async () => undefined };
  let turn = 0;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      fake.requests.push({ path: req.url ?? '', body });
      const provider = providerOf(req.url ?? '');
      const b = fake.script[Math.min(turn++, fake.script.length - 1)];
      if (!provider || !b) {
        res.writeHead(404).end();
        return;
      }
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      switch (b.kind) {
        case 'hang':
          hanging.add(res);
          return;
        case 'status':
          return json(b.status, { error: { message: 'fake failure', type: 'server_error', code: b.status } });
        case 'redirect':
          res.writeHead(302, { location: `${fake.url}/elsewhere` }).end();
          return;
        case 'garbage':
          return json(200, { nothing: 'here' });
        case 'reply': {
          const wantsTools = /"(tools|functionDeclarations)"/.test(body);
          const args = wantsTools && b.toolArgs ? b.toolArgs(body) : undefined;
          return json(
            200,
            reply(
              provider,
              args !== undefined ? null : b.text(body),
              args !== undefined ? { name: b.toolName ?? 'olap', args } : null,
            ),
          );
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return fake;
}

/** The environment pointing one provider at the fake. */
export function envFor(
  provider: ProviderName,
  url: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const base = { AI_PROVIDER: provider, AI_TIMEOUT_MS: '400', AI_MAX_RETRIES: '0', ...extra };
  switch (provider) {
    case 'gemini':
      return { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: url, GEMINI_MODEL: 'fake', ...base };
    case 'openai':
      return { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: `${url}/v1`, OPENAI_MODEL: 'fake', ...base };
    case 'anthropic':
      return { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: url, ANTHROPIC_MODEL: 'fake', ...base };
    case 'ollama':
      return { OLLAMA_URL: url, OLLAMA_MODEL: 'fake', ...base };
  }
}
