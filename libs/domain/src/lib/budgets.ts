/** A CD31 budget: one ASTRE budget code, one Chorus Pro SIRET (domain.md §2). */
export interface BudgetReference {
  readonly code: string;
  readonly label: string;
  readonly siret: string;
}

/** CD31's eight budgets, as printed in the suppliers' guide. Seeded by the first migration. */
export const CD31_BUDGETS: readonly BudgetReference[] = [
  { code: '01', label: 'Principal', siret: '22310001700423' },
  { code: '15', label: 'Restauration', siret: '22310001700456' },
  { code: '40', label: 'Cité Roguet', siret: '22310001700183' },
  { code: '42', label: 'Parc Technique', siret: '22310001700696' },
  { code: '43', label: 'Labo RD', siret: '22310001700761' },
  { code: '61', label: 'Pépinières', siret: '22310001700167' },
  { code: '62', label: 'Laboratoire Eau Air (EVA)', siret: '22310001700225' },
  { code: '65', label: 'Transports Interurbains', siret: '22310001700449' },
];

/** ASTRE prints budget codes on two digits but Excel drops the leading zero: `1` means `01`. */
export function normaliseBudgetCode(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^\d{1,2}$/.test(trimmed)) {
    return null;
  }
  return trimmed.padStart(2, '0');
}

export function isValidBudgetCode(raw: string): boolean {
  return /^\d{2}$/.test(raw);
}

export const BUDGET_LABEL_MAX_LENGTH = 120;
