import type { AnomalyListQuery, AstreImportProfileDto } from '@cd31/contracts';

/**
 * Query types of the read endpoints the contracts do not spell out, and the one place that turns
 * a query object into URL parameters — for HttpClient and for the export links alike.
 */

/** GET /invoices: the « Factures » search. */
export interface InvoiceSearchQuery {
  /** Invoice number, supplier name or SIRET. */
  readonly q?: string;
  readonly budget?: string;
  /** A Chorus Pro status code. */
  readonly status?: string;
  readonly offset?: number;
  readonly limit?: number;
}

/** GET /stats/budgets: months as `YYYY-MM`, one budget or all. */
export interface BudgetStatsQuery {
  readonly from: string;
  readonly to: string;
  readonly budget?: string;
}

/** GET /audit: action prefix, part of the user's e-mail, Paris calendar days `YYYY-MM-DD`. */
export interface AuditQuery {
  readonly action?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly offset?: number;
  readonly limit?: number;
}

/** PUT /astre-import-profiles/:kind. */
export type AstreImportProfileUpdate = Pick<
  AstreImportProfileDto,
  'separator' | 'encoding' | 'headerAliases'
>;

/** The exports take the list's filters and sort, never a page window. */
export type AnomalyExportQuery = Omit<AnomalyListQuery, 'offset' | 'limit'>;
export type AnomalyExportFormat = 'csv' | 'xlsx';

type Scalar = string | number | boolean;
export type QueryParams = Record<string, string | string[]>;

function present(value: Scalar): boolean {
  return typeof value === 'number' ? Number.isFinite(value) : value !== '';
}

/**
 * `{ budget: ['62', '01'], limit: 100, q: '' }` → `{ budget: ['62', '01'], limit: '100' }`:
 * arrays stay arrays (sent as repeated parameters), numbers become strings, and what is unset or
 * empty is left out so the server applies its defaults.
 */
export function toQueryParams(query: object): QueryParams {
  const params: QueryParams = {};
  for (const [key, raw] of Object.entries(query) as [string, unknown][]) {
    if (Array.isArray(raw)) {
      const values = (raw as unknown[])
        .filter((v): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v))
        .filter(present)
        .map(String);
      if (values.length > 0) {
        params[key] = values;
      }
    } else if (
      (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') &&
      present(raw)
    ) {
      params[key] = String(raw);
    }
  }
  return params;
}

/** The same parameters as a query string (`budget=62&budget=01&limit=100`), for a link. */
export function toQueryString(query: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(toQueryParams(query))) {
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(key, item);
    }
  }
  return search.toString();
}
