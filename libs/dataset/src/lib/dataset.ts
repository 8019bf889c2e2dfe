import { type AstreEtat, type AstreFactureRow } from './astre-model';
import {
  S_COMPLETEE,
  S_MANDATEE,
  S_MISE_A_DISPOSITION,
  statusFromCode,
  type StatusTransition,
} from './chorus-statuses';
import {
  BUDGET_WEIGHTS,
  engagementCountFor,
  generateEngagements,
  type AstreEngagement,
} from './engagements';
import {
  ABSENT_ID_FACTURE_BASE,
  ID_FACTURE_BASE,
  SUPPLIER_STRUCTURE_ID_BASE,
  generateInvoiceDraft,
  type CadreFacturation,
  type GenerationContext,
  type InvoiceDraft,
  type TypeDemandePaiement,
  type TypeFacture,
} from './invoices';
import {
  DAY_MS,
  civilFromDayNumber,
  formatIsoDay,
  parisDayNumber,
  parisMidnight,
} from './paris-time';
import { Prng } from './prng';
import { SCENARIO_BLOCK_SIZE, scenarioCode, type InvoiceScenario } from './scenarios';
import {
  CD31_STRUCTURES,
  DEFAULT_TECHNICAL_LOGIN,
  DEFAULT_TECHNICAL_PASSWORD,
  type ChorusStructure,
  type TechnicalAccount,
} from './structures';
import { formatInvoiceNumber, generateSuppliers, type Supplier } from './suppliers';

export interface DatasetOptions {
  /** Same seed + same options → same data. Default 31. */
  readonly seed?: number;
  /** Chorus invoices to generate. Default 3000; 1 000 000 works (compact columns, lazy records). */
  readonly invoiceCount?: number;
  /** The simulated "today". Default DEFAULT_DATASET_NOW. */
  readonly now?: Date;
  /** Ordinary invoices are deposited over this many months before `now`. Default 14. */
  readonly historyMonths?: number;
  /** Default 300. */
  readonly supplierCount?: number;
  /** The technical account's password expires this many days after `now`. Default 45. */
  readonly passwordExpiresInDays?: number;
}

/** Monday 16 June 2025, 09:30 in Paris: the default simulated today. */
export const DEFAULT_DATASET_NOW = new Date('2025-06-16T07:30:00.000Z');
export const DEFAULT_SEED = 31;
export const DEFAULT_INVOICE_COUNT = 3000;
export const DEFAULT_HISTORY_MONTHS = 14;

/** ASTRE-only rows per block of 200 invoices: 2 ABSENTE_CHORUS, then 2 HORS_CHORUS. */
export const ASTRE_ONLY_ROWS_PER_BLOCK = 4;

/** A Chorus Pro received invoice with its whole status timeline (past and simulated future). */
export interface ChorusInvoice {
  /** Position in the dataset (idFacture = ID_FACTURE_BASE + index). */
  readonly index: number;
  /** What the generator planted (for debugging; the truth is `expectedAnomalies`). */
  readonly scenario: InvoiceScenario;
  readonly idFacture: number;
  readonly numeroFacture: string;
  readonly typeDemandePaiement: TypeDemandePaiement;
  readonly typeFacture: TypeFacture;
  readonly cadreFacturation: CadreFacturation;
  readonly modeDepot: string;
  readonly idFournisseur: number;
  /** Supplier SIRET. */
  readonly codeFournisseur: string;
  readonly typeIdentifiantFournisseur: 'SIRET';
  readonly designationFournisseur: string;
  readonly budgetIndex: number;
  /** idStructureCPP of the budget. */
  readonly idDestinataire: number;
  /** Budget SIRET. */
  readonly codeDestinataire: string;
  readonly designationDestinataire: string;
  readonly idServiceExecutant: number | null;
  readonly codeServiceExecutant: string | null;
  readonly nomServiceExecutant: string | null;
  /** `YYYY-MM-DD`. */
  readonly dateFacture: string;
  /** Instant of DEPOSEE. */
  readonly dateDepot: Date;
  /** Euros, two decimals. */
  readonly montantHT: number;
  readonly montantTVA: number;
  readonly montantTTC: number;
  readonly montantAPayer: number;
  readonly tauxTva: number;
  readonly devise: 'EUR';
  readonly numeroMarche: string | null;
  /** The engagement number (numéro d'engagement), as the supplier typed it. */
  readonly numeroBonCommande: string | null;
  /** Every status change, oldest first; entries after the clock are the simulated future. */
  readonly timeline: readonly StatusTransition[];
  /** When ASTRE downloaded it (factureTelechargeeParDestinataire from then on), else null. */
  readonly downloadedAt: Date | null;
  /** Index of the invoice this one duplicates (DOUBLON plants), else null. */
  readonly duplicateOf: number | null;
}

