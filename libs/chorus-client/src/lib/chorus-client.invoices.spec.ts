import {
  type ChorusTestServer,
  type TestHandler,
  startChorusTestServer,
  testClient,
} from '../testing/chorus-test-server';
import {
  type FakeRecipientSearchOptions,
  fakeRecipientSearch,
  rawInvoice,
  rawInvoices,
} from '../testing/fake-recipient-search';
import { type ChorusClient } from './chorus-client';
import { ChorusInvalidRequestError, ChorusUnexpectedResponseError } from './chorus-errors';
import { type ChorusInvoicePage, type ChorusReceivedInvoiceSearch } from './chorus-types';

const SEARCH = '/cpro/factures/v1/rechercher/recipiendaire';
const ID_STRUCTURE = 25_784_152;
const BUDGET_SIRET = 22_310_001_700_423;

async function readAll(
  client: ChorusClient,
  search: Partial<ChorusReceivedInvoiceSearch> = {},
): Promise<ChorusInvoicePage[]> {
  const pages: ChorusInvoicePage[] = [];
  for await (const page of client.searchReceivedInvoices({
    idDestinataire: ID_STRUCTURE,
    ...search,
  })) {
    pages.push(page);
  }
  return pages;
}

function bodies(server: ChorusTestServer): Record<string, unknown>[] {
  return server.apiRequests(SEARCH).map((r) => r.json as Record<string, unknown>);
}

