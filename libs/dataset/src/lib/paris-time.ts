/**
 * Europe/Paris wall-clock arithmetic without Intl (too slow for a million invoices): France
 * follows the EU rule since 1996 — summer time (UTC+2) from the last Sunday of March 01:00 UTC
 * to the last Sunday of October 01:00 UTC, UTC+1 otherwise.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const summerTimeByYear = new Map<number, readonly [number, number]>();

function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const day = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month, day, 1);
}

function summerTime(year: number): readonly [number, number] {
  let bounds = summerTimeByYear.get(year);
  if (!bounds) {
    bounds = [lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)];
    summerTimeByYear.set(year, bounds);
  }
  return bounds;
}

/** Offset of Paris local time from UTC at that instant, in minutes (60 or 120). */
export function parisOffsetMinutes(epochMs: number): number {
  const year = new Date(epochMs).getUTCFullYear();
  const [start, end] = summerTime(year);
  return epochMs >= start && epochMs < end ? 120 : 60;
}

/** Days since 1970-01-01 of the Paris calendar date of that instant. */
export function parisDayNumber(epochMs: number): number {
  return Math.floor((epochMs + parisOffsetMinutes(epochMs) * MINUTE_MS) / DAY_MS);
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Proleptic Gregorian date of a day number (H. Hinnant's civil_from_days). */
export function civilFromDayNumber(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function dayNumberFromCivil(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

interface ParisParts extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly offsetMinutes: number;
}

export function parisParts(epochMs: number): ParisParts {
  const offsetMinutes = parisOffsetMinutes(epochMs);
  const local = epochMs + offsetMinutes * MINUTE_MS;
  const dayNumber = Math.floor(local / DAY_MS);
  let rest = local - dayNumber * DAY_MS;
  const hour = Math.floor(rest / HOUR_MS);
  rest -= hour * HOUR_MS;
  const minute = Math.floor(rest / MINUTE_MS);
  rest -= minute * MINUTE_MS;
  const second = Math.floor(rest / 1000);
  const civil = civilFromDayNumber(dayNumber);
  return {
    year: civil.year,
    month: civil.month,
    day: civil.day,
    hour,
    minute,
    second,
    millisecond: rest - second * 1000,
    offsetMinutes,
  };
}

/** `2024-03-05` — the Paris calendar date. */
export function formatParisDate(epochMs: number): string {
  const p = parisParts(epochMs);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** `2024-03-05 10:11` — the shape of `histoStatutDatePassage`. */
export function formatParisMinute(epochMs: number): string {
  const p = parisParts(epochMs);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** `2024-03-05T10:11:47.823+01:00` — the shape of `dateHeureEtatCourant`. */
export function formatParisIso(epochMs: number): string {
  const p = parisParts(epochMs);
  const ms =
    p.millisecond < 10
      ? `00${p.millisecond}`
      : p.millisecond < 100
        ? `0${p.millisecond}`
        : String(p.millisecond);
  return (
    `${p.year}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}` +
    `.${ms}+${pad2(p.offsetMinutes / 60)}:00`
  );
}

/** `05/03/2024` — French display of the Paris calendar date. */
export function formatFrenchDate(epochMs: number): string {
  const p = parisParts(epochMs);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year}`;
}

/** `05/03/2024` for a day number. */
export function formatFrenchDay(dayNumber: number): string {
  const c = civilFromDayNumber(dayNumber);
  return `${pad2(c.day)}/${pad2(c.month)}/${c.year}`;
}

/** `2024-03-05` for a day number. */
export function formatIsoDay(dayNumber: number): string {
  const c = civilFromDayNumber(dayNumber);
  return `${c.year}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** The instant of Paris local midnight starting that calendar day (never ambiguous: DST moves at 02:00/03:00). */
export function parisMidnight(dayNumber: number): number {
  const utcMidnight = dayNumber * DAY_MS;
  for (const offset of [60, 120]) {
    const candidate = utcMidnight - offset * MINUTE_MS;
    if (parisOffsetMinutes(candidate) === offset) {
      return candidate;
    }
  }
  return utcMidnight - 60 * MINUTE_MS;
}

/** Day number of a `YYYY-MM-DD` string, or null when it is not one. */
export function dayNumberFromIsoDate(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) {
    return null;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const dayNumber = dayNumberFromCivil(year, month, day);
  const check = civilFromDayNumber(dayNumber);
  return check.year === year && check.month === month && check.day === day ? dayNumber : null;
}
