import { ANOMALY_CODES, normaliseBudgetCode, normaliseSiret, type AnomalyCode } from '@cd31/domain';
import { astreProgressRank, type AstreFactureRow } from './astre-model';
import { statusFromCode, type ChorusStatus } from './chorus-statuses';
import { type Dataset } from './dataset';
import { isWellFormedEngagement } from './engagements';
import { ID_FACTURE_BASE } from './invoices';
import { parisDayNumber } from './paris-time';

/** The anomaly codes of domain.md §7: the domain library's catalogue. */
export { ANOMALY_CODES, type AnomalyCode };

export interface AnomalyThresholds {
  /** MAD_NON_INTEGREE / MAD_EN_TRAITEMENT: more than this many days at MISE_A_DISPOSITION. */
  readonly madDays: number;
  /** A_RECYCLER_SANS_REPONSE: more than this many days at A_RECYCLER or SUSPENDUE. */
  readonly recycleDays: number;
  /** DGP_DEPASSE: more than this many calendar days since the DGP start. */
  readonly dgpDays: number;
  /** DGP_MENACE: more than this many calendar days (the ordonnateur's share), not yet DGP_DEPASSE. */
  readonly ordonnateurDays: number;
}

export const DEFAULT_ANOMALY_THRESHOLDS: AnomalyThresholds = {
  madDays: 3,
  recycleDays: 15,
  dgpDays: 30,
  ordonnateurDays: 20,
};

/** A Chorus invoice as the anomaly rules see it. */
export interface ChorusInvoiceFacts {
  readonly idFacture: number;
  readonly codeDestinataire: string;
  readonly codeFournisseur: string;
  readonly numeroFacture: string;
  readonly typeFacture: string;
  readonly numeroBonCommande: string | null;
  readonly codeServiceExecutant: string | null;
  readonly montantTTCCents: number;
  /** Oldest first, instants in epoch ms. */
  readonly timeline: readonly { readonly statut: ChorusStatus; readonly atMs: number }[];
}

/** An ASTRE factures row as the anomaly rules see it. */
export type AstreRowFacts = Pick<
  AstreFactureRow,
  'budget' | 'numeroChorus' | 'numeroFacture' | 'siretFournisseur' | 'montantTTCCents' | 'etat'
>;

export interface AnomalyReferenceData {
  /** Every budget: code, SIRET, and the codes of its Chorus services (active or not). */
  readonly budgets: readonly {
    readonly code: string;
    readonly siret: string;
    readonly serviceCodes: readonly string[];
  }[];
  /** The imported ASTRE engagements. */
  readonly engagements: readonly { readonly budgetCode: string; readonly numero: string }[];
}

export interface AnomalyEvaluationInput {
  readonly at: Date;
  readonly thresholds?: Partial<AnomalyThresholds>;
  readonly reference: AnomalyReferenceData;
  /** Called twice: the rules need two passes (duplicates and matching first). */
  readonly chorusInvoices: () => Iterable<ChorusInvoiceFacts>;
  /** Called twice. */
  readonly astreRows: () => Iterable<AstreRowFacts>;
}

export type GroundTruthKey = `chorus:${number}` | `astre:${string}`;

/** Key of a Chorus invoice in the ground truth. */
export function chorusKey(idFacture: number): `chorus:${number}` {
  return `chorus:${idFacture}`;
}

/** Key of an ASTRE row in the ground truth: budget + N° Chorus, else budget + SIRET + invoice number. */
export function astreKey(
  row: Pick<AstreRowFacts, 'budget' | 'numeroChorus' | 'siretFournisseur' | 'numeroFacture'>,
): `astre:${string}` {
  const budget = normaliseBudgetCode(row.budget) ?? row.budget;
  return row.numeroChorus !== null
    ? `astre:${budget}:${row.numeroChorus}`
    : `astre:${budget}:${normaliseSiret(row.siretFournisseur)}:${normaliseInvoiceNumber(row.numeroFacture)}`;
}

