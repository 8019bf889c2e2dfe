import {
  CD31_STRUCTURES,
  DEFAULT_SERVICE_CODE,
  MINUTE_MS,
  SUPPLIER_STRUCTURE_ID_BASE,
  isChorusStatus,
  parisDayNumber,
  formatIsoDay,
  type ChorusInvoice,
  type ChorusStatus,
  type Dataset,
  type StatusTransition,
  type TypeDemandePaiement,
  type TypeFacture,
} from '@cd31/dataset';
import { InvoiceError, type InvoicePatch } from './invoice-store';
import { BadRequest, isObject, type JsonObject } from './request';

/** An invoice to add through `/__admin/invoices` or `simulator.addInvoice()`. */
export interface NewInvoiceInput {
  /** Budget SIRET; default the main budget (or `budgetCode`). */
  readonly codeDestinataire?: string;
  /** ASTRE budget code, e.g. `15`, when codeDestinataire is not given. */
  readonly budgetCode?: string;
  readonly numeroFacture?: string;
  /** Supplier SIRET; default the dataset's first supplier. */
  readonly codeFournisseur?: string;
  readonly designationFournisseur?: string;
  readonly typeDemandePaiement?: TypeDemandePaiement;
  readonly typeFacture?: TypeFacture;
  /** Euros; default 1000. */
  readonly montantHT?: number;
  /** Percent; default 20. */
  readonly tauxTva?: number;
  /** Default: an engagement of the budget from the dataset. */
  readonly numeroBonCommande?: string | null;
  /** Default FACTURES_PUBLIQUES. */
  readonly codeServiceExecutant?: string | null;
  readonly numeroMarche?: string | null;
  /** `YYYY-MM-DD`; default the Paris date of the deposit. */
  readonly dateFacture?: string;
  /** Explicit timeline (oldest first). Default: deposited and made available now. */
  readonly timeline?: readonly {
    readonly statut: ChorusStatus;
    readonly at: string | Date;
    readonly commentaire?: string | null;
  }[];
  /** Status recorded now after the default timeline (when `timeline` is not given). */
  readonly statut?: ChorusStatus;
  readonly commentaire?: string | null;
  readonly factureTelechargeeParDestinataire?: boolean;
}

const euros = (cents: number): number => Math.round(cents) / 100;

