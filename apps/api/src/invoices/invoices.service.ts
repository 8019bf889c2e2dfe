import { ChorusClient, ChorusError } from '@cd31/chorus-client';
import type {
  AstreInvoiceDto,
  ChorusInvoiceDto,
  InvoiceDetailDto,
  InvoiceSearchPageDto,
  PaymentDelayDto,
  RecycleDraftDto,
  RecycleResultDto,
  RecycleSendMode,
  StatusEventDto,
} from '@cd31/contracts';
import {
  CHORUS_STATUS_LABELS,
  computePaymentDelay,
  isChorusStatus,
  isPaymentDelayOpen,
  isRecycleAnomaly,
  isSettledStatus,
  RECYCLE_COMMENT_MAX_LENGTH,
  renderRecycleComment,
  validateRecycleTemplates,
  DEFAULT_RECYCLE_TEMPLATES,
  type RecycleCommentTemplates,
} from '@cd31/domain';
import {
  BadGatewayException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AnomaliesService } from '../anomalies/anomalies.service';
import { AuditService } from '../audit/audit.service';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { CHORUS_CLIENT } from '../chorus-sync/chorus-client.provider';
import { InvoiceStore } from '../chorus-sync/invoice-store';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { loadSuspensions } from '../reconciliation/payment-delay.step';
import { loadInterestRates } from '../reconciliation/reconciliation-settings';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { RecyclePolicy } from './recycle-policy';

interface InvoiceRow {
  id_facture: string;
  numero_facture: string;
  type_facture: string | null;
  type_demande_paiement: string | null;
  code_fournisseur: string | null;
  designation_fournisseur: string | null;
  code_destinataire: string | null;
  id_destinataire: string | null;
  budget_code: string;
  budget_label: string;
  budget_siret: string;
  code_service_executant: string | null;
  nom_service_executant: string | null;
  numero_bon_commande: string | null;
  numero_marche: string | null;
  date_facture: string | null;
  date_depot: string | null;
  montant_ht: string | null;
  montant_ttc: string | null;
  statut: string;
  date_heure_etat_courant: Date | null;
  commentaire_etat_courant: string | null;
  first_mad_at: Date | null;
  budget_id: number;
}

interface AstreRow {
  row_key: string;
  budget_code: string;
  chorus_invoice_id: string | null;
  invoice_number: string;
  supplier_siret: string;
  supplier_name: string | null;
  invoice_date: string | null;
  integration_date: string;
  amount_ttc: string;
  engagement_number: string | null;
  service_code: string | null;
  etat: string;
  mandat_number: string | null;
  mandat_date: string | null;
  method: string;
}

const money = (cents: number): string => (cents / 100).toFixed(2);

