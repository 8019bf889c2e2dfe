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
  return parisDateOfInstant(date);
}

const HOUR_MS = 3_600_000;
/**
 * Paris date by UTC hour. Paris has been a whole number of hours off UTC since 1945 and changes
 * offset on the hour, so its midnight always falls on a UTC hour: every instant of a UTC hour has
 * the same Paris date. Formatting with Intl costs microseconds; the engine converts hundreds of
 * thousands of instants per run, over a few thousand distinct hours.
 */
const parisDateByUtcHour = new Map<number, CalendarDate>();
const CACHED_FROM = Date.UTC(1946, 0, 1);

function parisDateOfInstant(date: Date): CalendarDate {
  const time = date.getTime();
  if (time < CACHED_FROM) {
    return formatParisDate(date);
  }
  const hour = Math.floor(time / HOUR_MS);
  let cached = parisDateByUtcHour.get(hour);
  if (cached === undefined) {
    if (parisDateByUtcHour.size >= 200_000) {
      parisDateByUtcHour.clear();
    }
    cached = formatParisDate(new Date(hour * HOUR_MS));
    parisDateByUtcHour.set(hour, cached);
  }
  return cached;
}

function formatParisDate(date: Date): CalendarDate {
  const parts = formatter().formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Day numbers of the dates already validated (a run meets a few thousand distinct dates). */
const dayNumbers = new Map<CalendarDate, number>();

function dayNumber(date: CalendarDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) {
    return known;
  }
  if (!isCalendarDate(date)) {
    throw new RangeError(`Invalid calendar date: "${date}"`);
  }
  const [y, m, d] = date.split('-').map(Number);
  const day = Date.UTC(y, m - 1, d) / DAY_MS;
  if (dayNumbers.size >= 200_000) {
    dayNumbers.clear();
  }
  dayNumbers.set(date, day);
  return day;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isInteger(days)) {
    throw new RangeError(`Expected a whole number of days, got ${days}`);
  }
  return calendarDateOfDay(dayNumber(date) + days);
}

const datesByDay = new Map<number, CalendarDate>();

function calendarDateOfDay(day: number): CalendarDate {
  let date = datesByDay.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (datesByDay.size >= 200_000) {
      datesByDay.clear();
    }
    datesByDay.set(day, date);
  }
  return date;
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
