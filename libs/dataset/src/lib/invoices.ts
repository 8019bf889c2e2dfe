import { type AstreEtat } from './astre-model';
import {
  S_A_RECYCLER,
  S_COMPLETEE,
  S_COMPTABILISEE,
  S_DEPOSEE,
  S_EN_COURS_ACHEMINEMENT,
  S_MANDATEE,
  S_MISE_A_DISPOSITION,
  S_MISE_A_DISPOSITION_COMPTABLE,
  S_MISE_EN_PAIEMENT,
  S_REJETEE,
  S_SERVICE_FAIT,
  S_SUSPENDUE,
} from './chorus-statuses';
import {
  BUDGET_WEIGHTS,
  malformedEngagement,
  unknownEngagementNumber,
  type AstreEngagement,
} from './engagements';
import { DAY_MS, HOUR_MS, MINUTE_MS, civilFromDayNumber, parisDayNumber } from './paris-time';
import { Prng } from './prng';
import { indexOfSlot, slotOf, slotScenario, type InvoiceScenario } from './scenarios';
import {
  CD31_STRUCTURES,
  DEFAULT_SERVICE_CODE,
  orderingServices,
  type ChorusService,
  type ChorusStructure,
} from './structures';
import { formatInvoiceNumber, type Supplier } from './suppliers';

/** idFacture of invoice i is ID_FACTURE_BASE + i. */
export const ID_FACTURE_BASE = 30_000_000;
/** Chorus ids carried by ASTRE rows that Chorus never served (ABSENTE_CHORUS plants). */
export const ABSENT_ID_FACTURE_BASE = 90_000_000;
/** Chorus structure id of supplier k is SUPPLIER_STRUCTURE_ID_BASE + k. */
export const SUPPLIER_STRUCTURE_ID_BASE = 41_000_000;

export type TypeDemandePaiement = 'FACTURE' | 'FACTURE_TRAVAUX';
export type TypeFacture = 'FACTURE' | 'AVOIR';
export type CadreFacturation =
  | 'A1_FACTURE_FOURNISSEUR'
  | 'A2_FACTURE_FOURNISSEUR_DEJA_PAYEE'
  | 'A9_FACTURE_SOUSTRAITANT'
  | 'A12_FACTURE_COTRAITANT';

export const CADRES: readonly CadreFacturation[] = [
  'A1_FACTURE_FOURNISSEUR',
  'A2_FACTURE_FOURNISSEUR_DEJA_PAYEE',
  'A9_FACTURE_SOUSTRAITANT',
  'A12_FACTURE_COTRAITANT',
];

const MODES_DEPOT = ['SAISIE_API', 'DEPOT_PDF_API', 'FLUX', 'PORTAIL'] as const;
const TVA_RATES = [20, 10, 5.5, 0] as const;
const TVA_WEIGHTS = [75, 10, 7, 8] as const;

export interface GenerationContext {
  readonly seed: number;
  readonly nowMs: number;
  readonly historyStartMs: number;
  readonly invoiceCount: number;
  readonly suppliers: readonly Supplier[];
  readonly engagements: readonly AstreEngagement[];
  readonly engagementsByBudget: readonly (readonly number[])[];
  readonly years: readonly number[];
}

/** How an invoice lands in ASTRE (materialised into an AstreFactureRow at the dataset's now). */
export interface AstrePlan {
  readonly budgetIndex: number;
  readonly oneDigitBudget: boolean;
  readonly withChorusId: boolean;
  readonly numeroFacture: string;
  readonly siret: string;
  readonly amountDeltaCents: number;
  readonly forcedEtat: AstreEtat | null;
  readonly forcedMandatAtMs: number;
  readonly engagement: string | null;
  readonly codeService: string | null;
}

