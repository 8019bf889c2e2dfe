/**
 * HTTP exchanges with PISTE: the OAuth2 token (cached, shared between concurrent calls,
 * refreshed once on a 401), the headers every API call needs, the per-request timeout, the
 * retries with exponential backoff and full jitter, and the mapping of replies to typed errors.
 */
import { type ChorusConfig } from './chorus-config';
import {
  ChorusAbortedError,
  ChorusAuthenticationError,
  ChorusError,
  ChorusForbiddenError,
  ChorusFunctionalError,
  ChorusHttpError,
  ChorusNetworkError,
  ChorusTimeoutError,
  ChorusUnexpectedResponseError,
} from './chorus-errors';
import { type ChorusEvent, type ChorusOperation } from './chorus-types';
import { type JsonRecord, isRecord, readInteger, readText } from './chorus-values';

export interface ChorusRetryPolicy {
  /** Tries per call, the first included. */
  readonly maxAttempts: number;
  /** Backoff before try n+1 is random in [0, min(maxDelayMs, baseDelayMs·2^(n-1))]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Upper bound on a server's Retry-After. */
  readonly maxRetryAfterMs: number;
}

export const CHORUS_DEFAULT_RETRY_POLICY: ChorusRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Safety margin before the token's expiry (OCA uses 240 s). */
export const CHORUS_TOKEN_MARGIN_SECONDS = 240;

export interface ChorusClientOptions {
  readonly retry?: Partial<ChorusRetryPolicy>;
  /** Seconds before expiry at which a cached token is renewed; capped at half its lifetime. */
  readonly tokenMarginSeconds?: number;
  /** Injectable for tests: waits between retries. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable clock (epoch ms) for the token cache and Retry-After dates. */
  readonly now?: () => number;
  /** Injectable source of jitter in [0, 1). */
  readonly random?: () => number;
  /** Structured events (operation, attempt, status, duration), free of secrets. */
  readonly onEvent?: (event: ChorusEvent) => void;
  /** Safety stop for a pagination that never ends (default 10 000 pages). */
  readonly maxPages?: number;
}

export interface ChorusPostOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * False for calls that change Chorus (traiter/recue): they are retried only when the request
   * surely did not reach it (connection refused, 429, 503), never after a timeout or a reset.
   */
  readonly idempotent: boolean;
}

export interface ChorusReply {
  readonly httpStatus: number;
  readonly body: JsonRecord;
  /** codeRetour 20000 / TRA_MSG_00.015: the search found nothing. */
  readonly noResult: boolean;
}

const NO_RESULT_CODE = 20000;
const NO_RESULT_LIBELLE = 'TRA_MSG_00.015';

interface RawReply {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}

