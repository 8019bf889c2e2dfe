/**
 * Délai global de paiement (DGP) and what a late invoice costs (domain.md §8; Code de la commande
 * publique R2192-10 s., R2192-27 to R2192-29 for the suspension, R2192-31 for the interest rate,
 * D2192-35 for the 40 € indemnity; décret 2013-269 for the 20/10-day split).
 *
 * Everything is counted in calendar days in Europe/Paris (paris-calendar.ts). Day 0 is the date of
 * the first MISE_A_DISPOSITION; with a 30-day delay the due date is day 30, an invoice paid on
 * day 30 is on time, paid on day 31 it is 1 day late. Money is computed in integer cents.
 */
import { type AnomalyThresholds } from './anomalies';
import {
  type CalendarDate,
  type HalfYearStart,
  addCalendarDays,
  calendarDaysBetween,
  halfYearStart,
  parisCalendarDate,
} from './paris-calendar';

/** Collectivités territoriales: 30 days (R2192-10)… */
export const PAYMENT_DELAY_DAYS = 30;
/** …of which 10 for the public accountant, leaving 20 to the ordonnateur (CD31). */
export const ACCOUNTANT_SHARE_DAYS = 10;
export const ORDONNATEUR_SHARE_DAYS = PAYMENT_DELAY_DAYS - ACCOUNTANT_SHARE_DAYS;
/** After a suspension the new delay is 30 days, or the balance if longer (R2192-29). */
export const RESTART_MINIMUM_DAYS = 30;
/** Points added to the ECB rate (R2192-31). */
export const INTEREST_RATE_MARGIN_POINTS = 8;
/** Indemnité forfaitaire pour frais de recouvrement (D2192-35), per late invoice. */
export const LATE_PAYMENT_INDEMNITY_CENTS = 4_000;
/**
 * How far ahead "euros at risk" looks for an open invoice that is not late yet: the accountant's
 * 10 days. An invoice with 10 days or fewer left has used up the ordonnateur's share; what it would
 * cost if still unpaid 10 days from now is what is at risk.
 */
export const DEFAULT_RISK_HORIZON_DAYS = ACCOUNTANT_SHARE_DAYS;

/** One row of the editable rate table: the ECB rate in force on the first day of a half-year. */
export interface InterestRateRow {
  readonly halfYearStart: HalfYearStart;
  /** ECB main refinancing operations rate, in percent (4.25 means 4,25 %), without the 8 points. */
  readonly ecbRate: number;
}

/**
 * ECB main refinancing operations rate in force on 1 January / 1 July. Each value is the rate set
 * by the last ECB decision effective before that day (effective dates, ECB press releases):
 * - 0.00 % effective 16 March 2016 → in force from 2019-01-01 to 2022-07-01 (the first hike, to
 *   0.50 %, took effect on 27 July 2022);
 * - 2.50 % effective 21 December 2022 → 2023-01-01 (interest rate 10,50 %);
 * - 4.00 % effective 21 June 2023 → 2023-07-01 (12,00 %);
 * - 4.50 % effective 20 September 2023 → 2024-01-01 (12,50 %);
 * - 4.25 % effective 12 June 2024 → 2024-07-01 (12,25 %, the figure domain.md quotes);
 * - 3.15 % effective 18 December 2024 → 2025-01-01 (11,15 %);
 * - 2.15 % effective 11 June 2025 → 2025-07-01 (10,15 %);
 * - 2.15 % unchanged at the 18 December 2025 meeting (next meeting February 2026) → 2026-01-01
 *   (10,15 %).
 * All rows are certain. 2026-07-01 is not seeded: it depends on decisions of the first half of
 * 2026 that were not verified; until an admin adds it, the latest row applies, flagged as not
 * exact (`rateExact: false`).
 */