/** Builds the record of an added invoice (validated; throws InvoiceError on bad input). */
export function buildAddedInvoice(
  dataset: Dataset,
  input: NewInvoiceInput,
  index: number,
  idFacture: number,
  nowMs: number,
): ChorusInvoice {
  const budgetIndex = input.codeDestinataire
    ? CD31_STRUCTURES.findIndex((s) => s.siret === input.codeDestinataire)
    : input.budgetCode
      ? CD31_STRUCTURES.findIndex((s) => s.budget.code === input.budgetCode?.padStart(2, '0'))
      : 0;
  const structure = CD31_STRUCTURES[budgetIndex];
  if (!structure) {
    throw new InvoiceError(`Unknown budget ${input.codeDestinataire ?? input.budgetCode ?? ''}`);
  }
  const supplier = input.codeFournisseur
    ? dataset.suppliers.find((s) => s.siret === input.codeFournisseur)
    : dataset.suppliers[0];
  const codeFournisseur = input.codeFournisseur ?? supplier?.siret ?? '';
  const serviceCode =
    input.codeServiceExecutant === undefined ? DEFAULT_SERVICE_CODE : input.codeServiceExecutant;
  const service = structure.services.find((s) => s.codeService === serviceCode);
  const engagement =
    input.numeroBonCommande !== undefined
      ? input.numeroBonCommande
      : (dataset.engagements.find((e) => e.budgetIndex === budgetIndex)?.numero ?? null);
  const htCents = Math.round((input.montantHT ?? 1000) * 100);
  const tvaCents = Math.round((htCents * (input.tauxTva ?? 20)) / 100);
  let timeline: StatusTransition[];
  if (input.timeline && input.timeline.length > 0) {
    timeline = input.timeline.map((step) => {
      const at = new Date(step.at);
      if (!isChorusStatus(step.statut) || Number.isNaN(at.getTime())) {
        throw new InvoiceError('Each timeline step needs a known statut and a valid date');
      }
      return { statut: step.statut, at, commentaire: step.commentaire ?? null };
    });
    for (let k = 1; k < timeline.length; k++) {
      if ((timeline[k]?.at.getTime() ?? 0) < (timeline[k - 1]?.at.getTime() ?? 0)) {
        throw new InvoiceError('The timeline must be in chronological order');
      }
    }
  } else {
    timeline = [
      { statut: 'DEPOSEE', at: new Date(nowMs - 2 * MINUTE_MS), commentaire: null },
      { statut: 'EN_COURS_ACHEMINEMENT', at: new Date(nowMs - MINUTE_MS), commentaire: null },
      { statut: 'MISE_A_DISPOSITION', at: new Date(nowMs), commentaire: null },
    ];
    if (input.statut && input.statut !== 'MISE_A_DISPOSITION') {
      timeline.push({
        statut: input.statut,
        at: new Date(nowMs),
        commentaire: input.commentaire ?? null,
      });
    }
  }
  const depot = timeline[0]?.at ?? new Date(nowMs);
  return {
    index,
    scenario: 'NORMAL',
    idFacture,
    numeroFacture: input.numeroFacture ?? `SIM-${idFacture}`,
    typeDemandePaiement: input.typeDemandePaiement ?? 'FACTURE',
    typeFacture: input.typeFacture ?? 'FACTURE',
    cadreFacturation: 'A1_FACTURE_FOURNISSEUR',
    modeDepot: 'SAISIE_API',
    idFournisseur: SUPPLIER_STRUCTURE_ID_BASE + (supplier?.index ?? 0),
    codeFournisseur,
    typeIdentifiantFournisseur: 'SIRET',
    designationFournisseur: input.designationFournisseur ?? supplier?.name ?? 'Fournisseur simulé',
    budgetIndex,
    idDestinataire: structure.idStructureCPP,
    codeDestinataire: structure.siret,
    designationDestinataire: structure.designationStructure,
    idServiceExecutant: service?.idService ?? null,
    codeServiceExecutant: serviceCode,
    nomServiceExecutant: service?.libelleService ?? null,
    dateFacture: input.dateFacture ?? formatIsoDay(parisDayNumber(depot.getTime())),
    dateDepot: depot,
    montantHT: euros(htCents),
    montantTVA: euros(tvaCents),
    montantTTC: euros(htCents + tvaCents),
    montantAPayer: euros(htCents + tvaCents),
    tauxTva: input.tauxTva ?? 20,
    devise: 'EUR',
    numeroMarche: input.numeroMarche ?? null,
    numeroBonCommande: engagement,
    timeline,
    downloadedAt: input.factureTelechargeeParDestinataire ? new Date(nowMs) : null,
    duplicateOf: null,
  };
}

