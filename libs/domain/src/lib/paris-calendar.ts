/**
 * Calendar dates in Europe/Paris, without a date library (domain.md §1: the users' time zone).
 *
 * Delays in public procurement are counted in calendar days. An instant (a `Date`, or an ISO
 * string with an offset) is first turned into the calendar date it has in Paris; day counts are
 * then plain differences between calendar dates, so a DST change (a 23-hour or 25-hour day) never
 * shifts a count.
 *
 * A calendar date is an ISO string `YYYY-MM-DD`.
 */
export type CalendarDate = string;

const DAY_MS = 86_400_000;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date, or a local date-time without offset (Chorus history: `2024-03-05 10:11`). */
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

let parisFormatter: Intl.DateTimeFormat | undefined;

function formatter(): Intl.DateTimeFormat {
  parisFormatter ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return parisFormatter;
}

export function isCalendarDate(value: string): boolean {
  const match = CALENDAR_DATE.exec(value);
  if (!match) {
    return false;
  }
  const [, y, m, d] = match;
  const time = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return new Date(time).toISOString().slice(0, 10) === value;
}

/**
 * The calendar date an instant has in Paris.
 *
 * - `Date`: converted with the Europe/Paris time zone.
 * - string with `Z` or an offset: parsed as an instant, then converted.
 * - string without offset (`2024-03-05`, `2024-03-05 10:11`, `2024-03-05T23:30:00`): already a
 *   Paris local time (that is how Chorus Pro prints its history), so its date part is the answer.
 */
export function parisCalendarDate(instant: Date | string): CalendarDate {
  if (typeof instant === 'string') {
    const local = LOCAL_DATE_TIME.exec(instant.trim());
    if (local) {
      const date = local[1];
      if (!isCalendarDate(date)) {
        throw new RangeError(`Invalid date: "${instant}"`);
      }
      return date;
    }
  }
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`Invalid instant: "${String(instant)}"`);
  }
  const parts = formatter().formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function dayNumber(date: CalendarDate): number {
  if (!isCalendarDate(date)) {
    throw new RangeError(`Invalid calendar date: "${date}"`);
  }
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isInteger(days)) {
    throw new RangeError(`Expected a whole number of days, got ${days}`);
  }
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** First day of the calendar half-year holding `date`: `YYYY-01-01` or `YYYY-07-01`. */
export function halfYearStart(date: CalendarDate): HalfYearStart {
  dayNumber(date);
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) <= 6 ? `${year}-01-01` : `${year}-07-01`;
}

export type HalfYearStart = `${number}-01-01` | `${number}-07-01`;

/** `dd/mm/yyyy`, the users' format (domain.md §1). */
export function formatCalendarDateFr(date: CalendarDate): string {
  dayNumber(date);
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}