/**
 * Per-invoice facts in typed arrays (index = invoice index): what a simulator holding a million
 * invoices indexes without building a million objects. Timeline i is entries
 * timelineOffsets[i] … timelineOffsets[i + 1] − 1.
 */
export interface DatasetColumns {
  readonly budgetIndex: Uint8Array;
  /** 0 FACTURE, 1 FACTURE_TRAVAUX. */
  readonly typeDemande: Uint8Array;
  /** 0 FACTURE, 1 AVOIR. */
  readonly typeFacture: Uint8Array;
  readonly scenario: Uint8Array;
  /** Instant of the first MISE_A_DISPOSITION: the invoice is visible to the recipient from then on. */
  readonly firstMadMs: Float64Array;
  /** Instant ASTRE downloaded the invoice; NaN when never. */
  readonly downloadedAtMs: Float64Array;
  readonly timelineOffsets: Uint32Array;
  /** Status codes (index in CHORUS_STATUSES). */
  readonly timelineStatus: Uint8Array;
  readonly timelineAtMs: Float64Array;
}

export interface Dataset {
  readonly seed: number;
  readonly now: Date;
  readonly historyMonths: number;
  readonly invoiceCount: number;
  readonly structures: readonly ChorusStructure[];
  readonly suppliers: readonly Supplier[];
  /** The ASTRE engagements reference list (all budgets). */
  readonly engagements: readonly AstreEngagement[];
  readonly technicalAccount: TechnicalAccount;
  readonly columns: DatasetColumns;
  readonly astreOnlyRowCount: number;
  /** Invoice `index`, regenerated from (seed, index): call freely, keep nothing. */
  invoice(index: number): ChorusInvoice;
  invoices(): IterableIterator<ChorusInvoice>;
  /** Index of an idFacture of this dataset, or -1. */
  indexOfIdFacture(idFacture: number): number;
  /** The ASTRE row of invoice `index` as exported at `now`, or null when ASTRE does not hold it. */
  astreRowOf(index: number): AstreFactureRow | null;
  /** ASTRE-only row k (ABSENTE_CHORUS or HORS_CHORUS). */
  astreOnlyRow(k: number): AstreFactureRow;
  /** Every ASTRE row at `now`, in export order. */
  astreFactureRows(): IterableIterator<AstreFactureRow>;
  /** The generator's internal draft of invoice `index` (instants as epoch ms). */
  draft(index: number): InvoiceDraft;
}

function astreEtatFromChorus(statusCode: number): AstreEtat {
  switch (statusFromCode(statusCode)) {
    case 'SERVICE_FAIT':
      return 'Service fait';
    case 'MANDATEE':
    case 'MISE_A_DISPOSITION_COMPTABLE':
    case 'COMPTABILISEE':
      return 'Mandatée';
    case 'MISE_EN_PAIEMENT':
      return 'Payée';
    case 'SUSPENDUE':
      return 'Suspendue';
    case 'REJETEE':
      return 'Rejetée';
    case 'A_RECYCLER':
      return 'A recycler';
    case 'DEPOSEE':
    case 'EN_COURS_ACHEMINEMENT':
    case 'MISE_A_DISPOSITION':
    case 'COMPLETEE':
      return 'Intégrée';
  }
}

const euros = (cents: number): number => Math.round(cents) / 100;

function structureAt(budgetIndex: number): ChorusStructure {
  const structure = CD31_STRUCTURES[budgetIndex];
  if (!structure) {
    throw new RangeError(`budget index ${budgetIndex}`);
  }
  return structure;
}

class GeneratedDataset implements Dataset {
  readonly structures = CD31_STRUCTURES;
  readonly columns: DatasetColumns;
  readonly astreOnlyRowCount: number;
  private readonly nowMs: number;

  constructor(
    readonly seed: number,
    readonly now: Date,
    readonly historyMonths: number,
    readonly invoiceCount: number,
    readonly suppliers: readonly Supplier[],
    readonly engagements: readonly AstreEngagement[],
    readonly technicalAccount: TechnicalAccount,
    private readonly ctx: GenerationContext,
  ) {
    this.nowMs = now.getTime();
    this.astreOnlyRowCount =
      Math.ceil(invoiceCount / SCENARIO_BLOCK_SIZE) * ASTRE_ONLY_ROWS_PER_BLOCK;
    this.columns = this.buildColumns();
  }