function field<T>(
  o: JsonObject,
  key: string,
  check: (v: unknown) => v is T,
  expected: string,
): T | undefined {
  const value = o[key];
  if (value === undefined) {
    return undefined;
  }
  if (!check(value)) {
    throw new BadRequest(`${key}: expected ${expected}`);
  }
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStatus = (v: unknown): v is ChorusStatus => isChorusStatus(v);
const isTypeFacture = (v: unknown): v is TypeFacture => v === 'FACTURE' || v === 'AVOIR';
const isTypeDemande = (v: unknown): v is TypeDemandePaiement =>
  v === 'FACTURE' || v === 'FACTURE_TRAVAUX';

/** Validates the JSON of `PATCH /__admin/invoices/:id`. */
export function parseInvoicePatch(body: unknown): InvoicePatch {
  if (!isObject(body)) {
    throw new BadRequest('Expected a JSON object');
  }
  return {
    numeroFacture: field(body, 'numeroFacture', isString, 'a string'),
    numeroBonCommande: field(body, 'numeroBonCommande', isNullableString, 'a string or null'),
    codeServiceExecutant: field(body, 'codeServiceExecutant', isNullableString, 'a string or null'),
    numeroMarche: field(body, 'numeroMarche', isNullableString, 'a string or null'),
    montantHT: field(body, 'montantHT', isNumber, 'a number'),
    montantTVA: field(body, 'montantTVA', isNumber, 'a number'),
    montantTTC: field(body, 'montantTTC', isNumber, 'a number'),
    montantAPayer: field(body, 'montantAPayer', isNumber, 'a number'),
    typeFacture: field(body, 'typeFacture', isTypeFacture, 'FACTURE or AVOIR'),
    typeDemandePaiement: field(
      body,
      'typeDemandePaiement',
      isTypeDemande,
      'FACTURE or FACTURE_TRAVAUX',
    ),
    codeFournisseur: field(body, 'codeFournisseur', isString, 'a string'),
    designationFournisseur: field(body, 'designationFournisseur', isString, 'a string'),
    dateFacture: field(body, 'dateFacture', isString, 'a string'),
    codeDestinataire: field(body, 'codeDestinataire', isString, 'a string'),
    factureTelechargeeParDestinataire: field(
      body,
      'factureTelechargeeParDestinataire',
      isBoolean,
      'a boolean',
    ),
    statut: field(body, 'statut', isStatus, 'a Chorus status'),
    commentaire: field(body, 'commentaire', isNullableString, 'a string or null'),
  };
}

/** Validates the JSON of `POST /__admin/invoices`. */
export function parseNewInvoice(body: unknown): NewInvoiceInput {
  if (!isObject(body)) {
    throw new BadRequest('Expected a JSON object');
  }
  const timeline = body['timeline'];
  let steps: NewInvoiceInput['timeline'];
  if (timeline !== undefined) {
    if (!Array.isArray(timeline)) {
      throw new BadRequest('timeline: expected an array');
    }
    steps = (timeline as unknown[]).map((step) => {
      if (!isObject(step) || !isStatus(step['statut']) || typeof step['at'] !== 'string') {
        throw new BadRequest('timeline: each step needs statut and at (ISO date)');
      }
      return {
        statut: step['statut'],
        at: step['at'],
        commentaire: field(step, 'commentaire', isNullableString, 'a string or null') ?? null,
      };
    });
  }
  return {
    codeDestinataire: field(body, 'codeDestinataire', isString, 'a string'),
    budgetCode: field(body, 'budgetCode', isString, 'a string'),
    numeroFacture: field(body, 'numeroFacture', isString, 'a string'),
    codeFournisseur: field(body, 'codeFournisseur', isString, 'a string'),
    designationFournisseur: field(body, 'designationFournisseur', isString, 'a string'),
    typeDemandePaiement: field(
      body,
      'typeDemandePaiement',
      isTypeDemande,
      'FACTURE or FACTURE_TRAVAUX',
    ),
    typeFacture: field(body, 'typeFacture', isTypeFacture, 'FACTURE or AVOIR'),
    montantHT: field(body, 'montantHT', isNumber, 'a number'),
    tauxTva: field(body, 'tauxTva', isNumber, 'a number'),
    numeroBonCommande: field(body, 'numeroBonCommande', isNullableString, 'a string or null'),
    codeServiceExecutant: field(body, 'codeServiceExecutant', isNullableString, 'a string or null'),
    numeroMarche: field(body, 'numeroMarche', isNullableString, 'a string or null'),
    dateFacture: field(body, 'dateFacture', isString, 'a string'),
    timeline: steps,
    statut: field(body, 'statut', isStatus, 'a Chorus status'),
    commentaire: field(body, 'commentaire', isNullableString, 'a string or null'),
    factureTelechargeeParDestinataire: field(
      body,
      'factureTelechargeeParDestinataire',
      isBoolean,
      'a boolean',
    ),
  };
}

/** Milliseconds of `{ms?, seconds?, minutes?, hours?, days?}` (summed). */
export function parseDuration(body: unknown): number {
  if (!isObject(body)) {
    throw new BadRequest('Expected a JSON object such as {"days": 1}');
  }
  const units: readonly (readonly [string, number])[] = [
    ['ms', 1],
    ['seconds', 1000],
    ['minutes', 60_000],
    ['hours', 3_600_000],
    ['days', 86_400_000],
  ];
  let total = 0;
  let any = false;
  for (const [key, factor] of units) {
    const value = field(body, key, isNumber, 'a number');
    if (value !== undefined) {
      total += value * factor;
      any = true;
    }
  }
  if (!any) {
    throw new BadRequest('Give at least one of ms, seconds, minutes, hours, days');
  }
  return Math.round(total);
}
