import {
  resolveThresholds,
  type AnomalyThresholds,
  type InterestRateRow,
  type ThresholdOverrides,
} from '@cd31/domain';
import type { EntityManager } from 'typeorm';

export interface BudgetThresholds {
  readonly budgetId: number;
  readonly budgetCode: string;
  readonly thresholds: AnomalyThresholds;
}

/** Thresholds of every budget: its override, else the global setting, else the default. */
export async function loadBudgetThresholds(manager: EntityManager): Promise<BudgetThresholds[]> {
  const settings = await manager.query<{ scope: string; thresholds: ThresholdOverrides }[]>(
    `SELECT scope, thresholds FROM anomaly_threshold_setting`,
  );
  const global = settings.find((s) => s.scope === 'global')?.thresholds ?? null;
  const budgets = await manager.query<{ id: number; code: string }[]>(
    `SELECT id, code FROM budget`,
  );
  return budgets.map((budget) => ({
    budgetId: budget.id,
    budgetCode: budget.code,
    thresholds: resolveThresholds(
      global,
      settings.find((s) => s.scope === budget.code)?.thresholds ?? null,
    ),
  }));
}

export async function loadInterestRates(manager: EntityManager): Promise<InterestRateRow[]> {
  const rows = await manager.query<{ half_year_start: string; ecb_rate: string }[]>(
    `SELECT to_char(half_year_start, 'YYYY-MM-DD') AS half_year_start, ecb_rate FROM interest_rate ORDER BY half_year_start`,
  );
  return rows.map((row) => ({
    halfYearStart: row.half_year_start as InterestRateRow['halfYearStart'],
    ecbRate: Number(row.ecb_rate),
  }));
}