/** Supplier invoice numbers compare trimmed and case-insensitively (domain.md §6). */
export function normaliseInvoiceNumber(numero: string): string {
  return numero.trim().toUpperCase();
}

/** Shared by every key without anomaly (a million empty sets would weigh). */
const NO_ANOMALY: ReadonlySet<AnomalyCode> = new Set<AnomalyCode>();

const isBlank = (value: string | null): boolean => value === null || value.trim() === '';

const OPEN_FOR_DGP: ReadonlySet<ChorusStatus> = new Set([
  'MISE_A_DISPOSITION',
  'SERVICE_FAIT',
  'COMPLETEE',
]);

/**
 * The reference implementation of the ground-truth table (libs/dataset/README.md): the codes each
 * Chorus invoice visible at `at` carries, and those of ASTRE rows that match no Chorus invoice.
 */
export function evaluateAnomalies(
  input: AnomalyEvaluationInput,
): Map<GroundTruthKey, ReadonlySet<AnomalyCode>> {
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, ...input.thresholds };
  const atMs = input.at.getTime();
  const today = parisDayNumber(atMs);
  const budgetBySiret = new Map(input.reference.budgets.map((b) => [b.siret, b]));
  const servicesByBudget = new Map(
    input.reference.budgets.map((b) => [
      b.code,
      new Set(b.serviceCodes.map((c) => c.trim().toUpperCase())),
    ]),
  );
  const engagementBudgets = new Map<string, Set<string>>();
  for (const e of input.reference.engagements) {
    const budgets = engagementBudgets.get(e.numero) ?? new Set<string>();
    budgets.add(e.budgetCode);
    engagementBudgets.set(e.numero, budgets);
  }

  // Identity keys the ASTRE rows without N° Chorus look for.
  const wantedIdentities = new Set<string>();
  for (const row of input.astreRows()) {
    if (row.numeroChorus === null) {
      wantedIdentities.add(
        `${normaliseSiret(row.siretFournisseur)}|${normaliseInvoiceNumber(row.numeroFacture)}`,
      );
    }
  }

  // Pass 1 over Chorus: visibility, duplicate groups, identities for matching.
  const current = (invoice: ChorusInvoiceFacts): { statut: ChorusStatus; atMs: number } | null => {
    let found: { statut: ChorusStatus; atMs: number } | null = null;
    let seenMad = false;
    for (const step of invoice.timeline) {
      if (step.atMs > atMs) {
        break;
      }
      seenMad ||= step.statut === 'MISE_A_DISPOSITION';
      found = step;
    }
    return seenMad ? found : null;
  };
  const visibleTtc = new Map<number, number>();
  const duplicateGroups = new Map<string, number>();
  const identities = new Map<string, number[]>();
  for (const invoice of input.chorusInvoices()) {
    const now = current(invoice);
    if (!now) {
      continue;
    }
    visibleTtc.set(invoice.idFacture, invoice.montantTTCCents);
    const identity = `${invoice.codeFournisseur}|${normaliseInvoiceNumber(invoice.numeroFacture)}`;
    if (now.statut !== 'REJETEE') {
      duplicateGroups.set(identity, (duplicateGroups.get(identity) ?? 0) + 1);
    }
    if (wantedIdentities.has(identity)) {
      const ids = identities.get(identity) ?? [];
      ids.push(invoice.idFacture);
      identities.set(identity, ids);
    }
  }

  // ASTRE rows: match by N° Chorus, else by SIRET + invoice number (+ amount when ambiguous).
  const result = new Map<GroundTruthKey, ReadonlySet<AnomalyCode>>();
  const matched = new Map<number, AstreRowFacts>();
  for (const row of input.astreRows()) {
    if (row.numeroChorus !== null) {
      if (visibleTtc.has(row.numeroChorus)) {
        matched.set(row.numeroChorus, row);
      } else {
        result.set(astreKey(row), new Set<AnomalyCode>(['ABSENTE_CHORUS']));
      }
      continue;
    }
    const identity = `${normaliseSiret(row.siretFournisseur)}|${normaliseInvoiceNumber(row.numeroFacture)}`;
    let candidates = identities.get(identity) ?? [];
    if (candidates.length > 1) {
      candidates = candidates.filter((id) => visibleTtc.get(id) === row.montantTTCCents);
    }
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (only !== undefined) {
      matched.set(only, row);
    } else {
      result.set(astreKey(row), NO_ANOMALY);
    }
  }

  // Pass 2 over Chorus: the rules.
  for (const invoice of input.chorusInvoices()) {
    const now = current(invoice);
    if (!now) {
      continue;
    }
    if (now.statut === 'REJETEE') {
      result.set(chorusKey(invoice.idFacture), NO_ANOMALY);
      continue;
    }
    const codes = new Set<AnomalyCode>();
    const row = matched.get(invoice.idFacture);
    const budget = budgetBySiret.get(invoice.codeDestinataire);
    // "For more than N days": whole Europe/Paris calendar days since the current status, as the
    // engine and the domain library count them.
    const daysInStatus = today - parisDayNumber(now.atMs);

    if (now.statut === 'MISE_A_DISPOSITION' && daysInStatus > t.madDays) {
      if (!row) {
        codes.add('MAD_NON_INTEGREE');
      } else if (row.etat === 'Intégrée') {
        codes.add('MAD_EN_TRAITEMENT');
      }
    }
    if (row) {
      const rank = astreProgressRank(row.etat);
      if (
        (now.statut === 'MISE_A_DISPOSITION' && rank >= 2) ||
        (now.statut === 'SERVICE_FAIT' && rank >= 3)
      ) {
        codes.add('MAD_STATUT_NON_REMONTE');
      }
      if (Math.abs(row.montantTTCCents - invoice.montantTTCCents) > 1) {
        codes.add('MONTANT_DIVERGENT');
      }
      if (budget && (normaliseBudgetCode(row.budget) ?? row.budget) !== budget.code) {
        codes.add('BUDGET_INCOHERENT');
      }
    }

    const engagement = invoice.numeroBonCommande;
    if (engagement === null || isBlank(engagement)) {
      codes.add('ENGAGEMENT_ABSENT');
    } else if (!isWellFormedEngagement(engagement)) {
      codes.add('ENGAGEMENT_MAL_FORME');
    } else {
      const owners = engagementBudgets.get(engagement);
      if (!owners) {
        codes.add('ENGAGEMENT_INCONNU');
      } else if (budget && !owners.has(budget.code)) {
        codes.add('BUDGET_INCOHERENT');
      }
    }

    const service = invoice.codeServiceExecutant;
    if (service === null || isBlank(service)) {
      codes.add('CODE_SERVICE_ABSENT');
    } else if (budget && !servicesByBudget.get(budget.code)?.has(service.trim().toUpperCase())) {
      codes.add('CODE_SERVICE_INCONNU');
    }

    const identity = `${invoice.codeFournisseur}|${normaliseInvoiceNumber(invoice.numeroFacture)}`;
    if ((duplicateGroups.get(identity) ?? 0) >= 2) {
      codes.add('DOUBLON');
    }
    if (invoice.typeFacture === 'AVOIR') {
      codes.add('AVOIR_DEPOSE');
    }
    if (
      (now.statut === 'A_RECYCLER' || now.statut === 'SUSPENDUE') &&
      daysInStatus > t.recycleDays
    ) {
      codes.add('A_RECYCLER_SANS_REPONSE');
    }

    if (invoice.typeFacture !== 'AVOIR' && OPEN_FOR_DGP.has(now.statut)) {
      const start = dgpStartMs(invoice, atMs);
      if (start !== null) {
        const days = today - parisDayNumber(start);
        if (days > t.dgpDays) {
          codes.add('DGP_DEPASSE');
        } else if (days > t.ordonnateurDays) {
          codes.add('DGP_MENACE');
        }
      }
    }
    result.set(chorusKey(invoice.idFacture), codes.size === 0 ? NO_ANOMALY : codes);
  }
  return result;
}

