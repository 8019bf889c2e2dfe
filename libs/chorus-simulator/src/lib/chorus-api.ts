import {
  CD31_STRUCTURES,
  formatParisDate,
  formatParisIso,
  formatParisMinute,
  statusCode,
  statusFromCode,
  type ChorusStatus,
  type ChorusStructure,
} from '@cd31/dataset';
import { type InvoiceStore, type InvoiceQuery, type SortColumn } from './invoice-store';
import {
  BadRequest,
  asObject,
  optionalBoolean,
  optionalDay,
  optionalInstant,
  optionalInteger,
  optionalStatus,
  optionalString,
  optionalStringList,
  requiredInteger,
  type JsonObject,
} from './request';

/** What a handler answers. `body: null` → an empty body. */
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const LIBELLE_OK = 'TRA_MSG_00.000';
export const CODE_NO_RESULT = 20000;
export const LIBELLE_NO_RESULT = 'TRA_MSG_00.015';
/** HTTP 400: a parameter is missing or invalid. */
export const CODE_BAD_REQUEST = 20001;
/** HTTP 200: no such invoice (or not visible to this recipient yet). */
export const CODE_UNKNOWN_INVOICE = 20002;
/** HTTP 200: no such structure. */
export const CODE_UNKNOWN_STRUCTURE = 20003;
/** HTTP 200: the target status is not allowed from the current one. */
export const CODE_TRANSITION_REFUSED = 20004;

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;

export const SORT_COLUMNS: readonly SortColumn[] = [
  'IdFacture',
  'NumeroFacture',
  'DateDepot',
  'DateHeureEtatCourant',
];

/** Statuses a recipient may set from each current status (`recuperer/etats/traitement`). */
export const ALLOWED_TRANSITIONS: Readonly<Partial<Record<ChorusStatus, readonly ChorusStatus[]>>> =
  {
    MISE_A_DISPOSITION: [
      'A_RECYCLER',
      'REJETEE',
      'SUSPENDUE',
      'SERVICE_FAIT',
      'MANDATEE',
      'MISE_EN_PAIEMENT',
    ],
    COMPLETEE: ['A_RECYCLER', 'REJETEE', 'SERVICE_FAIT', 'MANDATEE', 'MISE_EN_PAIEMENT'],
    SERVICE_FAIT: ['MANDATEE', 'MISE_EN_PAIEMENT'],
    MANDATEE: ['MISE_EN_PAIEMENT'],
    MISE_A_DISPOSITION_COMPTABLE: ['MISE_EN_PAIEMENT'],
    COMPTABILISEE: ['MISE_EN_PAIEMENT'],
  };

const MOTIF_REQUIRED: ReadonlySet<ChorusStatus> = new Set(['A_RECYCLER', 'REJETEE', 'SUSPENDUE']);
export const MOTIF_MAX_LENGTH = 255;

const TAUX_TVA = [
  { codeTauxTva: 'TVA20', libelleTauxTva: '20 %', valeurTauxTva: '20.00' },
  { codeTauxTva: 'TVA10', libelleTauxTva: '10 %', valeurTauxTva: '10.00' },
  { codeTauxTva: 'TVA5_5', libelleTauxTva: '5,5 %', valeurTauxTva: '5.50' },
  { codeTauxTva: 'TVA2_1', libelleTauxTva: '2,1 %', valeurTauxTva: '2.10' },
  { codeTauxTva: 'TVA0', libelleTauxTva: '0 %', valeurTauxTva: '0.00' },
];

export interface ApiContext {
  readonly store: InvoiceStore;
  readonly nowMs: () => number;
  readonly passwordExpiresAt: Date;
  /** True when this page must fail once (fault injection). */
  readonly failPage: (page: number) => boolean;
}

const ok = (body: JsonObject): ApiReply => ({
  status: 200,
  body: { codeRetour: 0, libelle: LIBELLE_OK, ...body },
});
const functionalError = (codeRetour: number, libelle: string): ApiReply => ({
  status: 200,
  body: { codeRetour, libelle },
});

interface Paging {
  readonly page: number;
  readonly size: number;
  readonly triSens: 'Ascendant' | 'Descendant' | undefined;
  readonly triColonne: string | undefined;
}

