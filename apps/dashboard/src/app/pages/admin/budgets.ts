import type { CreateBudgetRequest } from '@cd31/contracts';
import { BUDGET_LABEL_MAX_LENGTH, siretErrorMessage, validateSiret } from '@cd31/domain';

export interface BudgetForm {
  readonly code: string;
  readonly label: string;
  readonly siret: string;
}

export const EMPTY_BUDGET_FORM: BudgetForm = { code: '', label: '', siret: '' };

export type BudgetFormErrors = Partial<Record<keyof BudgetForm, string>>;

export function budgetLabelError(label: string): string | null {
  const text = label.trim();
  if (text === '') {
    return 'Le libellé est obligatoire.';
  }
  return text.length > BUDGET_LABEL_MAX_LENGTH
    ? `Le libellé doit comporter au plus ${BUDGET_LABEL_MAX_LENGTH} caractères.`
    : null;
}

/** French messages per field (the SIRET checked with its Luhn key); empty when valid. */
export function budgetFormErrors(form: BudgetForm): BudgetFormErrors {
  const errors: { -readonly [K in keyof BudgetFormErrors]: BudgetFormErrors[K] } = {};
  if (!/^\d{2}$/.test(form.code.trim())) {
    errors.code = 'Le code budget doit comporter exactement 2 chiffres (par exemple 07).';
  }
  const label = budgetLabelError(form.label);
  if (label) {
    errors.label = label;
  }
  const siret = validateSiret(form.siret);
  if (!siret.valid) {
    errors.siret = siretErrorMessage(siret.reason);
  }
  return errors;
}

/** The request with the SIRET stripped of its spaces; null while the form is invalid. */
export function createBudgetRequest(form: BudgetForm): CreateBudgetRequest | null {
  const siret = validateSiret(form.siret);
  if (!siret.valid || Object.keys(budgetFormErrors(form)).length > 0) {
    return null;
  }
  return { code: form.code.trim(), label: form.label.trim(), siret: siret.siret };
}
