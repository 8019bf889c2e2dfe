import {
  BUDGET_AGEING_BUCKETS,
  BUDGET_STATUS_FAMILIES,
  type BudgetStatsDto,
  type BudgetStatusFamily,
} from '@cd31/contracts';
import { chorusStatusLabel, parisCalendarDate } from '@cd31/domain';
import type { BarChartData } from '@cd31/ui';
import type { UrlQueryParams } from '../../core/url-params';
import { queryParamsFromView, STUCK_CODES } from '../anomalies/anomaly-view';

/**
 * The managers' figures (domain.md §10): the period and budget shown (held in the URL as
 * `?from=2025-01&to=2025-12&budget=62`), and the shaping of BudgetStatsDto into chart data.
 */

export interface StatsView {
  /** `YYYY-MM`, inclusive. */
  readonly from: string;
  readonly to: string;
  /** A budget code, or '' for all. */
  readonly budget: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** The API's limit for one request (`stats-period.ts`: 36 months). */
export const MAX_MONTHS = 36;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

function monthAt(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last 12 months, the current one (in Paris) included. */
export function defaultPeriod(today: Date): { from: string; to: string } {
  const to = parisCalendarDate(today).slice(0, 7);
  return { from: monthAt(monthIndex(to) - 11), to };
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  if (!isMonth(from) || !isMonth(to) || monthIndex(from) > monthIndex(to)) {
    return [];
  }
  const months: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to) && months.length < MAX_MONTHS; i++) {
    months.push(monthAt(i));
  }
  return months;
}

/** French reason a period cannot be shown, or null. */
export function periodError(from: string, to: string): string | null {
  if (!isMonth(from) || !isMonth(to)) {
    return 'Choisissez un mois de début et un mois de fin.';
  }
  if (monthIndex(from) > monthIndex(to)) {
    return 'Le mois de début doit précéder le mois de fin.';
  }
  if (monthIndex(to) - monthIndex(from) + 1 > MAX_MONTHS) {
    return `La période ne peut pas dépasser ${MAX_MONTHS} mois.`;
  }
  return null;
}

function first(params: UrlQueryParams, key: string): string {
  const raw = params[key];
  return (typeof raw === 'string' ? raw : (raw?.[0] ?? '')).trim();
}

export function statsViewFromParams(params: UrlQueryParams, today: Date): StatsView {
  const fallback = defaultPeriod(today);
  const from = first(params, 'from');
  const to = first(params, 'to');
  const budget = first(params, 'budget');
  const valid = periodError(from, to) === null;
  return {
    from: valid ? from : fallback.from,
    to: valid ? to : fallback.to,
    budget: /^\d{2}$/.test(budget) ? budget : '',
  };
}

/** The URL of a view; the default period is left out so the plain `/budgets` stays current. */
export function paramsFromStatsView(view: StatsView, today: Date): Record<string, string> {
  const fallback = defaultPeriod(today);
  const params: Record<string, string> = {};
  if (view.from !== fallback.from || view.to !== fallback.to) {
    params['from'] = view.from;
    params['to'] = view.to;
  }
  if (view.budget) {
    params['budget'] = view.budget;
  }
  return params;
}

const monthFormat = new Intl.DateTimeFormat('fr-FR', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `2025-03` → « mars 2025 ». */
export function formatMonthFr(month: string): string {
  if (!isMonth(month)) {
    return month;
  }
  return monthFormat.format(
    new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1)),
  );
}

/** A decimal string from the API (`"1234.56"`) as a number; 0 when it is not one. */
export function toAmount(value: string | number | null | undefined): number {
  const amount = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(amount) ? amount : 0;
}

// ---------------------------------------------------------------------------------------------
// Status families

interface FamilyDisplay {
  readonly label: string;
  readonly color: string;
}

/** French label and a colour readable on paper for each family of the contract. */
export const STATUS_FAMILY_DISPLAY: Readonly<Record<BudgetStatusFamily, FamilyDisplay>> = {
  EN_ACHEMINEMENT: { label: 'En acheminement', color: '#616e7c' },
  MISE_A_DISPOSITION: { label: 'Mise à disposition', color: '#b54708' },
  EN_TRAITEMENT: { label: 'En traitement', color: '#1d4f91' },
  MANDATEE_OU_PAYEE: { label: 'Mandatée ou payée', color: '#067647' },
  RETOUR_FOURNISSEUR: { label: 'Renvoyée au fournisseur', color: '#6941c6' },
  REJETEE: { label: 'Rejetée', color: '#b42318' },
  AUTRE: { label: 'Autre statut', color: '#3e4c59' },
};

const EXTRA_COLORS = ['#0e7090', '#9e165f', '#4e5ba6'];

function isStatusFamily(family: string): family is BudgetStatusFamily {
  return (BUDGET_STATUS_FAMILIES as readonly string[]).includes(family);
}

/** The contract's order; a family it does not list (a newer API) comes last. */
function familyRank(family: string): number {
  const rank = (BUDGET_STATUS_FAMILIES as readonly string[]).indexOf(family);
  return rank === -1 ? BUDGET_STATUS_FAMILIES.length : rank;
}

