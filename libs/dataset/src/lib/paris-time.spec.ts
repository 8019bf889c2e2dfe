import {
  formatFrenchDate,
  formatParisDate,
  formatParisIso,
  formatParisMinute,
  parisDayNumber,
  parisMidnight,
  parisOffsetMinutes,
  dayNumberFromIsoDate,
} from './paris-time';

describe('Europe/Paris time', () => {
  it('switches to summer time on the last Sunday of March at 01:00 UTC, back in October', () => {
    expect(parisOffsetMinutes(Date.parse('2025-03-30T00:59:59Z'))).toBe(60);
    expect(parisOffsetMinutes(Date.parse('2025-03-30T01:00:00Z'))).toBe(120);
    expect(parisOffsetMinutes(Date.parse('2025-10-26T00:59:59Z'))).toBe(120);
    expect(parisOffsetMinutes(Date.parse('2025-10-26T01:00:00Z'))).toBe(60);
  });

  it('agrees with Intl for a year of instants', () => {
    const intl = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (
      let t = Date.parse('2024-01-01T00:00:00Z');
      t < Date.parse('2025-01-01T00:00:00Z');
      t += 3_607_000
    ) {
      expect(formatParisMinute(t)).toBe(intl.format(t));
    }
  });

  it('formats the shapes Chorus Pro and French users expect', () => {
    const t = Date.parse('2024-03-05T09:11:47.823Z');
    expect(formatParisIso(t)).toBe('2024-03-05T10:11:47.823+01:00');
    expect(formatParisMinute(t)).toBe('2024-03-05 10:11');
    expect(formatParisDate(t)).toBe('2024-03-05');
    expect(formatFrenchDate(t)).toBe('05/03/2024');
    expect(formatParisIso(Date.parse('2024-07-01T22:30:00Z'))).toBe(
      '2024-07-02T00:30:00.000+02:00',
    );
  });

  it('finds Paris midnight of a calendar day', () => {
    const day = dayNumberFromIsoDate('2025-06-16');
    expect(day).not.toBeNull();
    expect(new Date(parisMidnight(day!)).toISOString()).toBe('2025-06-15T22:00:00.000Z');
    expect(parisDayNumber(parisMidnight(day!))).toBe(day);
    expect(parisDayNumber(parisMidnight(day!) - 1)).toBe(day! - 1);
    expect(dayNumberFromIsoDate('2025-02-30')).toBeNull();
  });
});