/** An invoice as generated, before the public record is built: instants as epoch milliseconds. */
export interface InvoiceDraft {
  readonly index: number;
  readonly scenario: InvoiceScenario;
  readonly budgetIndex: number;
  readonly supplierIndex: number;
  readonly numeroFacture: string;
  readonly typeDemande: TypeDemandePaiement;
  readonly typeFacture: TypeFacture;
  readonly cadre: CadreFacturation;
  readonly modeDepot: string;
  readonly idServiceExecutant: number | null;
  readonly codeServiceExecutant: string | null;
  readonly nomServiceExecutant: string | null;
  readonly dateFactureDay: number;
  readonly htCents: number;
  readonly tvaCents: number;
  readonly ttcCents: number;
  readonly aPayerCents: number;
  readonly tauxTva: number;
  readonly numeroMarche: string | null;
  readonly numeroBonCommande: string | null;
  readonly tlStatus: readonly number[];
  readonly tlAt: readonly number[];
  readonly tlComment: readonly (string | null)[];
  /** When ASTRE downloaded the invoice (NaN: never). */
  readonly downloadedAtMs: number;
  readonly duplicateOf: number;
  readonly astre: AstrePlan | null;
}

const floorMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

class Timeline {
  readonly status: number[] = [];
  readonly at: number[] = [];
  readonly comment: (string | null)[] = [];

  push(status: number, at: number, comment: string | null = null): number {
    this.status.push(status);
    this.at.push(at);
    this.comment.push(comment);
    return at;
  }

  /** DEPOSEE and EN_COURS_ACHEMINEMENT a few minutes before the (first) MISE_A_DISPOSITION. */
  deposit(madAt: number, prng: Prng): number {
    const routedAt = madAt - prng.intBetween(1, 30) * MINUTE_MS;
    this.push(S_DEPOSEE, routedAt - prng.intBetween(1, 5) * MINUTE_MS);
    this.push(S_EN_COURS_ACHEMINEMENT, routedAt);
    return this.push(S_MISE_A_DISPOSITION, madAt);
  }

  last(): number {
    return this.at[this.at.length - 1] ?? 0;
  }
}

/** A duration of a random whole number of minutes between `minDays` and `maxDays`. */
function days(prng: Prng, minDays: number, maxDays: number): number {
  return Math.max(MINUTE_MS, floorMinute(prng.between(minDays, maxDays) * DAY_MS));
}

/** The usual path after MISE_A_DISPOSITION (or COMPLETEE): service fait, mandat, paiement. */
function processNormally(
  tl: Timeline,
  fromMs: number,
  prng: Prng,
  allowSkipServiceFait = true,
): void {
  let t = fromMs;
  if (!(allowSkipServiceFait && prng.chance(0.15))) {
    t = tl.push(S_SERVICE_FAIT, t + days(prng, 1, 12));
  }
  t = tl.push(S_MANDATEE, t + days(prng, 2, 10));
  if (prng.chance(0.2)) {
    t = tl.push(S_MISE_A_DISPOSITION_COMPTABLE, t + days(prng, 1, 2));
    t = tl.push(S_COMPTABILISEE, t + days(prng, 1, 3));
  }
  tl.push(S_MISE_EN_PAIEMENT, t + days(prng, 1, 5));
}

function structureAt(budgetIndex: number): ChorusStructure {
  const structure = CD31_STRUCTURES[budgetIndex];
  if (!structure) {
    throw new RangeError(`budget index ${budgetIndex}`);
  }
  return structure;
}

function otherBudget(prng: Prng, budgetIndex: number): number {
  const other = prng.int(CD31_STRUCTURES.length - 1);
  return other >= budgetIndex ? other + 1 : other;
}

const INVENTED_SERVICE_CODES = [
  'SERVICE-COMPTA',
  'DIRECTION ROUTES',
  'BC2025-118',
  'SCE-ACHATS',
  'DGA-MOYENS',
];

const SUSPENSION_MOTIFS = [
  'Pièce justificative manquante : merci de joindre le procès-verbal de réception des travaux.',
  'Bon de livraison signé manquant : merci de compléter la facture.',
  'Attestation de sous-traitance (DC4) manquante.',
];

const REJECTION_MOTIFS = [
  'Facture rejetée : le montant ne correspond pas au devis accepté ; merci d’émettre une nouvelle facture.',
  'Facture rejetée : taux de TVA erroné ; merci d’émettre une nouvelle facture.',
  'Facture rejetée : prestation non commandée par le Département.',
];

