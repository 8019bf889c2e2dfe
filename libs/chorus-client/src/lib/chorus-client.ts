/** Chorus Pro through PISTE, as a recipient (CD31) uses it. */
import { normaliseSiret, validateSiret } from '@cd31/domain';
import { type ChorusConfig, validateChorusConfig } from './chorus-config';
import { ChorusInvalidRequestError, ChorusUnexpectedResponseError } from './chorus-errors';
import {
  type ChorusPagination,
  normaliseInvoiceDetail,
  normaliseInvoiceSummary,
  normaliseProcessingResult,
  normaliseService,
  normaliseStatusHistory,
  normaliseStructure,
  normaliseStructureDetails,
  readPagination,
} from './chorus-normalise';
import { type ChorusClientOptions, ChorusTransport } from './chorus-transport';
import {
  CHORUS_PAYMENT_REQUEST_TYPES,
  type ChorusCallOptions,
  type ChorusConnectivity,
  type ChorusInvoiceDetail,
  type ChorusInvoicePage,
  type ChorusInvoiceProcessing,
  type ChorusOperation,
  type ChorusProcessingResult,
  type ChorusReceivedInvoiceSearch,
  type ChorusStatusHistory,
  type ChorusStructure,
  type ChorusStructureDetails,
  type ChorusStructureService,
} from './chorus-types';
import { type JsonRecord, asArray, asRecord, readText } from './chorus-values';
import { formatParisDateTime } from './paris-time';

const PATHS = {
  rechercherStructure: '/cpro/structures/v1/rechercher',
  rechercherServices: '/cpro/structures/v1/rechercher/services',
  consulterStructure: '/cpro/structures/v1/consulter',
  rechercherRecipiendaire: '/cpro/factures/v1/rechercher/recipiendaire',
  consulterRecipiendaire: '/cpro/factures/v1/consulter/recipiendaire',
  consulterHistorique: '/cpro/factures/v1/consulter/historique',
  traiterRecue: '/cpro/factures/v1/traiter/recue',
  etatsTraitement: '/cpro/transverses/v1/recuperer/etats/traitement',
  tauxTva: '/cpro/transverses/v1/recuperer/tauxtva',
} as const;

/** What production clients ask; the API's default (10) silently drops invoices if not looped. */
export const CHORUS_MAX_PAGE_SIZE = 1000;
/**
 * Invoices are sorted on their id, ascending: unique and immutable, so pages neither overlap nor
 * shuffle while an invoice changes status during the read (a status date would).
 */
export const CHORUS_INVOICE_SORT = { triColonne: 'IdFacture', triSens: 'Ascendant' } as const;
export const CHORUS_MOTIF_MAX_LENGTH = 255;
const STATUSES_REQUIRING_MOTIF: readonly string[] = ['REJETEE', 'SUSPENDUE'];
const DEFAULT_MAX_PAGES = 10_000;

export class ChorusClient {
  private readonly transport: ChorusTransport;
  private readonly maxPages: number;

