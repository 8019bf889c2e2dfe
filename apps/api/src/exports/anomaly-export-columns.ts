import {
  ACTOR_LABELS,
  ANOMALY_STATE_LABELS,
  SEVERITY_DISPLAY,
  anomalyLabel,
  chorusStatusLabel,
  parisCalendarDate,
  type CalendarDate,
} from '@cd31/domain';
import type { AnomalyRow } from '../anomalies/anomaly-rows';

interface ColumnBase {
  /** French, as the users name it. */
  readonly header: string;
  /** XLSX column width, in characters. */
  readonly width: number;
}

/** One column of the anomaly exports, typed so that each format can write a real cell type. */
export type AnomalyExportColumn =
  | (ColumnBase & { readonly kind: 'text'; value(row: AnomalyRow): string | null })
  /** A PostgreSQL numeric as text (`1234.56`). */
  | (ColumnBase & { readonly kind: 'amount'; value(row: AnomalyRow): string | null })
  | (ColumnBase & { readonly kind: 'integer'; value(row: AnomalyRow): number | null })
  | (ColumnBase & { readonly kind: 'date'; value(row: AnomalyRow): CalendarDate | null });

/** A label from a closed list, or the stored code when the list does not know it. */
function labelOf(labels: Readonly<Record<string, string>>, code: string): string {
  return labels[code] ?? code;
}

const SEVERITY_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SEVERITY_DISPLAY).map(([code, display]) => [code, display.label]),
);

/** The columns of the CSV and XLSX exports, in order (the grid's, plus identifiers). */
export const ANOMALY_EXPORT_COLUMNS: readonly AnomalyExportColumn[] = [
  { header: 'Budget', kind: 'text', width: 8, value: (r) => r.budget_code },
  { header: 'Libellé budget', kind: 'text', width: 26, value: (r) => r.budget_label },
  { header: 'Code anomalie', kind: 'text', width: 24, value: (r) => r.code },
  { header: 'Anomalie', kind: 'text', width: 28, value: (r) => anomalyLabel(r.code) },
  {
    header: 'Gravité',
    kind: 'text',
    width: 10,
    value: (r) => labelOf(SEVERITY_LABELS, r.severity),
  },
  {
    header: 'Responsable de l’action',
    kind: 'text',
    width: 22,
    value: (r) => labelOf(ACTOR_LABELS, r.actor),
  },
  { header: 'État', kind: 'text', width: 11, value: (r) => labelOf(ANOMALY_STATE_LABELS, r.state) },
  { header: 'N° facture', kind: 'text', width: 20, value: (r) => r.invoice_number },
  { header: 'Fournisseur', kind: 'text', width: 34, value: (r) => r.supplier_name },
  { header: 'SIRET fournisseur', kind: 'text', width: 17, value: (r) => r.supplier_siret },
  { header: 'Montant TTC', kind: 'amount', width: 15, value: (r) => r.amount_ttc },
  {
    header: 'Statut Chorus Pro',
    kind: 'text',
    width: 22,
    value: (r) => (r.chorus_status === null ? null : chorusStatusLabel(r.chorus_status)),
  },
  { header: 'Jours au statut', kind: 'integer', width: 10, value: (r) => r.days_in_status },
  { header: 'Jours restants DGP', kind: 'integer', width: 10, value: (r) => r.dgp_days_left },
  { header: 'Jours de retard', kind: 'integer', width: 10, value: (r) => r.dgp_days_late },
  { header: 'Euros à risque', kind: 'amount', width: 14, value: (r) => r.euros_at_risk },
  { header: 'Attribuée à', kind: 'text', width: 26, value: (r) => r.assignee_name },
  {
    header: 'Détectée le',
    kind: 'date',
    width: 12,
    value: (r) => parisCalendarDate(r.first_detected_at),
  },
  { header: 'N° d’engagement', kind: 'text', width: 22, value: (r) => r.numero_bon_commande },
  { header: 'Id Chorus', kind: 'text', width: 12, value: (r) => r.id_facture },
  { header: 'Id anomalie', kind: 'text', width: 10, value: (r) => r.id },
];
