import { resolveStatsPeriod } from './stats-period';

/** 31 December 2025, 23:30 UTC: already 1 January 2026 in Paris. */
const NEW_YEAR_IN_PARIS = new Date('2025-12-31T23:30:00Z');
const NOW = new Date('2025-03-12T11:00:00Z');

describe('statistics period', () => {
  it('defaults to the last 12 months, the current Paris month included', () => {
    expect(resolveStatsPeriod({}, NOW)).toEqual({
      from: '2024-04',
      to: '2025-03',
      startDate: '2024-04-01',
      endDateExclusive: '2025-04-01',
    });
    expect(resolveStatsPeriod({}, NEW_YEAR_IN_PARIS)).toMatchObject({
      from: '2025-02',
      to: '2026-01',
    });
  });

  it('completes a half-given period', () => {
    expect(resolveStatsPeriod({ from: '2025-01' }, NOW)).toMatchObject({
      from: '2025-01',
      to: '2025-03',
    });
    expect(resolveStatsPeriod({ to: '2024-12' }, NOW)).toMatchObject({
      from: '2024-01',
      to: '2024-12',
      endDateExclusive: '2025-01-01',
    });
  });

  it('accepts one month and up to 36, refuses more or a reversed period in French', () => {
    expect(resolveStatsPeriod({ from: '2025-02', to: '2025-02' }, NOW)).toMatchObject({
      startDate: '2025-02-01',
      endDateExclusive: '2025-03-01',
    });
    expect(resolveStatsPeriod({ from: '2023-01', to: '2025-12' }, NOW)).toMatchObject({
      from: '2023-01',
    });
    expect(resolveStatsPeriod({ from: '2022-12', to: '2025-12' }, NOW)).toEqual({
      field: 'to',
      message: 'La période est limitée à 36 mois.',
    });
    expect(resolveStatsPeriod({ from: '2025-05', to: '2025-04' }, NOW)).toEqual({
      field: 'from',
      message: 'Le mois de début doit précéder le mois de fin.',
    });
  });
});