  constructor(config: ChorusConfig, options: ChorusClientOptions = {}) {
    this.transport = new ChorusTransport(validateChorusConfig(config), options);
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /** The Chorus structure registered under a SIRET, or null when Chorus knows none. */
  async findStructureBySiret(
    siret: string,
    options: ChorusCallOptions = {},
  ): Promise<ChorusStructure | null> {
    const operation = 'findStructureBySiret';
    const validation = validateSiret(siret);
    if (!validation.valid) {
      throw new ChorusInvalidRequestError(operation, `not a valid SIRET (${validation.reason})`);
    }
    const reply = await this.transport.postJson(
      operation,
      PATHS.rechercherStructure,
      {
        structure: { identifiantStructure: validation.siret, typeIdentifiantStructure: 'SIRET' },
        parametres: { pageResultatDemandee: 1, nbResultatsParPage: 10 },
      },
      { signal: options.signal, idempotent: true },
    );
    if (reply.noResult) {
      return null;
    }
    const structures = asArray(reply.body['listeStructures'])
      .map(normaliseStructure)
      .filter((structure) => structure !== null);
    // The search may match more loosely than the exact SIRET: prefer the exact one.
    return (
      structures.find(
        (s) =>
          s.identifiantStructure !== null &&
          normaliseSiret(s.identifiantStructure) === validation.siret,
      ) ?? (structures.length === 1 ? (structures[0] ?? null) : null)
    );
  }

  /** Every service of a structure, all pages read. */
  async listStructureServices(
    idStructureCPP: number,
    options: ChorusCallOptions = {},
  ): Promise<ChorusStructureService[]> {
    const operation = 'listStructureServices';
    assertChorusId(operation, 'idStructureCPP', idStructureCPP);
    const services: ChorusStructureService[] = [];
    for (let page = 1; ; page++) {
      this.assertPageBudget(operation, page);
      const reply = await this.transport.postJson(
        operation,
        PATHS.rechercherServices,
        {
          idStructure: idStructureCPP,
          parametresRechercherServicesStructure: {
            pageResultatDemandee: page,
            nbResultatsParPage: CHORUS_MAX_PAGE_SIZE,
          },
        },
        { signal: options.signal, idempotent: true },
      );
      const items = reply.noResult ? [] : asArray(reply.body['listeServices']);
      services.push(...items.map(normaliseService));
      const pagination = readPagination(reply.body['parametresRetour']);
      if (!hasNextPage(page, pagination, items.length, services.length, reply.noResult)) {
        return services;
      }
    }
  }

  /** Structure details, including when the technical account's password expires. */
  async consultStructure(
    idStructureCPP: number,
    options: ChorusCallOptions = {},
  ): Promise<ChorusStructureDetails> {
    const operation = 'consultStructure';
    assertChorusId(operation, 'idStructureCPP', idStructureCPP);
    // The key is idStructureCPP here, not idStructure as in the services search.
    const reply = await this.transport.postJson(
      operation,
      PATHS.consulterStructure,
      { idStructureCPP, codeLangue: 'FR' },
      { signal: options.signal, idempotent: true },
    );
    return normaliseStructureDetails(reply.body, idStructureCPP);
  }

  /**
   * Received invoices, page by page, for each payment request type (FACTURE then
   * FACTURE_TRAVAUX by default). Every page is read; memory holds one page at a time.
   */
  async *searchReceivedInvoices(
    search: ChorusReceivedInvoiceSearch,
  ): AsyncGenerator<ChorusInvoicePage, void, undefined> {
    const operation = 'searchReceivedInvoices';
    const filters = recipientSearchFilters(search);
    const pageSize = search.pageSize ?? CHORUS_MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CHORUS_MAX_PAGE_SIZE) {
      throw new ChorusInvalidRequestError(
        operation,
        `pageSize must be a whole number from 1 to ${CHORUS_MAX_PAGE_SIZE}`,
      );
    }
    const types = search.typesDemandePaiement ?? CHORUS_PAYMENT_REQUEST_TYPES;
    for (const typeDemandePaiement of types) {
      if (!CHORUS_PAYMENT_REQUEST_TYPES.includes(typeDemandePaiement)) {
        throw new ChorusInvalidRequestError(operation, 'unknown typeDemandePaiement');
      }
    }
    for (const typeDemandePaiement of types) {
      let readSoFar = 0;
      let previousFirstId: number | null = null;
      for (let pageNumber = 1; ; pageNumber++) {
        this.assertPageBudget(operation, pageNumber);
        const reply = await this.transport.postJson(
          operation,
          PATHS.rechercherRecipiendaire,
          {
            ...filters,
            typeDemandePaiement,
            // Paging keys belong inside paramRecherche: at the root they are ignored (10 per page).
            paramRecherche: {
              pageResultatDemandee: pageNumber,
              nbResultatsParPage: pageSize,
              ...CHORUS_INVOICE_SORT,
            },
          },
          { signal: search.signal, idempotent: true },
        );
        const items = reply.noResult ? [] : asArray(reply.body['listeFactures']);
        const invoices = items.map((item) => normaliseInvoiceSummary(item, typeDemandePaiement));
        const pagination = readPagination(reply.body);
        const firstId = invoices[0]?.idFacture ?? null;
        if (firstId !== null && firstId === previousFirstId) {
          throw new ChorusUnexpectedResponseError(
            `page ${pageNumber} repeats the previous page (the page number seems ignored)`,
            { operation },
          );
        }
        previousFirstId = firstId;
        readSoFar += invoices.length;
        yield {
          typeDemandePaiement,
          pageNumber,
          // "No result" on the first page declares an empty search; later, just the end.
          pagesDeclared: pagination.pages ?? (reply.noResult && pageNumber === 1 ? 0 : null),
          totalDeclared: pagination.total ?? (reply.noResult && pageNumber === 1 ? 0 : null),
          invoices,
        };
        if (!hasNextPage(pageNumber, pagination, invoices.length, readSoFar, reply.noResult)) {
          break;
        }
      }
    }
  }

