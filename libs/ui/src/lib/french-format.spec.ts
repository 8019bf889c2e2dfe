import { formatDateFr, formatDateTimeFr, formatEuro, formatInteger } from './french-format';

/** Normalises the narrow/regular no-break spaces of French number formatting. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('French formatting', () => {
  it('prints dates as dd/mm/yyyy in Europe/Paris', () => {
    expect(formatDateFr('2025-03-05T23:30:00Z')).toBe('06/03/2025');
    expect(formatDateFr('2025-07-14T21:59:00Z')).toBe('14/07/2025');
  });

  it('prints calendar days without shifting them', () => {
    expect(formatDateFr('2025-01-31')).toBe('31/01/2025');
  });

  it('prints date-times in Paris time, summer and winter', () => {
    expect(formatDateTimeFr('2025-01-15T08:05:00Z')).toBe('15/01/2025 09:05');
    expect(formatDateTimeFr('2025-07-15T08:05:00Z')).toBe('15/07/2025 10:05');
  });

  it('prints amounts as 1 234,56 €', () => {
    expect(plain(formatEuro(1234.56))).toBe('1 234,56 €');
    expect(plain(formatEuro('-120'))).toBe('-120,00 €');
    expect(formatEuro(null)).toBe('');
  });

  it('prints counts with French thousands separators', () => {
    expect(plain(formatInteger(200000))).toBe('200 000');
  });

  it('shows nothing for missing or invalid dates', () => {
    expect(formatDateFr(null)).toBe('');
    expect(formatDateFr('not a date')).toBe('');
  });
});
