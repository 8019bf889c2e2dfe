/**
 * Lenient readers for Chorus Pro JSON values: numbers may come as strings, dates in three
 * shapes, empty strings mean "absent". Each reader returns null for what it cannot read
 * rather than guessing.
 */
import { parisCalendarDate, parisWallTimeToInstant } from './paris-time';

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
  readonly instant: Date;
  /** The calendar date the text means: its own date part when it names no offset. */
  readonly calendarDate: string;
}

function parseDateText(raw: string): ParsedDateText | null {
  const text = raw.trim();
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    const instant = parisWallTimeToInstant({
      year: Number(y),
      month: Number(m),
      day: Number(d),
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
    });
    return instant ? { instant, calendarDate: text } : null;
  }
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) {
    return null;
  }
  const [, y, m, d, hh, mm, ss = '0', fraction = '', zone] = dateTime;
  const wall = {
    year: Number(y),
    month: Number(m),
    day: Number(d),
    hour: Number(hh),
    minute: Number(mm),
    second: Number(ss),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  // Validate the fields once through the Paris reading, whatever the zone.
  const parisInstant = parisWallTimeToInstant(wall);
  if (!parisInstant) {
    return null;
  }
  if (zone === undefined) {
    return { instant: parisInstant, calendarDate: `${y}-${m}-${d}` };
  }
  const offsetMinutes = zoneOffsetMinutes(zone);
  const instant = new Date(
    Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) +
      wall.millisecond -
      offsetMinutes * 60_000,
  );
  return { instant, calendarDate: parisCalendarDate(instant) };
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
  return parseDateText(value)?.instant ?? null;
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
  return parseDateText(value)?.calendarDate ?? null;
}