type FieldDefect =
  | 'ENGAGEMENT_ABSENT'
  | 'ENGAGEMENT_MAL_FORME'
  | 'ENGAGEMENT_INCONNU'
  | 'ENGAGEMENT_AUTRE_BUDGET'
  | 'CODE_SERVICE_ABSENT'
  | 'CODE_SERVICE_INCONNU';

function recycleMotif(
  defect: FieldDefect,
  engagement: string | null,
  service: string | null,
  rightSiret: string,
): string {
  switch (defect) {
    case 'ENGAGEMENT_ABSENT':
      return 'Bonjour, le numéro d’engagement est absent : merci d’indiquer le numéro figurant sur le bon de commande et de redéposer la facture.';
    case 'ENGAGEMENT_MAL_FORME':
      return `Bonjour, le numéro d’engagement « ${engagement ?? ''} » est mal saisi : merci de l’indiquer exactement comme sur le bon de commande (majuscules, sans espace).`;
    case 'ENGAGEMENT_INCONNU':
      return `Bonjour, le numéro d’engagement ${engagement ?? ''} est inconnu du Département : merci de vérifier le bon de commande.`;
    case 'ENGAGEMENT_AUTRE_BUDGET':
      return `Bonjour, l’engagement ${engagement ?? ''} relève d’un autre budget : merci de déposer la facture sur le SIRET ${rightSiret}.`;
    case 'CODE_SERVICE_ABSENT':
      return 'Bonjour, le code service est absent : merci d’indiquer le code service figurant sur le bon de commande.';
    case 'CODE_SERVICE_INCONNU':
      return `Bonjour, le code service « ${service ?? ''} » n’existe pas pour ce budget : merci d’indiquer celui du bon de commande.`;
  }
}

interface CommonDraws {
  budgetIndex: number;
  engagement: AstreEngagement;
  supplier: Supplier;
  service: ChorusService;
  typeDemande: TypeDemandePaiement;
  cadre: CadreFacturation;
  modeDepot: string;
  htCents: number;
  tauxTva: number;
  numeroMarche: string | null;
  invoiceDateOffsetDays: number;
}

function drawCommon(ctx: GenerationContext, prng: Prng): CommonDraws {
  const budgetIndex = prng.weighted(BUDGET_WEIGHTS);
  const structure = structureAt(budgetIndex);
  const pool = ctx.engagementsByBudget[budgetIndex] ?? [];
  const engagement = ctx.engagements[prng.pick(pool)];
  if (!engagement) {
    throw new Error(`no engagement for budget ${structure.budget.code}`);
  }
  const randomSupplier = ctx.suppliers[Math.floor(ctx.suppliers.length * prng.next() ** 2)];
  const supplier = prng.chance(0.8) ? ctx.suppliers[engagement.supplierIndex] : randomSupplier;
  if (!supplier) {
    throw new Error('no supplier');
  }
  const serviceDraw = prng.next();
  const ordering = orderingServices(structure);
  const service =
    serviceDraw < 0.85
      ? structure.services.find((s) => s.codeService === engagement.codeService)
      : serviceDraw < 0.95
        ? structure.services.find((s) => s.codeService === DEFAULT_SERVICE_CODE)
        : prng.pick(ordering);
  if (!service) {
    throw new Error('no service');
  }
  const typeDemande: TypeDemandePaiement = prng.chance(0.08) ? 'FACTURE_TRAVAUX' : 'FACTURE';
  const cadre = CADRES[prng.weighted([90, 3, 4, 3])] ?? 'A1_FACTURE_FOURNISSEUR';
  const modeDepot = prng.pick(MODES_DEPOT);
  const maxHt = typeDemande === 'FACTURE_TRAVAUX' ? 400_000 : 60_000;
  const htCents = Math.round(Math.exp(prng.between(Math.log(40), Math.log(maxHt))) * 100);
  const tauxTva = TVA_RATES[prng.weighted(TVA_WEIGHTS)] ?? 20;
  const numeroMarche = prng.chance(0.55)
    ? `${String(prng.pick(ctx.years)).slice(2)}M${prng.digits(3)}`
    : null;
  return {
    budgetIndex,
    engagement,
    supplier,
    service,
    typeDemande,
    cadre,
    modeDepot,
    htCents,
    tauxTva,
    numeroMarche,
    invoiceDateOffsetDays: prng.int(16),
  };
}

