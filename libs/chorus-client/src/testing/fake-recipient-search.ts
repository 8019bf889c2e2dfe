/**
 * `rechercher/recipiendaire` as the real API behaves in the traps the client must survive:
 * 10 results per page unless `paramRecherche` says otherwise, paging keys at the root ignored,
 * filtering on the structure id (a SIRET finds nothing), codeRetour 20000 for "no result".
 */
import { type ChorusPaymentRequestType } from '../lib/chorus-types';
import { type RecordedRequest, type TestReply } from './chorus-test-server';

export type RawInvoice = Record<string, unknown>;

let nextId = 100_000;

/** A search line as Chorus sends it; numbers and dates in their usual shapes. */
export function rawInvoice(overrides: RawInvoice = {}): RawInvoice {
  const idFacture = nextId++;
  return {
    idFacture,
    numeroFacture: `F-${idFacture}`,
    typeDemandePaiement: 'FACTURE',
    typeFacture: 'FACTURE',
    codeFournisseur: '35600000000048',
    typeIdentifiantFournisseur: 'SIRET',
    designationFournisseur: 'LA POSTE',
    idDestinataire: 25_784_152,
    codeDestinataire: '22310001700423',
    designationDestinataire: 'DEPARTEMENT DE LA HAUTE GARONNE',
    idServiceExecutant: 1_234,
    codeServiceExecutant: 'FACTURES_PUBLIQUES',
    nomServiceExecutant: 'Factures publiques',
    dateFacture: '2024-03-01',
    dateDepot: '2024-03-05',
    montantHT: 1000,
    montantTTC: 1200,
    montantAPayer: 1200,
    devise: 'EUR',
    statut: 'MISE_A_DISPOSITION',
    numeroMarche: null,
    numeroBonCommande: 'EJ2024-000123',
    factureTelechargeeParDestinataire: false,
    dateHeureEtatCourant: '2024-03-05T10:11:47.823+01:00',
    commentaireEtatCourant: null,
    ...overrides,
  };
}

export function rawInvoices(count: number, overrides: RawInvoice = {}): RawInvoice[] {
  return Array.from({ length: count }, () => rawInvoice(overrides));
}

export interface FakeRecipientSearchOptions {
  /** The idStructureCPP the invoices were sent to. */
  readonly idDestinataire: number;
  readonly invoices: Partial<Record<ChorusPaymentRequestType, readonly RawInvoice[]>>;
  /** What the real API does without `paramRecherche.nbResultatsParPage`: 10. */
  readonly defaultPageSize?: number;
  /** A server that never gives more than this per page, whatever is asked. */
  readonly maxPageSize?: number;
  /** Leave pageCourante/pages/nbResultatsParPage/total null. */
  readonly nullPagination?: boolean;
  /** Send the pagination fields as strings. */
  readonly paginationAsStrings?: boolean;
}

const NO_RESULT = { codeRetour: 20000, libelle: 'TRA_MSG_00.015', listeFactures: [] };

export function fakeRecipientSearch(
  options: FakeRecipientSearchOptions,
): (request: RecordedRequest) => TestReply {
  return (request) => {
    const body = (request.json ?? {}) as Record<string, unknown>;
    const params = (body['paramRecherche'] ?? {}) as Record<string, unknown>;
    const triSens = params['triSens'];
    if (triSens !== undefined && triSens !== 'Ascendant' && triSens !== 'Descendant') {
      return {
        status: 400,
        body: { codeRetour: 20001, libelle: 'GCU_MSG_01_000 triSens invalide' },
      };
    }
    if (body['idDestinataire'] !== options.idDestinataire) {
      return { body: NO_RESULT };
    }
    const type = (body['typeDemandePaiement'] ?? 'FACTURE') as ChorusPaymentRequestType;
    const all = [...(options.invoices[type] ?? [])].sort(
      (a, b) => Number(a['idFacture']) - Number(b['idFacture']),
    );
    if (triSens === 'Descendant') {
      all.reverse();
    }
    const asked = Number(params['nbResultatsParPage'] ?? options.defaultPageSize ?? 10);
    const size = Math.min(asked, options.maxPageSize ?? Number.POSITIVE_INFINITY);
    const page = Number(params['pageResultatDemandee'] ?? 1);
    const pages = Math.ceil(all.length / size);
    if (all.length === 0 || page > pages) {
      return { body: NO_RESULT };
    }
    const listeFactures = all.slice((page - 1) * size, page * size);
    const field = (value: number): number | string | null =>
      options.nullPagination ? null : options.paginationAsStrings ? String(value) : value;
    return {
      body: {
        codeRetour: 0,
        libelle: 'TRA_MSG_00.000',
        pageCourante: field(page),
        pages: field(pages),
        nbResultatsParPage: field(size),
        total: field(all.length),
        listeFactures,
      },
    };
  };
}