  private buildColumns(): DatasetColumns {
    const n = this.invoiceCount;
    const budgetIndex = new Uint8Array(n);
    const typeDemande = new Uint8Array(n);
    const typeFacture = new Uint8Array(n);
    const scenario = new Uint8Array(n);
    const firstMadMs = new Float64Array(n);
    const downloadedAtMs = new Float64Array(n);
    const timelineOffsets = new Uint32Array(n + 1);
    let capacity = Math.max(16, n * 8);
    let timelineStatus = new Uint8Array(capacity);
    let timelineAtMs = new Float64Array(capacity);
    let used = 0;
    for (let i = 0; i < n; i++) {
      const d = generateInvoiceDraft(this.ctx, i);
      budgetIndex[i] = d.budgetIndex;
      typeDemande[i] = d.typeDemande === 'FACTURE_TRAVAUX' ? 1 : 0;
      typeFacture[i] = d.typeFacture === 'AVOIR' ? 1 : 0;
      scenario[i] = scenarioCode(d.scenario);
      downloadedAtMs[i] = d.downloadedAtMs;
      firstMadMs[i] = d.tlAt[d.tlStatus.indexOf(S_MISE_A_DISPOSITION)] ?? Number.NaN;
      timelineOffsets[i] = used;
      if (used + d.tlStatus.length > capacity) {
        capacity *= 2;
        const status = new Uint8Array(capacity);
        status.set(timelineStatus);
        timelineStatus = status;
        const at = new Float64Array(capacity);
        at.set(timelineAtMs);
        timelineAtMs = at;
      }
      for (let k = 0; k < d.tlStatus.length; k++) {
        timelineStatus[used] = d.tlStatus[k] ?? 0;
        timelineAtMs[used] = d.tlAt[k] ?? 0;
        used++;
      }
    }
    timelineOffsets[n] = used;
    return {
      budgetIndex,
      typeDemande,
      typeFacture,
      scenario,
      firstMadMs,
      downloadedAtMs,
      timelineOffsets,
      timelineStatus: timelineStatus.slice(0, used),
      timelineAtMs: timelineAtMs.slice(0, used),
    };
  }

  draft(index: number): InvoiceDraft {
    if (!Number.isInteger(index) || index < 0 || index >= this.invoiceCount) {
      throw new RangeError(`No invoice ${index} in a dataset of ${this.invoiceCount}`);
    }
    return generateInvoiceDraft(this.ctx, index);
  }

  invoice(index: number): ChorusInvoice {
    return this.toInvoice(this.draft(index));
  }

  *invoices(): IterableIterator<ChorusInvoice> {
    for (let i = 0; i < this.invoiceCount; i++) {
      yield this.invoice(i);
    }
  }

  indexOfIdFacture(idFacture: number): number {
    const index = idFacture - ID_FACTURE_BASE;
    return Number.isInteger(index) && index >= 0 && index < this.invoiceCount ? index : -1;
  }

  private toInvoice(d: InvoiceDraft): ChorusInvoice {
    const structure = structureAt(d.budgetIndex);
    const supplier = this.suppliers[d.supplierIndex];
    if (!supplier) {
      throw new Error(`no supplier ${d.supplierIndex}`);
    }
    return {
      index: d.index,
      scenario: d.scenario,
      idFacture: ID_FACTURE_BASE + d.index,
      numeroFacture: d.numeroFacture,
      typeDemandePaiement: d.typeDemande,
      typeFacture: d.typeFacture,
      cadreFacturation: d.cadre,
      modeDepot: d.modeDepot,
      idFournisseur: SUPPLIER_STRUCTURE_ID_BASE + supplier.index,
      codeFournisseur: supplier.siret,
      typeIdentifiantFournisseur: 'SIRET',
      designationFournisseur: supplier.name,
      budgetIndex: d.budgetIndex,
      idDestinataire: structure.idStructureCPP,
      codeDestinataire: structure.siret,
      designationDestinataire: structure.designationStructure,
      idServiceExecutant: d.idServiceExecutant,
      codeServiceExecutant: d.codeServiceExecutant,
      nomServiceExecutant: d.nomServiceExecutant,
      dateFacture: formatIsoDay(d.dateFactureDay),
      dateDepot: new Date(d.tlAt[0] ?? 0),
      montantHT: euros(d.htCents),
      montantTVA: euros(d.tvaCents),
      montantTTC: euros(d.ttcCents),
      montantAPayer: euros(d.aPayerCents),
      tauxTva: d.tauxTva,
      devise: 'EUR',
      numeroMarche: d.numeroMarche,
      numeroBonCommande: d.numeroBonCommande,
      timeline: d.tlStatus.map((code, k) => ({
        statut: statusFromCode(code),
        at: new Date(d.tlAt[k] ?? 0),
        commentaire: d.tlComment[k] ?? null,
      })),
      downloadedAt: Number.isNaN(d.downloadedAtMs) ? null : new Date(d.downloadedAtMs),
      duplicateOf: d.duplicateOf < 0 ? null : d.duplicateOf,
    };
  }