export const DEFAULT_INTEREST_RATES: readonly InterestRateRow[] = [
  { halfYearStart: '2019-01-01', ecbRate: 0 },
  { halfYearStart: '2019-07-01', ecbRate: 0 },
  { halfYearStart: '2020-01-01', ecbRate: 0 },
  { halfYearStart: '2020-07-01', ecbRate: 0 },
  { halfYearStart: '2021-01-01', ecbRate: 0 },
  { halfYearStart: '2021-07-01', ecbRate: 0 },
  { halfYearStart: '2022-01-01', ecbRate: 0 },
  { halfYearStart: '2022-07-01', ecbRate: 0 },
  { halfYearStart: '2023-01-01', ecbRate: 2.5 },
  { halfYearStart: '2023-07-01', ecbRate: 4 },
  { halfYearStart: '2024-01-01', ecbRate: 4.5 },
  { halfYearStart: '2024-07-01', ecbRate: 4.25 },
  { halfYearStart: '2025-01-01', ecbRate: 3.15 },
  { halfYearStart: '2025-07-01', ecbRate: 2.15 },
  { halfYearStart: '2026-01-01', ecbRate: 2.15 },
];

const HALF_YEAR_START = /^\d{4}-(?:01|07)-01$/;

/** French messages for an invalid rate table (empty when valid). */
export function interestRateErrors(rows: readonly InterestRateRow[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (!HALF_YEAR_START.test(row.halfYearStart)) {
      errors.push(
        `« ${row.halfYearStart} » n'est pas un début de semestre (AAAA-01-01 ou AAAA-07-01).`,
      );
    } else if (seen.has(row.halfYearStart)) {
      errors.push(`Le semestre ${row.halfYearStart} figure plusieurs fois.`);
    }
    seen.add(row.halfYearStart);
    if (!Number.isFinite(row.ecbRate) || row.ecbRate < -10 || row.ecbRate > 30) {
      errors.push(
        `Le taux BCE du semestre ${row.halfYearStart} doit être un pourcentage entre -10 et 30.`,
      );
    }
  }
  return errors;
}

export interface RateLookup {
  readonly halfYearStart: HalfYearStart;
  /** Null when the table has no row at or before that half-year. */
  readonly ecbRate: number | null;
  /** ECB rate + 8 points, in percent. */
  readonly rate: number | null;
  /** False when the half-year's own row is missing and an earlier one was used. */
  readonly rateExact: boolean;
}

/** The rate of the half-year holding `date`: its row, else the latest earlier row (not exact). */
export function interestRateFor(
  date: CalendarDate,
  rates: readonly InterestRateRow[] = DEFAULT_INTEREST_RATES,
): RateLookup {
  const half = halfYearStart(date);
  let best: InterestRateRow | null = null;
  for (const row of rates) {
    if (HALF_YEAR_START.test(row.halfYearStart) && row.halfYearStart <= half) {
      if (best === null || row.halfYearStart > best.halfYearStart) {
        best = row;
      }
    }
  }
  if (best === null) {
    return { halfYearStart: half, ecbRate: null, rate: null, rateExact: false };
  }
  return {
    halfYearStart: half,
    ecbRate: best.ecbRate,
    rate: (Math.round(best.ecbRate * 1000) + INTEREST_RATE_MARGIN_POINTS * 1000) / 1000,
    rateExact: best.halfYearStart === half,
  };
}

// ---------------------------------------------------------------------------------------------
// Money

/** Euros (as stored: 2 decimals) → integer cents. */
export function eurosToCents(euros: number): number {
  if (!Number.isFinite(euros)) {
    throw new RangeError(`Invalid amount: ${euros}`);
  }
  // Amounts carry at most 2 decimals, so euros * 100 is within 1e-6 of an integer.
  return Math.round(euros * 100);
}

export function centsToEuros(cents: number): number {
  return cents / 100;
}

/**
 * Moratorium interest in cents: TTC × (ECB rate + 8) % × days / 365, rounded half up to the cent.
 * Exact integer arithmetic (BigInt) on the rate in thousandths of a percent.
 */
