import type { BudgetStatsDto } from '@cd31/contracts';

export function budgetStats(overrides: Partial<BudgetStatsDto> = {}): BudgetStatsDto {
  return {
    from: '2025-01',
    to: '2025-03',
    tiles: { received: 1234, stuck: 12, late: 3, atRiskNext5Days: 5, eurosAtRisk: '1520.40' },
    monthly: [
      { month: '2025-01', statusFamily: 'MANDATEE_OU_PAYEE', count: 40 },
      { month: '2025-01', statusFamily: 'MISE_A_DISPOSITION', count: 5 },
      { month: '2025-03', statusFamily: 'MISE_A_DISPOSITION', count: 7 },
      { month: '2025-03', statusFamily: 'NOUVELLE_FAMILLE', count: 1 },
    ],
    perBudget: [
      {
        budgetCode: '62',
        budgetLabel: 'Laboratoire Eau Air (EVA)',
        received: 300,
        stuck: 2,
        late: 1,
        atRiskNext5Days: 0,
        eurosAtRisk: '80.50',
      },
      {
        budgetCode: '01',
        budgetLabel: 'Principal',
        received: 900,
        stuck: 10,
        late: 2,
        atRiskNext5Days: 5,
        eurosAtRisk: '1439.90',
      },
    ],
    ageing: [
      { bucket: '0–5', count: 4 },
      { bucket: '6–10', count: 0 },
      { bucket: '11–20', count: 3 },
      { bucket: '21–30', count: 0 },
      { bucket: '> 30', count: 2 },
    ],
    ...overrides,
  };
}