  /** One received invoice in detail. */
  async consultReceivedInvoice(
    idFacture: number,
    options: ChorusCallOptions = {},
  ): Promise<ChorusInvoiceDetail> {
    const operation = 'consultReceivedInvoice';
    assertChorusId(operation, 'idFacture', idFacture);
    const reply = await this.transport.postJson(
      operation,
      PATHS.consulterRecipiendaire,
      { identifiantFactureCPP: idFacture },
      { signal: options.signal, idempotent: true },
    );
    return normaliseInvoiceDetail(reply.body, idFacture);
  }

  /** The status changes of an invoice, oldest first (the DGP starts at one of them). */
  async getStatusHistory(
    idFacture: number,
    options: ChorusCallOptions & { readonly maxResults?: number } = {},
  ): Promise<ChorusStatusHistory> {
    const operation = 'getStatusHistory';
    assertChorusId(operation, 'idFacture', idFacture);
    const maxResults = options.maxResults ?? 50;
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw new ChorusInvalidRequestError(operation, 'maxResults must be a positive whole number');
    }
    const reply = await this.transport.postJson(
      operation,
      PATHS.consulterHistorique,
      { idFacture, nbResultatsMaximum: maxResults },
      { signal: options.signal, idempotent: true },
    );
    return normaliseStatusHistory(reply.body, idFacture);
  }

  /**
   * Moves a received invoice to a new status (e.g. A_RECYCLER with a motif). Not retried after
   * an ambiguous failure (timeout, reset): the caller checks the status before trying again.
   */
  async processReceivedInvoice(
    processing: ChorusInvoiceProcessing,
    options: ChorusCallOptions = {},
  ): Promise<ChorusProcessingResult> {
    const operation = 'processReceivedInvoice';
    const body = processingBody(operation, processing);
    const reply = await this.transport.postJson(operation, PATHS.traiterRecue, body, {
      signal: options.signal,
      idempotent: false,
    });
    return normaliseProcessingResult(reply.body, processing.idFacture);
  }

  /** The statuses a recipient may move an invoice to from `statutCourant`. */
  async getAllowedTransitions(
    statutCourant: string,
    options: ChorusCallOptions = {},
  ): Promise<string[]> {
    const operation = 'getAllowedTransitions';
    if (statutCourant.trim() === '') {
      throw new ChorusInvalidRequestError(operation, 'statutCourant is required');
    }
    const reply = await this.transport.postJson(
      operation,
      PATHS.etatsTraitement,
      { statutCourant },
      { signal: options.signal, idempotent: true },
    );
    return asArray(reply.body['listeStatutsPossiblesPourTraitement'])
      .map((item) => readText(asRecord(item)['statutPossiblePourTraitement']))
      .filter((status) => status !== null);
  }

  /** A cheap authenticated call (VAT rates): proves the token, the account and the gateway work. */
  async checkConnectivity(options: ChorusCallOptions = {}): Promise<ChorusConnectivity> {
    const started = performance.now();
    const reply = await this.transport.postJson(
      'checkConnectivity',
      PATHS.tauxTva,
      {},
      { signal: options.signal, idempotent: true },
    );
    return {
      durationMs: Math.round(performance.now() - started),
      tauxTvaCount: asArray(reply.body['listeTauxTva']).length,
    };
  }

  private assertPageBudget(operation: ChorusOperation, pageNumber: number): void {
    if (pageNumber > this.maxPages) {
      throw new ChorusUnexpectedResponseError(
        `more than ${this.maxPages} pages: stopping (pagination seems endless)`,
        { operation },
      );
    }
  }
}

/**
 * Whether to ask for the page after `pageNumber`. The declared page count decides when there is
 * one; without it (null pagination fields) the declared total, else read until an empty page.
 */
