import type { AnomalyActor, AnomalyCode, AnomalySeverity, AnomalyState } from '@cd31/domain';

/** Columns the anomaly list can be sorted by (server-side). */
export const ANOMALY_SORT_FIELDS = [
  'budget',
  'code',
  'severity',
  'invoiceNumber',
  'supplier',
  'amountTtc',
  'chorusStatus',
  'daysInStatus',
  'dgpDaysLeft',
  'eurosAtRisk',
  'state',
  'assignee',
  'firstDetectedAt',
] as const;
export type AnomalySortField = (typeof ANOMALY_SORT_FIELDS)[number];

/**
 * Filters of the anomaly list, as query parameters (`?budget=62&budget=01&code=…`). The same
 * filters drive the page, the counts and the exports, so an export is exactly the current view.
 */
export interface AnomalyFilters {
  readonly budget?: readonly string[];
  readonly code?: readonly AnomalyCode[];
  readonly severity?: readonly AnomalySeverity[];
  /** Default: OUVERTE and EN_COURS. */
  readonly state?: readonly AnomalyState[];
  /** A user id, `me`, or `none` (unassigned). */
  readonly assignee?: string;
  /** Supplier SIRET (exact) or a fragment of its name. */
  readonly supplier?: string;
  readonly chorusStatus?: readonly string[];
  /** Days since the anomaly was first detected. */
  readonly minAgeDays?: number;
  readonly maxAgeDays?: number;
  /** Amount TTC bounds, in euros. */
  readonly minAmount?: number;
  readonly maxAmount?: number;
  readonly minEurosAtRisk?: number;
  /** Free text on invoice number, supplier name or SIRET, engagement. */
  readonly q?: string;
}

export interface AnomalyListQuery extends AnomalyFilters {
  readonly sort?: AnomalySortField;
  readonly dir?: 'asc' | 'desc';
  readonly offset?: number;
  /** At most 500. */
  readonly limit?: number;
  /**
   * `false`: a full page comes without its total (`total: null`). The grid asks for the total
   * with its first block only; counting every match again for each block scrolled is wasted.
   */
  readonly withTotal?: boolean;
}

export interface UserRefDto {
  readonly id: string;
  readonly displayName: string;
}

/** One row of the anomaly grid. */
export interface AnomalyRowDto {
  readonly id: number;
  readonly code: AnomalyCode;
  readonly severity: AnomalySeverity;
  readonly actor: AnomalyActor;
  readonly state: AnomalyState;
  readonly budgetCode: string;
  readonly budgetLabel: string;
  /** Null for ABSENTE_CHORUS (an ASTRE row the sync never saw). */
  readonly idFacture: number | null;
  readonly invoiceNumber: string | null;
  readonly supplierSiret: string | null;
  readonly supplierName: string | null;
  /** Decimal string, e.g. "1234.56". */
  readonly amountTtc: string | null;
  readonly chorusStatus: string | null;
  /** Whole days since the current Chorus status (Europe/Paris calendar days). */
  readonly daysInStatus: number | null;
  /** Days left in the 30-day delay (null when not running). */
  readonly dgpDaysLeft: number | null;
  readonly dgpDaysLate: number | null;
  /** Decimal string in euros. */
  readonly eurosAtRisk: string;
  readonly assignee: UserRefDto | null;
  readonly firstDetectedAt: string;
  /** When a reconciliation last found it changed or back (runs that find it as it was write nothing). */
  readonly lastDetectedAt: string;
  readonly resolvedAt: string | null;
  readonly resolutionReason: string | null;
  readonly notesCount: number;
  /** Code-specific facts: the suggested engagement, the ASTRE budget, the amounts compared… */
  readonly details: Record<string, unknown>;
}

/** A page for ag-grid's infinite row model: `total` is the last row index + 1. */
export interface AnomalyPageDto {
  readonly rows: readonly AnomalyRowDto[];
  /** Every match of the filters; null when not asked for (`withTotal=false`) on a full page. */
  readonly total: number | null;
}

export interface AnomalyCountsDto {
  readonly byCode: readonly { readonly code: AnomalyCode; readonly count: number }[];
  readonly byBudget: readonly { readonly budgetCode: string; readonly count: number }[];
  readonly total: number;
}

/** Triage of one or several anomalies. */
export interface AnomalyUpdateRequest {
  readonly state?: AnomalyState;
  /** A user id, or null to unassign. `me` assigns the caller. */
  readonly assigneeId?: string | null;
  /** Required to ignore; kept as a note. */
  readonly comment?: string;
}

export interface AnomalyBulkUpdateRequest extends AnomalyUpdateRequest {
  readonly ids: readonly number[];
}

