import { sameSort, toGridSort, toPageRequest } from './data-grid-model';

describe('toPageRequest', () => {
  it('turns a block request into offset and limit', () => {
    expect(toPageRequest(200, 300, [])).toEqual({ offset: 200, limit: 100, sort: null });
  });

  it('keeps the sorted column and its direction', () => {
    expect(toPageRequest(0, 100, [{ colId: 'eurosAtRisk', sort: 'desc' }]).sort).toEqual({
      field: 'eurosAtRisk',
      dir: 'desc',
    });
  });

  it('never asks for a negative window', () => {
    expect(toPageRequest(-5, -1, null)).toEqual({ offset: 0, limit: 0, sort: null });
  });
});

describe('toGridSort', () => {
  it('takes the first real sort (the API sorts by one column)', () => {
    expect(
      toGridSort([
        { colId: 'budget', sort: null },
        { colId: 'amountTtc', sort: 'asc' },
        { colId: 'code', sort: 'desc' },
      ]),
    ).toEqual({ field: 'amountTtc', dir: 'asc' });
  });

  it('is null without a sort', () => {
    expect(toGridSort(undefined)).toBeNull();
    expect(toGridSort([{ colId: 'budget', sort: 'sideways' }])).toBeNull();
  });
});

describe('sameSort', () => {
  it('compares field and direction', () => {
    expect(sameSort(null, null)).toBe(true);
    expect(sameSort({ field: 'a', dir: 'asc' }, { field: 'a', dir: 'asc' })).toBe(true);
    expect(sameSort({ field: 'a', dir: 'asc' }, { field: 'a', dir: 'desc' })).toBe(false);
    expect(sameSort({ field: 'a', dir: 'asc' }, null)).toBe(false);
  });
});
