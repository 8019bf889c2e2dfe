import { formatDateFr } from '@cd31/ui';
import {
  INTEREST_RATE_MARGIN_POINTS,
  interestRateErrors,
  type HalfYearStart,
  type InterestRateRow,
} from '@cd31/domain';

/** A row being edited: the rate as typed (French decimal comma accepted). */
export interface RateDraftRow {
  readonly halfYearStart: string;
  readonly ecbRate: string;
}

export type HalfYear = '01-01' | '07-01';

const percent = new Intl.NumberFormat('fr-FR', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

/** `4,25` or `4.25` → 4.25; null when it is not a number. */
export function parseRate(raw: string): number | null {
  const text = raw.trim().replace(/\s|%/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(text)) {
    return null;
  }
  return Number(text);
}

/** `4,25 %`; empty for a rate that is not a number. */
export function formatRate(rate: number | null): string {
  return rate === null || !Number.isFinite(rate) ? '' : `${percent.format(rate)} %`;
}

/** The legal late-payment rate: ECB rate + 8 points (R2192-31), rounded against float noise. */
export function legalRate(ecbRate: number | null): number | null {
  return ecbRate === null ? null : Math.round((ecbRate + INTEREST_RATE_MARGIN_POINTS) * 1e6) / 1e6;
}

export function toDraft(rows: readonly InterestRateRow[]): RateDraftRow[] {
  return sortDraft(
    rows.map((row) => ({
      halfYearStart: row.halfYearStart,
      ecbRate: String(row.ecbRate).replace('.', ','),
    })),
  );
}

/** Most recent half-year first, as the table shows it. */
export function sortDraft(rows: readonly RateDraftRow[]): RateDraftRow[] {
  return [...rows].sort((a, b) => b.halfYearStart.localeCompare(a.halfYearStart));
}

export function halfYearStartOf(year: number, half: HalfYear): string {
  return `${String(year).padStart(4, '0')}-${half}`;
}

/** The half-year after the latest row (for the « add » form), or the current one. */
export function nextHalfYear(
  rows: readonly RateDraftRow[],
  today = new Date(),
): { year: number; half: HalfYear } {
  const latest = [...rows]
    .map((r) => r.halfYearStart)
    .sort()
    .at(-1);
  const match = latest ? /^(\d{4})-(01|07)-01$/.exec(latest) : null;
  if (!match) {
    return { year: today.getFullYear(), half: today.getMonth() < 6 ? '01-01' : '07-01' };
  }
  const year = Number(match[1]);
  return match[2] === '01' ? { year, half: '07-01' } : { year: year + 1, half: '01-01' };
}

export function addRow(
  rows: readonly RateDraftRow[],
  halfYearStart: string,
  ecbRate: string,
): RateDraftRow[] {
  return sortDraft([...rows, { halfYearStart, ecbRate }]);
}

export function updateRate(
  rows: readonly RateDraftRow[],
  halfYearStart: string,
  ecbRate: string,
): RateDraftRow[] {
  return rows.map((row) => (row.halfYearStart === halfYearStart ? { ...row, ecbRate } : row));
}

export function removeRow(rows: readonly RateDraftRow[], halfYearStart: string): RateDraftRow[] {
  return rows.filter((row) => row.halfYearStart !== halfYearStart);
}

export type RatesResult =
  | { readonly ok: true; readonly rows: InterestRateRow[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/** The whole table to send, checked with the domain's rules first; French errors otherwise. */
export function ratesToSave(draft: readonly RateDraftRow[]): RatesResult {
  const errors: string[] = [];
  const rows: InterestRateRow[] = [];
  for (const row of draft) {
    const rate = parseRate(row.ecbRate);
    if (rate === null) {
      errors.push(
        `Le taux BCE du semestre du ${formatDateFr(row.halfYearStart)} doit être un nombre (par exemple 2,15).`,
      );
      continue;
    }
    rows.push({ halfYearStart: row.halfYearStart as HalfYearStart, ecbRate: rate });
  }
  errors.push(...interestRateErrors(rows));
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    rows: [...rows].sort((a, b) => a.halfYearStart.localeCompare(b.halfYearStart)),
  };
}
