import {
  DEFAULT_INVOICE_COUNT,
  DEFAULT_SEED,
  DEFAULT_TECHNICAL_LOGIN,
  DEFAULT_TECHNICAL_PASSWORD,
} from '@cd31/dataset';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '@cd31/chorus-simulator';

/** The simulator app's settings, read once from the environment. */
export interface ChorusSimConfig {
  readonly port: number;
  readonly host: string;
  readonly seed: number;
  readonly invoiceCount: number;
  /** The simulated today; null: the current time, to the minute. */
  readonly now: Date | null;
  /** Simulated seconds per real second (0: frozen). */
  readonly clockSpeed: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly login: string;
  readonly password: string;
  /** Where to write astre-factures.csv and astre-engagements.csv at start; null: nowhere. */
  readonly astreDir: string | null;
}

export class ChorusSimConfigError extends Error {}

/**
 * SIM_PORT (3900), SIM_HOST (127.0.0.1), SIM_SEED (31), SIM_INVOICES (3000), SIM_NOW (ISO date;
 * default now), SIM_CLOCK_SPEED (1), SIM_CLIENT_ID / SIM_CLIENT_SECRET / SIM_LOGIN / SIM_PASSWORD
 * (demo defaults), SIM_ASTRE_DIR (unset). Every faulty variable is named in one error.
 */
export function simConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ChorusSimConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      return fallback;
    }
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const nowRaw = env['SIM_NOW']?.trim();
  let now: Date | null = null;
  if (nowRaw) {
    now = new Date(nowRaw);
    if (Number.isNaN(now.getTime())) {
      problems.push('SIM_NOW must be an ISO date, e.g. 2025-06-16T09:30:00+02:00');
    }
  }
  const speedRaw = env['SIM_CLOCK_SPEED']?.trim();
  const clockSpeed = speedRaw ? Number(speedRaw) : 1;
  if (!(clockSpeed >= 0) || !Number.isFinite(clockSpeed)) {
    problems.push('SIM_CLOCK_SPEED must be a number ≥ 0');
  }
  const config: ChorusSimConfig = {
    port: integer('SIM_PORT', 3900, 0, 65535),
    host: text('SIM_HOST', '127.0.0.1'),
    seed: integer('SIM_SEED', DEFAULT_SEED, 0, 0xffffffff),
    invoiceCount: integer('SIM_INVOICES', DEFAULT_INVOICE_COUNT, 0, 5_000_000),
    now,
    clockSpeed,
    clientId: text('SIM_CLIENT_ID', DEFAULT_CLIENT_ID),
    clientSecret: text('SIM_CLIENT_SECRET', DEFAULT_CLIENT_SECRET),
    login: text('SIM_LOGIN', DEFAULT_TECHNICAL_LOGIN),
    password: text('SIM_PASSWORD', DEFAULT_TECHNICAL_PASSWORD),
    astreDir: env['SIM_ASTRE_DIR']?.trim() || null,
  };
  if (problems.length > 0) {
    throw new ChorusSimConfigError(`Invalid simulator configuration: ${problems.join('; ')}`);
  }
  return config;
}