function paging(value: unknown, name: string): Paging {
  const o = asObject(value, name);
  const triSens = optionalString(o, 'triSens');
  if (triSens !== undefined && triSens !== 'Ascendant' && triSens !== 'Descendant') {
    throw new BadRequest(
      `triSens doit valoir « Ascendant » ou « Descendant », reçu « ${triSens} »`,
    );
  }
  return {
    page: optionalInteger(o, 'pageResultatDemandee', 1) ?? 1,
    size: optionalInteger(o, 'nbResultatsParPage', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
    triSens,
    triColonne: optionalString(o, 'triColonne'),
  };
}

function pageOf<T>(
  items: readonly T[],
  p: Paging,
): { slice: readonly T[]; parametresRetour: JsonObject } {
  const pages = Math.ceil(items.length / p.size);
  return {
    slice: items.slice((p.page - 1) * p.size, p.page * p.size),
    // The real API sends some of these as strings: clients must parse leniently.
    parametresRetour: {
      pageCourante: p.page,
      pages,
      nbResultatsParPage: p.size,
      total: String(items.length),
    },
  };
}

function structureById(id: number | undefined): ChorusStructure | undefined {
  return CD31_STRUCTURES.find((s) => s.idStructureCPP === id);
}

// ---- structures ----

export function rechercherStructures(body: JsonObject): ApiReply {
  const criteria = asObject(body['structure'], 'structure');
  const p = paging(body['parametres'], 'parametres');
  const identifiant = optionalString(criteria, 'identifiantStructure')?.replace(/\s/g, '');
  const type = optionalString(criteria, 'typeIdentifiantStructure');
  const libelle = optionalString(criteria, 'libelleStructure')?.toUpperCase();
  const found = CD31_STRUCTURES.filter(
    (s) =>
      (identifiant === undefined || s.siret === identifiant) &&
      (type === undefined || type === 'SIRET') &&
      (libelle === undefined || s.designationStructure.includes(libelle)),
  );
  const { slice, parametresRetour } = pageOf(found, p);
  return ok({
    listeStructures: slice.map((s) => ({
      idStructureCPP: s.idStructureCPP,
      identifiantStructure: s.siret,
      designationStructure: s.designationStructure,
      statut: 'ACTIF',
      typeIdentifiantStructure: 'SIRET',
    })),
    parametresRetour,
  });
}

export function rechercherServices(body: JsonObject): ApiReply {
  const id = optionalInteger(body, 'idStructure');
  if (id === undefined) {
    throw new BadRequest('Le paramètre idStructure est obligatoire');
  }
  const p = paging(
    body['parametresRechercherServicesStructure'],
    'parametresRechercherServicesStructure',
  );
  const structure = structureById(id);
  if (!structure) {
    return functionalError(CODE_UNKNOWN_STRUCTURE, `Structure inconnue : ${id}`);
  }
  const { slice, parametresRetour } = pageOf(structure.services, p);
  return ok({
    listeServices: slice.map((s) => ({
      idService: s.idService,
      codeService: s.codeService,
      libelleService: s.libelleService,
      estActif: s.estActif,
    })),
    parametresRetour,
  });
}

export function consulterStructure(body: JsonObject, ctx: ApiContext): ApiReply {
  const id = optionalInteger(body, 'idStructureCPP');
  if (id === undefined) {
    throw new BadRequest('Le paramètre idStructureCPP est obligatoire');
  }
  const structure = structureById(id);
  if (!structure) {
    return functionalError(CODE_UNKNOWN_STRUCTURE, `Structure inconnue : ${id}`);
  }
  return ok({
    idStructureCPP: structure.idStructureCPP,
    informationGenerales: {
      typeIdentifiantStructure: 'SIRET',
      identifiantStructure: structure.siret,
      raisonSociale: structure.designationStructure,
      libelleStructure: structure.designationStructure,
      numeroTva: 'FR85223100017',
      emailStructure: 'chorus-pro@cd31.fr',
      dateExpirationMotPasseCompteTech: formatParisDate(ctx.passwordExpiresAt.getTime()),
    },
    parametres: {
      codeServiceDoitEtreRenseigne: true,
      numeroEJDoitEtreRenseigne: true,
      gestionNumeroEJOuCodeService: false,
      gestionStatutMiseEnPaiement: true,
      estMOA: false,
      estMOAUniquement: false,
      connexionEdi: true,
    },
    adressePostale: {
      adresse: '1 boulevard de la Marquette',
      codePostal: '31090',
      ville: 'Toulouse Cedex 9',
      codePays: 'FR',
      libellePays: 'France',
    },
  });
}

// ---- factures ----

export function parseRecipientQuery(body: JsonObject): { query: InvoiceQuery; paging: Paging } {
  const p = paging(body['paramRecherche'], 'paramRecherche');
  const triColonne = p.triColonne ?? 'IdFacture';
  if (!(SORT_COLUMNS as readonly string[]).includes(triColonne)) {
    throw new BadRequest(
      `triColonne inconnue « ${triColonne} » (valeurs : ${SORT_COLUMNS.join(', ')})`,
    );
  }
  const idDestinataire = optionalInteger(body, 'idDestinataire');
  const typeDemande = optionalString(body, 'typeDemandePaiement') ?? 'FACTURE';
  if (typeDemande !== 'FACTURE' && typeDemande !== 'FACTURE_TRAVAUX') {
    throw new BadRequest(`typeDemandePaiement inconnu « ${typeDemande} »`);
  }
  const statuses = optionalStringList(body, 'statutCourant')?.map((s) => {
    const code = statusCode(s as ChorusStatus);
    if (code < 0) {
      throw new BadRequest(`statutCourant : statut inconnu « ${s} »`);
    }
    return code;
  });
  const typesFacture = optionalStringList(body, 'listeTypeFacture')?.map((t) => {
    if (t === 'FACTURE') return 0;
    if (t === 'AVOIR') return 1;
    if (t === 'ACOMPTE') return 2;
    throw new BadRequest(`listeTypeFacture : type inconnu « ${t} »`);
  });
  let budgets: number[] | null = null;
  if (idDestinataire !== undefined) {
    const index = CD31_STRUCTURES.findIndex((s) => s.idStructureCPP === idDestinataire);
    budgets = index < 0 ? [] : [index];
  }
  return {
    query: {
      budgets,
      typeDemande: typeDemande === 'FACTURE_TRAVAUX' ? 1 : 0,
      statuses: statuses && statuses.length > 0 ? new Set(statuses) : null,
      windowFromMs: optionalInstant(body, 'periodeDateHeureEtatCourantDu', false) ?? null,
      windowToMs: optionalInstant(body, 'periodeDateHeureEtatCourantAu', true) ?? null,
      depotFromDay: optionalDay(body, 'periodeDateDepotDu') ?? null,
      depotToDay: optionalDay(body, 'periodeDateDepotAu') ?? null,
      typesFacture: typesFacture && typesFacture.length > 0 ? new Set(typesFacture) : null,
      downloaded: optionalBoolean(body, 'factureTelechargeeParDestinataire') ?? null,
      numeroFacture: optionalString(body, 'numeroFacture')?.trim() || null,
      sort: triColonne as SortColumn,
      descending: (p.triSens ?? 'Descendant') === 'Descendant',
    },
    paging: p,
  };
}

export function rechercherRecipiendaire(body: JsonObject, ctx: ApiContext): ApiReply {
  const { query, paging: p } = parseRecipientQuery(body);
  if (ctx.failPage(p.page)) {
    return { status: 500, body: { codeRetour: 500, libelle: 'Erreur technique' } };
  }
  const t = ctx.nowMs();
  const found = ctx.store.search(query, t);
  if (found.length === 0) {
    return {
      status: 200,
      body: {
        codeRetour: CODE_NO_RESULT,
        libelle: LIBELLE_NO_RESULT,
        pageCourante: null,
        pages: null,
        nbResultatsParPage: null,
        total: null,
        listeFactures: [],
      },
    };
  }
  const from = (p.page - 1) * p.size;
  const indices = found.subarray(
    Math.min(from, found.length),
    Math.min(from + p.size, found.length),
  );
  const listeFactures = Array.from(indices, (i) => searchItem(ctx.store, i, t));
  return ok({
    pageCourante: p.page,
    pages: Math.ceil(found.length / p.size),
    // A string, as the real API sometimes sends: harmless for a lenient client.
    nbResultatsParPage: String(p.size),
    total: found.length,
    listeFactures,
  });
}

function searchItem(store: InvoiceStore, i: number, t: number): JsonObject {
  const r = store.record(i);
  return {
    idFacture: r.idFacture,
    numeroFacture: r.numeroFacture,
    typeDemandePaiement: r.typeDemandePaiement,
    typeFacture: r.typeFacture,
    codeFournisseur: r.codeFournisseur,
    typeIdentifiantFournisseur: r.typeIdentifiantFournisseur,
    designationFournisseur: r.designationFournisseur,
    idFournisseur: r.idFournisseur,
    idDestinataire: r.idDestinataire,
    codeDestinataire: r.codeDestinataire,
    designationDestinataire: r.designationDestinataire,
    idServiceExecutant: r.idServiceExecutant,
    codeServiceExecutant: r.codeServiceExecutant,
    nomServiceExecutant: r.nomServiceExecutant,
    dateFacture: r.dateFacture,
    dateDepot: formatParisDate(r.dateDepot.getTime()),
    montantHT: r.montantHT,
    montantTTC: r.montantTTC,
    montantAPayer: r.montantAPayer.toFixed(2),
    devise: r.devise,
    statut: store.currentStatus(i),
    numeroMarche: r.numeroMarche,
    numeroBonCommande: r.numeroBonCommande,
    factureTelechargeeParDestinataire: store.isDownloaded(i, t),
    dateHeureEtatCourant: formatParisIso(store.currentAtMs(i)),
    commentaireEtatCourant: r.timeline[store.currentPosition(i)]?.commentaire ?? null,
  };
}

/** Index of a visible invoice, or a functional error reply. */
function visibleInvoice(ctx: ApiContext, idFacture: number): number | ApiReply {
  const t = ctx.nowMs();
  ctx.store.sync(t);
  const index = ctx.store.indexOfId(idFacture);
  if (index < 0 || !ctx.store.isVisible(index, t)) {
    return functionalError(CODE_UNKNOWN_INVOICE, `Facture inconnue : ${idFacture}`);
  }
  return index;
}

export function consulterRecipiendaire(body: JsonObject, ctx: ApiContext): ApiReply {
  const id = optionalInteger(body, 'identifiantFactureCPP');
  if (id === undefined) {
    throw new BadRequest('Le paramètre identifiantFactureCPP est obligatoire');
  }
  const index = visibleInvoice(ctx, id);
  if (typeof index !== 'number') {
    return index;
  }
  const store = ctx.store;
  const r = store.record(index);
  return ok({
    facture: {
      identifiantFactureCPP: r.idFacture,
      numeroFacture: r.numeroFacture,
      statutFacture: store.currentStatus(index),
      modeDepot: r.modeDepot,
      dateHeureEtatCourant: formatParisIso(store.currentAtMs(index)),
      destinataire: {
        idDestinataire: r.idDestinataire,
        codeDestinataire: r.codeDestinataire,
        libelleDestinataire: r.designationDestinataire,
        idServiceExecutant: r.idServiceExecutant,
        codeServiceExecutant: r.codeServiceExecutant,
        libelleServiceExecutant: r.nomServiceExecutant,
      },
      fournisseur: {
        idFournisseur: r.idFournisseur,
        codeFournisseur: r.codeFournisseur,
        typeIdentifiantFournisseur: r.typeIdentifiantFournisseur,
        designationFournisseur: r.designationFournisseur,
      },
      cadreDeFacturation: { codeCadreFacturation: r.cadreFacturation },
      references: {
        dateFacture: r.dateFacture,
        dateDepot: formatParisDate(r.dateDepot.getTime()),
        typeFacture: r.typeFacture,
        typeDemandePaiement: r.typeDemandePaiement,
        numeroMarche: r.numeroMarche,
        numeroBonCommande: r.numeroBonCommande,
        numeroFactureOrigine: null,
        modePaiement: 'VIREMENT',
        deviseFacture: r.devise,
      },
      // Amounts as strings here, as the real API sends them in places.
      montantTotal: {
        montantHtTotal: r.montantHT.toFixed(2),
        montantTVA: r.montantTVA.toFixed(2),
        montantTtcTotal: r.montantTTC.toFixed(2),
        montantAPayer: r.montantAPayer.toFixed(2),
      },
    },
  });
}

export function consulterHistorique(body: JsonObject, ctx: ApiContext): ApiReply {
  const id = optionalInteger(body, 'idFacture');
  if (id === undefined) {
    throw new BadRequest('Le paramètre idFacture est obligatoire');
  }
  const max = optionalInteger(body, 'nbResultatsMaximum', 1, 1000) ?? 50;
  const index = visibleInvoice(ctx, id);
  if (typeof index !== 'number') {
    return index;
  }
  const t = ctx.nowMs();
  const timeline = ctx.store.timeline(index);
  const histoStatut: JsonObject[] = [];
  for (let k = timeline.length - 1; k >= 0 && histoStatut.length < max; k--) {
    const step = timeline[k];
    if (!step || step.atMs > t) {
      continue;
    }
    histoStatut.push({
      histoStatutId: id * 1000 + k,
      histoStatutCode: statusFromCode(step.status),
      histoStatutDatePassage: formatParisMinute(step.atMs),
      histoStatutCommentaire: step.commentaire,
    });
  }
  return ok({
    idFacture: id,
    statutCourantCode: ctx.store.currentStatus(index),
    historiquesDesStatuts: { histoStatut },
  });
}

export function traiterRecue(body: JsonObject, ctx: ApiContext): ApiReply {
  const id = requiredInteger(body, 'idFacture');
  const target = optionalStatus(body, 'nouveauStatut');
  if (target === undefined) {
    throw new BadRequest('Le paramètre nouveauStatut est obligatoire');
  }
  const rawMotif = optionalString(body, 'motif');
  if (MOTIF_REQUIRED.has(target) && (rawMotif === undefined || rawMotif.trim() === '')) {
    throw new BadRequest(`Le motif est obligatoire pour le statut ${target}`);
  }
  const numeroDPMandat = optionalString(body, 'numeroDPMandat');
  if (numeroDPMandat !== undefined && target !== 'MANDATEE') {
    throw new BadRequest('numeroDPMandat n’est accepté qu’avec le statut MANDATEE');
  }
  const index = visibleInvoice(ctx, id);
  if (typeof index !== 'number') {
    return index;
  }
  const t = ctx.nowMs();
  const store = ctx.store;
  const current = store.currentStatus(index);
  const allowed = current ? (ALLOWED_TRANSITIONS[current] ?? []) : [];
  const alreadySuspended =
    target === 'SUSPENDUE' &&
    store.timeline(index).some((e) => e.status === statusCode('SUSPENDUE') && e.atMs <= t);
  if (!allowed.includes(target) || alreadySuspended) {
    return functionalError(
      CODE_TRANSITION_REFUSED,
      alreadySuspended
        ? `La facture ${id} a déjà été suspendue une fois`
        : `Le statut ${target} n’est pas autorisé pour une facture au statut ${current ?? 'inconnu'}`,
    );
  }
  // Chorus Pro truncates motifs longer than 255 characters.
  const motif =
    rawMotif === undefined || rawMotif.trim() === ''
      ? null
      : [...rawMotif].slice(0, MOTIF_MAX_LENGTH).join('');
  store.applyStatus(index, target, motif, t);
  return ok({
    idFacture: id,
    numeroFacture: store.record(index).numeroFacture,
    dateTraitement: formatParisIso(t),
    nouveauStatut: target,
  });
}

// ---- transverses ----

export function etatsTraitement(body: JsonObject): ApiReply {
  const current = optionalStatus(body, 'statutCourant');
  if (current === undefined) {
    throw new BadRequest('Le paramètre statutCourant est obligatoire');
  }
  return ok({
    listeStatutsPossiblesPourTraitement: (ALLOWED_TRANSITIONS[current] ?? []).map((s) => ({
      statutPossiblePourTraitement: s,
    })),
  });
}

export function tauxTva(): ApiReply {
  return ok({ listeTauxTva: TAUX_TVA });
}

export type ApiHandler = (body: JsonObject, ctx: ApiContext) => ApiReply;

/** Every endpoint of chorus-pro-api.md, by path. */
export const API_ROUTES: Readonly<Record<string, ApiHandler>> = {
  '/cpro/structures/v1/rechercher': (body) => rechercherStructures(body),
  '/cpro/structures/v1/rechercher/services': (body) => rechercherServices(body),
  '/cpro/structures/v1/consulter': consulterStructure,
  '/cpro/factures/v1/rechercher/recipiendaire': rechercherRecipiendaire,
  '/cpro/factures/v1/consulter/recipiendaire': consulterRecipiendaire,
  '/cpro/factures/v1/consulter/historique': consulterHistorique,
  '/cpro/factures/v1/traiter/recue': traiterRecue,
  '/cpro/transverses/v1/recuperer/etats/traitement': (body) => etatsTraitement(body),
  '/cpro/transverses/v1/recuperer/tauxtva': () => tauxTva(),
};

export function badRequestReply(error: BadRequest): ApiReply {
  return { status: 400, body: { codeRetour: CODE_BAD_REQUEST, libelle: error.message } };
}
