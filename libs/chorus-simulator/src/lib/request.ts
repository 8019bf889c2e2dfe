import {
  MINUTE_MS,
  dayNumberFromIsoDate,
  isChorusStatus,
  parisDayNumber,
  parisMidnight,
  parisOffsetMinutes,
  type ChorusStatus,
} from '@cd31/dataset';

/** A request the API refuses with HTTP 400 and a `codeRetour` body. */
export class BadRequest extends Error {}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, name: string): JsonObject {
  if (value === undefined || value === null) {
    return {};
  }
  if (!isObject(value)) {
    throw new BadRequest(`${name} doit être un objet JSON`);
  }
  return value;
}

/** An integer given as a number or as a numeric string (the real API coerces both). */
export function optionalInteger(
  o: JsonObject,
  key: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = o[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(n)) {
    throw new BadRequest(`${key} doit être un entier`);
  }
  if (n < min || n > max) {
    throw new BadRequest(`${key} doit être compris entre ${min} et ${max}`);
  }
  return n;
}

export function requiredInteger(o: JsonObject, key: string): number {
  const n = optionalInteger(o, key);
  if (n === undefined) {
    throw new BadRequest(`Le paramètre ${key} est obligatoire`);
  }
  return n;
}

export function optionalString(o: JsonObject, key: string): string | undefined {
  const value = o[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new BadRequest(`${key} doit être une chaîne`);
  }
  return value;
}

export function optionalBoolean(o: JsonObject, key: string): boolean | undefined {
  const value = o[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw new BadRequest(`${key} doit être un booléen`);
}

export function optionalStatus(o: JsonObject, key: string): ChorusStatus | undefined {
  const value = optionalString(o, key);
  if (value === undefined) {
    return undefined;
  }
  if (!isChorusStatus(value)) {
    throw new BadRequest(`${key} : statut inconnu « ${value} »`);
  }
  return value;
}

/** A list given as an array or as a single value. */
export function optionalStringList(o: JsonObject, key: string): string[] | undefined {
  const value = o[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item) => {
    if (typeof item !== 'string') {
      throw new BadRequest(`${key} doit être une liste de chaînes`);
    }
    return item;
  });
}

function parisLocalToInstant(wallClockAsUtcMs: number): number {
  for (const offset of [60, 120]) {
    const candidate = wallClockAsUtcMs - offset * MINUTE_MS;
    if (parisOffsetMinutes(candidate) === offset) {
      return candidate;
    }
  }
  return wallClockAsUtcMs - 60 * MINUTE_MS;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An instant from `YYYY-MM-DD` (start of that Paris day, or its last millisecond for an upper
 * bound), `YYYY-MM-DDTHH:MM[:SS[.mmm]]` (Paris local time) or the same with `Z` / an offset.
 */
export function optionalInstant(
  o: JsonObject,
  key: string,
  upperBound: boolean,
): number | undefined {
  const value = optionalString(o, key);
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const text = value.trim();
  const day = dayNumberFromIsoDate(text);
  if (day !== null) {
    return upperBound ? parisMidnight(day + 1) - 1 : parisMidnight(day);
  }
  const match = DATE_TIME.exec(text);
  if (match) {
    const [, y, mo, d, h, mi, s, ms, zone] = match;
    if (zone) {
      const parsed = Date.parse(text.replace(' ', 'T'));
      if (!Number.isNaN(parsed)) {
        return parsed;
      }
    } else {
      const wall = Date.UTC(
        Number(y),
        Number(mo) - 1,
        Number(d),
        Number(h),
        Number(mi),
        Number(s ?? 0),
        Number((ms ?? '0').padEnd(3, '0')),
      );
      if (!Number.isNaN(wall)) {
        return parisLocalToInstant(wall);
      }
    }
  }
  throw new BadRequest(
    `${key} : date invalide « ${value} » (attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SS)`,
  );
}

/** A Paris calendar day (day number) from a date or a date-time. */
export function optionalDay(o: JsonObject, key: string): number | undefined {
  const instant = optionalInstant(o, key, false);
  return instant === undefined ? undefined : parisDayNumber(instant);
}