export function moratoriumInterestCents(
  ttcCents: number,
  ratePercent: number,
  daysLate: number,
): number {
  if (!Number.isInteger(ttcCents) || !Number.isInteger(daysLate)) {
    throw new RangeError('Expected whole cents and whole days');
  }
  if (ttcCents <= 0 || daysLate <= 0 || ratePercent <= 0) {
    return 0;
  }
  const numerator = BigInt(ttcCents) * BigInt(Math.round(ratePercent * 1000)) * BigInt(daysLate);
  const denominator = 365n * 100n * 1000n;
  return Number((2n * numerator + denominator) / (2n * denominator));
}

// ---------------------------------------------------------------------------------------------
// The clock

export interface SuspensionPeriod {
  /** SUSPENDUE: when the supplier was told what is missing. */
  readonly from: Date | string;
  /** COMPLETEE: when everything was received; null while still suspended. */
  readonly to: Date | string | null;
}

export interface PaymentDelayInput {
  /** First MISE_A_DISPOSITION in the status history (an instant, or a Paris local time). */
  readonly firstMadAt: Date | string;
  readonly suspensions?: readonly SuspensionPeriod[];
  /**
   * When the invoice left CD31's hands: MISE_EN_PAIEMENT when known, else the mandate
   * (MANDATEE). Null while open. The clock stops on that date.
   */
  readonly paidOrMandatedAt?: Date | string | null;
  readonly now: Date | string;
  /** Amount TTC in euros (2 decimals). Zero or negative (credit note): nothing is ever owed. */
  readonly ttc: number;
  readonly rates?: readonly InterestRateRow[];
  readonly riskHorizonDays?: number;
  /** Legal delay (30 for a collectivité; 50 or 60 for other buyers). */
  readonly delayDays?: number;
  /** The accountant's part of the delay (10 for a collectivité). */
  readonly accountantDays?: number;
}

export interface AppliedSuspension {
  readonly from: CalendarDate;
  readonly to: CalendarDate | null;
  /** Days of the delay that were left when the suspension started. */
  readonly balanceDays: number;
  /** The new delay opened on completion: max(30, balance). */
  readonly restartDelayDays: number;
}

export interface MoratoriumInterest extends RateLookup {
  /** First day of interest: the day after the due date. */
  readonly startsOn: CalendarDate;
  readonly days: number;
  readonly amountCents: number;
  readonly amount: number;
}

export interface PaymentDelayClock {
  /** Paris date of the first MISE_A_DISPOSITION (day 0). */
  readonly startDate: CalendarDate;
  /** The day the clock is read: the payment/mandate date if any, else today. */
  readonly asOf: CalendarDate;
  readonly settled: boolean;
  readonly suspendedNow: boolean;
  readonly suspension: AppliedSuspension | null;
  /** Suspensions not applied: the law allows one; later ones, and ones after the due date, do not stop the clock. */
  readonly ignoredSuspensions: number;
  /** Day 0 of the delay now running: the start date, or the completion date after a suspension. */
  readonly periodStart: CalendarDate;
  /** Length of that delay (30, or the balance after a suspension). */
  readonly periodDays: number;
  /** Days of that delay used so far (frozen while suspended). */
  readonly daysElapsed: number;
  /** Last on-time day; null while suspended (unknown until completion). */
  readonly dueDate: CalendarDate | null;
  /** Last day of the ordonnateur's share; null while suspended. */
  readonly ordonnateurDueDate: CalendarDate | null;
  /** Days until the due date (0 on the due date and after); while suspended, the delay that will restart. */
  readonly daysLeft: number;
  /** Same for the ordonnateur's share. */
  readonly ordonnateurDaysLeft: number;
  readonly daysLate: number;
  readonly late: boolean;
  readonly interest: MoratoriumInterest | null;
  readonly indemnityCents: number;
  /** Interest + indemnity owed as of `asOf` (0 when not late). */
  readonly owedCents: number;
  /**
   * Late: what is owed. Open, not late, not suspended: what would be owed if the invoice were
   * still unpaid `riskHorizonDays` from now (0 if it would still be on time). Otherwise 0.
   */
  readonly eurosAtRiskCents: number;
  readonly eurosAtRisk: number;
}

