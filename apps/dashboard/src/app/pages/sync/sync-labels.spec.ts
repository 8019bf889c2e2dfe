import { formatDuration, pagesProgress } from './sync-labels';

describe('sync labels', () => {
  it('formats durations in French units', () => {
    expect(formatDuration('2025-01-01T10:00:00Z', '2025-01-01T10:00:12Z')).toBe('12 s');
    expect(formatDuration('2025-01-01T10:00:00Z', '2025-01-01T10:01:05Z')).toBe('1 min 05 s');
  });

  it('measures a running run against now', () => {
    expect(formatDuration('2025-01-01T10:00:00Z', null, Date.parse('2025-01-01T10:00:30Z'))).toBe(
      '30 s',
    );
  });

  it('computes page progress without dividing by zero', () => {
    expect(pagesProgress(3, 4)).toBe(75);
    expect(pagesProgress(0, 0)).toBe(100);
    expect(pagesProgress(5, 4)).toBe(100);
  });
});