function hasNextPage(
  pageNumber: number,
  pagination: ChorusPagination,
  itemsOnPage: number,
  readSoFar: number,
  noResult: boolean,
): boolean {
  if (noResult || itemsOnPage === 0) {
    return false;
  }
  if (pagination.pages !== null) {
    return pageNumber < pagination.pages;
  }
  if (pagination.total !== null) {
    return readSoFar < pagination.total;
  }
  return true;
}

function assertChorusId(operation: ChorusOperation, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ChorusInvalidRequestError(operation, `${name} must be a positive whole number`);
  }
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function recipientSearchFilters(search: ChorusReceivedInvoiceSearch): JsonRecord {
  const operation = 'searchReceivedInvoices';
  assertChorusId(operation, 'idDestinataire', search.idDestinataire);
  if (validateSiret(String(search.idDestinataire)).valid) {
    // A classic bug: the SIRET instead of the structure id matches nothing, silently.
    throw new ChorusInvalidRequestError(
      operation,
      'idDestinataire looks like a SIRET: pass the idStructureCPP (findStructureBySiret)',
    );
  }
  const filters: JsonRecord = { idDestinataire: search.idDestinataire };
  for (const key of ['periodeDateHeureEtatCourantDu', 'periodeDateHeureEtatCourantAu'] as const) {
    const instant = search[key];
    if (instant !== undefined) {
      if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
        throw new ChorusInvalidRequestError(operation, `${key} must be a valid Date`);
      }
      // Paris local time with its offset, the shape Chorus itself returns.
      filters[key] = formatParisDateTime(instant);
    }
  }
  for (const key of ['periodeDateDepotDu', 'periodeDateDepotAu'] as const) {
    const date = search[key];
    if (date !== undefined) {
      if (!CALENDAR_DATE.test(date)) {
        throw new ChorusInvalidRequestError(operation, `${key} must be a 'YYYY-MM-DD' date`);
      }
      filters[key] = date;
    }
  }
  if (search.statutCourant !== undefined && search.statutCourant.length > 0) {
    filters['statutCourant'] = [...search.statutCourant];
  }
  if (search.factureTelechargeeParDestinataire !== undefined) {
    filters['factureTelechargeeParDestinataire'] = search.factureTelechargeeParDestinataire;
  }
  if (search.listeTypeFacture !== undefined && search.listeTypeFacture.length > 0) {
    filters['listeTypeFacture'] = [...search.listeTypeFacture];
  }
  if (search.numeroFacture !== undefined && search.numeroFacture !== '') {
    filters['numeroFacture'] = search.numeroFacture;
  }
  if (search.idServiceExecutant !== undefined) {
    assertChorusId(operation, 'idServiceExecutant', search.idServiceExecutant);
    filters['idServiceExecutant'] = search.idServiceExecutant;
  }
  return filters;
}

function processingBody(
  operation: ChorusOperation,
  processing: ChorusInvoiceProcessing,
): JsonRecord {
  assertChorusId(operation, 'idFacture', processing.idFacture);
  const nouveauStatut = processing.nouveauStatut;
  if (nouveauStatut.trim() === '') {
    throw new ChorusInvalidRequestError(operation, 'nouveauStatut is required');
  }
  // Composed accents (NFC) so "é" is one character, as Chorus counts it.
  const motif = processing.motif?.normalize('NFC');
  if (motif !== undefined && motif.length > CHORUS_MOTIF_MAX_LENGTH) {
    throw new ChorusInvalidRequestError(
      operation,
      `motif is ${motif.length} characters long, Chorus accepts at most ${CHORUS_MOTIF_MAX_LENGTH}`,
    );
  }
  if (STATUSES_REQUIRING_MOTIF.includes(nouveauStatut) && (motif ?? '').trim() === '') {
    throw new ChorusInvalidRequestError(operation, `a motif is mandatory for ${nouveauStatut}`);
  }
  if (processing.numeroDPMandat !== undefined && nouveauStatut !== 'MANDATEE') {
    throw new ChorusInvalidRequestError(operation, 'numeroDPMandat goes only with MANDATEE');
  }
  const body: JsonRecord = { idFacture: processing.idFacture, nouveauStatut };
  if (motif !== undefined) {
    // Sent as is: JSON.stringify keeps UTF-8 text intact (no \u escapes, no double encoding).
    body['motif'] = motif;
  }
  if (processing.numeroDPMandat !== undefined) {
    body['numeroDPMandat'] = processing.numeroDPMandat;
  }
  return body;
}