/**
 * Start of the payment delay: the first MISE_A_DISPOSITION; when the invoice was suspended, the
 * first COMPLETEE after the first SUSPENDUE restarts it (one suspension only, domain.md §8).
 */
export function dgpStartMs(
  invoice: Pick<ChorusInvoiceFacts, 'timeline'>,
  atMs: number,
): number | null {
  let firstMad: number | null = null;
  let suspended = false;
  for (const step of invoice.timeline) {
    if (step.atMs > atMs) {
      break;
    }
    if (step.statut === 'MISE_A_DISPOSITION' && firstMad === null) {
      firstMad = step.atMs;
    } else if (step.statut === 'SUSPENDUE') {
      suspended = true;
    } else if (step.statut === 'COMPLETEE' && suspended) {
      return step.atMs;
    }
  }
  return firstMad;
}

export interface ExpectedAnomaliesOptions {
  /** Default: the dataset's now (the ASTRE side is always the export at the dataset's now). */
  readonly at?: Date;
  readonly thresholds?: Partial<AnomalyThresholds>;
}

/** The reference data of a dataset, as the rules need it. */
export function anomalyReferenceData(dataset: Dataset): AnomalyReferenceData {
  return {
    budgets: dataset.structures.map((s) => ({
      code: s.budget.code,
      siret: s.siret,
      serviceCodes: s.services.map((service) => service.codeService),
    })),
    engagements: dataset.engagements.map((e) => ({ budgetCode: e.budgetCode, numero: e.numero })),
  };
}

