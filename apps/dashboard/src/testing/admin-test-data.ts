import type { ThresholdSettingsDto } from '@cd31/contracts';

const GLOBAL = {
  madNonIntegreeDays: 3,
  madEnTraitementDays: 3,
  aRecyclerSansReponseDays: 15,
  montantDivergentToleranceCents: 1,
  dgpMenaceHorizonDays: 0,
};

/** Two budgets: 01 without overrides, 62 with its own « MAD non intégrée » threshold. */
export const THRESHOLD_SETTINGS: ThresholdSettingsDto = {
  global: GLOBAL,
  budgets: [
    { budgetCode: '01', overrides: {}, effective: GLOBAL },
    {
      budgetCode: '62',
      overrides: { madNonIntegreeDays: 10 },
      effective: { ...GLOBAL, madNonIntegreeDays: 10 },
    },
  ],
};
