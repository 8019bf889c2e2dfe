import { RECYCLE_ANOMALY_CODES } from '@cd31/domain';
import {
  countsFilters,
  DGP_CODES,
  hasFilters,
  QUICK_FILTERS,
  queryParamsFromView,
  sameFilters,
  stateChoice,
  STUCK_CODES,
  toExportQuery,
  toggleCode,
  toListQuery,
  viewFromQueryParams,
  withStateChoice,
  type AnomalyView,
  type QuickFilter,
} from './anomaly-view';

const quick = (id: QuickFilter['id']): QuickFilter => QUICK_FILTERS.find((q) => q.id === id)!;

describe('anomaly list filters ↔ URL', () => {
  it('reads every filter and the sort from the query parameters', () => {
    const view = viewFromQueryParams({
      budget: ['62', '01'],
      code: 'DGP_DEPASSE',
      severity: 'CRITIQUE',
      state: ['OUVERTE', 'EN_COURS'],
      assignee: 'me',
      supplier: '12345678900011',
      chorusStatus: 'MISE_A_DISPOSITION',
      minAgeDays: '3',
      maxAgeDays: '30',
      minAmount: '1000,50',
      maxAmount: '5000',
      minEurosAtRisk: '40',
      q: ' F-2025-001 ',
      sort: 'eurosAtRisk',
      dir: 'desc',
    });
    expect(view).toEqual({
      filters: {
        budget: ['62', '01'],
        code: ['DGP_DEPASSE'],
        severity: ['CRITIQUE'],
        state: ['OUVERTE', 'EN_COURS'],
        assignee: 'me',
        supplier: '12345678900011',
        chorusStatus: ['MISE_A_DISPOSITION'],
        minAgeDays: 3,
        maxAgeDays: 30,
        minAmount: 1000.5,
        maxAmount: 5000,
        minEurosAtRisk: 40,
        q: 'F-2025-001',
      },
      sort: { field: 'eurosAtRisk', dir: 'desc' },
    });
  });

  it('round-trips: the URL of a view reads back as the same view', () => {
    const view: AnomalyView = {
      filters: {
        budget: ['62'],
        code: [...STUCK_CODES],
        state: ['RESOLUE'],
        assignee: 'none',
        minAgeDays: 10,
        q: 'Dupont',
      },
      sort: { field: 'dgpDaysLeft', dir: 'asc' },
    };
    expect(viewFromQueryParams(queryParamsFromView(view))).toEqual(view);
  });

  it('writes arrays as repeated parameters and leaves out what is not set', () => {
    expect(
      queryParamsFromView({
        filters: { budget: ['62', '01'], code: [], q: undefined },
        sort: null,
      }),
    ).toEqual({ budget: ['62', '01'] });
  });

  it('drops what a hand-edited URL got wrong instead of sending it', () => {
    expect(
      viewFromQueryParams({
        budget: ['6', '62', 'abc'],
        code: ['PAS_UN_CODE', 'DOUBLON'],
        severity: 'GRAVE',
        state: 'FERMEE',
        minAgeDays: '-3',
        assignee: 'bob',
        chorusStatus: 'mise à disposition',
        minAmount: '12abc',
        sort: 'password',
        dir: 'desc',
        q: '   ',
      }),
    ).toEqual({ filters: { budget: ['62'], code: ['DOUBLON'] }, sort: null });
  });

  it('keeps an assignee the API accepts: me, none or a user id', () => {
    const id = '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
    expect(viewFromQueryParams({ assignee: id }).filters.assignee).toBe(id);
    expect(viewFromQueryParams({ assignee: 'none' }).filters.assignee).toBe('none');
  });

  it('sorts ascending when the URL names a column without a direction', () => {
    expect(viewFromQueryParams({ sort: 'amountTtc' }).sort).toEqual({
      field: 'amountTtc',
      dir: 'asc',
    });
  });

  it('compares filters regardless of key order and missing keys', () => {
    expect(sameFilters({ budget: ['62'], code: [] }, { budget: ['62'] })).toBe(true);
    expect(sameFilters({ budget: ['62'] }, { budget: ['01'] })).toBe(false);
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ q: 'x' })).toBe(true);
  });
});

