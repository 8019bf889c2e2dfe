import {
  CD31_STRUCTURES,
  DAY_MS,
  ID_FACTURE_BASE,
  formatParisIso,
  formatParisMinute,
  generateDataset,
  statusFromCode,
  type Dataset,
} from '@cd31/dataset';
import { startChorusSimulator, type ChorusSimulator } from './simulator';
import { RECIPIENT_SEARCH, admin, call, token, type SearchItem } from './test-kit.spec-helper';

const PRINCIPAL = CD31_STRUCTURES[0];

/** Current status index and instant of invoice i at t, from the dataset's columns. */
function currentAt(
  dataset: Dataset,
  i: number,
  t: number,
): { status: number; atMs: number } | null {
  const c = dataset.columns;
  let found: { status: number; atMs: number } | null = null;
  for (let k = c.timelineOffsets[i]; k < c.timelineOffsets[i + 1]; k++) {
    if (c.timelineAtMs[k] > t) break;
    found = { status: c.timelineStatus[k], atMs: c.timelineAtMs[k] };
  }
  return found;
}

/** Ids the recipient search must return for budget 0, FACTURE, visible at t, optionally in a window. */
function expectedIds(dataset: Dataset, t: number, window?: [number, number]): number[] {
  const ids: number[] = [];
  const c = dataset.columns;
  for (let i = 0; i < dataset.invoiceCount; i++) {
    if (c.budgetIndex[i] !== 0 || c.typeDemande[i] !== 0 || !(c.firstMadMs[i] <= t)) continue;
    const current = currentAt(dataset, i, t);
    if (window && current && (current.atMs < window[0] || current.atMs > window[1])) continue;
    ids.push(ID_FACTURE_BASE + i);
  }
  return ids;
}

