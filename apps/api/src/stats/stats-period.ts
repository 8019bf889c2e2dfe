import type { ApiFieldError } from '@cd31/contracts';
import { parisCalendarDate } from '@cd31/domain';

/** A month `YYYY-MM`. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const DEFAULT_PERIOD_MONTHS = 12;
export const MAX_PERIOD_MONTHS = 36;

export interface StatsPeriod {
  /** `YYYY-MM`, both inclusive. */
  readonly from: string;
  readonly to: string;
  /** First day of `from`, and first day of the month after `to` (exclusive bound). */
  readonly startDate: string;
  readonly endDateExclusive: string;
}

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

function monthAt(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The period of the statistics, or the French reason it is refused. Default: the last 12 months,
 * the current one (in Paris) included; `from` alone runs to the current month, `to` alone covers
 * the 12 months ending with it.
 */
export function resolveStatsPeriod(
  query: { readonly from?: string; readonly to?: string },
  now: Date,
): StatsPeriod | ApiFieldError {
  const current = parisCalendarDate(now).slice(0, 7);
  const to = query.to ?? current;
  const from = query.from ?? monthAt(monthIndex(to) - (DEFAULT_PERIOD_MONTHS - 1));
  if (monthIndex(from) > monthIndex(to)) {
    return { field: 'from', message: 'Le mois de début doit précéder le mois de fin.' };
  }
  if (monthIndex(to) - monthIndex(from) + 1 > MAX_PERIOD_MONTHS) {
    return {
      field: 'to',
      message: `La période est limitée à ${MAX_PERIOD_MONTHS} mois.`,
    };
  }
  return {
    from,
    to,
    startDate: `${from}-01`,
    endDateExclusive: `${monthAt(monthIndex(to) + 1)}-01`,
  };
}

export function isStatsPeriod(value: StatsPeriod | ApiFieldError): value is StatsPeriod {
  return 'startDate' in value;
}
