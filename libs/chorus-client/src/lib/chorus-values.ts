/**
 * Lenient readers for Chorus Pro JSON values: numbers may come as strings, dates in three
 * shapes, empty strings mean "absent". Each reader returns null for what it cannot read
 * rather than guessing.
 */
import { parisCalendarDate, parisWallClockToInstantMs, wallTimeAsUtc } from './paris-time';

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value;
  }
  // Some SOAP-born replies put a lone element where a list is expected.
  return isRecord(value) ? [value] : [];
}

/** Text as sent (no trimming: references such as the engagement number are kept raw); '' → null. */
export function readText(value: unknown): string | null {
  if (typeof value === 'string') {
    return value === '' ? null : value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return null;
}

/** An integer given as a number or a string of digits; anything else → null. */
export function readInteger(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : null;
  }
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    const parsed = Number(value.trim());
    return Number.isSafeInteger(parsed) ? parsed : null;
  }
  return null;
}

export function readBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') {
    return value;
  }
  if (value === 1 || value === 0) {
    return value === 1;
  }
  if (typeof value === 'string') {
    const normalised = value.trim().toLowerCase();
    if (normalised === 'true' || normalised === '1' || normalised === 'oui') {
      return true;
    }
    if (normalised === 'false' || normalised === '0' || normalised === 'non') {
      return false;
    }
  }
  return null;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
/** Already in the form readDecimal returns (no '+', no leading or trailing zero), except "-0". */
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/**
 * An amount as a decimal string ("1234.56"), never a float: the database stores numeric.
 * Accepts numbers, "1234.56", "1 234,56" (French formatting); '' and garbage → null.
 */
export function readDecimal(value: unknown): string | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return null;
    }
    // String() gives the shortest text that reads back as the same double, i.e. what the JSON said.
    text = String(value);
    if (/e/i.test(text)) {
      text = value.toFixed(20);
    }
  } else if (typeof value === 'string') {
    text = value.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  } else {
    return null;
  }
  if (CANONICAL_DECIMAL.test(text) && text !== '-0') {
    return text;
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    return null;
  }
  const [, sign, rawInteger = '', rawFraction] = match;
  if (rawInteger === '' && (rawFraction === undefined || rawFraction === '')) {
    return null;
  }
  const integer = rawInteger.replace(/^0+(?=\d)/, '') || '0';
  const fraction = (rawFraction ?? '').replace(/0+$/, '');
  const negative = sign === '-' && /[1-9]/.test(integer + fraction);
  return `${negative ? '-' : ''}${integer}${fraction === '' ? '' : `.${fraction}`}`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

interface ParsedDateText {
  /** The date part as written, 'YYYY-MM-DD'. */
  readonly writtenDate: string;
  /** The date and time as written, read as if UTC (ms): already checked to be a real one. */
  readonly wallAsUtcMs: number;
  /** The offset written after the time (Z, +01:00…), when there is one. */
  readonly zone: string | undefined;
}

/**
 * The fields of "2024-03-05", "2024-03-05 10:11" or "2024-03-05T10:11:47.823+01:00", or null when
 * the text has another shape or names no real date and time. The instant and the Paris calendar
 * date are left to the caller, which needs one or the other.
 */
function parseDateText(raw: string): ParsedDateText | null {
  const text = raw.trim();
  const dateOnly = DATE_ONLY.exec(text);
  const match = dateOnly ?? DATE_TIME.exec(text);
  if (!match) {
    return null;
  }
  const [, y, m, d, hh = '0', mm = '0', ss = '0', fraction = '', zone] = match;
  const wallAsUtcMs = wallTimeAsUtc({
    year: Number(y),
    month: Number(m),
    day: Number(d),
    hour: Number(hh),
    minute: Number(mm),
    second: Number(ss),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  });
  return wallAsUtcMs === null ? null : { writtenDate: `${y}-${m}-${d}`, wallAsUtcMs, zone };
}

/** The instant a parsed text means: Paris local time when it names no offset. */
function instantMsOf(parsed: ParsedDateText): number {
  return parsed.zone === undefined
    ? parisWallClockToInstantMs(parsed.wallAsUtcMs)
    : parsed.wallAsUtcMs - zoneOffsetMinutes(parsed.zone) * 60_000;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') {
    return 0;
  }
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return digits.startsWith('-') ? -minutes : minutes;
}

/**
 * An instant from any of the shapes Chorus uses: "2024-03-05" (Paris midnight),
 * "2024-03-05T10:11:47.823+01:00" (explicit offset), "2024-03-05 10:11" (Paris local time),
 * or epoch milliseconds. Unreadable → null.
 */
export function readInstant(value: unknown): Date | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? new Date(value) : null;
  }
  if (typeof value !== 'string') {
    return null;
  }
  const parsed = parseDateText(value);
  return parsed ? new Date(instantMsOf(parsed)) : null;
}

/**
 * A calendar date 'YYYY-MM-DD'. A timestamp with an offset gives its date in Paris (so
 * "2024-03-04T23:00:00Z" is the 5th); one without an offset gives the date it is written with.
 */
export function readCalendarDate(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? parisCalendarDate(new Date(value)) : null;
  }
  if (typeof value !== 'string') {
    return null;
  }
  const parsed = parseDateText(value);
  if (!parsed) {
    return null;
  }
  // Without an offset, the date it is written with; with one, that instant's date in Paris.
  return parsed.zone === undefined
    ? parsed.writtenDate
    : parisCalendarDate(new Date(instantMsOf(parsed)));
}