/** An unknown family is shown by its Chorus label if it is a status, else as sent. */
export function statusFamilyDisplay(family: string, extraIndex = 0): FamilyDisplay {
  if (isStatusFamily(family)) {
    return STATUS_FAMILY_DISPLAY[family];
  }
  return {
    label: chorusStatusLabel(family),
    color: EXTRA_COLORS[extraIndex % EXTRA_COLORS.length] ?? '#3e4c59',
  };
}

// ---------------------------------------------------------------------------------------------
// Charts

/** Invoices received per month, one stacked series per status family; missing months are 0. */
export function monthlyChart(stats: BudgetStatsDto, months: readonly string[]): BarChartData {
  const families = [...new Set(stats.monthly.map((m) => m.statusFamily))].sort(
    (a, b) => familyRank(a) - familyRank(b) || a.localeCompare(b),
  );
  let extra = 0;
  return {
    labels: months.map(formatMonthFr),
    series: families.map((family) => {
      const counts = new Map<string, number>();
      for (const entry of stats.monthly) {
        if (entry.statusFamily === family) {
          const month = entry.month.slice(0, 7);
          counts.set(month, (counts.get(month) ?? 0) + entry.count);
        }
      }
      const display = statusFamilyDisplay(family, isStatusFamily(family) ? 0 : extra++);
      return {
        label: display.label,
        color: display.color,
        values: months.map((month) => counts.get(month) ?? 0),
      };
    }),
  };
}

export interface PerBudgetChart {
  readonly data: BarChartData;
  /** The budget code of each bar, for the click. */
  readonly budgetCodes: readonly string[];
}

function perBudget(
  stats: BudgetStatsDto,
  seriesLabel: string,
  color: string,
  value: (entry: BudgetStatsDto['perBudget'][number]) => number,
): PerBudgetChart {
  const entries = [...stats.perBudget].sort((a, b) => a.budgetCode.localeCompare(b.budgetCode));
  return {
    budgetCodes: entries.map((e) => e.budgetCode),
    data: {
      labels: entries.map((e) => `${e.budgetCode} — ${e.budgetLabel}`),
      series: [{ label: seriesLabel, color, values: entries.map(value) }],
    },
  };
}

export function stuckPerBudgetChart(stats: BudgetStatsDto): PerBudgetChart {
  return perBudget(stats, 'Factures bloquées', '#b54708', (e) => e.stuck);
}

export function eurosAtRiskPerBudgetChart(stats: BudgetStatsDto): PerBudgetChart {
  return perBudget(stats, 'Euros à risque', '#b42318', (e) => toAmount(e.eurosAtRisk));
}

export const AGEING_BUCKETS = [
  '0 à 5 jours',
  '6 à 10 jours',
  '11 à 20 jours',
  '21 à 30 jours',
  'plus de 30 jours',
] as const;

/**
 * Which of the five buckets an entry is: the contract's `BUDGET_AGEING_BUCKETS` spelling first
 * (`0–5` … `> 30`), else read from its numbers (`0-5`, `30+`…). -1 when unreadable.
 */
export function ageingBucketIndex(bucket: string): number {
  const exact = (BUDGET_AGEING_BUCKETS as readonly string[]).indexOf(bucket.trim());
  if (exact !== -1) {
    return exact;
  }
  const numbers = (bucket.match(/\d+/g) ?? []).map(Number);
  const low = numbers[0];
  if (low === undefined) {
    return -1;
  }
  if (/[>+]|plus/i.test(bucket) || low > 30) {
    return 4;
  }
  const high = numbers[1] ?? low;
  return high <= 5 ? 0 : high <= 10 ? 1 : high <= 20 ? 2 : high <= 30 ? 3 : 4;
}

/** Open invoices by days since mise à disposition, always the five buckets in order (French). */
export function ageingChart(stats: BudgetStatsDto): BarChartData {
  const values = AGEING_BUCKETS.map(() => 0);
  for (const entry of stats.ageing) {
    const index = ageingBucketIndex(entry.bucket);
    if (index >= 0) {
      values[index] = (values[index] ?? 0) + entry.count;
    }
  }
  return {
    labels: [...AGEING_BUCKETS],
    series: [{ label: 'Factures en cours', color: '#1d4f91', values }],
  };
}

// ---------------------------------------------------------------------------------------------
// Links to the anomaly list

/**
 * The anomaly list of one budget's stuck invoices (the « Bloquées en mise à disposition » codes);
 * from the euros-at-risk chart, the costliest first.
 */
export function stuckAnomaliesParams(
  budgetCode: string | null,
  costliestFirst = false,
): Record<string, string | string[]> {
  return queryParamsFromView({
    filters: { ...(budgetCode ? { budget: [budgetCode] } : {}), code: [...STUCK_CODES] },
    sort: costliestFirst ? { field: 'eurosAtRisk', dir: 'desc' } : null,
  });
}

/** The late invoices (DGP exceeded) of one budget or all. */
export function lateAnomaliesParams(budgetCode: string | null): Record<string, string | string[]> {
  return queryParamsFromView({
    filters: { ...(budgetCode ? { budget: [budgetCode] } : {}), code: ['DGP_DEPASSE'] },
    sort: { field: 'eurosAtRisk', dir: 'desc' },
  });
}