  astreRowOf(index: number): AstreFactureRow | null {
    return this.astreRowOfDraft(this.draft(index));
  }

  private astreRowOfDraft(d: InvoiceDraft): AstreFactureRow | null {
    const plan = d.astre;
    if (!plan || !(d.downloadedAtMs <= this.nowMs)) {
      return null;
    }
    let current = -1;
    let mandateeAt = Number.NaN;
    let currentAt = Number.NaN;
    for (let k = 0; k < d.tlStatus.length; k++) {
      const at = d.tlAt[k] ?? Number.POSITIVE_INFINITY;
      if (at > this.nowMs) {
        break;
      }
      current = d.tlStatus[k] ?? current;
      currentAt = at;
      if (current === S_MANDATEE) {
        mandateeAt = at;
      }
    }
    const etat = plan.forcedEtat ?? astreEtatFromChorus(current < 0 ? S_COMPLETEE : current);
    let mandatAt = Number.NaN;
    if (etat === 'Mandatée' || etat === 'Payée') {
      mandatAt = !Number.isNaN(plan.forcedMandatAtMs)
        ? plan.forcedMandatAtMs
        : !Number.isNaN(mandateeAt)
          ? mandateeAt
          : currentAt;
    }
    const supplier = this.suppliers[d.supplierIndex];
    const budgetCode = structureAt(plan.budgetIndex).budget.code;
    const integrationDay = parisDayNumber(d.downloadedAtMs);
    return {
      kind: 'CHORUS',
      invoiceIndex: d.index,
      budget: plan.oneDigitBudget && budgetCode === '01' ? '1' : budgetCode,
      exercice: civilFromDayNumber(integrationDay).year,
      numeroChorus: plan.withChorusId ? ID_FACTURE_BASE + d.index : null,
      numeroFacture: plan.numeroFacture,
      siretFournisseur: plan.siret,
      fournisseur: supplier?.name ?? '',
      dateFacture: formatIsoDay(d.dateFactureDay),
      dateIntegration: formatIsoDay(integrationDay),
      montantTTCCents: d.ttcCents + plan.amountDeltaCents,
      numeroEngagement: plan.engagement,
      codeService: plan.codeService,
      etat,
      numeroMandat: Number.isNaN(mandatAt)
        ? null
        : `M${civilFromDayNumber(parisDayNumber(mandatAt)).year}-${String(d.index + 1).padStart(7, '0')}`,
      dateMandat: Number.isNaN(mandatAt) ? null : formatIsoDay(parisDayNumber(mandatAt)),
    };
  }

