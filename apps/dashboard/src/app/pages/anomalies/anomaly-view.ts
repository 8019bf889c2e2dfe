import type { UrlQueryParams } from '../../core/url-params';
import {
  ANOMALY_SORT_FIELDS,
  type AnomalyFilters,
  type AnomalyListQuery,
  type AnomalySortField,
} from '@cd31/contracts';
import {
  ANOMALY_SEVERITIES,
  ANOMALY_STATES,
  isAnomalyCode,
  isAnomalyState,
  RECYCLE_ANOMALY_CODES,
  type AnomalyCode,
  type AnomalySeverity,
  type AnomalyState,
} from '@cd31/domain';
import type { AnomalyExportQuery } from '../../core/api-queries';

/**
 * What the anomaly list shows — filters and sort — and its one home, the URL. The query
 * parameters are the API's own (`?budget=62&budget=01&code=DGP_DEPASSE&sort=eurosAtRisk&dir=desc`),
 * so a link is bookmarkable, shareable, the back button works, and the export gets exactly the
 * view. Anything invalid in a hand-edited URL is dropped rather than sent.
 */

export interface AnomalySort {
  readonly field: AnomalySortField;
  readonly dir: 'asc' | 'desc';
}

export interface AnomalyView {
  readonly filters: AnomalyFilters;
  readonly sort: AnomalySort | null;
}

export const EMPTY_VIEW: AnomalyView = { filters: {}, sort: null };

/** The API refuses longer search texts. */
const TEXT_MAX_LENGTH = 120;
/** What the API accepts as assignee: me, none (unassigned) or a user id (uuid). */
const ASSIGNEE = /^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function all(params: UrlQueryParams, key: string): string[] {
  const raw = params[key];
  const values = raw === null || raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}

function one(params: UrlQueryParams, key: string): string | undefined {
  const value = all(params, key)[0];
  return value === undefined ? undefined : value.slice(0, TEXT_MAX_LENGTH);
}

function wholeNumber(params: UrlQueryParams, key: string): number | undefined {
  const value = one(params, key);
  if (value === undefined || !/^\d{1,6}$/.test(value)) {
    return undefined;
  }
  return Number(value);
}

function amount(params: UrlQueryParams, key: string): number | undefined {
  const value = one(params, key)?.replace(',', '.');
  if (value === undefined || !/^\d{1,12}(\.\d{1,2})?$/.test(value)) {
    return undefined;
  }
  return Number(value);
}

function isSeverity(value: string): value is AnomalySeverity {
  return (ANOMALY_SEVERITIES as readonly string[]).includes(value);
}

function isSortField(value: string): value is AnomalySortField {
  return (ANOMALY_SORT_FIELDS as readonly string[]).includes(value);
}