/** The scenario of invoice `index`, after the fall-backs a partial last block needs. */
export function scenarioOf(
  ctx: Pick<GenerationContext, 'seed' | 'invoiceCount'>,
  index: number,
): InvoiceScenario {
  const slot = slotOf(ctx.seed, index);
  const scenario = slotScenario(slot);
  if (
    scenario === 'DOUBLON_COPIE' ||
    scenario === 'DOUBLON_COPIE_VARIANTE' ||
    scenario === 'DOUBLON_COPIE_REJETEE'
  ) {
    const original = indexOfSlot(ctx.seed, index, slot - 1);
    if (original >= ctx.invoiceCount) {
      return 'NORMAL';
    }
  }
  return scenario;
}

/** Original of a duplicate copy (the invoice in the slot just before it, same block). */
function originalOf(ctx: GenerationContext, index: number): number {
  return indexOfSlot(ctx.seed, index, slotOf(ctx.seed, index) - 1);
}

/** What a scenario decides about the ASTRE row; unset fields take the usual values. */
interface AstreChoices {
  budgetIndex?: number;
  withChorusId?: boolean;
  amountDeltaCents?: number;
  forcedEtat?: AstreEtat;
  forcedMandatAtMs?: number;
  engagement?: string | null;
}

/** Mutable state of one generation (an object, so that the helpers below can update it). */
interface DraftState {
  budgetIndex: number;
  supplier: Supplier;
  htCents: number;
  tauxTva: number;
  typeDemande: TypeDemandePaiement;
  typeFacture: TypeFacture;
  service: ChorusService | null;
  inventedServiceCode: string | null;
  engagement: string | null;
  numeroFacture: string | null;
  dateFactureDay: number | null;
  duplicateOf: number;
  downloadedAtMs: number;
  astre: AstreChoices | null;
}

/**
 * One invoice being generated: the helpers the scenarios share. Methods rather than closures made
 * per call: the bundler's keepNames wraps every such closure, which doubled the generation time.
 */
class DraftContext {
  constructor(
    private readonly ctx: GenerationContext,
    private readonly prng: Prng,
    private readonly tl: Timeline,
    private readonly state: DraftState,
    private readonly common: CommonDraws,
  ) {}

  /** An instant between minDays and maxDays before now, to the minute. */
  ago(minDays: number, maxDays: number): number {
    return floorMinute(this.ctx.nowMs - this.prng.between(minDays, maxDays) * DAY_MS);
  }

  /** An instant between minDays and maxDays after now, to the minute. */
  later(minDays: number, maxDays: number): number {
    return floorMinute(this.ctx.nowMs + this.prng.between(minDays, maxDays) * DAY_MS);
  }

  /** ASTRE downloads an invoice 10 minutes to 20 hours after it is made available. */
  integrationAfter(madAt: number): number {
    return madAt + floorMinute(this.prng.between(10 * MINUTE_MS, 20 * HOUR_MS));
  }

  /** Deposited, processed the usual way, integrated in ASTRE. */
  normalLife(madAt: number, astre: AstreChoices = {}): void {
    this.tl.deposit(madAt, this.prng);
    processNormally(this.tl, madAt, this.prng);
    this.state.downloadedAtMs = this.integrationAfter(madAt);
    this.state.astre = astre;
  }

