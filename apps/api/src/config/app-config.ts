import { ChorusConfigError, chorusConfigFromEnv, type ChorusConfig } from '@cd31/chorus-client';
import { ROLES, type Role } from '@cd31/domain';
import { CronTime } from 'cron';
import * as path from 'node:path';

/** The whole configuration, read once from the environment at boot (see `.env.example`). */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly database: DatabaseConfig;
  /** Folder of the built dashboard served at `/`; null when it is not built (API only). */
  readonly dashboardDir: string;
  readonly auth: AuthConfig;
  /** Sign-in with CD31's OpenID Connect provider; null when `OIDC_ISSUER` is unset (off). */
  readonly oidc: OidcConfig | null;
  /** No Chorus Pro credentials: the bundled simulator stands in and the UI says so. */
  readonly simulatorMode: boolean;
  readonly chorus: ChorusSettings;
  readonly astre: { readonly maxUploadBytes: number };
  /**
   * "Envoyer à recycler": off (refused), dry-run (audited, nothing sent), on (traiter/recue).
   * Default: on with the simulator, dry-run with real Chorus Pro credentials.
   */
  readonly recycleSendMode: 'off' | 'dry-run' | 'on';
  /** Daily full reconciliation (time-based rules); null: none. */
  readonly reconciliationCron: string | null;
}

export interface ChorusSettings {
  /** The PISTE connection; in simulator mode main.ts fills it with the simulator's. */
  readonly connection: ChorusConfig | null;
  /** Cron expression of the scheduled sync (Europe/Paris); null: no schedule. */
  readonly syncCron: string | null;
  /** Start a sync as soon as the API is up. */
  readonly syncOnStart: boolean;
  /** Each window starts this long before the budget's watermark (late-committed changes). */
  readonly overlapMinutes: number;
  /** How far back the first run on an empty database pulls. */
  readonly backfillMonths: number;
  /** Budgets synced at once (each reads its pages in order and writes them one after the other). */
  readonly syncBudgetConcurrency: number;
  /** consulter/historique calls per budget and run, for invoices first seen past mise à disposition. */
  readonly historyCallsPerBudget: number;
  readonly historyConcurrency: number;
  /** Retries of a failed Chorus Pro call (network, 429, 502–504) and the first back-off delay. */
  readonly retryAttempts: number;
  readonly retryBaseDelayMs: number;
  /** Simulator mode only: the generated dataset, and where its ASTRE exports were written. */
  readonly simulator: {
    readonly seed: number;
    readonly invoices: number;
    readonly astreDir: string | null;
  };
}

export interface AuthConfig {
  /** A session unused for this long ends. */
  readonly sessionIdleMinutes: number;
  /** A session ends this long after sign-in, used or not. */
  readonly sessionAbsoluteHours: number;
  /** `auto`: Secure cookies except when the dashboard is reached on localhost over http. */
  readonly cookieSecure: 'auto' | 'always' | 'never';
  /** Failed sign-ins per account (and 4× per address) within the window before a lock. */
  readonly maxFailedSignIns: number;
  readonly signInLockMinutes: number;
}

export interface OidcConfig {
  /** The provider's issuer identifier; its discovery document is under `/.well-known/`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Never logged nor echoed; also keys the encryption of the short-lived sign-in cookie. */
  readonly clientSecret: string;
  /** This API's callback as registered at the provider (`…/api/v1/auth/oidc/callback`). */
  readonly redirectUrl: string;
  /** Always holds `openid`. */
  readonly scopes: readonly string[];
  /** A claim holding the role, or a list containing it; null: roles are managed here only. */
  readonly roleClaim: string | null;
  /** Role of an unknown user when the claim gives none; null: such a user is refused. */
  readonly defaultRole: Role | null;
}

