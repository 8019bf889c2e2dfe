/** Chorus Pro connection settings: from the environment, or given as a plain object. */
import { ChorusConfigError } from './chorus-errors';

/** Production PISTE endpoints. */
export const CHORUS_PRODUCTION_OAUTH_URL = 'https://oauth.piste.gouv.fr/api/oauth/token';
export const CHORUS_PRODUCTION_API_URL = 'https://api.piste.gouv.fr';
/** Sandbox ("qualification") endpoints, to point CHORUS_OAUTH_URL / CHORUS_API_URL at. */
export const CHORUS_SANDBOX_OAUTH_URL = 'https://sandbox-oauth.piste.gouv.fr/api/oauth/token';
export const CHORUS_SANDBOX_API_URL = 'https://sandbox-api.piste.gouv.fr';

export const CHORUS_DEFAULT_TIMEOUT_MS = 30_000;

export interface ChorusConfig {
  /** PISTE token endpoint. */
  readonly oauthUrl: string;
  /** PISTE API base; paths `/cpro/...` are appended. */
  readonly apiUrl: string;
  /** PISTE application credentials (OAuth2 client credentials). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The Chorus Pro technical account, sent as `cpro-account`. */
  readonly login: string;
  readonly password: string;
  /** Per-request timeout. */
  readonly timeoutMs: number;
}

type Problem = { readonly variable: string; readonly problem: string };

/**
 * Reads CHORUS_OAUTH_URL, CHORUS_API_URL, CHORUS_CLIENT_ID, CHORUS_CLIENT_SECRET,
 * CHORUS_LOGIN, CHORUS_PASSWORD and CHORUS_TIMEOUT_MS. Throws a ChorusConfigError naming every
 * faulty variable (values are never echoed: several are secrets).
 */
export function chorusConfigFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChorusConfig {
  const problems: Problem[] = [];
  const text = (variable: string): string => {
    const value = env[variable]?.trim() ?? '';
    if (value === '') {
      problems.push({ variable, problem: 'is required' });
    }
    return value;
  };
  const url = (variable: string, fallback: string): string => {
    const value = env[variable]?.trim();
    return value === undefined || value === '' ? fallback : value;
  };
  const timeoutRaw = env['CHORUS_TIMEOUT_MS']?.trim();
  let timeoutMs = CHORUS_DEFAULT_TIMEOUT_MS;
  if (timeoutRaw !== undefined && timeoutRaw !== '') {
    timeoutMs = /^\d+$/.test(timeoutRaw) ? Number(timeoutRaw) : Number.NaN;
  }
  const config: ChorusConfig = {
    oauthUrl: url('CHORUS_OAUTH_URL', CHORUS_PRODUCTION_OAUTH_URL),
    apiUrl: url('CHORUS_API_URL', CHORUS_PRODUCTION_API_URL),
    clientId: text('CHORUS_CLIENT_ID'),
    clientSecret: text('CHORUS_CLIENT_SECRET'),
    login: text('CHORUS_LOGIN'),
    password: text('CHORUS_PASSWORD'),
    timeoutMs,
  };
  problems.push(...configProblems(config, ENV_NAMES).filter((p) => p.problem !== 'is required'));
  if (problems.length > 0) {
    throw new ChorusConfigError(problems);
  }
  return config;
}

const ENV_NAMES: Readonly<Record<keyof ChorusConfig, string>> = {
  oauthUrl: 'CHORUS_OAUTH_URL',
  apiUrl: 'CHORUS_API_URL',
  clientId: 'CHORUS_CLIENT_ID',
  clientSecret: 'CHORUS_CLIENT_SECRET',
  login: 'CHORUS_LOGIN',
  password: 'CHORUS_PASSWORD',
  timeoutMs: 'CHORUS_TIMEOUT_MS',
};

const FIELD_NAMES: Readonly<Record<keyof ChorusConfig, string>> = {
  oauthUrl: 'oauthUrl',
  apiUrl: 'apiUrl',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  login: 'login',
  password: 'password',
  timeoutMs: 'timeoutMs',
};

/** Checks a config object (e.g. given to the ChorusClient constructor); throws ChorusConfigError. */
export function validateChorusConfig(config: ChorusConfig): ChorusConfig {
  const problems = configProblems(config, FIELD_NAMES);
  if (problems.length > 0) {
    throw new ChorusConfigError(problems);
  }
  return config;
}

function configProblems(
  config: ChorusConfig,
  names: Readonly<Record<keyof ChorusConfig, string>>,
): Problem[] {
  const problems: Problem[] = [];
  for (const key of ['oauthUrl', 'apiUrl'] as const) {
    if (!isHttpUrl(config[key])) {
      problems.push({ variable: names[key], problem: 'must be an http(s) URL' });
    }
  }
  for (const key of ['clientId', 'clientSecret', 'login', 'password'] as const) {
    const value: unknown = config[key];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push({ variable: names[key], problem: 'is required' });
    }
  }
  if (
    typeof config.timeoutMs !== 'number' ||
    !Number.isInteger(config.timeoutMs) ||
    config.timeoutMs < 1 ||
    config.timeoutMs > 600_000
  ) {
    problems.push({
      variable: names.timeoutMs,
      problem: 'must be a whole number of milliseconds between 1 and 600000',
    });
  }
  return problems;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}