  /** A routing-data defect, then one of six outcomes (nothing yet, recycled, rejected, stuck, fixed in ASTRE). */
  plantFieldDefect(defect: FieldDefect): void {
    const { ctx, prng, tl, state, common } = this;
    const ownEngagement = common.engagement.numero;
    let rightSiret = structureAt(state.budgetIndex).siret;
    switch (defect) {
      case 'ENGAGEMENT_ABSENT':
        state.engagement = prng.pick([null, null, null, '', ' ']);
        break;
      case 'ENGAGEMENT_MAL_FORME':
        state.engagement = malformedEngagement(prng, ownEngagement);
        break;
      case 'ENGAGEMENT_INCONNU':
        state.engagement = unknownEngagementNumber(prng, prng.pick(ctx.years));
        break;
      case 'ENGAGEMENT_AUTRE_BUDGET': {
        const other = otherBudget(prng, state.budgetIndex);
        state.engagement =
          ctx.engagements[prng.pick(ctx.engagementsByBudget[other] ?? [])]?.numero ?? null;
        rightSiret = structureAt(other).siret;
        break;
      }
      case 'CODE_SERVICE_ABSENT':
        state.service = null;
        break;
      case 'CODE_SERVICE_INCONNU':
        if (prng.chance(0.7)) {
          state.service = prng.pick(
            orderingServices(structureAt(otherBudget(prng, state.budgetIndex))),
          );
        } else {
          state.service = null;
          state.inventedServiceCode = prng.pick(INVENTED_SERVICE_CODES);
        }
        break;
    }
    const motif = recycleMotif(
      defect,
      state.engagement,
      state.inventedServiceCode ?? state.service?.codeService ?? null,
      rightSiret,
    );
    const outcome = prng.int(6);
    switch (outcome) {
      case 0:
        // Just deposited: nobody acted yet (may be sent back in the simulated future).
        tl.deposit(this.ago(2 / 24, 2.5), prng);
        if (prng.chance(0.5)) {
          tl.push(S_A_RECYCLER, this.later(1, 3), motif);
        }
        break;
      case 1:
      case 2: {
        // Sent back to the supplier, recently (1) or more than 15 days ago (2).
        const recycledAt = outcome === 1 ? this.ago(1, 13.5) : this.ago(16, 60);
        tl.deposit(recycledAt - days(prng, 0.5, 5), prng);
        tl.push(S_A_RECYCLER, recycledAt, motif);
        break;
      }
      case 3: {
        const madAt = tl.deposit(this.ago(5, 60), prng);
        tl.push(S_REJETEE, madAt + days(prng, 0.5, 4.5), motif);
        break;
      }
      case 4:
        // Stuck: never downloaded into ASTRE.
        tl.deposit(this.ago(3.5, 30), prng);
        break;
      default:
        // The SIF corrected the data in ASTRE and processed the invoice anyway.
        this.normalLife(this.ago(5, 200), {
          engagement: defect === 'ENGAGEMENT_AUTRE_BUDGET' ? state.engagement : ownEngagement,
        });
    }
  }
}

