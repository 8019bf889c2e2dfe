/**
 * Typed failures of the Chorus Pro client. Messages name the operation, the HTTP status and
 * Chorus' own codeRetour/libelle; they never contain credentials, tokens or the cpro-account value.
 */
import { type ChorusOperation } from './chorus-types';

export interface ChorusErrorDetails {
  readonly operation: ChorusOperation;
  readonly httpStatus?: number | null;
  readonly codeRetour?: number | null;
  readonly libelle?: string | null;
  /** Whether trying the same call again later may succeed. */
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

export class ChorusError extends Error {
  override readonly name: string = 'ChorusError';
  readonly operation: ChorusOperation;
  readonly httpStatus: number | null;
  readonly codeRetour: number | null;
  readonly libelle: string | null;
  readonly retryable: boolean;

  constructor(message: string, details: ChorusErrorDetails) {
    super(
      `Chorus Pro ${details.operation}: ${message}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.operation = details.operation;
    this.httpStatus = details.httpStatus ?? null;
    this.codeRetour = details.codeRetour ?? null;
    this.libelle = details.libelle ?? null;
    this.retryable = details.retryable ?? false;
  }
}

/** The configuration is incomplete or invalid; `variables` names what to fix. */
export class ChorusConfigError extends ChorusError {
  override readonly name = 'ChorusConfigError';
  readonly variables: readonly string[];

  constructor(problems: readonly { readonly variable: string; readonly problem: string }[]) {
    super(problems.map((p) => `${p.variable} ${p.problem}`).join('; '), {
      operation: 'configuration',
    });
    this.variables = problems.map((p) => p.variable);
  }
}

/** The call was refused locally, before anything was sent (bad input). */
export class ChorusInvalidRequestError extends ChorusError {
  override readonly name = 'ChorusInvalidRequestError';

  constructor(operation: ChorusOperation, message: string) {
    super(message, { operation });
  }
}

/** PISTE refused the client credentials, sent an unusable token, or a fresh token got a 401 too. */
export class ChorusAuthenticationError extends ChorusError {
  override readonly name = 'ChorusAuthenticationError';
}

/** HTTP 403: account not attached to the structure or PISTE terms of use not accepted. */
export class ChorusForbiddenError extends ChorusError {
  override readonly name = 'ChorusForbiddenError';
}

/** Chorus answered with a non-zero codeRetour (HTTP 200 or 400): a functional refusal. */
export class ChorusFunctionalError extends ChorusError {
  override readonly name = 'ChorusFunctionalError';
}

/** Any other HTTP status (404, 413, 415, 429, 5xx…). */
export class ChorusHttpError extends ChorusError {
  override readonly name = 'ChorusHttpError';
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | null;

  constructor(message: string, details: ChorusErrorDetails & { retryAfterMs?: number | null }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

/** No complete response: connection refused or reset, DNS failure, truncated body. */
export class ChorusNetworkError extends ChorusError {
  override readonly name: string = 'ChorusNetworkError';
  /** The system error code when known (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET…). */
  readonly code: string | null;

  constructor(message: string, details: ChorusErrorDetails & { code?: string | null }) {
    super(message, details);
    this.code = details.code ?? null;
  }
}

/** No response within the configured timeout. */
export class ChorusTimeoutError extends ChorusNetworkError {
  override readonly name = 'ChorusTimeoutError';
}

/** The caller's AbortSignal fired. */
export class ChorusAbortedError extends ChorusError {
  override readonly name = 'ChorusAbortedError';
}

/** A reply the client cannot use: not JSON, a required field missing, pagination that loops. */
export class ChorusUnexpectedResponseError extends ChorusError {
  override readonly name = 'ChorusUnexpectedResponseError';
}
