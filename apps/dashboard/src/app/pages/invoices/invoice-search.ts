import type { InvoiceSearchQuery } from '../../core/api-queries';
import type { UrlQueryParams } from '../../core/url-params';

/** The « Factures » search, held in the URL like the anomaly list: `?q=&budget=&status=&page=`. */

export const INVOICE_PAGE_SIZE = 50;

export interface InvoiceSearchView {
  readonly q: string;
  readonly budget: string;
  readonly status: string;
  /** 1-based. */
  readonly page: number;
}

function first(params: UrlQueryParams, key: string): string {
  const raw = params[key];
  const value = typeof raw === 'string' ? raw : (raw?.[0] ?? '');
  return value.trim().slice(0, 120);
}

export function searchViewFromParams(params: UrlQueryParams): InvoiceSearchView {
  const budget = first(params, 'budget');
  const status = first(params, 'status');
  const page = first(params, 'page');
  return {
    q: first(params, 'q'),
    budget: /^\d{2}$/.test(budget) ? budget : '',
    status: /^[A-Z_]{2,60}$/.test(status) ? status : '',
    page: /^\d{1,5}$/.test(page) && Number(page) > 0 ? Number(page) : 1,
  };
}

export function paramsFromSearchView(view: InvoiceSearchView): Record<string, string> {
  const params: Record<string, string> = {};
  if (view.q) {
    params['q'] = view.q;
  }
  if (view.budget) {
    params['budget'] = view.budget;
  }
  if (view.status) {
    params['status'] = view.status;
  }
  if (view.page > 1) {
    params['page'] = String(view.page);
  }
  return params;
}

export function toInvoiceSearchQuery(view: InvoiceSearchView): InvoiceSearchQuery {
  return {
    ...(view.q ? { q: view.q } : {}),
    ...(view.budget ? { budget: view.budget } : {}),
    ...(view.status ? { status: view.status } : {}),
    offset: (view.page - 1) * INVOICE_PAGE_SIZE,
    limit: INVOICE_PAGE_SIZE,
  };
}

/** « 51–100 sur 1 234 » */
export function pageRange(
  page: number,
  shown: number,
  total: number,
): { from: number; to: number } {
  if (shown === 0) {
    return { from: 0, to: 0 };
  }
  const from = (page - 1) * INVOICE_PAGE_SIZE + 1;
  return { from, to: Math.min(total, from + shown - 1) };
}
