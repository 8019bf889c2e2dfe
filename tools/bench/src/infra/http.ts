import type { SessionDto } from '@cd31/contracts';
import * as http from 'node:http';
import type { Readable } from 'node:stream';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface StreamedAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly bytes: number;
  /** Line feeds seen in the body. */
  readonly lineFeeds: number;
  /** Time to the first byte of the body, in ms. */
  readonly firstByteMs: number;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} → HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

export type QueryValue = string | number | readonly (string | number)[] | undefined;

export function queryString(query: Readonly<Record<string, QueryValue>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) {
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * A signed-in user of the API over plain node:http with keep-alive (what a browser tab does):
 * the session cookie on every call, the CSRF header on state-changing ones.
 */
export class ApiClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly url: URL;
  private cookie: string | null = null;
  private csrf: string | null = null;

  constructor(baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  async signIn(email: string, password: string): Promise<SessionDto> {
    const answer = await this.request('POST', '/api/v1/auth/sign-in', {
      json: { email, password },
    });
    if (answer.status !== 200) {
      throw new HttpError(answer.status, answer.body.toString(), 'sign-in');
    }
    const session = JSON.parse(answer.body.toString()) as SessionDto;
    const setCookie = answer.headers['set-cookie'] ?? [];
    const sessionCookie = setCookie
      .map((line) => line.split(';')[0] ?? '')
      .find((pair) => pair.startsWith('cd31_session='));
    if (!sessionCookie) {
      throw new Error('sign-in answered without the cd31_session cookie');
    }
    this.cookie = sessionCookie;
    this.csrf = session.csrfToken;
    return session;
  }

  close(): void {
    this.agent.destroy();
  }

  private options(method: string, path: string, headers: http.OutgoingHttpHeaders) {
    return {
      host: this.url.hostname,
      port: this.url.port,
      method,
      path,
      agent: this.agent,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-xsrf-token': this.csrf } : {}),
        ...headers,
      },
    };
  }

  /** One call, the whole answer in memory. `body` may be a stream (uploads). */
  request(
    method: string,
    path: string,
    init: { json?: unknown; body?: Readable; headers?: http.OutgoingHttpHeaders } = {},
  ): Promise<HttpAnswer> {
    const payload = init.json === undefined ? null : Buffer.from(JSON.stringify(init.json));
    const headers: http.OutgoingHttpHeaders = {
      ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      ...init.headers,
    };
    return new Promise((resolve, reject) => {
      const req = http.request(this.options(method, path, headers), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      if (init.body) {
        init.body.on('error', (error) => req.destroy(error));
        init.body.pipe(req);
      } else {
        req.end(payload ?? undefined);
      }
    });
  }

  /** A JSON call that must succeed (2xx). */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request(method, path, body === undefined ? {} : { json: body });
    if (answer.status < 200 || answer.status >= 300) {
      throw new HttpError(answer.status, answer.body.toString(), `${method} ${path}`);
    }
    return JSON.parse(answer.body.toString()) as T;
  }

  /** A GET whose body is read to the end but not kept (exports). */
  download(path: string): Promise<StreamedAnswer> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(this.options('GET', path, {}), (res) => {
        let bytes = 0;
        let lineFeeds = 0;
        let firstByteMs = -1;
        res.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) {
            firstByteMs = performance.now() - started;
          }
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
            lineFeeds++;
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            lineFeeds,
            firstByteMs: Math.max(0, firstByteMs),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }
}
