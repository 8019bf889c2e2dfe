import {
  addCalendarDays,
  calendarDaysBetween,
  formatCalendarDateFr,
  halfYearStart,
  isCalendarDate,
  parisCalendarDate,
} from './paris-calendar';

describe('parisCalendarDate', () => {
  it.each([
    // Winter (UTC+1): 23:30 UTC is already the next day in Paris.
    ['2024-12-31T23:30:00Z', '2025-01-01'],
    ['2024-12-31T22:59:59Z', '2024-12-31'],
    // Summer (UTC+2).
    ['2024-07-14T21:59:59Z', '2024-07-14'],
    ['2024-07-14T22:00:00Z', '2024-07-15'],
    // Spring change, 31 March 2024 at 01:00 UTC: before it UTC+1, after it UTC+2.
    ['2024-03-30T22:59:00Z', '2024-03-30'],
    ['2024-03-30T23:00:00Z', '2024-03-31'],
    ['2024-03-31T21:59:00Z', '2024-03-31'],
    ['2024-03-31T22:00:00Z', '2024-04-01'],
    // Autumn change, 27 October 2024 at 01:00 UTC: before it UTC+2, after it UTC+1.
    ['2024-10-26T21:59:00Z', '2024-10-26'],
    ['2024-10-26T22:00:00Z', '2024-10-27'],
    ['2024-10-27T22:59:00Z', '2024-10-27'],
    ['2024-10-27T23:00:00Z', '2024-10-28'],
    // Offsets as Chorus Pro sends them.
    ['2024-03-05T23:30:00+01:00', '2024-03-05'],
    ['2024-03-05T10:11:47.823+01:00', '2024-03-05'],
  ])('reads the instant %s as %s in Paris', (instant, date) => {
    expect(parisCalendarDate(instant)).toBe(date);
    expect(parisCalendarDate(new Date(instant))).toBe(date);
  });

  it('reads a date or a local time without offset as already in Paris', () => {
    expect(parisCalendarDate('2024-03-05')).toBe('2024-03-05');
    expect(parisCalendarDate('2024-03-05 23:59')).toBe('2024-03-05');
    expect(parisCalendarDate('2024-03-05T23:59:59.5')).toBe('2024-03-05');
  });

  it('refuses invalid dates and instants', () => {
    expect(() => parisCalendarDate('2024-02-30')).toThrow(RangeError);
    expect(() => parisCalendarDate('hier')).toThrow(RangeError);
    expect(() => parisCalendarDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('calendar arithmetic', () => {
  it('counts whole calendar days, whatever the length of the day', () => {
    expect(calendarDaysBetween('2024-03-30', '2024-04-01')).toBe(2);
    expect(calendarDaysBetween('2024-10-26', '2024-10-28')).toBe(2);
    expect(calendarDaysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(calendarDaysBetween('2023-02-01', '2023-03-01')).toBe(28);
    expect(calendarDaysBetween('2024-04-01', '2024-03-30')).toBe(-2);
    expect(calendarDaysBetween('2024-12-31', '2025-01-01')).toBe(1);
  });

  it('adds days across months, years and DST changes', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addCalendarDays('2024-03-01', 30)).toBe('2024-03-31');
    expect(addCalendarDays('2024-10-01', 30)).toBe('2024-10-31');
    expect(addCalendarDays('2024-12-15', 30)).toBe('2025-01-14');
    expect(addCalendarDays('2024-01-10', -10)).toBe('2023-12-31');
    expect(() => addCalendarDays('2024-01-10', 1.5)).toThrow(RangeError);
  });

  it('finds the calendar half-year', () => {
    expect(halfYearStart('2024-01-01')).toBe('2024-01-01');
    expect(halfYearStart('2024-06-30')).toBe('2024-01-01');
    expect(halfYearStart('2024-07-01')).toBe('2024-07-01');
    expect(halfYearStart('2024-12-31')).toBe('2024-07-01');
  });

  it('validates and formats calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-2-1')).toBe(false);
    expect(formatCalendarDateFr('2024-07-01')).toBe('01/07/2024');
  });
});