/** One invoice's full picture, the invoice search, and sending an invoice back "à recycler". */
@Injectable()
export class InvoicesService {
  private readonly policy: RecyclePolicy;
  private readonly store = new InvoiceStore();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CHORUS_CLIENT) private readonly client: ChorusClient | null,
    private readonly anomalies: AnomaliesService,
    private readonly reconciliation: ReconciliationService,
    private readonly audit: AuditService,
  ) {
    this.policy = new RecyclePolicy(client);
  }

  get sendMode(): RecycleSendMode {
    return this.config.recycleSendMode;
  }

  async detail(
    idFacture: number,
    user: AuthenticatedUser,
    now = new Date(),
  ): Promise<InvoiceDetailDto> {
    const invoice = await this.invoice(idFacture, user);
    const [astre] = await this.dataSource.query<AstreRow[]>(
      `SELECT a.*, m.method, to_char(a.invoice_date, 'YYYY-MM-DD') AS invoice_date,
              to_char(a.integration_date, 'YYYY-MM-DD') AS integration_date, to_char(a.mandat_date, 'YYYY-MM-DD') AS mandat_date
         FROM invoice_match m JOIN astre_invoice a ON a.row_key = m.astre_row_key WHERE m.id_facture = $1`,
      [idFacture],
    );
    const events = await this.dataSource.query<
      { statut: string; at: Date; commentaire: string | null; source: string }[]
    >(
      `SELECT statut, at, commentaire, source FROM invoice_status_event WHERE id_facture = $1 ORDER BY at, statut`,
      [idFacture],
    );
    const anomalyIds = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM anomaly WHERE id_facture = $1
        ORDER BY (state IN ('OUVERTE', 'EN_COURS')) DESC, CASE severity WHEN 'CRITIQUE' THEN 1 WHEN 'MAJEURE' THEN 2 ELSE 3 END, id`,
      [idFacture],
    );
    const anomalies = await this.anomalies.details(
      anomalyIds.map((a) => Number(a.id)),
      user,
    );
    const chorus = toChorusDto(invoice);
    const astreDto = astre ? toAstreDto(astre) : null;
    return {
      chorus,
      astre: astreDto,
      differences: astreDto ? differences(chorus, astreDto) : [],
      statusHistory: events.map(
        (e): StatusEventDto => ({
          status: e.statut,
          at: e.at.toISOString(),
          comment: e.commentaire,
          source: e.source,
        }),
      ),
      anomalies,
      paymentDelay: await this.paymentDelay(invoice, events, now),
      recycle: await this.recycleDraft(invoice, anomalies),
    };
  }

  async search(
    query: { q?: string; budget?: string; status?: string; offset?: number; limit?: number },
    user: AuthenticatedUser,
  ): Promise<InvoiceSearchPageDto> {
    const params: unknown[] = [];
    const conditions: string[] = ['true'];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (user.budgetCodes) {
      conditions.push(`b.code = ANY(${param(user.budgetCodes)}::text[])`);
    }
    if (query.budget) {
      conditions.push(`b.code = ${param(query.budget)}`);
    }
    if (query.status) {
      conditions.push(`c.statut = ${param(query.status)}`);
    }
    if (query.q) {
      const like = param(`%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      const digits = query.q.replace(/\s/g, '');
      conditions.push(
        `(c.numero_facture ILIKE ${like} OR c.designation_fournisseur ILIKE ${like} OR c.numero_bon_commande ILIKE ${like}` +
          (/^\d+$/.test(digits)
            ? ` OR c.code_fournisseur LIKE ${param(`${digits}%`)} OR c.id_facture::text = ${param(digits)}`
            : '') +
          ')',
      );
    }
    const where = conditions.join(' AND ');
    const limit = Math.min(query.limit ?? 50, 200);
    const rows = await this.dataSource.query<
      {
        id_facture: string;
        numero_facture: string;
        budget_code: string;
        designation_fournisseur: string | null;
        code_fournisseur: string | null;
        montant_ttc: string | null;
        statut: string;
        date_heure_etat_courant: Date | null;
        date_depot: string | null;
        open_anomalies: number;
      }[]
    >(
      `SELECT c.id_facture, c.numero_facture, b.code AS budget_code, c.designation_fournisseur, c.code_fournisseur,
              c.montant_ttc, c.statut, c.date_heure_etat_courant, to_char(c.date_depot, 'YYYY-MM-DD') AS date_depot,
              (SELECT count(*) FROM anomaly a WHERE a.id_facture = c.id_facture AND a.state IN ('OUVERTE', 'EN_COURS'))::int AS open_anomalies
         FROM chorus_invoice c JOIN budget b ON b.id = c.budget_id
        WHERE ${where}
        ORDER BY c.date_heure_etat_courant DESC NULLS LAST, c.id_facture DESC
        OFFSET ${query.offset ?? 0} LIMIT ${limit}`,
      params,
    );
    const [total] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM chorus_invoice c JOIN budget b ON b.id = c.budget_id WHERE ${where}`,
      params,
    );
    return {
      total: total?.n ?? 0,
      rows: rows.map((r) => ({
        idFacture: Number(r.id_facture),
        numeroFacture: r.numero_facture,
        budgetCode: r.budget_code,
        supplierName: r.designation_fournisseur,
        supplierSiret: r.code_fournisseur,
        amountTtc: r.montant_ttc,
        status: r.statut,
        statusAt: r.date_heure_etat_courant?.toISOString() ?? null,
        depositDate: r.date_depot,
        openAnomalies: r.open_anomalies,
      })),
    };
  }

  /**
   * "Envoyer à recycler": traiter/recue with A_RECYCLER and the comment, only when Chorus Pro allows
   * it from the current status; in dry-run nothing leaves; the invoice is re-read afterwards.
   */
  async recycle(
    idFacture: number,
    comment: string,
    user: AuthenticatedUser,
  ): Promise<RecycleResultDto> {
    const motif = comment.normalize('NFC').trim();
    if (motif.length === 0 || motif.length > RECYCLE_COMMENT_MAX_LENGTH) {
      throw new UnprocessableEntityException(
        `Le commentaire doit comporter entre 1 et ${RECYCLE_COMMENT_MAX_LENGTH} caractères (il en a ${motif.length}).`,
      );
    }
    const invoice = await this.invoice(idFacture, user);
    const refusal = await this.refusalReason(invoice, true);
    if (refusal) {
      throw new ConflictException(refusal);
    }
    const mode = this.sendMode;
    const actor = auditActor(user);
    const base = {
      action: 'invoice.recycle',
      targetType: 'chorus_invoice',
      targetId: String(idFacture),
    };
    if (mode === 'dry-run' || !this.client) {
      await this.audit.record(actor, {
        ...base,
        before: { status: invoice.statut },
        after: { motif, mode: 'dry-run' },
      });
      return {
        mode: 'dry-run',
        sent: false,
        newStatus: null,
        message:
          'Mode simulation : rien n’a été envoyé à Chorus Pro. Voici exactement ce qui serait envoyé.',
      };
    }
    try {
      const result = await this.client.processReceivedInvoice({
        idFacture,
        nouveauStatut: 'A_RECYCLER',
        motif,
      });
      await this.audit.record(actor, {
        ...base,
        before: { status: invoice.statut },
        after: {
          motif,
          mode,
          newStatus: result.nouveauStatut,
          dateTraitement: result.dateTraitement,
        },
      });
    } catch (error) {
      await this.audit.record(actor, { ...base, after: { motif, mode }, outcome: 'failure' });
      if (error instanceof ChorusError) {
        throw new BadGatewayException(
          `Chorus Pro a refusé le renvoi à recycler${error.libelle ? ` (${error.libelle})` : ''} : la facture n’a pas changé.`,
        );
      }
      throw error;
    }
    const newStatus = await this.resync(invoice);
    await this.reconciliation.run({ kind: 'invoices', ids: [idFacture] }, 'recycle');
    return {
      mode,
      sent: true,
      newStatus,
      message: `Facture renvoyée à recycler : le fournisseur lira votre commentaire dans Chorus Pro.`,
    };
  }

  private async invoice(idFacture: number, user: AuthenticatedUser): Promise<InvoiceRow> {
    const [invoice] = await this.dataSource.query<InvoiceRow[]>(
      `SELECT c.*, b.code AS budget_code, b.label AS budget_label, b.siret AS budget_siret,
              to_char(c.date_facture, 'YYYY-MM-DD') AS date_facture, to_char(c.date_depot, 'YYYY-MM-DD') AS date_depot
         FROM chorus_invoice c JOIN budget b ON b.id = c.budget_id WHERE c.id_facture = $1`,
      [idFacture],
    );
    if (!invoice) {
      throw new NotFoundException(`La facture Chorus Pro ${idFacture} n’est pas connue.`);
    }
    if (user.budgetCodes && !user.budgetCodes.includes(invoice.budget_code)) {
      throw new ForbiddenException('Vous n’avez pas accès à ce budget.');
    }
    return invoice;
  }

  private async paymentDelay(
    invoice: InvoiceRow,
    events: readonly { statut: string; at: Date }[],
    now: Date,
  ): Promise<PaymentDelayDto> {
    if (!invoice.first_mad_at) {
      return emptyDelay();
    }
    const settledAt = events.find((e) => isSettledStatus(e.statut))?.at ?? null;
    const clock = computePaymentDelay({
      firstMadAt: invoice.first_mad_at,
      suspensions:
        (await loadSuspensions(this.dataSource.manager, [invoice.id_facture])).get(
          invoice.id_facture,
        ) ?? [],
      paidOrMandatedAt: isPaymentDelayOpen(invoice.statut) ? null : settledAt,
      now,
      ttc: Number(invoice.montant_ttc ?? 0),
      rates: await loadInterestRates(this.dataSource.manager),
    });
    return {
      running: !clock.settled && !clock.suspendedNow,
      startDate: clock.startDate,
      dueDate: clock.dueDate,
      ordonnateurDueDate: clock.ordonnateurDueDate,
      daysElapsed: clock.daysElapsed,
      daysLeft: clock.daysLeft,
      ordonnateurDaysLeft: clock.ordonnateurDaysLeft,
      daysLate: clock.daysLate,
      suspendedNow: clock.suspendedNow,
      settled: clock.settled,
      interestRate: clock.interest?.rate ?? null,
      interest: money(clock.interest?.amountCents ?? 0),
      indemnity: money(clock.late ? clock.indemnityCents : 0),
      eurosAtRisk: money(clock.eurosAtRiskCents),
    };
  }

  private async recycleDraft(
    invoice: InvoiceRow,
    anomalies: readonly { code: string; state: string; details: Record<string, unknown> }[],
  ): Promise<RecycleDraftDto> {
    const routing = anomalies.filter(
      (a) => isRecycleAnomaly(a.code) && ['OUVERTE', 'EN_COURS'].includes(a.state),
    );
    let text: string | null = null;
    if (routing.length > 0) {
      const budgetAnomaly = routing.find((a) => a.code === 'BUDGET_INCOHERENT');
      const expectedSiret =
        typeof budgetAnomaly?.details['expectedSiret'] === 'string'
          ? budgetAnomaly.details['expectedSiret']
          : null;
      const [expectedBudget] = expectedSiret
        ? await this.dataSource.query<{ label: string }[]>(
            `SELECT label FROM budget WHERE siret = $1`,
            [expectedSiret],
          )
        : [];
      const services = await this.dataSource.query<{ code_service: string }[]>(
        `SELECT code_service FROM chorus_service WHERE budget_id = $1 AND actif ORDER BY code_service`,
        [invoice.budget_id],
      );
      text =
        renderRecycleComment(
          routing.map((a) => a.code),
          {
            siretErrone: invoice.code_destinataire,
            siretAttendu: expectedSiret,
            budgetAttendu: expectedBudget?.label ?? null,
            codeService: invoice.code_service_executant,
            services: services.map((s) => s.code_service),
            engagement: invoice.numero_bon_commande,
          },
          await this.templates(),
        )?.text ?? null;
    }
    const reason = await this.refusalReason(invoice, routing.length > 0);
    return {
      text,
      maxLength: RECYCLE_COMMENT_MAX_LENGTH,
      allowed: reason === null,
      reason,
      mode: this.sendMode,
    };
  }

  /** Why "Envoyer à recycler" is not possible now, in French; null when it is. */
  private async refusalReason(
    invoice: InvoiceRow,
    hasRoutingAnomaly: boolean,
  ): Promise<string | null> {
    if (this.sendMode === 'off') {
      return 'L’envoi à Chorus Pro est désactivé par l’administrateur (réglage RECYCLE_SEND_MODE).';
    }
    if (!hasRoutingAnomaly) {
      return 'Aucune anomalie d’acheminement ouverte (SIRET, code service, engagement) : rien à faire corriger au fournisseur.';
    }
    if (!(await this.policy.canRecycleFrom(invoice.statut))) {
      const label = isChorusStatus(invoice.statut)
        ? CHORUS_STATUS_LABELS[invoice.statut]
        : invoice.statut;
      return `Au statut « ${label} », Chorus Pro n’accepte pas le renvoi « à recycler ».`;
    }
    return null;
  }

  private async templates(): Promise<RecycleCommentTemplates> {
    const [row] = await this.dataSource.query<{ value: RecycleCommentTemplates }[]>(
      `SELECT value FROM app_setting WHERE key = 'recycle_templates'`,
    );
    return row && validateRecycleTemplates(row.value).length === 0
      ? row.value
      : DEFAULT_RECYCLE_TEMPLATES;
  }

  /** Reads the invoice back from Chorus Pro (recipient search on its number) and stores it. */
  private async resync(invoice: InvoiceRow): Promise<string | null> {
    if (!this.client || !invoice.id_destinataire) {
      return null;
    }
    for await (const page of this.client.searchReceivedInvoices({
      idDestinataire: Number(invoice.id_destinataire),
      numeroFacture: invoice.numero_facture,
    })) {
      const mine = page.invoices.filter((i) => i.idFacture === Number(invoice.id_facture));
      if (mine.length > 0) {
        await this.dataSource.transaction((manager) =>
          this.store.upsertPage(manager, invoice.budget_id, mine),
        );
        return mine[0]?.statut ?? null;
      }
    }
    return null;
  }
}

function emptyDelay(): PaymentDelayDto {
  return {
    running: false,
    startDate: null,
    dueDate: null,
    ordonnateurDueDate: null,
    daysElapsed: null,
    daysLeft: null,
    ordonnateurDaysLeft: null,
    daysLate: 0,
    suspendedNow: false,
    settled: false,
    interestRate: null,
    interest: '0.00',
    indemnity: '0.00',
    eurosAtRisk: '0.00',
  };
}

function toChorusDto(row: InvoiceRow): ChorusInvoiceDto {
  return {
    idFacture: Number(row.id_facture),
    numeroFacture: row.numero_facture,
    typeFacture: row.type_facture,
    typeDemandePaiement: row.type_demande_paiement,
    supplierSiret: row.code_fournisseur,
    supplierName: row.designation_fournisseur,
    recipientSiret: row.code_destinataire,
    budgetCode: row.budget_code,
    budgetLabel: row.budget_label,
    serviceCode: row.code_service_executant,
    serviceName: row.nom_service_executant,
    engagement: row.numero_bon_commande,
    marche: row.numero_marche,
    invoiceDate: row.date_facture,
    depositDate: row.date_depot,
    amountHt: row.montant_ht,
    amountTtc: row.montant_ttc,
    status: row.statut,
    statusAt: row.date_heure_etat_courant?.toISOString() ?? null,
    statusComment: row.commentaire_etat_courant,
    firstMadAt: row.first_mad_at?.toISOString() ?? null,
  };
}

function toAstreDto(row: AstreRow): AstreInvoiceDto {
  return {
    rowKey: row.row_key,
    budgetCode: row.budget_code,
    chorusInvoiceId: row.chorus_invoice_id === null ? null : Number(row.chorus_invoice_id),
    invoiceNumber: row.invoice_number,
    supplierSiret: row.supplier_siret,
    supplierName: row.supplier_name,
    invoiceDate: row.invoice_date,
    integrationDate: row.integration_date,
    amountTtc: row.amount_ttc,
    engagement: row.engagement_number,
    serviceCode: row.service_code,
    etat: row.etat,
    mandatNumber: row.mandat_number,
    mandatDate: row.mandat_date,
    matchMethod: row.method,
  };
}

/** Fields of the Chorus invoice whose ASTRE value differs (names of ChorusInvoiceDto). */
function differences(chorus: ChorusInvoiceDto, astre: AstreInvoiceDto): string[] {
  const norm = (value: string | null): string =>
    (value ?? '').trim().toUpperCase().replace(/\s+/g, '');
  const result: string[] = [];
  if (chorus.budgetCode !== astre.budgetCode) {
    result.push('budgetCode');
  }
  if (norm(chorus.numeroFacture) !== norm(astre.invoiceNumber)) {
    result.push('numeroFacture');
  }
  if (norm(chorus.supplierSiret) !== norm(astre.supplierSiret)) {
    result.push('supplierSiret');
  }
  if (
    chorus.amountTtc !== null &&
    Math.abs(Number(chorus.amountTtc) - Number(astre.amountTtc)) > 0.005
  ) {
    result.push('amountTtc');
  }
  if (astre.engagement !== null && norm(chorus.engagement) !== norm(astre.engagement)) {
    result.push('engagement');
  }
  if (astre.serviceCode !== null && norm(chorus.serviceCode) !== norm(astre.serviceCode)) {
    result.push('serviceCode');
  }
  if (
    astre.invoiceDate !== null &&
    chorus.invoiceDate !== null &&
    astre.invoiceDate !== chorus.invoiceDate
  ) {
    result.push('invoiceDate');
  }
  return result;
}