/** Generates invoice `index`: a pure function of (context, index). */
export function generateInvoiceDraft(ctx: GenerationContext, index: number): InvoiceDraft {
  const scenario = scenarioOf(ctx, index);
  const prng = Prng.for(ctx.seed, index, 1);
  const now = ctx.nowMs;
  const common = drawCommon(ctx, prng);
  const state: DraftState = {
    budgetIndex: common.budgetIndex,
    supplier: common.supplier,
    htCents: common.htCents,
    tauxTva: common.tauxTva,
    typeDemande: common.typeDemande,
    typeFacture: 'FACTURE',
    service: common.service,
    inventedServiceCode: null,
    engagement: common.engagement.numero,
    numeroFacture: null,
    dateFactureDay: null,
    duplicateOf: -1,
    downloadedAtMs: Number.NaN,
    astre: null,
  };
  const tl = new Timeline();

  const g = new DraftContext(ctx, prng, tl, state, common);

  switch (scenario) {
    case 'NORMAL':
      g.normalLife(
        floorMinute(
          prng.between(Math.min(ctx.historyStartMs, now - 2 * HOUR_MS), now - 2 * HOUR_MS),
        ),
      );
      break;
    case 'DOUBLON_ORIGINAL':
      g.normalLife(g.ago(20, 200), { withChorusId: true });
      break;
    case 'MAD_NON_TELECHARGEE':
      tl.deposit(g.ago(3.5, 45), prng);
      if (prng.chance(0.4)) {
        processNormally(tl, g.later(1, 10), prng, false);
      }
      break;
    case 'STATUT_NON_REMONTE':
      if (prng.chance(0.7)) {
        // Chorus still says MISE_A_DISPOSITION; ASTRE is further.
        const madAt = tl.deposit(g.ago(1, 40), prng);
        state.downloadedAtMs = g.integrationAfter(madAt);
        state.astre = {
          forcedEtat: prng.pick<AstreEtat>(['Service fait', 'Mandatée', 'Payée']),
          forcedMandatAtMs: floorMinute(prng.between(state.downloadedAtMs, now - HOUR_MS)),
        };
        if (prng.chance(0.5)) {
          processNormally(tl, floorMinute(now), prng, false);
        }
      } else {
        // Chorus stopped at SERVICE_FAIT; ASTRE has mandated (or paid) it.
        const madAt = tl.deposit(g.ago(10, 60), prng);
        state.downloadedAtMs = g.integrationAfter(madAt);
        const serviceFaitAt = tl.push(S_SERVICE_FAIT, madAt + days(prng, 1, 5));
        state.astre = {
          forcedEtat: prng.pick<AstreEtat>(['Mandatée', 'Payée']),
          forcedMandatAtMs: floorMinute(prng.between(serviceFaitAt, now - HOUR_MS)),
        };
      }
      break;
    case 'TRAITEMENT_LENT': {
      const madAt = tl.deposit(g.ago(3.5, 40), prng);
      state.downloadedAtMs = g.integrationAfter(madAt);
      state.astre = {};
      if (prng.chance(0.7)) {
        processNormally(tl, floorMinute(now), prng, false);
      }
      break;
    }
    case 'BUDGET_ASTRE_DIFFERENT':
      g.normalLife(g.ago(5, 120), {
        budgetIndex: otherBudget(prng, state.budgetIndex),
        withChorusId: prng.chance(0.7),
      });
      break;
    case 'MONTANT_DIVERGENT':
    case 'MONTANT_ECART_UN_CENTIME': {
      const magnitude = scenario === 'MONTANT_ECART_UN_CENTIME' ? 1 : prng.intBetween(2, 15_000);
      const negative = prng.chance(0.5) && state.htCents > magnitude * 2;
      g.normalLife(g.ago(5, 200), { amountDeltaCents: negative ? -magnitude : magnitude });
      break;
    }
    case 'ASTRE_SANS_NUMERO_CHORUS':
      g.normalLife(g.ago(5, 300), { withChorusId: false });
      break;
    case 'ENGAGEMENT_ABSENT':
    case 'ENGAGEMENT_MAL_FORME':
    case 'ENGAGEMENT_INCONNU':
    case 'ENGAGEMENT_AUTRE_BUDGET':
    case 'CODE_SERVICE_ABSENT':
    case 'CODE_SERVICE_INCONNU':
      g.plantFieldDefect(scenario);
      break;
    case 'SUSPENDUE_EN_ATTENTE': {
      const suspendedAt = prng.chance(0.5) ? g.ago(1, 13.5) : g.ago(16, 60);
      const madAt = tl.deposit(suspendedAt - days(prng, 1, 5), prng);
      state.downloadedAtMs = g.integrationAfter(madAt);
      tl.push(S_SUSPENDUE, suspendedAt, prng.pick(SUSPENSION_MOTIFS));
      state.astre = {};
      if (prng.chance(0.4)) {
        processNormally(tl, tl.push(S_COMPLETEE, g.later(1, 10), COMPLETION_COMMENT), prng);
      }
      break;
    }
    case 'SUSPENDUE_COMPLETEE':
      if (prng.chance(0.5)) {
        // Open today, first MAD more than 30 days ago: the DGP restarted at COMPLETEE.
        const completedAt = g.ago(5, 28);
        const suspendedAt = completedAt - days(prng, 25, 40);
        const madAt = tl.deposit(suspendedAt - days(prng, 1, 5), prng);
        state.downloadedAtMs = g.integrationAfter(madAt);
        tl.push(S_SUSPENDUE, suspendedAt, prng.pick(SUSPENSION_MOTIFS));
        tl.push(S_COMPLETEE, completedAt, COMPLETION_COMMENT);
        if (prng.chance(0.5)) {
          tl.push(S_SERVICE_FAIT, completedAt + days(prng, 0.5, 3));
        }
        const mandatedAt = tl.push(S_MANDATEE, g.later(1, 15));
        tl.push(S_MISE_EN_PAIEMENT, mandatedAt + days(prng, 1, 5));
      } else {
        const madAt = tl.deposit(g.ago(20, 150), prng);
        state.downloadedAtMs = g.integrationAfter(madAt);
        const suspendedAt = tl.push(
          S_SUSPENDUE,
          madAt + days(prng, 1, 5),
          prng.pick(SUSPENSION_MOTIFS),
        );
        processNormally(
          tl,
          tl.push(S_COMPLETEE, suspendedAt + days(prng, 2, 20), COMPLETION_COMMENT),
          prng,
        );
      }
      state.astre = {};
      break;
    case 'RECYCLEE_REDEPOSEE': {
      const firstMad = tl.deposit(g.ago(10, 150), prng);
      const typo = malformedEngagement(prng, common.engagement.numero);
      const recycledAt = tl.push(
        S_A_RECYCLER,
        firstMad + days(prng, 1, 5),
        recycleMotif('ENGAGEMENT_MAL_FORME', typo, null, ''),
      );
      const secondMad = tl.push(S_MISE_A_DISPOSITION, recycledAt + days(prng, 1, 7));
      processNormally(tl, secondMad, prng);
      state.downloadedAtMs = g.integrationAfter(secondMad);
      state.astre = {};
      break;
    }
    case 'SERVICE_FAIT_NON_MANDATE': {
      const madAt = tl.deposit(prng.chance(0.5) ? g.ago(21.5, 29.5) : g.ago(31.5, 90), prng);
      state.downloadedAtMs = g.integrationAfter(madAt);
      tl.push(S_SERVICE_FAIT, madAt + days(prng, 1, 5));
      state.astre = {};
      if (prng.chance(0.6)) {
        const mandatedAt = tl.push(S_MANDATEE, g.later(1, 10));
        tl.push(S_MISE_EN_PAIEMENT, mandatedAt + days(prng, 1, 5));
      }
      break;
    }
    case 'REJETEE': {
      const madAt = tl.deposit(g.ago(3, 200), prng);
      if (prng.chance(0.5)) {
        state.downloadedAtMs = madAt + floorMinute(prng.between(10 * MINUTE_MS, 10 * HOUR_MS));
        state.astre = {};
      }
      tl.push(S_REJETEE, madAt + days(prng, 0.5, 2.5), prng.pick(REJECTION_MOTIFS));
      break;
    }
    case 'AVOIR':
      state.typeFacture = 'AVOIR';
      if (prng.chance(0.6)) {
        tl.deposit(g.ago(2 / 24, 2.5), prng);
        if (prng.chance(0.5)) {
          tl.push(S_REJETEE, g.later(1, 3), AVOIR_MOTIF);
        }
      } else {
        const madAt = tl.deposit(g.ago(3, 100), prng);
        tl.push(S_REJETEE, madAt + days(prng, 0.5, 2.5), AVOIR_MOTIF);
      }
      break;
    case 'DOUBLON_COPIE':
    case 'DOUBLON_COPIE_VARIANTE':
    case 'DOUBLON_COPIE_REJETEE': {
      const original = generateInvoiceDraft(ctx, originalOf(ctx, index));
      state.duplicateOf = original.index;
      state.budgetIndex = original.budgetIndex;
      state.supplier = ctx.suppliers[original.supplierIndex] ?? state.supplier;
      state.htCents = original.htCents;
      state.tauxTva = original.tauxTva;
      state.typeDemande = original.typeDemande;
      state.engagement = original.numeroBonCommande;
      state.service =
        structureAt(original.budgetIndex).services.find(
          (s) => s.idService === original.idServiceExecutant,
        ) ?? null;
      state.dateFactureDay = original.dateFactureDay;
      state.numeroFacture = original.numeroFacture;
      if (scenario === 'DOUBLON_COPIE_VARIANTE') {
        const lower = original.numeroFacture.toLowerCase();
        state.numeroFacture =
          lower === original.numeroFacture ? `${original.numeroFacture} ` : lower;
      }
      const motif = `Doublon de la facture n° ${original.numeroFacture} déjà reçue.`;
      if (scenario === 'DOUBLON_COPIE_REJETEE') {
        const madAt = tl.deposit(g.ago(3, 20), prng);
        tl.push(S_REJETEE, madAt + days(prng, 0.5, 2), motif);
      } else {
        tl.deposit(g.ago(2 / 24, 2.5), prng);
        if (prng.chance(0.5)) {
          tl.push(S_REJETEE, g.later(1, 2), motif);
        }
      }
      break;
    }
    case 'DEPOT_FUTUR': {
      const madAt = tl.deposit(g.later(1 / 24, 10), prng);
      processNormally(tl, madAt, prng);
      state.downloadedAtMs = g.integrationAfter(madAt);
      break;
    }
  }

  const supplier = state.supplier;
  const tvaCents = Math.round((state.htCents * state.tauxTva) / 100);
  const ttcCents = state.htCents + tvaCents;
  const depotAt = tl.at[0] ?? now;
  const dateFactureDay =
    state.dateFactureDay ?? parisDayNumber(depotAt) - common.invoiceDateOffsetDays;
  const baseNumber = formatInvoiceNumber(
    supplier.numberingStyle,
    civilFromDayNumber(dateFactureDay).year,
    index + 1,
  );
  const numeroFacture =
    state.numeroFacture ?? (state.typeFacture === 'AVOIR' ? `AV-${baseNumber}` : baseNumber);

  let astre: AstrePlan | null = null;
  if (state.astre) {
    const choices = state.astre;
    const planPrng = Prng.for(ctx.seed, index, 2);
    const withChorusId = choices.withChorusId ?? planPrng.chance(0.97);
    let typedNumber = numeroFacture;
    if (!withChorusId) {
      // Typed by hand in ASTRE: case and trailing spaces may differ (matching trims and ignores case).
      const lower = numeroFacture.toLowerCase();
      const variant = planPrng.int(3);
      typedNumber =
        variant === 0 && lower !== numeroFacture
          ? lower
          : variant === 1
            ? `${numeroFacture} `
            : numeroFacture;
    }
    const s = supplier.siret;
    astre = {
      budgetIndex: choices.budgetIndex ?? state.budgetIndex,
      oneDigitBudget: planPrng.chance(0.15),
      withChorusId,
      numeroFacture: typedNumber,
      siret: planPrng.chance(0.3)
        ? `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6, 9)} ${s.slice(9)}`
        : s,
      amountDeltaCents: choices.amountDeltaCents ?? 0,
      forcedEtat: choices.forcedEtat ?? null,
      forcedMandatAtMs: choices.forcedMandatAtMs ?? Number.NaN,
      engagement: choices.engagement !== undefined ? choices.engagement : common.engagement.numero,
      codeService: common.service.codeService,
    };
  }

  const service = state.service;
  return {
    index,
    scenario,
    budgetIndex: state.budgetIndex,
    supplierIndex: supplier.index,
    numeroFacture,
    typeDemande: state.typeDemande,
    typeFacture: state.typeFacture,
    cadre: common.cadre,
    modeDepot: common.modeDepot,
    idServiceExecutant: service?.idService ?? null,
    codeServiceExecutant: service?.codeService ?? state.inventedServiceCode,
    nomServiceExecutant: service?.libelleService ?? null,
    dateFactureDay,
    htCents: state.htCents,
    tvaCents,
    ttcCents,
    aPayerCents: common.cadre === 'A2_FACTURE_FOURNISSEUR_DEJA_PAYEE' ? 0 : ttcCents,
    tauxTva: state.tauxTva,
    numeroMarche: common.numeroMarche,
    numeroBonCommande: state.engagement,
    tlStatus: tl.status,
    tlAt: tl.at,
    tlComment: tl.comment,
    downloadedAtMs: state.downloadedAtMs,
    duplicateOf: state.duplicateOf,
    astre,
  };
}

const COMPLETION_COMMENT = 'Pièces complémentaires déposées par le fournisseur.';
const AVOIR_MOTIF =
  'Avoir rejeté : les avoirs émis par votre logiciel comptable ne doivent pas être déposés sur Chorus Pro.';