/** Drops the keys whose value is undefined or an empty list: two equal views compare equal. */
function compact(filters: Record<string, unknown>): AnomalyFilters {
  return Object.fromEntries(
    Object.entries(filters).filter(
      ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  ) as AnomalyFilters;
}

export function viewFromQueryParams(params: UrlQueryParams): AnomalyView {
  const filters = compact({
    budget: all(params, 'budget').filter((b) => /^\d{2}$/.test(b)),
    code: all(params, 'code').filter(isAnomalyCode),
    severity: all(params, 'severity').filter(isSeverity),
    state: all(params, 'state').filter(isAnomalyState),
    assignee: [one(params, 'assignee')].find((a) => a !== undefined && ASSIGNEE.test(a)),
    supplier: one(params, 'supplier'),
    chorusStatus: all(params, 'chorusStatus').filter((s) => /^[A-Z_]{2,60}$/.test(s)),
    minAgeDays: wholeNumber(params, 'minAgeDays'),
    maxAgeDays: wholeNumber(params, 'maxAgeDays'),
    minAmount: amount(params, 'minAmount'),
    maxAmount: amount(params, 'maxAmount'),
    minEurosAtRisk: amount(params, 'minEurosAtRisk'),
    q: one(params, 'q'),
  });
  const field = one(params, 'sort');
  const dir = one(params, 'dir') === 'desc' ? 'desc' : 'asc';
  return { filters, sort: field !== undefined && isSortField(field) ? { field, dir } : null };
}

/**
 * The URL's query parameters for a view, in a fixed order, with nothing empty: navigating with
 * them (no merge) replaces the previous filters entirely.
 */
export function queryParamsFromView(view: AnomalyView): Record<string, string | string[]> {
  const f = view.filters;
  const params: Record<string, string | string[]> = {};
  const list = (key: string, values: readonly string[] | undefined): void => {
    if (values && values.length > 0) {
      params[key] = [...values];
    }
  };
  const single = (key: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') {
      params[key] = String(value);
    }
  };
  list('budget', f.budget);
  list('code', f.code);
  list('severity', f.severity);
  list('state', f.state);
  single('assignee', f.assignee);
  single('supplier', f.supplier);
  list('chorusStatus', f.chorusStatus);
  single('minAgeDays', f.minAgeDays);
  single('maxAgeDays', f.maxAgeDays);
  single('minAmount', f.minAmount);
  single('maxAmount', f.maxAmount);
  single('minEurosAtRisk', f.minEurosAtRisk);
  single('q', f.q);
  if (view.sort) {
    params['sort'] = view.sort.field;
    params['dir'] = view.sort.dir;
  }
  return params;
}

/** The grid's sort, when it is one the API knows. */
export function toAnomalySort(
  sort: { readonly field: string; readonly dir: 'asc' | 'desc' } | null,
): AnomalySort | null {
  return sort && isSortField(sort.field) ? { field: sort.field, dir: sort.dir } : null;
}

/** One block of the grid: the view's filters, the grid's sort and window. */
export function toListQuery(
  filters: AnomalyFilters,
  request: {
    readonly offset: number;
    readonly limit: number;
    readonly sort: { readonly field: string; readonly dir: 'asc' | 'desc' } | null;
  },
): AnomalyListQuery {
  const sort = toAnomalySort(request.sort);
  return {
    ...filters,
    ...(sort ? { sort: sort.field, dir: sort.dir } : {}),
    offset: request.offset,
    limit: request.limit,
    // The grid learns the total from its first block; later blocks need not count again.
    ...(request.offset > 0 ? { withTotal: false } : {}),
  };
}

/** The export of exactly what the list shows: same filters, same sort, no window. */
export function toExportQuery(view: AnomalyView): AnomalyExportQuery {
  return { ...view.filters, ...(view.sort ? { sort: view.sort.field, dir: view.sort.dir } : {}) };
}

/**
 * The per-code counts ignore the code filter: the chips then say how many of each code the other
 * filters hold, and clicking one adds it to (or removes it from) the selection.
 */
export function countsFilters(filters: AnomalyFilters): AnomalyFilters {
  const { code: _code, ...rest } = filters;
  return rest;
}

function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  return left.size === right.size && [...left].every((v) => right.has(v));
}

export function sameFilters(a: AnomalyFilters, b: AnomalyFilters): boolean {
  return (
    JSON.stringify(queryParamsFromView({ filters: a, sort: null })) ===
    JSON.stringify(queryParamsFromView({ filters: b, sort: null }))
  );
}

export function sameAnomalySort(a: AnomalySort | null, b: AnomalySort | null): boolean {
  return a === b || (a !== null && b !== null && a.field === b.field && a.dir === b.dir);
}

export function hasFilters(filters: AnomalyFilters): boolean {
  return Object.keys(compact({ ...filters })).length > 0;
}

/** Adds a code to the code filter, or removes it. */
export function toggleCode(filters: AnomalyFilters, code: AnomalyCode): AnomalyFilters {
  const codes = filters.code ?? [];
  const next = codes.includes(code) ? codes.filter((c) => c !== code) : [...codes, code];
  return compact({ ...filters, code: next });
}

