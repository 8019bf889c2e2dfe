/**
 * A local HTTP server standing in for PISTE (token endpoint + API) in the specs: real sockets on
 * port 0, every request recorded, each reply scripted by the spec — including broken ones.
 */
import { type IncomingHttpHeaders, createServer } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { type ChorusConfig } from '../lib/chorus-config';
import { ChorusClient } from '../lib/chorus-client';
import { type ChorusClientOptions } from '../lib/chorus-transport';
import { type ChorusEvent } from '../lib/chorus-types';

export const TEST_TOKEN_PATH = '/api/oauth/token';

/** Recognisable fake secrets: specs assert they never leak into errors or events. */
export const TEST_CREDENTIALS = {
  clientId: 'cd31-test-client-id',
  clientSecret: 'client-secret-7f3a9c',
  login: 'TECH_CD31_TEST@cpro.fr',
  password: 'tech-password-Zq81',
} as const;

export const TEST_CPRO_ACCOUNT = Buffer.from(
  `${TEST_CREDENTIALS.login}:${TEST_CREDENTIALS.password}`,
  'utf8',
).toString('base64');

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly text: string;
  /** The JSON body, or undefined when it is not JSON. */
  readonly json: unknown;
}

export type TestReply =
  | {
      readonly kind?: 'json';
      readonly status?: number;
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'text';
      readonly status: number;
      readonly text: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Headers and part of the body, then the socket is destroyed. */
  | { readonly kind: 'reset-mid-body'; readonly partial: string }
  /** The socket is destroyed before any response. */
  | { readonly kind: 'close' }
  /** Never answers (until the server closes). */
  | { readonly kind: 'hang' };

export type TestHandler = (request: RecordedRequest) => TestReply | Promise<TestReply>;

export interface ChorusTestServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  apiRequests(path?: string): RecordedRequest[];
  tokenRequests(): RecordedRequest[];
  config(overrides?: Partial<ChorusConfig>): ChorusConfig;
  close(): Promise<void>;
}

/** A token endpoint handing out token-1, token-2… valid `expiresIn` seconds. */
export function issuingTokens(expiresIn = 3600): TestHandler {
  let issued = 0;
  return () => {
    issued++;
    return {
      body: {
        access_token: `token-${issued}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
        scope: 'openid',
      },
    };
  };
}

export async function startChorusTestServer(handlers: {
  readonly api: TestHandler;
  readonly token?: TestHandler;
}): Promise<ChorusTestServer> {
  const token = handlers.token ?? issuingTokens();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        text,
        json,
      };
      requests.push(recorded);
      const handler = recorded.path === TEST_TOKEN_PATH ? token : handlers.api;
      void Promise.resolve(handler(recorded)).then((reply) => {
        switch (reply.kind) {
          case 'text':
            res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
            res.end(reply.text);
            return;
          case 'reset-mid-body':
            res.writeHead(200, {
              'content-type': 'application/json',
              'content-length': String(reply.partial.length + 500),
            });
            res.write(reply.partial, () => req.socket.destroy());
            return;
          case 'close':
            req.socket.destroy();
            return;
          case 'hang':
            return;
          case undefined:
          case 'json': {
            const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
            res.writeHead(reply.status ?? 200, {
              ...(body === '' ? {} : { 'content-type': 'application/json;charset=utf-8' }),
              ...reply.headers,
            });
            res.end(body);
            return;
          }
        }
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    apiRequests: (path) =>
      requests.filter((r) => r.path !== TEST_TOKEN_PATH && (path === undefined || r.path === path)),
    tokenRequests: () => requests.filter((r) => r.path === TEST_TOKEN_PATH),
    config: (overrides = {}) => ({
      oauthUrl: `${url}${TEST_TOKEN_PATH}`,
      apiUrl: url,
      ...TEST_CREDENTIALS,
      timeoutMs: 2000,
      ...overrides,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

export interface TestClient {
  readonly client: ChorusClient;
  /** Every wait the client asked for, instead of waiting. */
  readonly sleeps: number[];
  readonly events: ChorusEvent[];
}

/** A client on the test server that never really sleeps and records its events. */
export function testClient(
  server: ChorusTestServer,
  options: ChorusClientOptions & { readonly config?: Partial<ChorusConfig> } = {},
): TestClient {
  const { config, ...clientOptions } = options;
  const sleeps: number[] = [];
  const events: ChorusEvent[] = [];
  const client = new ChorusClient(server.config(config), {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    onEvent: (event) => events.push(event),
    ...clientOptions,
  });
  return { client, sleeps, events };
}