export interface DatabaseConfig {
  /** An external server; when absent an embedded PostgreSQL is started. */
  readonly url: string | null;
  readonly poolSize: number;
  readonly embedded: {
    readonly dataDir: string;
    readonly port: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and validates the environment; throws a ConfigError naming every invalid variable. */
export function loadConfig(env: Env, workspaceRoot = process.cwd()): AppConfig {
  const problems: string[] = [];
  const reader = new EnvReader(env, problems);

  const dataDir = path.resolve(workspaceRoot, reader.string('DATA_DIR', '.data'));
  const config: AppConfig = {
    nodeEnv: reader.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development'),
    host: reader.string('HOST', '127.0.0.1'),
    port: reader.integer('PORT', 3000, 1, 65535),
    logLevel: reader.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'info',
    ),
    database: {
      url: reader.postgresUrl('DATABASE_URL'),
      poolSize: reader.integer('DATABASE_POOL_SIZE', 10, 1, 200),
      embedded: {
        dataDir: path.join(dataDir, 'postgres'),
        port: reader.integer('EMBEDDED_POSTGRES_PORT', 54320, 1024, 65535),
      },
    },
    dashboardDir: path.resolve(
      workspaceRoot,
      reader.string('DASHBOARD_DIR', 'dist/apps/dashboard/browser'),
    ),
    auth: {
      sessionIdleMinutes: reader.integer('SESSION_IDLE_MINUTES', 60, 1, 24 * 60),
      sessionAbsoluteHours: reader.integer('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 7),
      cookieSecure: reader.oneOf('COOKIE_SECURE', ['auto', 'always', 'never'], 'auto'),
      maxFailedSignIns: reader.integer('SIGN_IN_MAX_FAILURES', 5, 1, 100),
      signInLockMinutes: reader.integer('SIGN_IN_LOCK_MINUTES', 15, 1, 24 * 60),
    },
    oidc: reader.oidc(),
    simulatorMode: reader.string('CHORUS_CLIENT_ID', '') === '',
    reconciliationCron: reader.cron('RECONCILIATION_CRON', '30 5 * * *'),
    recycleSendMode: reader.oneOf(
      'RECYCLE_SEND_MODE',
      ['off', 'dry-run', 'on'],
      reader.string('CHORUS_CLIENT_ID', '') === '' ? 'on' : 'dry-run',
    ),
    astre: {
      maxUploadBytes: reader.integer('ASTRE_MAX_UPLOAD_MB', 512, 1, 10_240) * 1024 * 1024,
    },
    chorus: {
      connection: reader.chorusConnection(),
      syncCron: reader.cron('CHORUS_SYNC_CRON', '*/15 * * * *'),
      syncOnStart: reader.boolean('CHORUS_SYNC_ON_START', true),
      overlapMinutes: reader.integer('CHORUS_SYNC_OVERLAP_MINUTES', 60, 0, 7 * 24 * 60),
      backfillMonths: reader.integer('CHORUS_BACKFILL_MONTHS', 12, 1, 120),
      syncBudgetConcurrency: reader.integer('CHORUS_SYNC_BUDGET_CONCURRENCY', 2, 1, 8),
      historyCallsPerBudget: reader.integer('CHORUS_HISTORY_CALLS_PER_BUDGET', 5000, 0, 1_000_000),
      historyConcurrency: reader.integer('CHORUS_HISTORY_CONCURRENCY', 4, 1, 32),
      retryAttempts: reader.integer('CHORUS_RETRY_ATTEMPTS', 5, 1, 20),
      retryBaseDelayMs: reader.integer('CHORUS_RETRY_BASE_DELAY_MS', 500, 1, 60_000),
      simulator: {
        seed: reader.integer('SIM_SEED', 31, 0, 2 ** 31 - 1),
        invoices: reader.integer('SIM_INVOICES', 3000, 0, 5_000_000),
        astreDir: null,
      },
    },
  };

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}

const OIDC_VARIABLES = [
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_REDIRECT_URL',
  'OIDC_SCOPES',
  'OIDC_ROLE_CLAIM',
  'OIDC_DEFAULT_ROLE',
] as const;

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) {
      return fallback;
    }
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) {
      return fallback;
    }
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) {
      return fallback;
    }
    if (['true', '1', 'yes', 'on'].includes(value)) {
      return true;
    }
    if (['false', '0', 'no', 'off'].includes(value)) {
      return false;
    }
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  /** A cron expression, or `off`. */
  cron(name: string, fallback: string): string | null {
    const value = this.raw(name) ?? fallback;
    if (value.toLowerCase() === 'off') {
      return null;
    }
    try {
      new CronTime(value);
      return value;
    } catch {
      this.problems.push(
        `${name} must be a cron expression such as "*/15 * * * *", or "off" (got "${value}")`,
      );
      return null;
    }
  }

  /** Real Chorus Pro credentials when CHORUS_CLIENT_ID is set; null means simulator mode. */
  chorusConnection(): ChorusConfig | null {
    if (this.raw('CHORUS_CLIENT_ID') === undefined) {
      return null;
    }
    try {
      return chorusConfigFromEnv(this.env);
    } catch (error) {
      this.problems.push(error instanceof ChorusConfigError ? error.message : String(error));
      return null;
    }
  }

  /** OpenID Connect settings, all or nothing: off unless OIDC_ISSUER is set. */
  oidc(): OidcConfig | null {
    const issuer = this.raw('OIDC_ISSUER');
    if (issuer === undefined) {
      const stray = OIDC_VARIABLES.filter((name) => this.raw(name) !== undefined);
      if (stray.length > 0) {
        this.problems.push(
          `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but OIDC_ISSUER is not (OpenID Connect stays off without it)`,
        );
      }
      return null;
    }
    const clientId = this.raw('OIDC_CLIENT_ID');
    if (clientId === undefined) {
      this.problems.push('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
    } else if (!/^[\x21-\x7e]{1,255}$/.test(clientId)) {
      this.problems.push('OIDC_CLIENT_ID must be 1 to 255 printable characters without spaces');
    }
    // Never echo the secret, not even in part.
    const clientSecret = this.raw('OIDC_CLIENT_SECRET') ?? '';
    if (clientSecret === '') {
      this.problems.push('OIDC_CLIENT_SECRET is required when OIDC_ISSUER is set');
    } else if (!/^[\x20-\x7e]{1,1024}$/.test(clientSecret)) {
      this.problems.push('OIDC_CLIENT_SECRET must be 1 to 1024 printable ASCII characters');
    }
    const scopes = this.string('OIDC_SCOPES', 'openid email profile').split(/\s+/);
    if (!scopes.every((scope) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
      this.problems.push('OIDC_SCOPES must be scope names separated by spaces');
    } else if (!scopes.includes('openid')) {
      this.problems.push(`OIDC_SCOPES must include openid (got "${scopes.join(' ')}")`);
    }
    const roleClaim = this.raw('OIDC_ROLE_CLAIM') ?? null;
    if (roleClaim !== null && !/^[\x21-\x7e]{1,200}$/.test(roleClaim)) {
      this.problems.push('OIDC_ROLE_CLAIM must be a claim name (1 to 200 characters, no spaces)');
    }
    const defaultRole = this.raw('OIDC_DEFAULT_ROLE');
    return {
      issuer: this.webUrl('OIDC_ISSUER', issuer, { query: false }),
      clientId: clientId ?? '',
      clientSecret,
      redirectUrl: this.webUrl(
        'OIDC_REDIRECT_URL',
        this.string('OIDC_REDIRECT_URL', 'http://localhost:3000/api/v1/auth/oidc/callback'),
        { query: true },
      ),
      scopes: [...new Set(scopes)],
      roleClaim,
      defaultRole:
        defaultRole === undefined ? null : this.oneOf('OIDC_DEFAULT_ROLE', ROLES, 'gestionnaire'),
    };
  }

  /** An https URL (plain http only on the loopback interface), without a fragment. */
  private webUrl(name: string, value: string, options: { query: boolean }): string {
    // A URL with an `@` may hold credentials: it is then not echoed.
    const got = value.includes('@') ? '' : ` (got "${value}")`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.problems.push(`${name} must be an absolute https:// URL${got}`);
      return value;
    }
    const loopback = /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname);
    if (url.username !== '' || url.password !== '') {
      this.problems.push(`${name} must not hold credentials`);
    } else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      this.problems.push(`${name} must be an https:// URL (http:// only for localhost)${got}`);
    } else if (url.hash !== '' || (!options.query && url.search !== '')) {
      this.problems.push(
        `${name} must not have a ${options.query ? '' : 'query or '}fragment${got}`,
      );
    }
    return value;
  }

  postgresUrl(name: string): string | null {
    const value = this.raw(name);
    if (value === undefined) {
      return null;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.problems.push(`${name} must be a postgres:// URL`);
      return null;
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      // Never echo the value: it may hold a password.
      this.problems.push(`${name} must be a postgres:// URL (got protocol "${url.protocol}")`);
      return null;
    }
    return value;
  }
}