/** Chorus facts of every generated invoice (lazily, one at a time). */
export function* datasetChorusFacts(dataset: Dataset): IterableIterator<ChorusInvoiceFacts> {
  for (let i = 0; i < dataset.invoiceCount; i++) {
    const d = dataset.draft(i);
    const structure = dataset.structures[d.budgetIndex];
    yield {
      idFacture: ID_FACTURE_BASE + i,
      codeDestinataire: structure?.siret ?? '',
      codeFournisseur: dataset.suppliers[d.supplierIndex]?.siret ?? '',
      numeroFacture: d.numeroFacture,
      typeFacture: d.typeFacture,
      numeroBonCommande: d.numeroBonCommande,
      codeServiceExecutant: d.codeServiceExecutant,
      montantTTCCents: d.ttcCents,
      timeline: d.tlStatus.map((code, k) => ({
        statut: statusFromCode(code),
        atMs: d.tlAt[k] ?? 0,
      })),
    };
  }
}

/**
 * GROUND TRUTH: for every Chorus invoice visible at the dataset's now (key `chorus:<idFacture>`)
 * and every ASTRE row that matches no Chorus invoice (key `astre:…`), the anomaly codes it must
 * carry with default thresholds. Invoices without anomalies map to an empty set.
 */
export function expectedAnomalies(
  dataset: Dataset,
  options: ExpectedAnomaliesOptions = {},
): Map<GroundTruthKey, ReadonlySet<AnomalyCode>> {
  return evaluateAnomalies({
    at: options.at ?? dataset.now,
    thresholds: options.thresholds,
    reference: anomalyReferenceData(dataset),
    chorusInvoices: () => datasetChorusFacts(dataset),
    astreRows: () => dataset.astreFactureRows(),
  });
}

/** How many keys carry each code. */
export function countAnomalies(
  truth: ReadonlyMap<string, ReadonlySet<AnomalyCode>>,
): Record<AnomalyCode, number> {
  const counts = Object.fromEntries(ANOMALY_CODES.map((c) => [c, 0])) as Record<
    AnomalyCode,
    number
  >;
  for (const codes of truth.values()) {
    for (const code of codes) {
      counts[code] += 1;
    }
  }
  return counts;
}