describe('chorus simulator — factures', () => {
  let sim: ChorusSimulator;
  let dataset: Dataset;
  let bearer: string;

  const search = async (body: Record<string, unknown>) =>
    call(sim, RECIPIENT_SEARCH, body, { token: bearer });
  const items = (res: { json: Record<string, unknown> }): SearchItem[] =>
    res.json['listeFactures'] as SearchItem[];

  beforeAll(async () => {
    dataset = generateDataset({ invoiceCount: 2400 });
    sim = await startChorusSimulator({ dataset });
    bearer = await token(sim);
  });

  afterAll(async () => {
    await sim.close();
  });

  describe('rechercher/recipiendaire', () => {
    it('answers 10 invoices per page when no page size is asked', async () => {
      const res = await search({ idDestinataire: PRINCIPAL.idStructureCPP });
      const expected = expectedIds(dataset, dataset.now.getTime());
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        codeRetour: 0,
        libelle: 'TRA_MSG_00.000',
        pageCourante: 1,
        total: expected.length,
      });
      expect(res.json['pages']).toBe(Math.ceil(expected.length / 10));
      expect(res.json['nbResultatsParPage']).toBe('10');
      expect(items(res)).toHaveLength(10);
    });

    it('ignores paging keys put at the root (a known client bug) and keeps 10 per page', async () => {
      const res = await search({
        idDestinataire: PRINCIPAL.idStructureCPP,
        nbResultatsParPage: 1000,
        pageResultatDemandee: 1,
      });
      expect(items(res)).toHaveLength(10);
    });

    it('covers the whole set exactly once across pages of 1000', async () => {
      const expected = expectedIds(dataset, dataset.now.getTime());
      expect(expected.length).toBeGreaterThan(1000);
      const seen: number[] = [];
      let pages = 1;
      for (let page = 1; page <= pages; page++) {
        const res = await search({
          idDestinataire: PRINCIPAL.idStructureCPP,
          paramRecherche: {
            pageResultatDemandee: page,
            nbResultatsParPage: 1000,
            triColonne: 'IdFacture',
            triSens: 'Ascendant',
          },
        });
        pages = res.json['pages'] as number;
        expect(items(res).length).toBe(page < pages ? 1000 : expected.length - 1000 * (pages - 1));
        seen.push(...items(res).map((f) => f.idFacture));
      }
      expect(pages).toBe(2);
      expect(seen).toEqual(expected);
    });

    it('returns every field of the search item, the current status and its instant in Paris time', async () => {
      const res = await search({
        idDestinataire: PRINCIPAL.idStructureCPP,
        paramRecherche: { nbResultatsParPage: 50 },
      });
      for (const item of items(res)) {
        const index = item.idFacture - ID_FACTURE_BASE;
        const invoice = dataset.invoice(index);
        const current = currentAt(dataset, index, dataset.now.getTime())!;
        expect(item).toMatchObject({
          numeroFacture: invoice.numeroFacture,
          codeFournisseur: invoice.codeFournisseur,
          codeDestinataire: PRINCIPAL.siret,
          idDestinataire: PRINCIPAL.idStructureCPP,
          numeroBonCommande: invoice.numeroBonCommande,
          codeServiceExecutant: invoice.codeServiceExecutant,
          montantTTC: invoice.montantTTC,
          statut: statusFromCode(current.status),
          dateHeureEtatCourant: formatParisIso(current.atMs),
        });
        expect(Object.keys(item)).toEqual(
          expect.arrayContaining([
            'typeDemandePaiement',
            'typeFacture',
            'designationFournisseur',
            'idServiceExecutant',
            'nomServiceExecutant',
            'dateFacture',
            'dateDepot',
            'montantHT',
            'montantAPayer',
            'devise',
            'numeroMarche',
            'factureTelechargeeParDestinataire',
            'commentaireEtatCourant',
          ]),
        );
      }
    });

    it('filters on the current-status instant window (inclusive), for incremental pulls', async () => {
      const now = dataset.now.getTime();
      const from = now - 10 * DAY_MS;
      const res = await search({
        idDestinataire: PRINCIPAL.idStructureCPP,
        periodeDateHeureEtatCourantDu: formatParisIso(from),
        periodeDateHeureEtatCourantAu: formatParisIso(now),
        paramRecherche: { nbResultatsParPage: 1000, triColonne: 'IdFacture', triSens: 'Ascendant' },
      });
      const expected = expectedIds(dataset, now, [from, now]);
      expect(expected.length).toBeGreaterThan(20);
      expect(items(res).map((f) => f.idFacture)).toEqual(expected);
      for (const item of items(res)) {
        expect(Date.parse(item.dateHeureEtatCourant)).toBeGreaterThanOrEqual(from);
      }
    });

    it('sorts by current-status instant when asked', async () => {
      const res = await search({
        idDestinataire: PRINCIPAL.idStructureCPP,
        periodeDateHeureEtatCourantDu: '2025-06-01',
        paramRecherche: {
          nbResultatsParPage: 200,
          triColonne: 'DateHeureEtatCourant',
          triSens: 'Ascendant',
        },
      });
      const instants = items(res).map((f) => Date.parse(f.dateHeureEtatCourant));
      expect(instants).toEqual([...instants].sort((a, b) => a - b));
      expect(instants[0]).toBeGreaterThanOrEqual(Date.parse('2025-05-31T22:00:00Z'));
    });

    it('filters by current status, type of request and invoice number', async () => {
      const mad = await search({
        statutCourant: ['MISE_A_DISPOSITION'],
        paramRecherche: { nbResultatsParPage: 1000 },
      });
      expect(items(mad).length).toBeGreaterThan(20);
      expect(new Set(items(mad).map((f) => f.statut))).toEqual(new Set(['MISE_A_DISPOSITION']));
      const works = await search({
        typeDemandePaiement: 'FACTURE_TRAVAUX',
        paramRecherche: { nbResultatsParPage: 1000 },
      });
      expect(items(works).length).toBeGreaterThan(50);
      expect(new Set(items(works).map((f) => f['typeDemandePaiement']))).toEqual(
        new Set(['FACTURE_TRAVAUX']),
      );
      const facture = await search({});
      expect(new Set(items(facture).map((f) => f['typeDemandePaiement']))).toEqual(
        new Set(['FACTURE']),
      );
      const target = items(mad)[0];
      const byNumber = await search({ numeroFacture: target.numeroFacture.toLowerCase() });
      expect(items(byNumber).map((f) => f.idFacture)).toContain(target.idFacture);
    });

    it('says "no result" with codeRetour 20000, TRA_MSG_00.015 and null paging', async () => {
      const res = await search({
        idDestinataire: PRINCIPAL.idStructureCPP,
        numeroFacture: 'DOES-NOT-EXIST',
      });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        codeRetour: 20000,
        libelle: 'TRA_MSG_00.015',
        pageCourante: null,
        pages: null,
        nbResultatsParPage: null,
        total: null,
        listeFactures: [],
      });
    });

    it('finds nothing when given the SIRET as idDestinataire (a known client bug)', async () => {
      const res = await search({ idDestinataire: Number(PRINCIPAL.siret) });
      expect(res.json['codeRetour']).toBe(20000);
    });

    it('refuses invalid paging with HTTP 400 and a codeRetour body', async () => {
      const space = await search({ paramRecherche: { triSens: 'Descendant ' } });
      expect(space.status).toBe(400);
      expect(space.json).toMatchObject({
        codeRetour: 20001,
        libelle: expect.stringContaining('triSens') as unknown,
      });
      const tooBig = await search({ paramRecherche: { nbResultatsParPage: 5000 } });
      expect(tooBig.status).toBe(400);
      const column = await search({ paramRecherche: { triColonne: 'Montant' } });
      expect(column.status).toBe(400);
      const badDate = await search({ periodeDateHeureEtatCourantDu: '16/06/2025' });
      expect(badDate.status).toBe(400);
    });

    it('answers a 1000-invoice page quickly', async () => {
      const started = performance.now();
      await search({ paramRecherche: { nbResultatsParPage: 1000, pageResultatDemandee: 1 } });
      expect(performance.now() - started).toBeLessThan(500);
    });
  });

  describe('consulter', () => {
    it('returns one invoice by identifiantFactureCPP', async () => {
      const invoice = dataset.invoice(5);
      const res = await call(
        sim,
        '/cpro/factures/v1/consulter/recipiendaire',
        { identifiantFactureCPP: invoice.idFacture },
        { token: bearer },
      );
      expect(res.json).toMatchObject({
        codeRetour: 0,
        facture: {
          identifiantFactureCPP: invoice.idFacture,
          numeroFacture: invoice.numeroFacture,
          destinataire: {
            codeDestinataire: invoice.codeDestinataire,
            codeServiceExecutant: invoice.codeServiceExecutant,
          },
          fournisseur: { codeFournisseur: invoice.codeFournisseur },
          cadreDeFacturation: { codeCadreFacturation: invoice.cadreFacturation },
          references: {
            numeroBonCommande: invoice.numeroBonCommande,
            typeFacture: invoice.typeFacture,
          },
          montantTotal: { montantTtcTotal: invoice.montantTTC.toFixed(2) },
        },
      });
    });

    it('refuses the wrong key (idFacture) with HTTP 400, and an unknown id with HTTP 200 + codeRetour', async () => {
      const wrongKey = await call(
        sim,
        '/cpro/factures/v1/consulter/recipiendaire',
        { idFacture: ID_FACTURE_BASE },
        { token: bearer },
      );
      expect(wrongKey.status).toBe(400);
      expect(wrongKey.json['codeRetour']).toBe(20001);
      const unknown = await call(
        sim,
        '/cpro/factures/v1/consulter/recipiendaire',
        { identifiantFactureCPP: 90_000_000 },
        { token: bearer },
      );
      expect(unknown.status).toBe(200);
      expect(unknown.json['codeRetour']).toBe(20002);
    });

    it('gives the status history newest first, dates as "YYYY-MM-DD HH:MM" in Paris time', async () => {
      const index = [...Array(dataset.invoiceCount).keys()].find((i) => {
        const invoice = dataset.invoice(i);
        return invoice.timeline.length >= 6 && invoice.timeline.every((t) => t.at <= dataset.now);
      })!;
      const invoice = dataset.invoice(index);
      const res = await call(
        sim,
        '/cpro/factures/v1/consulter/historique',
        { idFacture: invoice.idFacture, nbResultatsMaximum: 50 },
        { token: bearer },
      );
      const histo = (
        res.json['historiquesDesStatuts'] as { histoStatut: Record<string, unknown>[] }
      ).histoStatut;
      expect(histo.map((h) => h['histoStatutCode'])).toEqual(
        invoice.timeline.map((t) => t.statut).reverse(),
      );
      expect(histo.map((h) => h['histoStatutDatePassage'])).toEqual(
        invoice.timeline.map((t) => formatParisMinute(t.at.getTime())).reverse(),
      );
      for (const h of histo) {
        expect(h['histoStatutDatePassage']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      }
      expect(res.json['statutCourantCode']).toBe(
        invoice.timeline[invoice.timeline.length - 1].statut,
      );
    });

    it('resolves structures, their services and the technical account’s password expiry', async () => {
      const found = await call(
        sim,
        '/cpro/structures/v1/rechercher',
        {
          structure: { identifiantStructure: '22310001700456', typeIdentifiantStructure: 'SIRET' },
          parametres: { nbResultatsParPage: 10, pageResultatDemandee: 1 },
        },
        { token: bearer },
      );
      expect(found.json['listeStructures']).toEqual([
        expect.objectContaining({
          idStructureCPP: 25784315,
          identifiantStructure: '22310001700456',
        }),
      ]);
      expect(found.json['parametresRetour']).toMatchObject({ pageCourante: 1, total: '1' });
      const services = await call(
        sim,
        '/cpro/structures/v1/rechercher/services',
        { idStructure: 25784315 },
        { token: bearer },
      );
      expect(
        (services.json['listeServices'] as { codeService: string }[]).map((s) => s.codeService),
      ).toContain('FACTURES_PUBLIQUES');
      const consulted = await call(
        sim,
        '/cpro/structures/v1/consulter',
        { idStructureCPP: 25784315, codeLangue: 'FR' },
        { token: bearer },
      );
      expect(consulted.json).toMatchObject({
        codeRetour: 0,
        informationGenerales: { dateExpirationMotPasseCompteTech: '2025-07-31' },
        parametres: { codeServiceDoitEtreRenseigne: true, numeroEJDoitEtreRenseigne: true },
      });
      const wrongKey = await call(
        sim,
        '/cpro/structures/v1/consulter',
        { idStructure: 25784315 },
        { token: bearer },
      );
      expect(wrongKey.status).toBe(400);
      const unknown = await call(
        sim,
        '/cpro/structures/v1/consulter',
        { idStructureCPP: 1 },
        { token: bearer },
      );
      expect(unknown.json['codeRetour']).toBe(20003);
    });
  });

  describe('traiter/recue', () => {
    const traiter = async (body: Record<string, unknown>) =>
      call(sim, '/cpro/factures/v1/traiter/recue', body, { token: bearer });

    async function aMadInvoice(): Promise<SearchItem> {
      const res = await search({
        statutCourant: ['MISE_A_DISPOSITION'],
        paramRecherche: { nbResultatsParPage: 1 },
      });
      return items(res)[0];
    }

    it('lists the statuses allowed from a current status', async () => {
      const res = await call(
        sim,
        '/cpro/transverses/v1/recuperer/etats/traitement',
        { statutCourant: 'MISE_A_DISPOSITION' },
        { token: bearer },
      );
      const allowed = (
        res.json['listeStatutsPossiblesPourTraitement'] as {
          statutPossiblePourTraitement: string;
        }[]
      ).map((s) => s.statutPossiblePourTraitement);
      expect(allowed).toEqual(
        expect.arrayContaining(['A_RECYCLER', 'REJETEE', 'SUSPENDUE', 'SERVICE_FAIT', 'MANDATEE']),
      );
    });

    it('sends an invoice back "à recycler" with its motif, recorded at the simulated now', async () => {
      const target = await aMadInvoice();
      const missing = await traiter({ idFacture: target.idFacture, nouveauStatut: 'A_RECYCLER' });
      expect(missing.status).toBe(400);
      const motif =
        'Bonjour, le numéro d’engagement est mal saisi : indiquer CP2025/X100123/1. Merci — SIF';
      const res = await traiter({
        idFacture: target.idFacture,
        nouveauStatut: 'A_RECYCLER',
        motif,
      });
      expect(res.json).toMatchObject({
        codeRetour: 0,
        idFacture: target.idFacture,
        nouveauStatut: 'A_RECYCLER',
      });
      const histo = await call(
        sim,
        '/cpro/factures/v1/consulter/historique',
        { idFacture: target.idFacture },
        { token: bearer },
      );
      const last = (
        histo.json['historiquesDesStatuts'] as { histoStatut: Record<string, unknown>[] }
      ).histoStatut[0];
      expect(last).toMatchObject({
        histoStatutCode: 'A_RECYCLER',
        histoStatutCommentaire: motif,
        histoStatutDatePassage: formatParisMinute(dataset.now.getTime()),
      });
      const window = await search({
        periodeDateHeureEtatCourantDu: formatParisIso(dataset.now.getTime()),
        paramRecherche: { nbResultatsParPage: 1000 },
      });
      expect(items(window).find((f) => f.idFacture === target.idFacture)).toMatchObject({
        statut: 'A_RECYCLER',
        commentaireEtatCourant: motif,
      });
    });

    it('refuses a transition Chorus does not allow, with HTTP 200 and a non-zero codeRetour', async () => {
      const target = await aMadInvoice();
      await traiter({
        idFacture: target.idFacture,
        nouveauStatut: 'REJETEE',
        motif: 'Facture en double.',
      });
      const refused = await traiter({ idFacture: target.idFacture, nouveauStatut: 'SERVICE_FAIT' });
      expect(refused.status).toBe(200);
      expect(refused.json['codeRetour']).toBe(20004);
      expect(sim.invoice(target.idFacture)?.statutCourant).toBe('REJETEE');
    });

    it('moves an invoice along the processing chain and truncates motifs to 255 characters', async () => {
      const target = await aMadInvoice();
      expect(
        (await traiter({ idFacture: target.idFacture, nouveauStatut: 'SERVICE_FAIT' })).json[
          'codeRetour'
        ],
      ).toBe(0);
      expect(
        (
          await traiter({
            idFacture: target.idFacture,
            nouveauStatut: 'MANDATEE',
            numeroDPMandat: 'M2025-1',
          })
        ).json['codeRetour'],
      ).toBe(0);
      expect(
        (await traiter({ idFacture: target.idFacture, nouveauStatut: 'SERVICE_FAIT' })).json[
          'codeRetour'
        ],
      ).toBe(20004);
      const other = await aMadInvoice();
      await traiter({
        idFacture: other.idFacture,
        nouveauStatut: 'SUSPENDUE',
        motif: 'é'.repeat(300),
      });
      expect(sim.invoice(other.idFacture)?.timeline.at(-1)?.commentaire).toHaveLength(255);
    });
  });

  describe('simulated time', () => {
    it('moves statuses when the clock advances (admin API)', async () => {
      const now = dataset.now.getTime();
      const index = [...Array(dataset.invoiceCount).keys()].find((i) => {
        const current = currentAt(dataset, i, now);
        const invoice = dataset.invoice(i);
        return (
          current !== null &&
          dataset.columns.budgetIndex[i] === 0 &&
          invoice.timeline.some((t) => t.at.getTime() > now && t.at.getTime() < now + 5 * DAY_MS) &&
          sim.invoice(invoice.idFacture)?.timeline.length === invoice.timeline.length
        );
      })!;
      const invoice = dataset.invoice(index);
      const next = invoice.timeline.find((t) => t.at.getTime() > now)!;
      const before = await call(
        sim,
        '/cpro/factures/v1/consulter/recipiendaire',
        { identifiantFactureCPP: invoice.idFacture },
        { token: bearer },
      );
      expect((before.json['facture'] as Record<string, unknown>)['statutFacture']).not.toBe(
        next.statut,
      );

      const advanced = await admin(sim, 'POST', 'clock/advance', { ms: next.at.getTime() - now });
      expect(advanced.json['now']).toBe(next.at.toISOString());
      const after = await call(
        sim,
        '/cpro/factures/v1/consulter/recipiendaire',
        { identifiantFactureCPP: invoice.idFacture },
        { token: bearer },
      );
      expect((after.json['facture'] as Record<string, unknown>)['statutFacture']).toBe(next.statut);
      const changed = await search({
        idDestinataire: PRINCIPAL.idStructureCPP,
        periodeDateHeureEtatCourantDu: formatParisIso(now + 1),
        paramRecherche: { nbResultatsParPage: 1000 },
      });
      expect(items(changed).map((f) => f.idFacture)).toContain(invoice.idFacture);

      await admin(sim, 'POST', 'clock', { now: dataset.now.toISOString() });
      expect(sim.clock.now().toISOString()).toBe(dataset.now.toISOString());
    });

    it('adds and changes invoices through the admin API', async () => {
      const created = await admin(sim, 'POST', 'invoices', {
        budgetCode: '15',
        numeroFacture: 'ADMIN-1',
        montantHT: 100,
      });
      expect(created.status).toBe(201);
      const id = created.json['idFacture'] as number;
      expect(created.json).toMatchObject({
        statutCourant: 'MISE_A_DISPOSITION',
        montantTTC: 120,
        codeDestinataire: '22310001700456',
      });
      const found = await search({ idDestinataire: 25784315, numeroFacture: 'ADMIN-1' });
      expect(items(found).map((f) => f.idFacture)).toEqual([id]);

      const patched = await admin(sim, 'PATCH', `invoices/${id}`, {
        numeroBonCommande: 'cp2025/x1',
        statut: 'A_RECYCLER',
        commentaire: 'Engagement mal saisi',
      });
      expect(patched.json).toMatchObject({
        numeroBonCommande: 'cp2025/x1',
        statutCourant: 'A_RECYCLER',
      });
      const recycled = await search({
        idDestinataire: 25784315,
        statutCourant: ['A_RECYCLER'],
        paramRecherche: { nbResultatsParPage: 1000 },
      });
      expect(items(recycled).find((f) => f.idFacture === id)).toMatchObject({
        numeroBonCommande: 'cp2025/x1',
        commentaireEtatCourant: 'Engagement mal saisi',
      });
      expect((await admin(sim, 'GET', `invoices/${id}`)).json['idFacture']).toBe(id);
      expect((await admin(sim, 'GET', 'invoices/1')).status).toBe(404);
      expect((await admin(sim, 'POST', 'invoices', { budgetCode: 'XX' })).status).toBe(400);
    });
  });
});