interface CachedToken {
  readonly accessToken: string;
  readonly renewAtMs: number;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ChorusTransport {
  private readonly retry: ChorusRetryPolicy;
  private readonly tokenMarginSeconds: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly onEvent: ((event: ChorusEvent) => void) | undefined;
  private readonly apiBase: string;
  private readonly cproAccount: string;
  private cachedToken: CachedToken | null = null;
  private tokenInFlight: Promise<string> | null = null;

  constructor(
    private readonly config: ChorusConfig,
    options: ChorusClientOptions = {},
  ) {
    this.retry = { ...CHORUS_DEFAULT_RETRY_POLICY, ...options.retry };
    this.tokenMarginSeconds = options.tokenMarginSeconds ?? CHORUS_TOKEN_MARGIN_SECONDS;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.onEvent = options.onEvent;
    this.apiBase = config.apiUrl.replace(/\/+$/, '');
    this.cproAccount = Buffer.from(`${config.login}:${config.password}`, 'utf8').toString('base64');
  }

  /** POSTs a JSON body to an API path and returns the reply's JSON object, or throws a ChorusError. */
  async postJson(
    operation: ChorusOperation,
    path: string,
    body: unknown,
    options: ChorusPostOptions,
  ): Promise<ChorusReply> {
    const payload = JSON.stringify(body);
    const url = `${this.apiBase}${path}`;
    let refreshedAfter401 = false;
    return this.withRetries(operation, options, async (attempt) => {
      let token = await this.accessToken(operation, options.signal);
      let raw = await this.exchange(operation, url, options, this.apiHeaders(token), payload);
      if (raw.status === 401 && !refreshedAfter401) {
        // Tokens can be revoked before their expiry: renew once, then give up.
        refreshedAfter401 = true;
        this.emit({ operation, attempt, status: 401, durationMs: 0, outcome: 'token-refresh' });
        this.forgetToken(token);
        token = await this.accessToken(operation, options.signal);
        raw = await this.exchange(operation, url, options, this.apiHeaders(token), payload);
      }
      return interpretApiReply(operation, raw, options.idempotent, this.retryAfterMs(raw));
    });
  }

  private apiHeaders(token: string): Record<string, string> {
    return {
      'Content-Type': 'application/json;charset=utf-8',
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      'cpro-account': this.cproAccount,
    };
  }

  /** The current access token, fetching one when none is cached or it is about to expire. */
  private async accessToken(operation: ChorusOperation, signal?: AbortSignal): Promise<string> {
    const cached = this.cachedToken;
    if (cached && this.now() < cached.renewAtMs) {
      return cached.accessToken;
    }
    // Concurrent calls share one token request; a caller that aborts stops waiting for it,
    // the request itself goes on for the others.
    this.tokenInFlight ??= this.requestToken().finally(() => {
      this.tokenInFlight = null;
    });
    return signal ? abortable(this.tokenInFlight, signal, operation) : this.tokenInFlight;
  }

  private forgetToken(token: string): void {
    if (this.cachedToken?.accessToken === token) {
      this.cachedToken = null;
    }
  }

  private async requestToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      scope: 'openid',
    }).toString();
    // The shared token request ignores any one caller's AbortSignal: others wait on it too.
    const reply = await this.withRetries('token', {}, async () => {
      const raw = await this.exchange(
        'token',
        this.config.oauthUrl,
        { idempotent: true },
        { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        form,
      );
      return interpretTokenReply(raw, this.retryAfterMs(raw));
    });
    const lifetimeSeconds = reply.expiresInSeconds;
    // Never keep a token past half its life, so short-lived (test) tokens still get renewed.
    const margin = Math.min(this.tokenMarginSeconds, lifetimeSeconds / 2);
    this.cachedToken = {
      accessToken: reply.accessToken,
      renewAtMs: this.now() + (lifetimeSeconds - margin) * 1000,
    };
    return reply.accessToken;
  }

  private async withRetries<T>(
    operation: ChorusOperation,
    options: { readonly signal?: AbortSignal | undefined },
    attemptOnce: (attempt: number) => Promise<{ readonly value: T; readonly status: number }>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const started = this.now();
      try {
        const { value, status } = await attemptOnce(attempt);
        this.emit({
          operation,
          attempt,
          status,
          durationMs: this.now() - started,
          outcome: 'success',
        });
        return value;
      } catch (error) {
        const durationMs = this.now() - started;
        const chorusError =
          error instanceof ChorusError
            ? error
            : new ChorusUnexpectedResponseError('unexpected failure', { operation, cause: error });
        const base = {
          operation,
          attempt,
          status: chorusError.httpStatus,
          durationMs,
          codeRetour: chorusError.codeRetour,
          error: `${chorusError.name}: ${chorusError.message}`,
        };
        if (
          !chorusError.retryable ||
          // A token failure has already been through its own retries.
          chorusError.operation !== operation ||
          attempt >= this.retry.maxAttempts ||
          options.signal?.aborted
        ) {
          this.emit({ ...base, outcome: 'failure' });
          throw chorusError;
        }
        const retryInMs = this.delayBeforeRetry(attempt, chorusError);
        this.emit({ ...base, outcome: 'retry', retryInMs });
        try {
          await this.sleep(retryInMs, options.signal);
        } catch (abort) {
          throw new ChorusAbortedError('aborted by the caller', { operation, cause: abort });
        }
      }
    }
  }

  private delayBeforeRetry(attempt: number, error: ChorusError): number {
    if (error instanceof ChorusHttpError && error.retryAfterMs !== null) {
      return Math.min(error.retryAfterMs, this.retry.maxRetryAfterMs);
    }
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }

  /** Retry-After in seconds or as an HTTP date, in milliseconds from now; null when absent. */
  private retryAfterMs(raw: RawReply): number | null {
    const header = raw.retryAfter?.trim();
    if (!header) {
      return null;
    }
    if (/^\d+$/.test(header)) {
      return Number(header) * 1000;
    }
    const date = Date.parse(header);
    return Number.isNaN(date) ? null : Math.max(0, date - this.now());
  }

  /** One request/response, body included, under the timeout. */
  private async exchange(
    operation: ChorusOperation,
    url: string,
    options: { readonly signal?: AbortSignal | undefined; readonly idempotent: boolean },
    headers: Record<string, string>,
    body: string,
  ): Promise<RawReply> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      // 'manual': a redirect must not carry the credentials to another host.
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal,
        redirect: 'manual',
      });
      const text = await response.text();
      return { status: response.status, retryAfter: response.headers.get('retry-after'), text };
    } catch (error) {
      if (options.signal?.aborted) {
        throw new ChorusAbortedError('aborted by the caller', { operation, cause: error });
      }
      if (timeout.aborted) {
        throw new ChorusTimeoutError(`no complete response within ${this.config.timeoutMs} ms`, {
          operation,
          retryable: options.idempotent,
          code: 'ETIMEDOUT',
        });
      }
      const code = networkErrorCode(error);
      // A refused connection never reached Chorus: safe to retry even a state change.
      const retryable = options.idempotent || code === 'ECONNREFUSED';
      const reason = code === null ? describeError(error) : `${code}, ${describeError(error)}`;
      throw new ChorusNetworkError(`network error (${reason})`, {
        operation,
        retryable,
        code,
        cause: error,
      });
    }
  }

  private emit(event: ChorusEvent): void {
    if (!this.onEvent) {
      return;
    }
    try {
      this.onEvent(event);
    } catch {
      // A failing logger must not fail the call.
    }
  }
}

