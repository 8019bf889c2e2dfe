import type { AuditEventDto } from '@cd31/contracts';
import type { AuditQuery } from '../../core/api-queries';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  readonly action: string;
  readonly actor: string;
  /** `YYYY-MM-DD` (a Paris calendar day), or empty. */
  readonly from: string;
  readonly to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { action: '', actor: '', from: '', to: '' };

/** The action families the API records, offered as suggestions for the prefix. */
export const AUDIT_ACTION_PREFIXES: readonly { readonly value: string; readonly label: string }[] =
  [
    { value: 'auth.', label: 'Connexions' },
    { value: 'user.', label: 'Utilisateurs' },
    { value: 'budget.', label: 'Budgets' },
    { value: 'settings.', label: 'Paramètres (seuils, taux, modèles)' },
    { value: 'astre_profile.', label: 'Profils d’import' },
    { value: 'astre_import.', label: 'Imports ASTRE' },
    { value: 'anomaly.', label: 'Anomalies' },
    { value: 'invoice.', label: 'Factures' },
    { value: 'sync.', label: 'Synchronisation' },
    { value: 'reconciliation.', label: 'Rapprochement' },
  ];

export const AUDIT_OUTCOME_LABELS: Readonly<Record<string, string>> = {
  success: 'Réussite',
  failure: 'Échec',
  denied: 'Refusé',
};

export function outcomeLabel(outcome: string): string {
  return AUDIT_OUTCOME_LABELS[outcome] ?? outcome;
}

/** A French message when the range is impossible; null otherwise. */
export function auditFiltersError(filters: AuditFilters): string | null {
  if (filters.from && filters.to && filters.from > filters.to) {
    return 'La date de début doit précéder la date de fin.';
  }
  return null;
}

/** The filters as the API reads them (trimmed; empty ones left out by the query builder). */
export function auditFilterQuery(filters: AuditFilters): Omit<AuditQuery, 'offset' | 'limit'> {
  return {
    action: filters.action.trim(),
    actor: filters.actor.trim(),
    from: filters.from,
    to: filters.to,
  };
}

export function auditPageQuery(filters: AuditFilters, offset: number): AuditQuery {
  return { ...auditFilterQuery(filters), offset, limit: AUDIT_PAGE_SIZE };
}

/** « 1–50 sur 1 234 ». */
export function pageLabel(offset: number, shown: number, total: number): string {
  const n = new Intl.NumberFormat('fr-FR');
  if (total === 0 || shown === 0) {
    return `0 sur ${n.format(total)}`;
  }
  return `${n.format(offset + 1)}–${n.format(offset + shown)} sur ${n.format(total)}`;
}

/** Pretty JSON for the before/after blocks; null when there is nothing to show. */
export function auditJson(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  return JSON.stringify(value, null, 2);
}

export function hasDetails(event: AuditEventDto): boolean {
  return auditJson(event.before) !== null || auditJson(event.after) !== null;
}