describe('ChorusClient.searchReceivedInvoices', () => {
  let server: ChorusTestServer | undefined;

  async function start(api: TestHandler): Promise<ChorusTestServer> {
    server = await startChorusTestServer({ api });
    return server;
  }

  function searching(
    invoices: FakeRecipientSearchOptions['invoices'],
    options: Partial<FakeRecipientSearchOptions> = {},
  ): Promise<ChorusTestServer> {
    return start(fakeRecipientSearch({ idDestinataire: ID_STRUCTURE, invoices, ...options }));
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads every page of both payment request types: 2 500 invoices → 3 pages of 1 000', async () => {
    const s = await searching({
      FACTURE: rawInvoices(2500),
      FACTURE_TRAVAUX: rawInvoices(1001, { typeDemandePaiement: 'FACTURE_TRAVAUX' }),
    });

    const pages = await readAll(testClient(s).client);

    expect(
      pages.map((p) => [p.typeDemandePaiement, p.pageNumber, p.pagesDeclared, p.invoices.length]),
    ).toEqual([
      ['FACTURE', 1, 3, 1000],
      ['FACTURE', 2, 3, 1000],
      ['FACTURE', 3, 3, 500],
      ['FACTURE_TRAVAUX', 1, 2, 1000],
      ['FACTURE_TRAVAUX', 2, 2, 1],
    ]);
    expect(pages[0]?.totalDeclared).toBe(2500);
    const ids = pages.flatMap((p) => p.invoices.map((i) => i.idFacture));
    expect(new Set(ids).size).toBe(3501);
  });

  it('puts the paging keys inside paramRecherche, not at the root', async () => {
    const s = await searching({ FACTURE: rawInvoices(3) });

    await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    const [body] = bodies(s);
    expect(body?.['paramRecherche']).toEqual({
      pageResultatDemandee: 1,
      nbResultatsParPage: 1000,
      triSens: 'Ascendant',
      triColonne: 'IdFacture',
    });
    expect(body).not.toHaveProperty('pageResultatDemandee');
    expect(body).not.toHaveProperty('nbResultatsParPage');
  });

  it('sends triSens without a trailing space', async () => {
    const s = await searching({ FACTURE: rawInvoices(3) });

    const pages = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(pages[0]?.invoices).toHaveLength(3);
    const params = bodies(s)[0]?.['paramRecherche'] as Record<string, unknown>;
    expect(params['triSens']).toBe('Ascendant');
  });

  it('filters on the structure id (idDestinataire), never on the SIRET', async () => {
    const s = await searching({ FACTURE: rawInvoices(2) });

    const pages = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(bodies(s)[0]?.['idDestinataire']).toBe(ID_STRUCTURE);
    expect(pages[0]?.invoices).toHaveLength(2);
  });

  it('refuses a SIRET given as idDestinataire before calling Chorus', async () => {
    const s = await searching({ FACTURE: rawInvoices(2) });

    await expect(
      readAll(testClient(s).client, { idDestinataire: BUDGET_SIRET }),
    ).rejects.toBeInstanceOf(ChorusInvalidRequestError);
    expect(s.apiRequests()).toHaveLength(0);
  });

  it('asks for both FACTURE and FACTURE_TRAVAUX by default', async () => {
    const s = await searching({});

    await readAll(testClient(s).client);

    expect(bodies(s).map((b) => b['typeDemandePaiement'])).toEqual(['FACTURE', 'FACTURE_TRAVAUX']);
  });

  it('gets every invoice from a server whose default page size is 10', async () => {
    const s = await searching({ FACTURE: rawInvoices(35) }, { defaultPageSize: 10 });

    const pages = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(pages).toHaveLength(1);
    expect(pages[0]?.invoices).toHaveLength(35);
    expect(s.apiRequests(SEARCH)).toHaveLength(1);
  });

  it('loops over the declared pages when the server gives fewer per page than asked', async () => {
    const s = await searching({ FACTURE: rawInvoices(35) }, { maxPageSize: 10 });

    const pages = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(pages.map((p) => p.invoices.length)).toEqual([10, 10, 10, 5]);
    expect(
      bodies(s).map(
        (b) => (b['paramRecherche'] as Record<string, unknown>)['pageResultatDemandee'],
      ),
    ).toEqual([1, 2, 3, 4]);
  });

  it('reads pagination fields sent as strings', async () => {
    const s = await searching(
      { FACTURE: rawInvoices(25) },
      { maxPageSize: 10, paginationAsStrings: true },
    );

    const pages = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(pages.map((p) => [p.pagesDeclared, p.totalDeclared, p.invoices.length])).toEqual([
      [3, 25, 10],
      [3, 25, 10],
      [3, 25, 5],
    ]);
  });

  it('reads until an empty page when the pagination fields are null', async () => {
    const s = await searching(
      { FACTURE: rawInvoices(25) },
      { maxPageSize: 10, nullPagination: true },
    );

    const pages = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(pages.map((p) => [p.pagesDeclared, p.invoices.length])).toEqual([
      [null, 10],
      [null, 10],
      [null, 5],
      [null, 0],
    ]);
  });

  it('treats codeRetour 20000 (TRA_MSG_00.015) as an empty result, not an error', async () => {
    const s = await start(() => ({
      body: { codeRetour: 20000, libelle: 'TRA_MSG_00.015' },
    }));

    const pages = await readAll(testClient(s).client);

    expect(pages).toEqual([
      {
        typeDemandePaiement: 'FACTURE',
        pageNumber: 1,
        pagesDeclared: 0,
        totalDeclared: 0,
        invoices: [],
      },
      {
        typeDemandePaiement: 'FACTURE_TRAVAUX',
        pageNumber: 1,
        pagesDeclared: 0,
        totalDeclared: 0,
        invoices: [],
      },
    ]);
  });

  it('stops when a server ignores the page number and repeats a page', async () => {
    const page = { codeRetour: 0, listeFactures: rawInvoices(10) };
    const s = await start(() => ({ body: page }));

    await expect(readAll(testClient(s).client)).rejects.toBeInstanceOf(
      ChorusUnexpectedResponseError,
    );
    expect(s.apiRequests()).toHaveLength(2);
  });

  it('writes the status window in Paris time with its offset', async () => {
    const s = await searching({});

    await readAll(testClient(s).client, {
      typesDemandePaiement: ['FACTURE'],
      periodeDateHeureEtatCourantDu: new Date('2024-03-05T09:11:47.823Z'),
      periodeDateHeureEtatCourantAu: new Date('2024-07-01T00:00:00.000Z'),
      statutCourant: ['MISE_A_DISPOSITION', 'A_RECYCLER'],
      periodeDateDepotDu: '2024-01-01',
    });

    expect(bodies(s)[0]).toMatchObject({
      periodeDateHeureEtatCourantDu: '2024-03-05T10:11:47.823+01:00',
      periodeDateHeureEtatCourantAu: '2024-07-01T02:00:00.000+02:00',
      statutCourant: ['MISE_A_DISPOSITION', 'A_RECYCLER'],
      periodeDateDepotDu: '2024-01-01',
    });
  });

  it('normalises an invoice sent with numbers as strings and empty strings', async () => {
    const raw = rawInvoice({
      idFacture: '987654',
      idDestinataire: String(ID_STRUCTURE),
      idServiceExecutant: '',
      codeServiceExecutant: '',
      montantHT: '1000.50',
      montantTTC: '1200,60',
      montantAPayer: '',
      factureTelechargeeParDestinataire: 'true',
      numeroBonCommande: ' EJ 2024/123 ',
      typeFacture: 'AVOIR',
      statut: 'UN_STATUT_NOUVEAU',
    });
    const s = await start(() => ({
      body: { codeRetour: 0, pageCourante: 1, pages: 1, total: 1, listeFactures: [raw] },
    }));

    const [page] = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(page?.invoices[0]).toEqual({
      idFacture: 987654,
      numeroFacture: raw['numeroFacture'],
      typeDemandePaiement: 'FACTURE',
      typeFacture: 'AVOIR',
      codeFournisseur: '35600000000048',
      typeIdentifiantFournisseur: 'SIRET',
      designationFournisseur: 'LA POSTE',
      idDestinataire: ID_STRUCTURE,
      codeDestinataire: '22310001700423',
      designationDestinataire: 'DEPARTEMENT DE LA HAUTE GARONNE',
      idServiceExecutant: null,
      codeServiceExecutant: null,
      nomServiceExecutant: 'Factures publiques',
      dateFacture: '2024-03-01',
      dateDepot: '2024-03-05',
      montantHT: '1000.5',
      montantTTC: '1200.6',
      montantAPayer: null,
      devise: 'EUR',
      statut: 'UN_STATUT_NOUVEAU',
      numeroMarche: null,
      numeroBonCommande: ' EJ 2024/123 ',
      factureTelechargeeParDestinataire: true,
      dateHeureEtatCourant: new Date('2024-03-05T09:11:47.823Z'),
      commentaireEtatCourant: null,
    });
  });

  it('reads the three date shapes on an invoice', async () => {
    const s = await start(() => ({
      body: {
        codeRetour: 0,
        listeFactures: [
          rawInvoice({
            dateFacture: '2024-03-01T00:00:00.000+01:00',
            dateDepot: '2024-03-05 17:45',
            dateHeureEtatCourant: '2024-06-05 10:11',
          }),
        ],
        pages: 1,
      },
    }));

    const [page] = await readAll(testClient(s).client, { typesDemandePaiement: ['FACTURE'] });

    expect(page?.invoices[0]).toMatchObject({
      dateFacture: '2024-03-01',
      dateDepot: '2024-03-05',
      dateHeureEtatCourant: new Date('2024-06-05T08:11:00.000Z'),
    });
  });

  it('refuses an invoice line without idFacture rather than storing it half', async () => {
    const s = await start(() => ({
      body: { codeRetour: 0, listeFactures: [rawInvoice({ idFacture: '' })], pages: 1 },
    }));

    await expect(readAll(testClient(s).client)).rejects.toThrow('without a usable idFacture');
  });

  it('yields page by page, so the caller can store each before the next is asked', async () => {
    const s = await searching({ FACTURE: rawInvoices(25) }, { maxPageSize: 10 });
    const { client } = testClient(s);
    const iterator = client.searchReceivedInvoices({
      idDestinataire: ID_STRUCTURE,
      typesDemandePaiement: ['FACTURE'],
    });

    await iterator.next();
    expect(s.apiRequests(SEARCH)).toHaveLength(1);
    await iterator.return();
    expect(s.apiRequests(SEARCH)).toHaveLength(1);
  });
});
