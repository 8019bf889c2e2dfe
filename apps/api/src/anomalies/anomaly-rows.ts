import {
  ANOMALY_STATE_LABELS,
  classifyEngagement,
  type AnomalyActor,
  type AnomalyCode,
  type AnomalySeverity,
  type AnomalyState,
} from '@cd31/domain';
import type { AnomalyHistoryEntryDto, AnomalyRowDto } from '@cd31/contracts';

export interface AnomalyRow {
  id: string;
  code: AnomalyCode;
  severity: AnomalySeverity;
  actor: AnomalyActor;
  state: AnomalyState;
  budget_code: string;
  budget_label: string;
  id_facture: string | null;
  invoice_number: string | null;
  supplier_siret: string | null;
  supplier_name: string | null;
  amount_ttc: string | null;
  chorus_status: string | null;
  numero_bon_commande: string | null;
  days_in_status: number | null;
  dgp_days_left: number | null;
  dgp_days_late: number | null;
  euros_at_risk: string;
  assignee_id: string | null;
  assignee_name: string | null;
  first_detected_at: Date;
  last_detected_at: Date;
  resolved_at: Date | null;
  resolution_reason: string | null;
  notes_count: number;
  details: Record<string, unknown>;
}

export function toAnomalyRowDto(row: AnomalyRow): AnomalyRowDto {
  const details = { ...row.details };
  if (row.code === 'ENGAGEMENT_MAL_FORME') {
    const classification = classifyEngagement(row.numero_bon_commande);
    if (classification.kind === 'MALFORMED') {
      details['suggestion'] = classification.suggestion;
    }
  }
  return {
    id: Number(row.id),
    code: row.code,
    severity: row.severity,
    actor: row.actor,
    state: row.state,
    budgetCode: row.budget_code,
    budgetLabel: row.budget_label,
    idFacture: row.id_facture === null ? null : Number(row.id_facture),
    invoiceNumber: row.invoice_number || null,
    supplierSiret: row.supplier_siret,
    supplierName: row.supplier_name || null,
    amountTtc: row.amount_ttc,
    chorusStatus: row.chorus_status,
    daysInStatus: row.days_in_status,
    dgpDaysLeft: row.dgp_days_left,
    dgpDaysLate: row.dgp_days_late,
    eurosAtRisk: row.euros_at_risk,
    assignee: row.assignee_id
      ? { id: row.assignee_id, displayName: row.assignee_name ?? '' }
      : null,
    firstDetectedAt: row.first_detected_at.toISOString(),
    lastDetectedAt: row.last_detected_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolutionReason: row.resolution_reason,
    notesCount: row.notes_count,
    details,
  };
}

export interface AnomalyEventRow {
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  kind: string;
  from_state: AnomalyState | null;
  to_state: AnomalyState | null;
  details: Record<string, unknown> | null;
}

/** A French sentence for one entry of an anomaly's history. */
export function toHistoryEntry(event: AnomalyEventRow): AnomalyHistoryEntryDto {
  const label = (state: AnomalyState | null): string => (state ? ANOMALY_STATE_LABELS[state] : '—');
  const reason = typeof event.details?.['reason'] === 'string' ? ` ${event.details['reason']}` : '';
  let description: string;
  switch (event.kind) {
    case 'detected':
      description = 'Anomalie détectée.';
      break;
    case 'resolved_auto':
      description = `Résolue automatiquement.${reason}`;
      break;
    case 'reopened':
      description = 'Rouverte : la condition est réapparue.';
      break;
    case 'state':
      description = `État : ${label(event.from_state)} → ${label(event.to_state)}.`;
      break;
    case 'assigned': {
      const to =
        typeof event.details?.['assigneeName'] === 'string' ? event.details['assigneeName'] : null;
      description = to ? `Attribuée à ${to}.` : 'Attribution retirée.';
      break;
    }
    case 'note':
      description = 'Note ajoutée.';
      break;
    default:
      description = event.kind;
  }
  return {
    at: event.at.toISOString(),
    actor: event.actor_id ? { id: event.actor_id, displayName: event.actor_name ?? '' } : null,
    kind: event.kind,
    fromState: event.from_state,
    toState: event.to_state,
    description,
  };
}