export interface AnomalyBulkUpdateResultDto {
  readonly updated: number;
  /** Ids refused, with the French reason (e.g. a transition not allowed from their state). */
  readonly refused: readonly { readonly id: number; readonly reason: string }[];
}

export interface AnomalyNoteDto {
  readonly id: number;
  readonly author: UserRefDto | null;
  readonly at: string;
  readonly text: string;
}

export interface AnomalyHistoryEntryDto {
  readonly at: string;
  readonly actor: UserRefDto | null;
  /** detected | resolved_auto | reopened | state | assigned | note */
  readonly kind: string;
  readonly fromState: AnomalyState | null;
  readonly toState: AnomalyState | null;
  /** French sentence describing the change. */
  readonly description: string;
}

export interface AnomalyDetailDto extends AnomalyRowDto {
  readonly notes: readonly AnomalyNoteDto[];
  readonly history: readonly AnomalyHistoryEntryDto[];
}

export interface StatusEventDto {
  readonly status: string;
  readonly at: string;
  readonly comment: string | null;
  /** sync | historique | recyclage */
  readonly source: string;
}

export interface ChorusInvoiceDto {
  readonly idFacture: number;
  readonly numeroFacture: string;
  readonly typeFacture: string | null;
  readonly typeDemandePaiement: string | null;
  readonly supplierSiret: string | null;
  readonly supplierName: string | null;
  readonly recipientSiret: string | null;
  readonly budgetCode: string;
  readonly budgetLabel: string;
  readonly serviceCode: string | null;
  readonly serviceName: string | null;
  readonly engagement: string | null;
  readonly marche: string | null;
  readonly invoiceDate: string | null;
  readonly depositDate: string | null;
  readonly amountHt: string | null;
  readonly amountTtc: string | null;
  readonly status: string;
  readonly statusAt: string | null;
  readonly statusComment: string | null;
  readonly firstMadAt: string | null;
}

export interface AstreInvoiceDto {
  readonly rowKey: string;
  readonly budgetCode: string;
  readonly chorusInvoiceId: number | null;
  readonly invoiceNumber: string;
  readonly supplierSiret: string;
  readonly supplierName: string | null;
  readonly invoiceDate: string | null;
  readonly integrationDate: string;
  readonly amountTtc: string;
  readonly engagement: string | null;
  readonly serviceCode: string | null;
  readonly etat: string;
  readonly mandatNumber: string | null;
  readonly mandatDate: string | null;
  /** How it was matched: chorus_id | supplier_number | supplier_number_amount. */
  readonly matchMethod: string;
}

/** The payment-delay clock of one invoice (domain.md §8), as of today. */
export interface PaymentDelayDto {
  readonly running: boolean;
  readonly startDate: string | null;
  readonly dueDate: string | null;
  readonly ordonnateurDueDate: string | null;
  readonly daysElapsed: number | null;
  readonly daysLeft: number | null;
  readonly ordonnateurDaysLeft: number | null;
  readonly daysLate: number;
  readonly suspendedNow: boolean;
  readonly settled: boolean;
  /** Percent, e.g. 12.25. */
  readonly interestRate: number | null;
  readonly interest: string;
  readonly indemnity: string;
  readonly eurosAtRisk: string;
}

export type RecycleSendMode = 'off' | 'dry-run' | 'on';

export interface RecycleDraftDto {
  /** Null when the invoice has no routing anomaly to explain. */
  readonly text: string | null;
  readonly maxLength: number;
  /** Whether "Envoyer à recycler" is possible now; when not, `reason` says why in French. */
  readonly allowed: boolean;
  readonly reason: string | null;
  readonly mode: RecycleSendMode;
}

export interface InvoiceDetailDto {
  readonly chorus: ChorusInvoiceDto;
  readonly astre: AstreInvoiceDto | null;
  /** Field names (of ChorusInvoiceDto) whose value differs from ASTRE's. */
  readonly differences: readonly string[];
  readonly statusHistory: readonly StatusEventDto[];
  readonly anomalies: readonly AnomalyDetailDto[];
  readonly paymentDelay: PaymentDelayDto;
  readonly recycle: RecycleDraftDto;
}

export interface RecycleRequest {
  /** The comment sent as motif (≤ 255 characters). */
  readonly comment: string;
}

export interface RecycleResultDto {
  readonly mode: RecycleSendMode;
  /** True when Chorus Pro was actually called (mode `on`). */
  readonly sent: boolean;
  readonly newStatus: string | null;
  readonly message: string;
}

