/** Raw Chorus Pro JSON → the client's normalised types. */
import { ChorusUnexpectedResponseError } from './chorus-errors';
import {
  type ChorusInvoiceDetail,
  type ChorusInvoiceSummary,
  type ChorusOperation,
  type ChorusPaymentRequestType,
  type ChorusProcessingResult,
  type ChorusStatusEvent,
  type ChorusStatusHistory,
  type ChorusStructure,
  type ChorusStructureDetails,
  type ChorusStructureService,
} from './chorus-types';
import {
  type JsonRecord,
  asArray,
  asRecord,
  isRecord,
  readBoolean,
  readCalendarDate,
  readDecimal,
  readInstant,
  readInteger,
  readText,
} from './chorus-values';

export interface ChorusPagination {
  readonly pageCourante: number | null;
  readonly pages: number | null;
  readonly nbResultatsParPage: number | null;
  readonly total: number | null;
}

/** Pagination fields of a reply (top level for the invoice search, `parametresRetour` elsewhere). */
export function readPagination(source: unknown): ChorusPagination {
  const record = asRecord(source);
  return {
    pageCourante: readInteger(record['pageCourante']),
    pages: readInteger(record['pages']),
    nbResultatsParPage: readInteger(record['nbResultatsParPage']),
    total: readInteger(record['total']),
  };
}

function requiredId(
  operation: ChorusOperation,
  record: JsonRecord,
  field: string,
  where: string,
): number {
  const id = readInteger(record[field]);
  if (id === null) {
    throw new ChorusUnexpectedResponseError(`${where} without a usable ${field}`, { operation });
  }
  return id;
}

export function normaliseInvoiceSummary(
  raw: unknown,
  requestedType: ChorusPaymentRequestType,
): ChorusInvoiceSummary {
  const item = asRecord(raw);
  return {
    idFacture: requiredId('searchReceivedInvoices', item, 'idFacture', 'an invoice'),
    numeroFacture: readText(item['numeroFacture']),
    typeDemandePaiement: readText(item['typeDemandePaiement']) ?? requestedType,
    typeFacture: readText(item['typeFacture']),
    codeFournisseur: readText(item['codeFournisseur']),
    typeIdentifiantFournisseur: readText(item['typeIdentifiantFournisseur']),
    designationFournisseur: readText(item['designationFournisseur']),
    idDestinataire: readInteger(item['idDestinataire']),
    codeDestinataire: readText(item['codeDestinataire']),
    designationDestinataire: readText(item['designationDestinataire']),
    idServiceExecutant: readInteger(item['idServiceExecutant']),
    codeServiceExecutant: readText(item['codeServiceExecutant']),
    nomServiceExecutant: readText(item['nomServiceExecutant']),
    dateFacture: readCalendarDate(item['dateFacture']),
    dateDepot: readCalendarDate(item['dateDepot']),
    montantHT: readDecimal(item['montantHT']),
    montantTTC: readDecimal(item['montantTTC']),
    montantAPayer: readDecimal(item['montantAPayer']),
    devise: readText(item['devise']),
    statut: readText(item['statut']),
    numeroMarche: readText(item['numeroMarche']),
    numeroBonCommande: readText(item['numeroBonCommande']),
    factureTelechargeeParDestinataire: readBoolean(item['factureTelechargeeParDestinataire']),
    dateHeureEtatCourant: readInstant(item['dateHeureEtatCourant']),
    commentaireEtatCourant: readText(item['commentaireEtatCourant']),
  };
}

export function normaliseStructure(raw: unknown): ChorusStructure | null {
  const item = asRecord(raw);
  const idStructureCPP = readInteger(item['idStructureCPP']);
  if (idStructureCPP === null) {
    return null;
  }
  return {
    idStructureCPP,
    identifiantStructure: readText(item['identifiantStructure']),
    typeIdentifiantStructure: readText(item['typeIdentifiantStructure']),
    designationStructure: readText(item['designationStructure']),
    statut: readText(item['statut']),
  };
}

export function normaliseService(raw: unknown): ChorusStructureService {
  const item = asRecord(raw);
  return {
    idService: requiredId('listStructureServices', item, 'idService', 'a service'),
    codeService: readText(item['codeService']),
    libelleService: readText(item['libelleService']),
    estActif: readBoolean(item['estActif']),
  };
}