describe('queries sent to the API', () => {
  it('adds the grid window and its sort to the filters', () => {
    expect(
      toListQuery(
        { budget: ['62'] },
        { offset: 100, limit: 100, sort: { field: 'code', dir: 'desc' } },
      ),
    ).toEqual({
      budget: ['62'],
      sort: 'code',
      dir: 'desc',
      offset: 100,
      limit: 100,
      withTotal: false,
    });
  });

  it('asks for the total with the first block only', () => {
    expect(toListQuery({}, { offset: 0, limit: 100, sort: null })).toEqual({
      offset: 0,
      limit: 100,
    });
  });

  it('ignores a grid sort the API does not know', () => {
    expect(toListQuery({}, { offset: 0, limit: 50, sort: { field: 'notes', dir: 'asc' } })).toEqual(
      { offset: 0, limit: 50 },
    );
  });

  it('exports exactly the view: filters and sort, no window', () => {
    expect(
      toExportQuery({
        filters: { code: ['DGP_DEPASSE'], assignee: 'me' },
        sort: { field: 'eurosAtRisk', dir: 'desc' },
      }),
    ).toEqual({ code: ['DGP_DEPASSE'], assignee: 'me', sort: 'eurosAtRisk', dir: 'desc' });
  });

  it('counts per code for the other filters', () => {
    expect(countsFilters({ budget: ['62'], code: ['DOUBLON'], q: 'x' })).toEqual({
      budget: ['62'],
      q: 'x',
    });
  });
});

describe('quick filters', () => {
  it('« Mes anomalies » is assignee=me, and toggles off', () => {
    const on = quick('mine').toggle({ budget: ['62'] });
    expect(on).toEqual({ budget: ['62'], assignee: 'me' });
    expect(quick('mine').isActive(on)).toBe(true);
    expect(quick('mine').toggle(on)).toEqual({ budget: ['62'] });
  });

  it('« Bloquées en mise à disposition » is the three MAD codes', () => {
    const on = quick('stuck').toggle({});
    expect(queryParamsFromView({ filters: on, sort: null })).toEqual({
      code: ['MAD_NON_INTEGREE', 'MAD_STATUT_NON_REMONTE', 'MAD_EN_TRAITEMENT'],
    });
    expect(quick('stuck').isActive({ code: [...STUCK_CODES].reverse() })).toBe(true);
    expect(quick('stuck').toggle(on)).toEqual({});
  });

  it('« Retard DGP » and « À recycler » replace the code filter', () => {
    expect(quick('dgp').toggle({ code: ['DOUBLON'] }).code).toEqual([...DGP_CODES]);
    expect(quick('recycle').toggle({}).code).toEqual([...RECYCLE_ANOMALY_CODES]);
    expect(quick('dgp').isActive({ code: ['DGP_DEPASSE'] })).toBe(false);
  });

  it('a code chip adds or removes one code', () => {
    const one = toggleCode({}, 'DOUBLON');
    expect(one).toEqual({ code: ['DOUBLON'] });
    expect(toggleCode(toggleCode(one, 'AVOIR_DEPOSE'), 'DOUBLON')).toEqual({
      code: ['AVOIR_DEPOSE'],
    });
    expect(toggleCode(one, 'DOUBLON')).toEqual({});
  });
});

describe('state filter', () => {
  it('defaults to the API default (open and in progress) without a parameter', () => {
    expect(stateChoice({})).toBe('');
    expect(withStateChoice({ state: ['RESOLUE'] }, '')).toEqual({});
  });

  it('offers one state, every state, and shows a custom pick as such', () => {
    expect(withStateChoice({}, 'IGNOREE')).toEqual({ state: ['IGNOREE'] });
    const all = withStateChoice({}, 'ALL');
    expect(stateChoice(all)).toBe('ALL');
    expect(stateChoice({ state: ['OUVERTE', 'RESOLUE'] })).toBe('CUSTOM');
  });
});