/**
 * Families of the current Chorus Pro status, for the stacked "received per month" chart (stable
 * keys; the dashboard gives them their French labels and colours):
 * - `EN_ACHEMINEMENT` — en acheminement (DEPOSEE, EN_COURS_ACHEMINEMENT);
 * - `MISE_A_DISPOSITION` — à traiter (MISE_A_DISPOSITION);
 * - `EN_TRAITEMENT` — en traitement dans le service (SERVICE_FAIT, COMPLETEE);
 * - `MANDATEE_OU_PAYEE` — sortie des mains de l'ordonnateur (MANDATEE,
 *   MISE_A_DISPOSITION_COMPTABLE, COMPTABILISEE, MISE_EN_PAIEMENT);
 * - `RETOUR_FOURNISSEUR` — attend le fournisseur (A_RECYCLER, SUSPENDUE);
 * - `REJETEE` — rejetée, le fournisseur émet une nouvelle facture (REJETEE);
 * - `AUTRE` — any status outside the recipient's list.
 */
export const BUDGET_STATUS_FAMILIES = [
  'EN_ACHEMINEMENT',
  'MISE_A_DISPOSITION',
  'EN_TRAITEMENT',
  'MANDATEE_OU_PAYEE',
  'RETOUR_FOURNISSEUR',
  'REJETEE',
  'AUTRE',
] as const;
export type BudgetStatusFamily = (typeof BUDGET_STATUS_FAMILIES)[number];

/** The ageing buckets, in days since the first mise à disposition (Paris calendar days). */
export const BUDGET_AGEING_BUCKETS = ['0–5', '6–10', '11–20', '21–30', '> 30'] as const;
export type BudgetAgeingBucket = (typeof BUDGET_AGEING_BUCKETS)[number];

/**
 * Per-budget aggregates for the managers' charts (`GET /stats/budgets?from=YYYY-MM&to=YYYY-MM&budget=62`).
 * Only `received` and `monthly` depend on the period; the other figures are the situation now,
 * so that they match the anomaly list a chart links to.
 */
export interface BudgetStatsDto {
  /** `YYYY-MM`, inclusive. */
  readonly from: string;
  readonly to: string;
  /** The sums of `perBudget`. */
  readonly tiles: {
    readonly received: number;
    readonly stuck: number;
    readonly late: number;
    readonly atRiskNext5Days: number;
    readonly eurosAtRisk: string;
  };
  /**
   * Invoices received per month (deposit date; when Chorus Pro gave none, the date of the first
   * status, in Paris) by current status family (`BUDGET_STATUS_FAMILIES`). Sparse: a month or a
   * family without invoices is absent. Sorted by month, then family order.
   */
  readonly monthly: readonly {
    /** `YYYY-MM`. */
    readonly month: string;
    readonly statusFamily: string;
    readonly count: number;
  }[];
  /**
   * Every active budget the caller may see (only the one asked for with `budget`), zeros included,
   * plus an inactive budget that still has figures; by budget code.
   * - `received`: invoices received in the period;
   * - `stuck`: invoices with an open or in-progress anomaly MAD_NON_INTEGREE,
   *   MAD_STATUT_NON_REMONTE or MAD_EN_TRAITEMENT — the anomaly list filtered on those codes;
   * - `late`: open invoices past their payment delay (DGP), as of the last reconciliation;
   * - `atRiskNext5Days`: open invoices whose delay runs, not late, due within 0 to 5 days;
   * - `eurosAtRisk`: moratorium interest + 40 € indemnities, owed or about to be (decimal string,
   *   2 decimals, e.g. "1234.56").
   */
  readonly perBudget: readonly {
    readonly budgetCode: string;
    readonly budgetLabel: string;
    readonly received: number;
    readonly stuck: number;
    readonly late: number;
    readonly atRiskNext5Days: number;
    readonly eurosAtRisk: string;
  }[];
  /**
   * Open invoices (MISE_A_DISPOSITION, SERVICE_FAIT, A_RECYCLER, SUSPENDUE, COMPLETEE) by Paris
   * calendar days since their first mise à disposition: always the five `BUDGET_AGEING_BUCKETS`
   * (`0–5`, `6–10`, `11–20`, `21–30`, `> 30`), in that order, zeros included.
   */
  readonly ageing: readonly { readonly bucket: string; readonly count: number }[];
}

/** One row of the invoice search (the "Factures" page). */
export interface InvoiceSearchRowDto {
  readonly idFacture: number;
  readonly numeroFacture: string;
  readonly budgetCode: string;
  readonly supplierName: string | null;
  readonly supplierSiret: string | null;
  readonly amountTtc: string | null;
  readonly status: string;
  readonly statusAt: string | null;
  readonly depositDate: string | null;
  readonly openAnomalies: number;
}

export interface InvoiceSearchPageDto {
  readonly rows: readonly InvoiceSearchRowDto[];
  readonly total: number;
}
