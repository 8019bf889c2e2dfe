import { BUDGET_STATUS_FAMILIES, type BudgetStatusFamily } from '@cd31/contracts';
import {
  CHORUS_PAYMENT_DELAY_OPEN_STATUSES,
  CHORUS_RECIPIENT_STATUSES,
  type AnomalyCode,
  type ChorusStatus,
} from '@cd31/domain';

/** The family of each Chorus Pro status (documented with BUDGET_STATUS_FAMILIES in the contracts). */
export const STATUS_FAMILY: Readonly<Record<ChorusStatus, Exclude<BudgetStatusFamily, 'AUTRE'>>> = {
  DEPOSEE: 'EN_ACHEMINEMENT',
  EN_COURS_ACHEMINEMENT: 'EN_ACHEMINEMENT',
  MISE_A_DISPOSITION: 'MISE_A_DISPOSITION',
  SERVICE_FAIT: 'EN_TRAITEMENT',
  COMPLETEE: 'EN_TRAITEMENT',
  MANDATEE: 'MANDATEE_OU_PAYEE',
  MISE_A_DISPOSITION_COMPTABLE: 'MANDATEE_OU_PAYEE',
  COMPTABILISEE: 'MANDATEE_OU_PAYEE',
  MISE_EN_PAIEMENT: 'MANDATEE_OU_PAYEE',
  A_RECYCLER: 'RETOUR_FOURNISSEUR',
  SUSPENDUE: 'RETOUR_FOURNISSEUR',
  REJETEE: 'REJETEE',
};

/** SQL expression of the family of a status column (codes are constants: inlined). */
export function statusFamilySql(column: string): string {
  const cases = CHORUS_RECIPIENT_STATUSES.map(
    (status) => `WHEN '${status}' THEN '${STATUS_FAMILY[status]}'`,
  ).join(' ');
  return `(CASE ${column} ${cases} ELSE 'AUTRE' END)`;
}

export function familyRank(family: string): number {
  const rank = (BUDGET_STATUS_FAMILIES as readonly string[]).indexOf(family);
  return rank === -1 ? BUDGET_STATUS_FAMILIES.length : rank;
}

/**
 * Statuses counted in the ageing chart: the domain's open statuses once the invoice has been made
 * available (before MISE_A_DISPOSITION there is no age to count).
 */
export const AGEING_STATUSES: readonly ChorusStatus[] = CHORUS_PAYMENT_DELAY_OPEN_STATUSES.filter(
  (status) => status !== 'DEPOSEE' && status !== 'EN_COURS_ACHEMINEMENT',
);

/** The anomalies that make an invoice "stuck": the dashboard's « Bloquées » filter of the list. */
export const STUCK_ANOMALY_CODES = [
  'MAD_NON_INTEGREE',
  'MAD_STATUT_NON_REMONTE',
  'MAD_EN_TRAITEMENT',
] as const satisfies readonly AnomalyCode[];

/** Upper bounds (days, inclusive) of the first four ageing buckets; the fifth is beyond. */
export const AGEING_UPPER_BOUNDS = [5, 10, 20, 30] as const;
