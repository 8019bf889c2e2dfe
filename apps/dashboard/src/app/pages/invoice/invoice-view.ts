import type {
  AstreInvoiceDto,
  ChorusInvoiceDto,
  InvoiceDetailDto,
  PaymentDelayDto,
  StatusEventDto,
} from '@cd31/contracts';
import {
  ASTRE_STATE_LABELS,
  chorusStatusLabel,
  isAstreState,
  RECYCLE_COMMENT_MAX_LENGTH,
} from '@cd31/domain';
import { formatDateFr, formatEuro } from '@cd31/ui';

/** How the page shows one invoice: pure shaping of InvoiceDetailDto, tested on its own. */

export interface ComparisonRow {
  readonly label: string;
  readonly chorus: string;
  /** Null: ASTRE has no such field (the cell says so). */
  readonly astre: string | null;
  /** The API found the two sides different (InvoiceDetailDto.differences). */
  readonly differs: boolean;
}

const dash = (value: string | number | null | undefined): string =>
  value === null || value === undefined || value === '' ? '—' : String(value);

export function astreStateLabel(state: string | null | undefined): string {
  if (!state) {
    return '—';
  }
  return isAstreState(state) ? ASTRE_STATE_LABELS[state] : state;
}

export const MATCH_METHOD_LABELS: Readonly<Record<string, string | undefined>> = {
  chorus_id: 'par le numéro Chorus Pro saisi dans ASTRE',
  supplier_number: 'par le SIRET du fournisseur et le numéro de facture',
  supplier_number_amount: 'par le SIRET du fournisseur, le numéro de facture et le montant',
};

export const STATUS_SOURCE_LABELS: Readonly<Record<string, string | undefined>> = {
  sync: 'synchronisation',
  historique: 'historique Chorus Pro',
  recyclage: 'envoi à recycler',
};

/**
 * Chorus Pro beside ASTRE, field by field. `field` is the ChorusInvoiceDto property the API names
 * in `differences`; rows without an ASTRE counterpart are listed after, with `astre: null`.
 */
export function comparisonRows(detail: InvoiceDetailDto): ComparisonRow[] {
  const c: ChorusInvoiceDto = detail.chorus;
  const a: AstreInvoiceDto | null = detail.astre;
  const differences = new Set(detail.differences);
  const row = (
    field: keyof ChorusInvoiceDto,
    label: string,
    chorus: string,
    astre: string | null,
  ): ComparisonRow => ({ label, chorus, astre: a ? astre : '—', differs: differences.has(field) });
  const chorusOnly = (label: string, chorus: string): ComparisonRow => ({
    label,
    chorus,
    astre: null,
    differs: false,
  });
  return [
    row('numeroFacture', 'N° de facture', dash(c.numeroFacture), dash(a?.invoiceNumber)),
    row('budgetCode', 'Budget', `${c.budgetCode} — ${c.budgetLabel}`, dash(a?.budgetCode)),
    row('supplierSiret', 'SIRET du fournisseur', dash(c.supplierSiret), dash(a?.supplierSiret)),
    row('supplierName', 'Fournisseur', dash(c.supplierName), dash(a?.supplierName)),
    row(
      'invoiceDate',
      'Date de facture',
      dash(formatDateFr(c.invoiceDate)),
      dash(formatDateFr(a?.invoiceDate)),
    ),
    row('amountTtc', 'Montant TTC', dash(formatEuro(c.amountTtc)), dash(formatEuro(a?.amountTtc))),
    row('engagement', 'Engagement', dash(c.engagement), dash(a?.engagement)),
    row(
      'serviceCode',
      'Code service',
      c.serviceName ? `${dash(c.serviceCode)} — ${c.serviceName}` : dash(c.serviceCode),
      dash(a?.serviceCode),
    ),
    row('status', 'Statut / état', chorusStatusLabel(c.status), astreStateLabel(a?.etat)),
    chorusOnly('Type', [c.typeFacture, c.typeDemandePaiement].filter(Boolean).join(' · ') || '—'),
    chorusOnly('SIRET destinataire', dash(c.recipientSiret)),
    chorusOnly('Marché', dash(c.marche)),
    chorusOnly('Déposée le', dash(formatDateFr(c.depositDate))),
    chorusOnly('Montant HT', dash(formatEuro(c.amountHt))),
    chorusOnly('Première mise à disposition', dash(formatDateFr(c.firstMadAt))),
  ];
}

