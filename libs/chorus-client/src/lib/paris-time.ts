/**
 * Europe/Paris wall time ↔ instants. Chorus Pro writes some timestamps without an offset
 * ("2024-03-05 10:11" in the status history): they are French local time. The EU rule is
 * computed here rather than asked of ICU so the result never depends on the runtime's tz data.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Start (inclusive) of the last Sunday of a month, as a UTC instant. */
function lastSundayUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay());
}

/** Summer time [start, end) per UTC year, worked out once: a search page reads thousands of dates. */
const summerTimeByYear = new Map<number, readonly [number, number]>();

/** EU summer time (since 1996): last Sunday of March 01:00 UTC → last Sunday of October 01:00 UTC. */
export function isParisSummerTime(instantMs: number): boolean {
  const year = new Date(instantMs).getUTCFullYear();
  let summer = summerTimeByYear.get(year);
  if (summer === undefined) {
    summer = [lastSundayUtc(year, 2) + HOUR_MS, lastSundayUtc(year, 9) + HOUR_MS];
    summerTimeByYear.set(year, summer);
  }
  return instantMs >= summer[0] && instantMs < summer[1];
}

/** Offset of Paris from UTC at an instant, in minutes (60 in winter, 120 in summer). */
export function parisOffsetMinutes(instantMs: number): number {
  return isParisSummerTime(instantMs) ? 120 : 60;
}

export interface WallTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/**
 * The instant a Paris wall clock showed `wall`, or null when the fields are not a real date.
 * In the autumn overlap (02:00–02:59 happens twice) the earlier, summer-time reading wins; in
 * the spring gap (02:00–02:59 never happens) the time is read with the winter offset, i.e. it
 * lands one hour later on the summer clock — the usual "shift forward" choice.
 */
export function parisWallTimeToInstant(wall: WallTime): Date | null {
  const asUtc = wallTimeAsUtc(wall);
  return asUtc === null ? null : new Date(parisWallClockToInstantMs(asUtc));
}

/** A valid Paris wall time given as if it were UTC (see wallTimeAsUtc) → the instant, in ms. */
export function parisWallClockToInstantMs(wallAsUtcMs: number): number {
  const summerReading = wallAsUtcMs - 2 * HOUR_MS;
  return isParisSummerTime(summerReading) ? summerReading : wallAsUtcMs - HOUR_MS;
}

/**
 * The wall time read as UTC (milliseconds), or null when the fields are not a real date and time
 * (30 February, 24:00, a two-digit year that Date.UTC would move to the 1900s…).
 */
export function wallTimeAsUtc(wall: WallTime): number | null {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
    wall.millisecond,
  );
  if (Number.isNaN(asUtc)) {
    return null;
  }
  const check = new Date(asUtc);
  return check.getUTCFullYear() === wall.year &&
    check.getUTCMonth() === wall.month - 1 &&
    check.getUTCDate() === wall.day &&
    check.getUTCHours() === wall.hour &&
    check.getUTCMinutes() === wall.minute &&
    check.getUTCSeconds() === wall.second
    ? asUtc
    : null;
}

/** "2024-03-05T10:11:47.823+01:00": the instant written in Paris local time with its offset. */
export function formatParisDateTime(instant: Date): string {
  const offset = parisOffsetMinutes(instant.getTime());
  const wall = new Date(instant.getTime() + offset * MINUTE_MS).toISOString().slice(0, 23);
  const hours = String(Math.floor(offset / 60)).padStart(2, '0');
  const minutes = String(offset % 60).padStart(2, '0');
  return `${wall}+${hours}:${minutes}`;
}

/** The calendar date ('YYYY-MM-DD') of an instant in Paris. */
export function parisCalendarDate(instant: Date): string {
  const offset = parisOffsetMinutes(instant.getTime());
  return new Date(instant.getTime() + offset * MINUTE_MS).toISOString().slice(0, 10);
}
