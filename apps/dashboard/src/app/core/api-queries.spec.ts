import { toQueryParams, toQueryString } from './api-queries';

describe('toQueryParams', () => {
  it('repeats arrays, stringifies numbers and leaves out what is unset or empty', () => {
    expect(
      toQueryParams({
        budget: ['62', '01'],
        code: [],
        q: '',
        supplier: undefined,
        assignee: null,
        minAgeDays: 0,
        limit: 100,
        maxAmount: Number.NaN,
      }),
    ).toEqual({ budget: ['62', '01'], minAgeDays: '0', limit: '100' });
  });
});

describe('toQueryString', () => {
  it('writes repeated parameters, encoded', () => {
    expect(
      toQueryString({
        budget: ['62', '01'],
        q: 'Société & fils',
        sort: 'eurosAtRisk',
        dir: 'desc',
      }),
    ).toBe('budget=62&budget=01&q=Soci%C3%A9t%C3%A9+%26+fils&sort=eurosAtRisk&dir=desc');
  });

  it('is empty without parameters', () => {
    expect(toQueryString({})).toBe('');
  });
});