function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  operation: ChorusOperation,
): Promise<T> {
  const aborted = (): ChorusAbortedError =>
    new ChorusAbortedError('aborted by the caller', { operation, cause: signal.reason });
  if (signal.aborted) {
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

function networkErrorCode(error: unknown): string | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (isErrorLike(current) && !seen.has(current)) {
    seen.add(current);
    if (typeof current.code === 'string') {
      return current.code;
    }
    if (Array.isArray(current.errors)) {
      const inner = current.errors.map(networkErrorCode).find((c) => c !== null);
      if (inner) {
        return inner;
      }
    }
    current = current.cause;
  }
  return null;
}

function describeError(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && isErrorLike(current); depth++) {
    if (typeof current.message === 'string' && current.message !== '') {
      messages.push(current.message);
    }
    current = current.cause;
  }
  return messages.join(': ') || 'unknown';
}

function isErrorLike(
  value: unknown,
): value is { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } {
  return typeof value === 'object' && value !== null;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function interpretTokenReply(
  raw: RawReply,
  retryAfterMs: number | null,
): { readonly value: { accessToken: string; expiresInSeconds: number }; readonly status: number } {
  const operation = 'token';
  const json = parseJson(raw.text);
  const body = isRecord(json) ? json : {};
  if (raw.status === 200) {
    const accessToken = readText(body['access_token']);
    const expiresIn = readInteger(body['expires_in']);
    if (accessToken === null || accessToken.trim() === '') {
      throw new ChorusAuthenticationError('the token reply has no access_token', {
        operation,
        httpStatus: raw.status,
      });
    }
    if (expiresIn === null || expiresIn <= 0) {
      throw new ChorusAuthenticationError('the token reply has no positive expires_in', {
        operation,
        httpStatus: raw.status,
      });
    }
    return { value: { accessToken, expiresInSeconds: expiresIn }, status: raw.status };
  }
  if (isTransientStatus(raw.status)) {
    throw new ChorusHttpError(`HTTP ${raw.status} from the token endpoint`, {
      operation,
      httpStatus: raw.status,
      retryable: true,
      retryAfterMs,
    });
  }
  // OAuth2 errors are codes such as invalid_client; they never echo the credentials.
  const oauthError = [readText(body['error']), readText(body['error_description'])]
    .filter((part) => part !== null)
    .map((part) => truncate(part))
    .join(' — ');
  throw new ChorusAuthenticationError(
    `token request refused (HTTP ${raw.status}${oauthError ? `: ${oauthError}` : ''})`,
    { operation, httpStatus: raw.status },
  );
}

function isTransientStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

function interpretApiReply(
  operation: ChorusOperation,
  raw: RawReply,
  idempotent: boolean,
  retryAfterMs: number | null,
): { readonly value: ChorusReply; readonly status: number } {
  const json = parseJson(raw.text);
  const body = isRecord(json) ? json : null;
  const codeRetour = body ? readInteger(body['codeRetour']) : null;
  const libelle = body ? readText(body['libelle']) : null;
  const details = { operation, httpStatus: raw.status, codeRetour, libelle };
  const chorusSays =
    codeRetour !== null
      ? `, codeRetour ${codeRetour}${libelle ? ` (${truncate(libelle)})` : ''}`
      : '';

  // Functional answers come as HTTP 200 or 400 with the same body.
  if ((raw.status === 200 || raw.status === 400) && body !== null && codeRetour !== null) {
    if (codeRetour === NO_RESULT_CODE || libelle === NO_RESULT_LIBELLE) {
      return { value: { httpStatus: raw.status, body, noResult: true }, status: raw.status };
    }
    if (codeRetour !== 0) {
      throw new ChorusFunctionalError(`refused: HTTP ${raw.status}${chorusSays}`, details);
    }
  }
  if (raw.status >= 200 && raw.status < 300) {
    if (body === null) {
      throw new ChorusUnexpectedResponseError(
        `HTTP ${raw.status} without a JSON object body`,
        details,
      );
    }
    return { value: { httpStatus: raw.status, body, noResult: false }, status: raw.status };
  }
  switch (raw.status) {
    case 401:
      throw new ChorusAuthenticationError(
        `HTTP 401 even with a fresh token (check the PISTE application's subscription to the Chorus Pro API)${chorusSays}`,
        details,
      );
    case 403:
      throw new ChorusForbiddenError(
        `HTTP 403: access refused (technical account not attached to the structure, or PISTE terms of use not accepted)${chorusSays}`,
        details,
      );
    case 404:
      throw new ChorusHttpError(
        `HTTP 404: unknown path (check CHORUS_API_URL)${chorusSays}`,
        details,
      );
    case 413:
      throw new ChorusHttpError(`HTTP 413: request too large${chorusSays}`, details);
    case 415:
      throw new ChorusHttpError(`HTTP 415: unsupported media type${chorusSays}`, details);
    case 429:
    case 503:
      // Throttled or unavailable: the request was not processed, retrying is safe.
      throw new ChorusHttpError(`HTTP ${raw.status}: try again later${chorusSays}`, {
        ...details,
        retryable: true,
        retryAfterMs,
      });
    case 502:
    case 504:
      throw new ChorusHttpError(`HTTP ${raw.status} from the gateway${chorusSays}`, {
        ...details,
        retryable: idempotent,
        retryAfterMs,
      });
    default:
      throw new ChorusHttpError(`HTTP ${raw.status}${chorusSays}`, details);
  }
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
