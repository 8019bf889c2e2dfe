import { Prng } from '@cd31/dataset';

/** Faults to inject, as set through `/__admin/faults` or `simulator.faults.set()`. */
export interface FaultSettings {
  /** Share (0–1) of API calls answered 503 or 500. */
  readonly errorRate?: number;
  /** The next `count` API calls are answered 429 with `Retry-After: retryAfterSeconds`. */
  readonly burst429?: { readonly count: number; readonly retryAfterSeconds: number };
  /** Delay before every answer (token and API calls). */
  readonly latencyMs?: number;
  /** Expire every token issued so far (an action, not a state). */
  readonly expireTokensNow?: boolean;
  /** The next `count` API calls get their socket destroyed half-way through the answer. */
  readonly resetConnections?: { readonly count: number };
  /** The next `rechercher/recipiendaire` call asking this page is answered 500, once. */
  readonly failPageOnce?: { readonly page: number };
  /** The next `count` token requests get HTTP 200 with an empty token (seen on PISTE). */
  readonly emptyTokens?: { readonly count: number };
}

/** What is armed now. */
export interface FaultState {
  readonly errorRate: number;
  readonly burst429: { readonly remaining: number; readonly retryAfterSeconds: number } | null;
  readonly latencyMs: number;
  readonly resetConnections: { readonly remaining: number } | null;
  readonly failPageOnce: { readonly page: number } | null;
  readonly emptyTokens: { readonly remaining: number } | null;
}

export type InjectedFault =
  | 'latency'
  | 'http429'
  | 'http500'
  | 'http503'
  | 'reset'
  | 'failPage'
  | 'emptyToken';

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer ≥ 0`);
  }
  return value;
}

/** Armed faults; decisions draw from a seeded generator so a run is repeatable. */
export class Faults {
  private errorRate = 0;
  private burst429: { remaining: number; retryAfterSeconds: number } | null = null;
  private latencyMs = 0;
  private resetConnections: { remaining: number } | null = null;
  private failPage: { page: number } | null = null;
  private emptyTokens: { remaining: number } | null = null;
  private readonly prng: Prng;

  constructor(
    seed: number,
    private readonly onExpireTokens: () => void,
  ) {
    this.prng = new Prng(seed ^ 0x51ed);
  }

  set(settings: FaultSettings): FaultState {
    if (settings.errorRate !== undefined) {
      if (!(settings.errorRate >= 0 && settings.errorRate <= 1)) {
        throw new RangeError('errorRate must be between 0 and 1');
      }
      this.errorRate = settings.errorRate;
    }
    if (settings.burst429 !== undefined) {
      this.burst429 = {
        remaining: nonNegativeInteger(settings.burst429.count, 'burst429.count'),
        retryAfterSeconds: nonNegativeInteger(
          settings.burst429.retryAfterSeconds,
          'burst429.retryAfterSeconds',
        ),
      };
    }
    if (settings.latencyMs !== undefined) {
      this.latencyMs = nonNegativeInteger(settings.latencyMs, 'latencyMs');
    }
    if (settings.resetConnections !== undefined) {
      this.resetConnections = {
        remaining: nonNegativeInteger(settings.resetConnections.count, 'resetConnections.count'),
      };
    }
    if (settings.failPageOnce !== undefined) {
      const page = settings.failPageOnce.page;
      if (!Number.isInteger(page) || page < 1) {
        throw new RangeError('failPageOnce.page must be an integer ≥ 1');
      }
      this.failPage = { page };
    }
    if (settings.emptyTokens !== undefined) {
      this.emptyTokens = {
        remaining: nonNegativeInteger(settings.emptyTokens.count, 'emptyTokens.count'),
      };
    }
    if (settings.expireTokensNow === true) {
      this.onExpireTokens();
    }
    return this.state();
  }

  reset(): FaultState {
    this.errorRate = 0;
    this.burst429 = null;
    this.latencyMs = 0;
    this.resetConnections = null;
    this.failPage = null;
    this.emptyTokens = null;
    return this.state();
  }

  state(): FaultState {
    return {
      errorRate: this.errorRate,
      burst429: this.burst429 && this.burst429.remaining > 0 ? { ...this.burst429 } : null,
      latencyMs: this.latencyMs,
      resetConnections:
        this.resetConnections && this.resetConnections.remaining > 0
          ? { ...this.resetConnections }
          : null,
      failPageOnce: this.failPage ? { ...this.failPage } : null,
      emptyTokens:
        this.emptyTokens && this.emptyTokens.remaining > 0 ? { ...this.emptyTokens } : null,
    };
  }

  latency(): number {
    return this.latencyMs;
  }

  /** Seconds for Retry-After when this call must be answered 429, else null. */
  take429(): number | null {
    if (this.burst429 && this.burst429.remaining > 0) {
      this.burst429.remaining--;
      return this.burst429.retryAfterSeconds;
    }
    return null;
  }

  /** 500 or 503 when this call must fail, else null. */
  takeServerError(): 500 | 503 | null {
    if (this.errorRate > 0 && this.prng.next() < this.errorRate) {
      return this.prng.chance(0.5) ? 503 : 500;
    }
    return null;
  }

  takeReset(): boolean {
    if (this.resetConnections && this.resetConnections.remaining > 0) {
      this.resetConnections.remaining--;
      return true;
    }
    return false;
  }

  takeFailPage(page: number): boolean {
    if (this.failPage?.page === page) {
      this.failPage = null;
      return true;
    }
    return false;
  }

  takeEmptyToken(): boolean {
    if (this.emptyTokens && this.emptyTokens.remaining > 0) {
      this.emptyTokens.remaining--;
      return true;
    }
    return false;
  }
}