function interestFor(
  dueDate: CalendarDate,
  days: number,
  ttcCents: number,
  rates: readonly InterestRateRow[],
): MoratoriumInterest {
  const startsOn = addCalendarDays(dueDate, 1);
  const lookup = interestRateFor(startsOn, rates);
  const amountCents =
    lookup.rate === null ? 0 : moratoriumInterestCents(ttcCents, lookup.rate, days);
  return { ...lookup, startsOn, days, amountCents, amount: centsToEuros(amountCents) };
}

function assertWholeDays(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of days, got ${value}`);
  }
}

/**
 * Reads the DGP clock of one invoice.
 *
 * Suspension (R2192-27 to R2192-29): the delay can be suspended once, before the mandate. From
 * SUSPENDUE the clock stops; from COMPLETEE a new delay opens: 30 days, or the balance left on
 * the day of the suspension if that is longer (only possible with a delay longer than 30 days).
 * The ordonnateur's share of the new delay is the new delay minus the accountant's 10 days.
 * Applied: the earliest suspension that starts on or before the due date and on or before
 * `asOf`. Ignored: any later one (the clock keeps running through it — interest is owed), and one
 * starting after the due date (a delay that has expired cannot be suspended).
 */
export function computePaymentDelay(input: PaymentDelayInput): PaymentDelayClock {
  const delayDays = input.delayDays ?? PAYMENT_DELAY_DAYS;
  const accountantDays = input.accountantDays ?? ACCOUNTANT_SHARE_DAYS;
  const horizon = input.riskHorizonDays ?? DEFAULT_RISK_HORIZON_DAYS;
  assertWholeDays(delayDays, 'delayDays');
  assertWholeDays(accountantDays, 'accountantDays');
  assertWholeDays(horizon, 'riskHorizonDays');
  if (accountantDays > delayDays) {
    throw new RangeError('accountantDays cannot exceed delayDays');
  }
  const rates = input.rates ?? DEFAULT_INTEREST_RATES;
  const ttcCents = eurosToCents(input.ttc);
  const startDate = parisCalendarDate(input.firstMadAt);
  const settledAt = input.paidOrMandatedAt ?? null;
  const settled = settledAt !== null;
  const asOf = parisCalendarDate(settledAt ?? input.now);
  const initialDue = addCalendarDays(startDate, delayDays);

  const suspensions = (input.suspensions ?? [])
    .map((s) => {
      const from = parisCalendarDate(s.from);
      const to = s.to === null ? null : parisCalendarDate(s.to);
      if (to !== null && to < from) {
        throw new RangeError(`A suspension cannot end (${to}) before it starts (${from})`);
      }
      return { from: from < startDate ? startDate : from, to };
    })
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const chosen = suspensions.find((s) => s.from <= initialDue && s.from <= asOf) ?? null;

  let suspension: AppliedSuspension | null = null;
  let suspendedNow = false;
  let periodStart = startDate;
  let periodDays = delayDays;
  if (chosen !== null) {
    const balanceDays = delayDays - calendarDaysBetween(startDate, chosen.from);
    const restartDelayDays = Math.max(RESTART_MINIMUM_DAYS, balanceDays);
    suspension = { from: chosen.from, to: chosen.to, balanceDays, restartDelayDays };
    suspendedNow = chosen.to === null || chosen.to > asOf;
    if (!suspendedNow && chosen.to !== null) {
      periodStart = chosen.to;
      periodDays = restartDelayDays;
    }
  }
  const ignoredSuspensions = suspensions.length - (chosen === null ? 0 : 1);

  if (suspension !== null && suspendedNow) {
    return {
      startDate,
      asOf,
      settled,
      suspendedNow,
      suspension,
      ignoredSuspensions,
      periodStart,
      periodDays,
      daysElapsed: calendarDaysBetween(startDate, suspension.from),
      dueDate: null,
      ordonnateurDueDate: null,
      daysLeft: suspension.restartDelayDays,
      ordonnateurDaysLeft: Math.max(0, suspension.restartDelayDays - accountantDays),
      daysLate: 0,
      late: false,
      interest: null,
      indemnityCents: 0,
      owedCents: 0,
      eurosAtRiskCents: 0,
      eurosAtRisk: 0,
    };
  }

  const dueDate = addCalendarDays(periodStart, periodDays);
  const ordonnateurDueDate = addCalendarDays(periodStart, periodDays - accountantDays);
  const daysLate = Math.max(0, calendarDaysBetween(dueDate, asOf));
  const late = daysLate > 0;
  const owes = late && ttcCents > 0;
  const interest = owes ? interestFor(dueDate, daysLate, ttcCents, rates) : null;
  const indemnityCents = owes ? LATE_PAYMENT_INDEMNITY_CENTS : 0;
  const owedCents = (interest?.amountCents ?? 0) + indemnityCents;

  let eurosAtRiskCents = owedCents;
  if (!late && !settled && ttcCents > 0) {
    const projectedLate = calendarDaysBetween(dueDate, addCalendarDays(asOf, horizon));
    eurosAtRiskCents =
      projectedLate > 0
        ? interestFor(dueDate, projectedLate, ttcCents, rates).amountCents +
          LATE_PAYMENT_INDEMNITY_CENTS
        : 0;
  }

  return {
    startDate,
    asOf,
    settled,
    suspendedNow,
    suspension,
    ignoredSuspensions,
    periodStart,
    periodDays,
    daysElapsed: Math.max(0, calendarDaysBetween(periodStart, asOf)),
    dueDate,
    ordonnateurDueDate,
    daysLeft: Math.min(periodDays, Math.max(0, calendarDaysBetween(asOf, dueDate))),
    ordonnateurDaysLeft: Math.min(
      periodDays - accountantDays,
      Math.max(0, calendarDaysBetween(asOf, ordonnateurDueDate)),
    ),
    daysLate,
    late,
    interest,
    indemnityCents,
    owedCents,
    eurosAtRiskCents,
    eurosAtRisk: centsToEuros(eurosAtRiskCents),
  };
}

/**
 * DGP_DEPASSE / DGP_MENACE for an invoice whose Chorus status is open (`isPaymentDelayOpen`):
 * late → DGP_DEPASSE; otherwise the ordonnateur's share has `dgpMenaceHorizonDays` days left or
 * fewer → DGP_MENACE (default 0: from the last day of the share, day 20). Nothing for a settled or
 * suspended clock.
 */
export function paymentDelayAnomaly(
  clock: PaymentDelayClock,
  thresholds: Pick<AnomalyThresholds, 'dgpMenaceHorizonDays'>,
): 'DGP_DEPASSE' | 'DGP_MENACE' | null {
  if (clock.settled || clock.suspendedNow) {
    return null;
  }
  if (clock.late) {
    return 'DGP_DEPASSE';
  }
  // "The ordonnateur's share is used up" (domain.md §7): its last day has passed, i.e. day 21 of
  // a 30-day delay; the horizon brings the warning that many days earlier.
  const ordonnateurDue = clock.ordonnateurDueDate;
  if (ordonnateurDue === null) {
    return null;
  }
  return calendarDaysBetween(ordonnateurDue, clock.asOf) > -thresholds.dgpMenaceHorizonDays
    ? 'DGP_MENACE'
    : null;
}