export function withFilter<K extends keyof AnomalyFilters>(
  filters: AnomalyFilters,
  key: K,
  value: AnomalyFilters[K] | undefined,
): AnomalyFilters {
  return compact({ ...filters, [key]: value });
}

// ---------------------------------------------------------------------------------------------
// Quick filters

/**
 * Invoices stuck at « mise à disposition »: the three causes of the suppliers guide's FAQ
 * (domain.md §1). Filtered by anomaly code rather than by Chorus status: an invoice at
 * MISE_A_DISPOSITION also carries anomalies that are not about being stuck (engagement, DGP…).
 */
export const STUCK_CODES = [
  'MAD_NON_INTEGREE',
  'MAD_STATUT_NON_REMONTE',
  'MAD_EN_TRAITEMENT',
] as const satisfies readonly AnomalyCode[];

export const DGP_CODES = ['DGP_DEPASSE', 'DGP_MENACE'] as const satisfies readonly AnomalyCode[];

export interface QuickFilter {
  readonly id: 'mine' | 'stuck' | 'dgp' | 'recycle';
  readonly label: string;
  readonly description: string;
  isActive(filters: AnomalyFilters): boolean;
  /** The filters with this quick filter switched on, or off when it was on. */
  toggle(filters: AnomalyFilters): AnomalyFilters;
}

function codeSetFilter(
  id: QuickFilter['id'],
  label: string,
  description: string,
  codes: readonly AnomalyCode[],
): QuickFilter {
  const isActive = (filters: AnomalyFilters): boolean => sameSet(filters.code, codes);
  return {
    id,
    label,
    description,
    isActive,
    toggle: (filters) => withFilter(filters, 'code', isActive(filters) ? undefined : [...codes]),
  };
}

export const QUICK_FILTERS: readonly QuickFilter[] = [
  {
    id: 'mine',
    label: 'Mes anomalies',
    description: 'Les anomalies qui vous sont attribuées.',
    isActive: (filters) => filters.assignee === 'me',
    toggle: (filters) =>
      withFilter(filters, 'assignee', filters.assignee === 'me' ? undefined : 'me'),
  },
  codeSetFilter(
    'stuck',
    'Bloquées en mise à disposition',
    'Non intégrées dans ASTRE, statut non remonté ou traitement lent.',
    STUCK_CODES,
  ),
  codeSetFilter('dgp', 'Retard DGP', 'Délai global de paiement dépassé ou menacé.', DGP_CODES),
  // The routing anomalies: the invoices to send back « à recycler » (those already sent back
  // and waiting for the supplier are A_RECYCLER_SANS_REPONSE).
  codeSetFilter(
    'recycle',
    'À recycler',
    'SIRET, code service ou engagement à faire corriger par le fournisseur.',
    RECYCLE_ANOMALY_CODES,
  ),
];

// ---------------------------------------------------------------------------------------------
// State filter

/** The state selector's choices; the default (no parameter) is the API's: open and in progress. */
export type StateChoice = '' | AnomalyState | 'ALL' | 'CUSTOM';

export function stateChoice(filters: AnomalyFilters): StateChoice {
  const states = filters.state ?? [];
  if (states.length === 0) {
    return '';
  }
  if (sameSet(states, ANOMALY_STATES)) {
    return 'ALL';
  }
  return states.length === 1 ? (states[0] ?? '') : 'CUSTOM';
}

export function withStateChoice(filters: AnomalyFilters, choice: StateChoice): AnomalyFilters {
  switch (choice) {
    case '':
      return withFilter(filters, 'state', undefined);
    case 'ALL':
      return withFilter(filters, 'state', [...ANOMALY_STATES]);
    case 'CUSTOM':
      return filters;
    default:
      return withFilter(filters, 'state', [choice]);
  }
}