  astreOnlyRow(k: number): AstreFactureRow {
    if (!Number.isInteger(k) || k < 0 || k >= this.astreOnlyRowCount) {
      throw new RangeError(`No ASTRE-only row ${k}`);
    }
    const prng = Prng.for(this.seed, k, 3);
    const absent = k % ASTRE_ONLY_ROWS_PER_BLOCK < 2;
    const budgetIndex = prng.weighted(BUDGET_WEIGHTS);
    const budgetCode = structureAt(budgetIndex).budget.code;
    const supplier =
      this.suppliers[Math.floor(this.suppliers.length * prng.next() ** 2)] ?? this.suppliers[0];
    const pool = this.ctx.engagementsByBudget[budgetIndex] ?? [];
    const engagement = this.engagements[prng.pick(pool)];
    const integrationDay = parisDayNumber(this.nowMs - prng.between(1, 200) * DAY_MS);
    const invoiceDay = integrationDay - prng.int(20);
    const year = Number(formatIsoDay(invoiceDay).slice(0, 4));
    const etat = prng.pick<AstreEtat>(['Intégrée', 'Service fait', 'Mandatée', 'Payée']);
    const mandated = etat === 'Mandatée' || etat === 'Payée';
    const mandatDay = Math.min(parisDayNumber(this.nowMs), integrationDay + prng.intBetween(3, 20));
    return {
      kind: absent ? 'ABSENTE_CHORUS' : 'HORS_CHORUS',
      invoiceIndex: null,
      budget: budgetCode,
      exercice: Number(formatIsoDay(integrationDay).slice(0, 4)),
      numeroChorus: absent ? ABSENT_ID_FACTURE_BASE + k : null,
      numeroFacture: absent
        ? formatInvoiceNumber(supplier?.numberingStyle ?? 0, year, this.invoiceCount + 1 + k)
        : `HC-${year}-${String(k + 1).padStart(5, '0')}`,
      siretFournisseur: supplier?.siret ?? '',
      fournisseur: supplier?.name ?? '',
      dateFacture: formatIsoDay(invoiceDay),
      dateIntegration: formatIsoDay(integrationDay),
      montantTTCCents: Math.round(Math.exp(prng.between(Math.log(50), Math.log(30_000))) * 100),
      numeroEngagement: engagement?.numero ?? null,
      codeService: engagement?.codeService ?? null,
      etat,
      numeroMandat: mandated ? `M${year}-H${String(k + 1).padStart(6, '0')}` : null,
      dateMandat: mandated ? formatIsoDay(mandatDay) : null,
    };
  }

  *astreFactureRows(): IterableIterator<AstreFactureRow> {
    const blocks = Math.ceil(this.invoiceCount / SCENARIO_BLOCK_SIZE);
    for (let block = 0; block < blocks; block++) {
      const end = Math.min(this.invoiceCount, (block + 1) * SCENARIO_BLOCK_SIZE);
      for (let i = block * SCENARIO_BLOCK_SIZE; i < end; i++) {
        const row = this.astreRowOfDraft(generateInvoiceDraft(this.ctx, i));
        if (row) {
          yield row;
        }
      }
      for (let j = 0; j < ASTRE_ONLY_ROWS_PER_BLOCK; j++) {
        yield this.astreOnlyRow(block * ASTRE_ONLY_ROWS_PER_BLOCK + j);
      }
    }
  }
}

/** Builds the dataset: suppliers, engagements, and the compact columns of every invoice. */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = (options.seed ?? DEFAULT_SEED) >>> 0;
  const invoiceCount = options.invoiceCount ?? DEFAULT_INVOICE_COUNT;
  const historyMonths = options.historyMonths ?? DEFAULT_HISTORY_MONTHS;
  const now = new Date(options.now ?? DEFAULT_DATASET_NOW);
  if (!Number.isInteger(invoiceCount) || invoiceCount < 0) {
    throw new RangeError(`invoiceCount must be a non-negative integer, got ${invoiceCount}`);
  }
  if (!(historyMonths > 0)) {
    throw new RangeError(`historyMonths must be positive, got ${historyMonths}`);
  }
  if (Number.isNaN(now.getTime())) {
    throw new RangeError('now is not a valid date');
  }
  const nowMs = now.getTime();
  const historyStart = new Date(nowMs);
  historyStart.setUTCMonth(historyStart.getUTCMonth() - historyMonths);
  const firstYear = historyStart.getUTCFullYear();
  const years: number[] = [];
  for (let y = firstYear; y <= now.getUTCFullYear(); y++) {
    years.push(y);
  }
  const suppliers = generateSuppliers(seed, options.supplierCount ?? 300);
  const engagements = generateEngagements(seed, engagementCountFor(invoiceCount), suppliers, years);
  const engagementsByBudget = CD31_STRUCTURES.map((_, b) =>
    engagements.filter((e) => e.budgetIndex === b).map((e) => e.index),
  );
  const ctx: GenerationContext = {
    seed,
    nowMs,
    historyStartMs: historyStart.getTime(),
    invoiceCount,
    suppliers,
    engagements,
    engagementsByBudget,
    years,
  };
  const technicalAccount: TechnicalAccount = {
    login: DEFAULT_TECHNICAL_LOGIN,
    password: DEFAULT_TECHNICAL_PASSWORD,
    passwordExpiresAt: new Date(
      parisMidnight(parisDayNumber(nowMs) + (options.passwordExpiresInDays ?? 45)),
    ),
  };
  return new GeneratedDataset(
    seed,
    now,
    historyMonths,
    invoiceCount,
    suppliers,
    engagements,
    technicalAccount,
    ctx,
  );
}
