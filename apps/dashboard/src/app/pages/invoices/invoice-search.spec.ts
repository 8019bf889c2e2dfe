import {
  pageRange,
  paramsFromSearchView,
  searchViewFromParams,
  toInvoiceSearchQuery,
} from './invoice-search';

describe('invoice search ↔ URL', () => {
  it('reads the search and drops what is not valid', () => {
    expect(
      searchViewFromParams({ q: ' F-2025 ', budget: '62', status: 'A_RECYCLER', page: '3' }),
    ).toEqual({ q: 'F-2025', budget: '62', status: 'A_RECYCLER', page: 3 });
    expect(searchViewFromParams({ budget: 'x', status: 'rm -rf', page: '0' })).toEqual({
      q: '',
      budget: '',
      status: '',
      page: 1,
    });
  });

  it('writes only what is set', () => {
    expect(paramsFromSearchView({ q: '', budget: '01', status: '', page: 1 })).toEqual({
      budget: '01',
    });
  });

  it('asks the API for the page as offset and limit', () => {
    expect(toInvoiceSearchQuery({ q: 'Dupont', budget: '', status: '', page: 3 })).toEqual({
      q: 'Dupont',
      offset: 100,
      limit: 50,
    });
  });

  it('says which rows a page shows', () => {
    expect(pageRange(2, 50, 120)).toEqual({ from: 51, to: 100 });
    expect(pageRange(3, 20, 120)).toEqual({ from: 101, to: 120 });
    expect(pageRange(1, 0, 0)).toEqual({ from: 0, to: 0 });
  });
});
