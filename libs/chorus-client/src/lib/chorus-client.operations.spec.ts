import {
  type ChorusTestServer,
  type RecordedRequest,
  type TestReply,
  startChorusTestServer,
  testClient,
} from '../testing/chorus-test-server';
import { ChorusFunctionalError, ChorusInvalidRequestError } from './chorus-errors';

const BUDGET_SIRET = '22310001700423';
const ID_STRUCTURE = 25_784_152;

type Routes = Record<string, (request: RecordedRequest) => TestReply>;

describe('ChorusClient structure, invoice and processing operations', () => {
  let server: ChorusTestServer | undefined;

  async function start(routes: Routes): Promise<ChorusTestServer> {
    server = await startChorusTestServer({
      api: (request) => routes[request.path]?.(request) ?? { status: 404 },
    });
    return server;
  }

  function bodyOf(path: string, index = 0): unknown {
    return server?.apiRequests(path)[index]?.json;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('findStructureBySiret', () => {
    const PATH = '/cpro/structures/v1/rechercher';

    it('searches by SIRET and returns the structure id', async () => {
      const s = await start({
        [PATH]: () => ({
          body: {
            codeRetour: 0,
            libelle: 'TRA_MSG_00.000',
            listeStructures: [
              {
                idStructureCPP: String(ID_STRUCTURE),
                identifiantStructure: BUDGET_SIRET,
                designationStructure: 'DEPARTEMENT DE LA HAUTE GARONNE',
                statut: 'ACTIF',
                typeIdentifiantStructure: 'SIRET',
              },
            ],
            parametresRetour: { pageCourante: 1, pages: 1, total: 1 },
          },
        }),
      });

      const structure = await testClient(s).client.findStructureBySiret('223 100 017 00423');

      expect(bodyOf(PATH)).toEqual({
        structure: { identifiantStructure: BUDGET_SIRET, typeIdentifiantStructure: 'SIRET' },
        parametres: { pageResultatDemandee: 1, nbResultatsParPage: 10 },
      });
      expect(structure).toEqual({
        idStructureCPP: ID_STRUCTURE,
        identifiantStructure: BUDGET_SIRET,
        typeIdentifiantStructure: 'SIRET',
        designationStructure: 'DEPARTEMENT DE LA HAUTE GARONNE',
        statut: 'ACTIF',
      });
    });

    it('returns null when Chorus finds nothing', async () => {
      const s = await start({
        [PATH]: () => ({ body: { codeRetour: 20000, libelle: 'TRA_MSG_00.015' } }),
      });

      await expect(testClient(s).client.findStructureBySiret(BUDGET_SIRET)).resolves.toBeNull();
    });

    it('refuses an invalid SIRET locally', async () => {
      const s = await start({});

      await expect(
        testClient(s).client.findStructureBySiret('22310001700424'),
      ).rejects.toBeInstanceOf(ChorusInvalidRequestError);
      expect(s.apiRequests()).toHaveLength(0);
    });
  });

  describe('listStructureServices', () => {
    const PATH = '/cpro/structures/v1/rechercher/services';

    it('reads every page, the pagination being nested in parametresRetour', async () => {
      const services = Array.from({ length: 25 }, (_, i) => ({
        idService: String(9000 + i),
        codeService: i === 0 ? 'FACTURES_PUBLIQUES' : `SERVICE_${i}`,
        libelleService: `Service ${i}`,
        estActif: i % 2 === 0,
      }));
      const s = await start({
        [PATH]: (request) => {
          const params = (request.json as Record<string, Record<string, number>>)[
            'parametresRechercherServicesStructure'
          ];
          const page = params?.['pageResultatDemandee'] ?? 1;
          return {
            body: {
              codeRetour: 0,
              listeServices: services.slice((page - 1) * 10, page * 10),
              parametresRetour: { pageCourante: page, pages: 3, nbResultatsParPage: 10, total: 25 },
            },
          };
        },
      });

      const result = await testClient(s).client.listStructureServices(ID_STRUCTURE);

      expect(result).toHaveLength(25);
      expect(result[0]).toEqual({
        idService: 9000,
        codeService: 'FACTURES_PUBLIQUES',
        libelleService: 'Service 0',
        estActif: true,
      });
      expect(bodyOf(PATH, 2)).toEqual({
        idStructure: ID_STRUCTURE,
        parametresRechercherServicesStructure: {
          pageResultatDemandee: 3,
          nbResultatsParPage: 1000,
        },
      });
    });
  });

  describe('consultStructure', () => {
    const PATH = '/cpro/structures/v1/consulter';

    it('sends idStructureCPP (not idStructure) and reads the password expiry and flags', async () => {
      const s = await start({
        [PATH]: () => ({
          body: {
            codeRetour: 0,
            libelle: 'TRA_MSG_00.000',
            informationGenerales: {
              idStructureCPP: ID_STRUCTURE,
              identifiant: BUDGET_SIRET,
              typeIdentifiant: 'SIRET',
              raisonSociale: 'DEPARTEMENT DE LA HAUTE GARONNE',
              dateExpirationMotPasseCompteTech: '2025-05-14',
            },
            parametres: {
              codeServiceDoitEtreRenseigne: true,
              numeroEJDoitEtreRenseigne: 'false',
              gestionStatutMiseEnPaiement: false,
            },
          },
        }),
      });

      const details = await testClient(s).client.consultStructure(ID_STRUCTURE);

      expect(bodyOf(PATH)).toEqual({ idStructureCPP: ID_STRUCTURE, codeLangue: 'FR' });
      expect(details).toEqual({
        idStructureCPP: ID_STRUCTURE,
        identifiantStructure: BUDGET_SIRET,
        typeIdentifiantStructure: 'SIRET',
        raisonSociale: 'DEPARTEMENT DE LA HAUTE GARONNE',
        dateExpirationMotPasseCompteTech: new Date('2025-05-13T22:00:00.000Z'),
        codeServiceDoitEtreRenseigne: true,
        numeroEJDoitEtreRenseigne: false,
        parametres: {
          codeServiceDoitEtreRenseigne: true,
          numeroEJDoitEtreRenseigne: false,
          gestionStatutMiseEnPaiement: false,
        },
      });
    });
  });

  describe('consultReceivedInvoice', () => {
    const PATH = '/cpro/factures/v1/consulter/recipiendaire';

    it('asks by identifiantFactureCPP and flattens the reply', async () => {
      const s = await start({
        [PATH]: () => ({
          body: {
            codeRetour: 0,
            facture: {
              identifiantFactureCPP: 4242,
              numeroFacture: 'F-2024-001',
              statutFacture: 'MISE_A_DISPOSITION',
              modeDepot: 'SAISIE_API',
              destinataire: { codeDestinataire: BUDGET_SIRET, codeServiceExecutant: '' },
              fournisseur: {
                codeFournisseur: '35600000000048',
                designationFournisseur: 'LA POSTE',
              },
              cadreDeFacturation: { codeCadreFacturation: 'A1_FACTURE_FOURNISSEUR' },
              references: {
                dateFacture: '2024-03-01',
                dateDepot: '2024-03-05T10:11:47.823+01:00',
                typeFacture: 'FACTURE',
                numeroMarche: '',
                numeroBonCommande: 'EJ123',
                numeroFactureOrigine: null,
                modePaiement: 'VIREMENT',
              },
              montantTotal: {
                montantHtTotal: '100.00',
                montantTVA: 20,
                montantTtcTotal: '120.00',
                montantAPayer: 120,
              },
            },
          },
        }),
      });

      const detail = await testClient(s).client.consultReceivedInvoice(4242);

      expect(bodyOf(PATH)).toEqual({ identifiantFactureCPP: 4242 });
      expect(detail).toEqual({
        idFacture: 4242,
        numeroFacture: 'F-2024-001',
        statut: 'MISE_A_DISPOSITION',
        modeDepot: 'SAISIE_API',
        codeDestinataire: BUDGET_SIRET,
        codeServiceExecutant: null,
        codeFournisseur: '35600000000048',
        designationFournisseur: 'LA POSTE',
        codeCadreFacturation: 'A1_FACTURE_FOURNISSEUR',
        typeFacture: 'FACTURE',
        dateFacture: '2024-03-01',
        dateDepot: '2024-03-05',
        numeroMarche: null,
        numeroBonCommande: 'EJ123',
        numeroFactureOrigine: null,
        modePaiement: 'VIREMENT',
        montantHT: '100',
        montantTVA: '20',
        montantTTC: '120',
        montantAPayer: '120',
      });
    });
  });

  describe('getStatusHistory', () => {
    const PATH = '/cpro/factures/v1/consulter/historique';

    it('returns the events oldest first, Paris local times read across DST', async () => {
      const s = await start({
        [PATH]: () => ({
          body: {
            codeRetour: 0,
            idFacture: 4242,
            statutCourantCode: 'A_RECYCLER',
            historiquesDesStatuts: {
              histoStatut: [
                {
                  histoStatutId: '3',
                  histoStatutCode: 'A_RECYCLER',
                  histoStatutDatePassage: '2024-04-02 09:00',
                  histoStatutCommentaire: 'Code service manquant',
                },
                {
                  histoStatutId: 2,
                  histoStatutCode: 'MISE_A_DISPOSITION',
                  histoStatutDatePassage: '2024-03-29 16:05',
                  histoStatutCommentaire: '',
                },
                {
                  histoStatutId: 1,
                  histoStatutCode: 'DEPOSEE',
                  histoStatutDatePassage: '2024-03-29 16:05',
                },
              ],
            },
          },
        }),
      });

      const history = await testClient(s).client.getStatusHistory(4242);

      expect(bodyOf(PATH)).toEqual({ idFacture: 4242, nbResultatsMaximum: 50 });
      expect(history).toEqual({
        idFacture: 4242,
        statutCourant: 'A_RECYCLER',
        events: [
          { id: 1, code: 'DEPOSEE', date: new Date('2024-03-29T15:05:00Z'), comment: null },
          {
            id: 2,
            code: 'MISE_A_DISPOSITION',
            date: new Date('2024-03-29T15:05:00Z'),
            comment: null,
          },
          {
            id: 3,
            code: 'A_RECYCLER',
            date: new Date('2024-04-02T07:00:00Z'),
            comment: 'Code service manquant',
          },
        ],
      });
    });
  });

  describe('processReceivedInvoice', () => {
    const PATH = '/cpro/factures/v1/traiter/recue';
    const accepted = (): TestReply => ({
      body: {
        codeRetour: 0,
        libelle: 'TRA_MSG_00.000',
        idFacture: 4242,
        numeroFacture: 'F-2024-001',
        dateTraitement: '2024-03-05T10:11:47.823+01:00',
        nouveauStatut: 'A_RECYCLER',
      },
    });

    it('sends the motif as plain UTF-8 and reads the result', async () => {
      const s = await start({ [PATH]: accepted });
      const motif = 'Code service « FACTURES_PUBLIQUES » absent, engagement erroné';

      const result = await testClient(s).client.processReceivedInvoice({
        idFacture: 4242,
        nouveauStatut: 'A_RECYCLER',
        motif,
      });

      const [request] = s.apiRequests(PATH);
      expect(request?.json).toEqual({ idFacture: 4242, nouveauStatut: 'A_RECYCLER', motif });
      expect(request?.raw.includes(Buffer.from('erroné', 'utf8'))).toBe(true);
      expect(request?.text).not.toContain('\\u');
      expect(request?.text).not.toContain('Ã©');
      expect(result).toEqual({
        idFacture: 4242,
        numeroFacture: 'F-2024-001',
        nouveauStatut: 'A_RECYCLER',
        dateTraitement: new Date('2024-03-05T09:11:47.823Z'),
      });
    });

    it('refuses a motif over 255 characters without calling Chorus', async () => {
      const s = await start({ [PATH]: accepted });

      await expect(
        testClient(s).client.processReceivedInvoice({
          idFacture: 4242,
          nouveauStatut: 'A_RECYCLER',
          motif: 'é'.repeat(256),
        }),
      ).rejects.toThrow('at most 255');
      expect(s.apiRequests()).toHaveLength(0);
    });

    it('accepts a motif of exactly 255 accented characters', async () => {
      const s = await start({ [PATH]: accepted });

      await testClient(s).client.processReceivedInvoice({
        idFacture: 4242,
        nouveauStatut: 'A_RECYCLER',
        motif: 'e\u0301'.repeat(255),
      });

      expect((bodyOf(PATH) as Record<string, string>)['motif']).toBe('é'.repeat(255));
    });

    it('requires a motif for REJETEE and SUSPENDUE', async () => {
      const s = await start({ [PATH]: accepted });

      await expect(
        testClient(s).client.processReceivedInvoice({ idFacture: 1, nouveauStatut: 'REJETEE' }),
      ).rejects.toThrow('motif is mandatory');
    });

    it('sends numeroDPMandat only with MANDATEE', async () => {
      const s = await start({ [PATH]: accepted });
      const { client } = testClient(s);

      await client.processReceivedInvoice({
        idFacture: 1,
        nouveauStatut: 'MANDATEE',
        numeroDPMandat: 'M-2024-77',
      });
      await expect(
        client.processReceivedInvoice({
          idFacture: 1,
          nouveauStatut: 'SERVICE_FAIT',
          numeroDPMandat: 'M-2024-77',
        }),
      ).rejects.toBeInstanceOf(ChorusInvalidRequestError);

      expect(bodyOf(PATH)).toEqual({
        idFacture: 1,
        nouveauStatut: 'MANDATEE',
        numeroDPMandat: 'M-2024-77',
      });
      expect(s.apiRequests()).toHaveLength(1);
    });

    it('reports a transition Chorus refuses as a functional error', async () => {
      const s = await start({
        [PATH]: () => ({
          body: { codeRetour: 20113, libelle: 'GFT_MSG_05.018 transition non autorisée' },
        }),
      });

      await expect(
        testClient(s).client.processReceivedInvoice({
          idFacture: 1,
          nouveauStatut: 'A_RECYCLER',
          motif: 'x',
        }),
      ).rejects.toMatchObject({
        name: 'ChorusFunctionalError',
        codeRetour: 20113,
        httpStatus: 200,
        retryable: false,
      });
    });
  });

  describe('getAllowedTransitions', () => {
    const PATH = '/cpro/transverses/v1/recuperer/etats/traitement';

    it('lists the statuses reachable from the current one', async () => {
      const s = await start({
        [PATH]: () => ({
          body: {
            codeRetour: 0,
            listeStatutsPossiblesPourTraitement: [
              { statutPossiblePourTraitement: 'A_RECYCLER' },
              { statutPossiblePourTraitement: 'REJETEE' },
              { statutPossiblePourTraitement: 'SERVICE_FAIT' },
            ],
          },
        }),
      });

      const statuses = await testClient(s).client.getAllowedTransitions('MISE_A_DISPOSITION');

      expect(bodyOf(PATH)).toEqual({ statutCourant: 'MISE_A_DISPOSITION' });
      expect(statuses).toEqual(['A_RECYCLER', 'REJETEE', 'SERVICE_FAIT']);
    });
  });

  describe('checkConnectivity', () => {
    it('calls the VAT rates with an empty body', async () => {
      const s = await start({
        '/cpro/transverses/v1/recuperer/tauxtva': () => ({
          body: { codeRetour: 0, listeTauxTva: [{ tauxTva: 20 }, { tauxTva: 5.5 }] },
        }),
      });

      const report = await testClient(s).client.checkConnectivity();

      expect(report.tauxTvaCount).toBe(2);
      expect(s.apiRequests()[0]?.text).toBe('{}');
    });

    it('fails with a typed error when the account is not set up', async () => {
      const s = await start({
        '/cpro/transverses/v1/recuperer/tauxtva': () => ({
          body: { codeRetour: 1, libelle: 'Utilisateur non rattaché' },
        }),
      });

      await expect(testClient(s).client.checkConnectivity()).rejects.toBeInstanceOf(
        ChorusFunctionalError,
      );
    });
  });
});