export function normaliseStructureDetails(
  body: JsonRecord,
  requestedId: number,
): ChorusStructureDetails {
  const general = asRecord(body['informationGenerales']);
  const rawParametres = asRecord(body['parametres']);
  const parametres: Record<string, boolean | string | number | null> = {};
  for (const [key, value] of Object.entries(rawParametres)) {
    const flag = readBoolean(value);
    if (flag !== null && typeof value !== 'number') {
      parametres[key] = flag;
    } else if (typeof value === 'string' || typeof value === 'number') {
      parametres[key] = value === '' ? null : value;
    } else {
      parametres[key] = null;
    }
  }
  const flag = (key: string): boolean | null => {
    const value = parametres[key];
    return typeof value === 'boolean' ? value : null;
  };
  return {
    idStructureCPP: readInteger(general['idStructureCPP']) ?? requestedId,
    identifiantStructure:
      readText(general['identifiant']) ?? readText(general['identifiantStructure']),
    typeIdentifiantStructure:
      readText(general['typeIdentifiant']) ?? readText(general['typeIdentifiantStructure']),
    raisonSociale:
      readText(general['raisonSociale']) ??
      readText(general['libelleStructure']) ??
      readText(general['designationStructure']),
    dateExpirationMotPasseCompteTech: readInstant(general['dateExpirationMotPasseCompteTech']),
    codeServiceDoitEtreRenseigne: flag('codeServiceDoitEtreRenseigne'),
    numeroEJDoitEtreRenseigne: flag('numeroEJDoitEtreRenseigne'),
    parametres,
  };
}

export function normaliseInvoiceDetail(body: JsonRecord, requestedId: number): ChorusInvoiceDetail {
  if (!isRecord(body['facture'])) {
    throw new ChorusUnexpectedResponseError('reply without a facture object', {
      operation: 'consultReceivedInvoice',
    });
  }
  const facture = body['facture'];
  const destinataire = asRecord(facture['destinataire']);
  const fournisseur = asRecord(facture['fournisseur']);
  const cadre = asRecord(facture['cadreDeFacturation']);
  const references = asRecord(facture['references']);
  const montants = asRecord(facture['montantTotal']);
  return {
    idFacture: readInteger(facture['identifiantFactureCPP']) ?? requestedId,
    numeroFacture: readText(facture['numeroFacture']),
    statut: readText(facture['statutFacture']),
    modeDepot: readText(facture['modeDepot']),
    codeDestinataire: readText(destinataire['codeDestinataire']),
    codeServiceExecutant: readText(destinataire['codeServiceExecutant']),
    codeFournisseur: readText(fournisseur['codeFournisseur']),
    designationFournisseur: readText(fournisseur['designationFournisseur']),
    codeCadreFacturation: readText(cadre['codeCadreFacturation']),
    typeFacture: readText(references['typeFacture']),
    dateFacture: readCalendarDate(references['dateFacture']),
    dateDepot: readCalendarDate(references['dateDepot']),
    numeroMarche: readText(references['numeroMarche']),
    numeroBonCommande: readText(references['numeroBonCommande']),
    numeroFactureOrigine: readText(references['numeroFactureOrigine']),
    modePaiement: readText(references['modePaiement']),
    montantHT: readDecimal(montants['montantHtTotal']),
    montantTVA: readDecimal(montants['montantTVA']),
    montantTTC: readDecimal(montants['montantTtcTotal']),
    montantAPayer: readDecimal(montants['montantAPayer']),
  };
}

export function normaliseStatusHistory(body: JsonRecord, idFacture: number): ChorusStatusHistory {
  const histo = asArray(asRecord(body['historiquesDesStatuts'])['histoStatut']);
  const events: ChorusStatusEvent[] = [];
  for (const raw of histo) {
    const item = asRecord(raw);
    const code = readText(item['histoStatutCode']);
    if (code === null) {
      continue; // an entry without a status says nothing
    }
    events.push({
      id: readInteger(item['histoStatutId']),
      code,
      date: readInstant(item['histoStatutDatePassage']),
      comment: readText(item['histoStatutCommentaire']),
    });
  }
  return {
    idFacture,
    statutCourant: readText(body['statutCourantCode']),
    events: oldestFirst(events),
  };
}

/**
 * Chorus lists newest first, at minute precision (several changes can share a minute). Reverse
 * the list so ties keep Chorus' own order, then stable-sort the dated events among themselves;
 * undated events keep their place.
 */
function oldestFirst(events: readonly ChorusStatusEvent[]): ChorusStatusEvent[] {
  const reversed = [...events].reverse();
  const dated = reversed
    .filter((event) => event.date !== null)
    .sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
  let next = 0;
  return reversed.map((event) => (event.date === null ? event : (dated[next++] ?? event)));
}

export function normaliseProcessingResult(
  body: JsonRecord,
  requestedId: number,
): ChorusProcessingResult {
  return {
    idFacture: readInteger(body['idFacture']) ?? requestedId,
    numeroFacture: readText(body['numeroFacture']),
    nouveauStatut: readText(body['nouveauStatut']),
    dateTraitement: readInstant(body['dateTraitement']),
  };
}