/** What only ASTRE knows about the invoice. */
export function astreFacts(astre: AstreInvoiceDto): { label: string; value: string }[] {
  return [
    { label: 'Intégrée le', value: dash(formatDateFr(astre.integrationDate)) },
    { label: 'N° Chorus Pro saisi', value: dash(astre.chorusInvoiceId) },
    {
      label: 'Mandat',
      value: astre.mandatNumber
        ? `n° ${astre.mandatNumber}${astre.mandatDate ? ` du ${formatDateFr(astre.mandatDate)}` : ''}`
        : '—',
    },
    {
      label: 'Rapprochement',
      value: MATCH_METHOD_LABELS[astre.matchMethod] ?? astre.matchMethod,
    },
  ];
}

/** Oldest first, the current status last: a timeline reads in order. */
export function statusTimeline(events: readonly StatusEventDto[]): StatusEventDto[] {
  return [...events].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
}

const rateFormat = new Intl.NumberFormat('fr-FR', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** 12.25 → « 12,25 % ». */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${rateFormat.format(rate)} %`;
}

/** One French sentence saying where the 30-day clock stands. */
export function paymentDelaySummary(delay: PaymentDelayDto): string {
  if (delay.settled) {
    return 'Délai arrêté : la facture est mandatée.';
  }
  if (delay.startDate === null) {
    return "Le délai n'a pas commencé : la facture n'a pas encore été mise à disposition.";
  }
  if (delay.suspendedNow) {
    return 'Délai suspendu : la facture est suspendue en attente de pièces du fournisseur.';
  }
  if (delay.daysLate > 0) {
    return `Délai dépassé de ${delay.daysLate} jour${delay.daysLate > 1 ? 's' : ''} : des intérêts moratoires et l'indemnité de 40 € sont dus.`;
  }
  if (delay.daysLeft !== null) {
    return `${delay.daysLeft} jour${delay.daysLeft > 1 ? 's' : ''} avant l'échéance du délai de paiement.`;
  }
  return 'Délai en cours.';
}

// ---------------------------------------------------------------------------------------------
// Recycle comment

/** What is sent: NFC (accents as one character, as Chorus Pro counts them), no outer spaces. */
export function prepareRecycleComment(text: string): string {
  return text.normalize('NFC').trim();
}

export interface RecycleCommentCheck {
  readonly length: number;
  readonly max: number;
  /** « 187 / 255 » */
  readonly counter: string;
  readonly tooLong: boolean;
  readonly empty: boolean;
  /** French reason the comment cannot be sent as it is, or null. */
  readonly problem: string | null;
}

/**
 * The live counter of the comment box. The length is that of the text that will be sent, in
 * JavaScript characters after NFC — the measure the domain's comment drafting uses against 255.
 */
export function checkRecycleComment(
  text: string,
  max: number = RECYCLE_COMMENT_MAX_LENGTH,
): RecycleCommentCheck {
  const length = prepareRecycleComment(text).length;
  const tooLong = length > max;
  const empty = length === 0;
  return {
    length,
    max,
    counter: `${length} / ${max}`,
    tooLong,
    empty,
    problem: tooLong
      ? `Le commentaire dépasse ${max} caractères de ${length - max} : Chorus Pro le tronquerait. Raccourcissez-le.`
      : empty
        ? 'Le commentaire est vide : écrivez ce que le fournisseur doit corriger.'
        : null,
  };
}
