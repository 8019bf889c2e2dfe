import type { AnomalyRowDto, AnomalySortField } from '@cd31/contracts';
import {
  ANOMALY_CATALOGUE,
  ANOMALY_STATE_LABELS,
  anomalyLabel,
  chorusStatusLabel,
  isAnomalyCode,
  SEVERITY_DISPLAY,
} from '@cd31/domain';
import { formatEuro, formatInteger } from '@cd31/ui';
import type { ColDef, ICellRendererParams, ValueFormatterParams } from 'ag-grid-community';

/** « J-5 » / « 12 j de retard » / « — »: where the invoice stands in its 30-day delay. */
export function paymentDelayText(row: Pick<AnomalyRowDto, 'dgpDaysLeft' | 'dgpDaysLate'>): {
  text: string;
  late: boolean;
} {
  if (row.dgpDaysLate !== null && row.dgpDaysLate > 0) {
    return { text: `${formatInteger(row.dgpDaysLate)} j de retard`, late: true };
  }
  if (row.dgpDaysLeft !== null) {
    return {
      text: row.dgpDaysLeft <= 1 ? `${row.dgpDaysLeft} j restant` : `${row.dgpDaysLeft} j restants`,
      late: false,
    };
  }
  return { text: '—', late: false };
}

/** The anomaly's French label behind a chip in its severity's colour (and named, not only shown). */
export function anomalyCodeCell(row: Pick<AnomalyRowDto, 'code' | 'severity'>): HTMLElement {
  const cell = document.createElement('span');
  const display = SEVERITY_DISPLAY[row.severity];
  const chip = document.createElement('span');
  chip.className = 'cd31-chip';
  chip.style.setProperty('--chip-color', display?.colorHex ?? '#52606d');
  chip.textContent = display?.label ?? row.severity;
  const label = document.createElement('span');
  label.textContent = anomalyLabel(row.code);
  cell.append(chip, label);
  if (isAnomalyCode(row.code)) {
    cell.title = ANOMALY_CATALOGUE[row.code].description;
  }
  return cell;
}

function paymentDelayCell(row: AnomalyRowDto): HTMLElement {
  const { text, late } = paymentDelayText(row);
  const cell = document.createElement('span');
  cell.textContent = text;
  cell.className = late ? 'cd31-late' : text === '—' ? 'cd31-muted' : '';
  return cell;
}

const euro = (params: ValueFormatterParams<AnomalyRowDto>): string =>
  formatEuro(params.value as string | number | null | undefined);

/** Columns of the anomaly grid; each column id is the API's sort field, so sorting is the server's. */
export function anomalyColumns(): ColDef<AnomalyRowDto>[] {
  const column = (
    colId: AnomalySortField,
    headerName: string,
    definition: ColDef<AnomalyRowDto>,
  ): ColDef<AnomalyRowDto> => ({ colId, headerName, ...definition });
  return [
    column('budget', 'Budget', {
      valueGetter: (p) => p.data?.budgetCode,
      width: 95,
    }),
    column('code', 'Anomalie', {
      valueGetter: (p) => p.data?.code,
      cellRenderer: (p: ICellRendererParams<AnomalyRowDto>) =>
        p.data ? anomalyCodeCell(p.data) : '',
      minWidth: 240,
      flex: 2,
    }),
    column('invoiceNumber', 'N° facture', {
      valueGetter: (p) => p.data?.invoiceNumber ?? '—',
      minWidth: 125,
      flex: 1,
    }),
    column('supplier', 'Fournisseur', {
      valueGetter: (p) => p.data?.supplierName ?? p.data?.supplierSiret ?? '—',
      minWidth: 150,
      flex: 2,
    }),
    column('amountTtc', 'Montant TTC', {
      valueGetter: (p) => p.data?.amountTtc,
      valueFormatter: euro,
      type: 'rightAligned',
      width: 130,
    }),
    column('chorusStatus', 'Statut Chorus Pro', {
      valueGetter: (p) => (p.data ? chorusStatusLabel(p.data.chorusStatus) : ''),
      minWidth: 140,
      flex: 1,
    }),
    column('daysInStatus', 'Jours au statut', {
      valueGetter: (p) => p.data?.daysInStatus,
      valueFormatter: (p) =>
        p.value === null || p.value === undefined ? '—' : formatInteger(p.value as number),
      type: 'rightAligned',
      width: 100,
    }),
    column('dgpDaysLeft', 'Délai de paiement', {
      valueGetter: (p) => (p.data ? paymentDelayText(p.data).text : ''),
      cellRenderer: (p: ICellRendererParams<AnomalyRowDto>) =>
        p.data ? paymentDelayCell(p.data) : '',
      width: 140,
    }),
    column('eurosAtRisk', 'Euros à risque', {
      valueGetter: (p) => p.data?.eurosAtRisk,
      valueFormatter: euro,
      type: 'rightAligned',
      width: 120,
    }),
    column('state', 'État', {
      valueGetter: (p) => (p.data ? ANOMALY_STATE_LABELS[p.data.state] : ''),
      width: 100,
    }),
    column('assignee', 'Attribuée à', {
      valueGetter: (p) => (p.data ? (p.data.assignee?.displayName ?? '—') : ''),
      minWidth: 130,
      flex: 1,
    }),
  ];
}
