import {
  readBoolean,
  readCalendarDate,
  readDecimal,
  readInstant,
  readInteger,
  readText,
} from './chorus-values';
import { formatParisDateTime, parisCalendarDate, parisWallTimeToInstant } from './paris-time';

describe('Paris time', () => {
  const wall = (text: string): string | undefined => {
    const [date = '', time = '00:00'] = text.split(' ');
    const [year, month, day] = date.split('-').map(Number);
    const [hour, minute] = time.split(':').map(Number);
    return parisWallTimeToInstant({
      year: year ?? 0,
      month: month ?? 0,
      day: day ?? 0,
      hour: hour ?? 0,
      minute: minute ?? 0,
      second: 0,
      millisecond: 0,
    })?.toISOString();
  };

  it('reads winter wall time at UTC+1', () => {
    expect(wall('2024-01-15 10:11')).toBe('2024-01-15T09:11:00.000Z');
  });

  it('reads summer wall time at UTC+2', () => {
    expect(wall('2024-07-15 10:11')).toBe('2024-07-15T08:11:00.000Z');
  });

  it('switches to summer time on the last Sunday of March at 02:00', () => {
    expect(wall('2024-03-31 01:59')).toBe('2024-03-31T00:59:00.000Z');
    expect(wall('2024-03-31 03:00')).toBe('2024-03-31T01:00:00.000Z');
  });

  it('shifts a time of the spring gap forward', () => {
    expect(wall('2024-03-31 02:30')).toBe('2024-03-31T01:30:00.000Z');
  });

  it('reads the autumn overlap as the earlier (summer) time, and after it as winter time', () => {
    expect(wall('2024-10-27 02:30')).toBe('2024-10-27T00:30:00.000Z');
    expect(wall('2024-10-27 03:00')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('rejects dates that do not exist', () => {
    expect(wall('2024-02-30 10:00')).toBeUndefined();
    expect(wall('2024-01-01 24:00')).toBeUndefined();
  });

  it('writes an instant as Paris time with its offset', () => {
    expect(formatParisDateTime(new Date('2024-03-05T09:11:47.823Z'))).toBe(
      '2024-03-05T10:11:47.823+01:00',
    );
    expect(formatParisDateTime(new Date('2024-07-05T22:30:00.000Z'))).toBe(
      '2024-07-06T00:30:00.000+02:00',
    );
  });

  it('gives the Paris calendar date of an instant', () => {
    expect(parisCalendarDate(new Date('2024-03-04T23:30:00Z'))).toBe('2024-03-05');
  });
});

describe('lenient Chorus values', () => {
  it('reads the date-only shape as Paris midnight', () => {
    expect(readInstant('2024-03-05')?.toISOString()).toBe('2024-03-04T23:00:00.000Z');
    expect(readCalendarDate('2024-03-05')).toBe('2024-03-05');
  });

  it('reads the ISO shape with its offset', () => {
    expect(readInstant('2024-03-05T10:11:47.823+01:00')?.toISOString()).toBe(
      '2024-03-05T09:11:47.823Z',
    );
    expect(readCalendarDate('2024-03-05T10:11:47.823+01:00')).toBe('2024-03-05');
    expect(readInstant('2024-03-05T09:11:47Z')?.toISOString()).toBe('2024-03-05T09:11:47.000Z');
  });

  it('reads the history shape "YYYY-MM-DD HH:MM" as Paris local time', () => {
    expect(readInstant('2024-03-05 10:11')?.toISOString()).toBe('2024-03-05T09:11:00.000Z');
    expect(readInstant('2024-06-05 10:11')?.toISOString()).toBe('2024-06-05T08:11:00.000Z');
  });

  it('gives a UTC midnight timestamp its Paris calendar date', () => {
    expect(readCalendarDate('2024-03-04T23:00:00.000Z')).toBe('2024-03-05');
  });

  it('turns empty strings and garbage into null', () => {
    expect(readInstant('')).toBeNull();
    expect(readInstant('05/03/2024')).toBeNull();
    expect(readCalendarDate('')).toBeNull();
    expect(readText('')).toBeNull();
    expect(readDecimal('')).toBeNull();
    expect(readInteger('')).toBeNull();
    expect(readBoolean('')).toBeNull();
  });

  it('reads integers given as numbers or strings', () => {
    expect(readInteger(42)).toBe(42);
    expect(readInteger('42')).toBe(42);
    expect(readInteger(' 7 ')).toBe(7);
    expect(readInteger('4.2')).toBeNull();
    expect(readInteger(null)).toBeNull();
  });

  it('reads amounts as decimal strings, never floats', () => {
    expect(readDecimal(1234.56)).toBe('1234.56');
    expect(readDecimal('1234.56')).toBe('1234.56');
    expect(readDecimal('1 234,56')).toBe('1234.56');
    expect(readDecimal(0.1)).toBe('0.1');
    expect(readDecimal(1200)).toBe('1200');
    expect(readDecimal('-15.50')).toBe('-15.5');
    expect(readDecimal('00012.000')).toBe('12');
    expect(readDecimal('12abc')).toBeNull();
    expect(readDecimal(Number.NaN)).toBeNull();
  });

  it('keeps text as sent, spaces included', () => {
    expect(readText(' EJ 123 ')).toBe(' EJ 123 ');
    expect(readText(123)).toBe('123');
  });

  it('reads booleans from booleans and strings', () => {
    expect(readBoolean(true)).toBe(true);
    expect(readBoolean('false')).toBe(false);
    expect(readBoolean('TRUE')).toBe(true);
    expect(readBoolean('maybe')).toBeNull();
  });
});
