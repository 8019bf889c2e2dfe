import { BUDGET_AGEING_BUCKETS, BUDGET_STATUS_FAMILIES } from '@cd31/contracts';
import { budgetStats } from '../../../testing/budget-stats-test-data';
import {
  ageingBucketIndex,
  ageingChart,
  defaultPeriod,
  eurosAtRiskPerBudgetChart,
  formatMonthFr,
  lateAnomaliesParams,
  monthlyChart,
  monthsBetween,
  paramsFromStatsView,
  periodError,
  statsViewFromParams,
  statusFamilyDisplay,
  stuckAnomaliesParams,
  stuckPerBudgetChart,
} from './budget-stats';

// 31 December 2025, 23:30 UTC: already January 2026 in Paris.
const today = new Date('2025-12-31T23:30:00Z');

describe('period', () => {
  it('defaults to the last twelve months, Paris time', () => {
    expect(defaultPeriod(today)).toEqual({ from: '2025-02', to: '2026-01' });
  });

  it('lists the months of a period, both ends included', () => {
    expect(monthsBetween('2024-11', '2025-02')).toEqual([
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
    ]);
    expect(monthsBetween('2025-03', '2025-01')).toEqual([]);
  });

  it('explains a period it cannot show', () => {
    expect(periodError('2025-03', '2025-01')).toContain('début doit précéder');
    expect(periodError('2025-13', '2025-01')).toContain('Choisissez');
    expect(periodError('2022-01', '2025-01')).toContain('36 mois');
    expect(periodError('2025-01', '2025-03')).toBeNull();
  });

  it('reads the period and budget from the URL, falling back to the default', () => {
    expect(statsViewFromParams({ from: '2025-01', to: '2025-06', budget: '62' }, today)).toEqual({
      from: '2025-01',
      to: '2025-06',
      budget: '62',
    });
    expect(statsViewFromParams({ from: '2025-06', to: '2025-01', budget: 'x' }, today)).toEqual({
      from: '2025-02',
      to: '2026-01',
      budget: '',
    });
  });

  it('keeps the default period out of the URL', () => {
    expect(paramsFromStatsView({ from: '2025-02', to: '2026-01', budget: '' }, today)).toEqual({});
    expect(paramsFromStatsView({ from: '2025-01', to: '2025-03', budget: '01' }, today)).toEqual({
      from: '2025-01',
      to: '2025-03',
      budget: '01',
    });
  });

  it('names months in French', () => {
    expect(formatMonthFr('2025-03')).toBe('mars 2025');
    expect(formatMonthFr('2025-01')).toBe('janv. 2025');
  });
});

describe('charts', () => {
  it('stacks the months by status family, known families first, zeros filled in', () => {
    const chart = monthlyChart(budgetStats(), ['2025-01', '2025-02', '2025-03']);
    expect(chart.labels).toEqual(['janv. 2025', 'févr. 2025', 'mars 2025']);
    expect(chart.series.map((s) => [s.label, s.values])).toEqual([
      ['Mise à disposition', [5, 0, 7]],
      ['Mandatée ou payée', [40, 0, 0]],
      ['NOUVELLE_FAMILLE', [0, 0, 1]],
    ]);
  });

  it('labels every family of the contract in French', () => {
    expect(BUDGET_STATUS_FAMILIES.map((f) => statusFamilyDisplay(f).label)).toEqual([
      'En acheminement',
      'Mise à disposition',
      'En traitement',
      'Mandatée ou payée',
      'Renvoyée au fournisseur',
      'Rejetée',
      'Autre statut',
    ]);
    // A family a newer API adds: shown by its Chorus label when it is a status, else as sent.
    expect(statusFamilyDisplay('A_RECYCLER').label).toBe('À recycler');
  });

  it('shows stuck invoices and euros at risk per budget, in budget order, with their codes', () => {
    const stuck = stuckPerBudgetChart(budgetStats());
    expect(stuck.budgetCodes).toEqual(['01', '62']);
    expect(stuck.data.labels).toEqual(['01 — Principal', '62 — Laboratoire Eau Air (EVA)']);
    expect(stuck.data.series[0]?.values).toEqual([10, 2]);
    expect(eurosAtRiskPerBudgetChart(budgetStats()).data.series[0]?.values).toEqual([1439.9, 80.5]);
  });

  it('always shows the five ageing buckets in order', () => {
    expect(ageingChart(budgetStats())).toEqual({
      labels: ['0 à 5 jours', '6 à 10 jours', '11 à 20 jours', '21 à 30 jours', 'plus de 30 jours'],
      series: [{ label: 'Factures en cours', color: '#1d4f91', values: [4, 0, 3, 0, 2] }],
    });
  });

  it("reads the contract's bucket names, and other spellings", () => {
    expect(BUDGET_AGEING_BUCKETS.map(ageingBucketIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(
      ['0-5', '0–5', '6 à 10', '11-20', '21-30', '> 30', '30+', '31+', 'plus de 30'].map(
        ageingBucketIndex,
      ),
    ).toEqual([0, 0, 1, 2, 3, 4, 4, 4, 4]);
    expect(ageingBucketIndex('inconnu')).toBe(-1);
  });
});

describe('links to the anomaly list', () => {
  it('opens the stuck anomalies of a budget, the costliest first from the euros chart', () => {
    expect(stuckAnomaliesParams('62')).toEqual({
      budget: ['62'],
      code: ['MAD_NON_INTEGREE', 'MAD_STATUT_NON_REMONTE', 'MAD_EN_TRAITEMENT'],
    });
    expect(stuckAnomaliesParams('62', true)).toMatchObject({ sort: 'eurosAtRisk', dir: 'desc' });
    expect(lateAnomaliesParams(null)).toEqual({
      code: ['DGP_DEPASSE'],
      sort: 'eurosAtRisk',
      dir: 'desc',
    });
  });
});
