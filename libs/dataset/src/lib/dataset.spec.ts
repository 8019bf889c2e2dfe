import { CD31_BUDGETS, isValidSiret } from '@cd31/domain';
import { CHORUS_STATUSES } from './chorus-statuses';
import { generateDataset, DEFAULT_DATASET_NOW, type Dataset } from './dataset';
import { isWellFormedEngagement } from './engagements';
import { ID_FACTURE_BASE } from './invoices';
import { INVOICE_SCENARIOS } from './scenarios';
import { CD31_STRUCTURES, DEFAULT_SERVICE_CODE } from './structures';

describe('generateDataset', () => {
  let dataset: Dataset;

  beforeAll(() => {
    dataset = generateDataset();
  });

  it('defaults to seed 31, 3000 invoices, 14 months of history, a fixed now', () => {
    expect(dataset.seed).toBe(31);
    expect(dataset.invoiceCount).toBe(3000);
    expect(dataset.historyMonths).toBe(14);
    expect(dataset.now.toISOString()).toBe(DEFAULT_DATASET_NOW.toISOString());
  });

  it('gives the same data for the same seed and options', () => {
    const a = generateDataset({ seed: 7, invoiceCount: 400 });
    const b = generateDataset({ seed: 7, invoiceCount: 400 });
    expect(b.columns).toEqual(a.columns);
    expect(b.suppliers).toEqual(a.suppliers);
    expect(b.engagements).toEqual(a.engagements);
    expect([...b.invoices()]).toEqual([...a.invoices()]);
    expect([...b.astreFactureRows()]).toEqual([...a.astreFactureRows()]);
  });

  it('gives other data for another seed', () => {
    const a = generateDataset({ seed: 7, invoiceCount: 200 });
    const b = generateDataset({ seed: 8, invoiceCount: 200 });
    expect(b.invoice(0)).not.toEqual(a.invoice(0));
    expect(b.suppliers[0]?.siret).not.toBe(a.suppliers[0]?.siret);
  });

  it('regenerates any invoice alone, in any order, identical to the compact columns', () => {
    const c = dataset.columns;
    for (const index of [2999, 0, 1500, 17, 1500]) {
      const invoice = dataset.invoice(index);
      expect(invoice.idFacture).toBe(ID_FACTURE_BASE + index);
      expect(c.budgetIndex[index]).toBe(invoice.budgetIndex);
      const from = c.timelineOffsets[index] ?? 0;
      const statuses = Array.from(c.timelineStatus.subarray(from, c.timelineOffsets[index + 1]));
      expect(statuses.map((s) => CHORUS_STATUSES[s])).toEqual(
        invoice.timeline.map((t) => t.statut),
      );
      expect(c.timelineAtMs[from]).toBe(invoice.dateDepot.getTime());
    }
  });

  it('describes CD31’s eight budgets as Chorus structures with FACTURES_PUBLIQUES', () => {
    expect(dataset.structures.map((s) => s.siret)).toEqual(CD31_BUDGETS.map((b) => b.siret));
    expect(new Set(dataset.structures.map((s) => s.idStructureCPP)).size).toBe(8);
    expect(CD31_STRUCTURES[0]?.idStructureCPP).toBe(25784301);
    for (const structure of dataset.structures) {
      expect(structure.services.map((s) => s.codeService)).toContain(DEFAULT_SERVICE_CODE);
      expect(structure.services.length).toBeGreaterThanOrEqual(3);
    }
    expect(dataset.technicalAccount.passwordExpiresAt.getTime()).toBeGreaterThan(
      dataset.now.getTime(),
    );
  });

  it('generates a few hundred suppliers with unique, valid SIRETs', () => {
    expect(dataset.suppliers.length).toBe(300);
    const sirets = new Set(dataset.suppliers.map((s) => s.siret));
    expect(sirets.size).toBe(300);
    expect(new Set(dataset.suppliers.map((s) => s.name)).size).toBe(300);
    for (const siret of sirets) {
      expect(isValidSiret(siret)).toBe(true);
    }
    for (const invoice of dataset.invoices()) {
      expect(isValidSiret(invoice.codeFournisseur)).toBe(true);
    }
  });

  it('gives unique ids, and one number per supplier except the planted duplicates', () => {
    const ids = new Set<number>();
    const numbers = new Map<string, number>();
    let duplicates = 0;
    for (const invoice of dataset.invoices()) {
      ids.add(invoice.idFacture);
      const key = `${invoice.codeFournisseur}|${invoice.numeroFacture.trim().toUpperCase()}`;
      const first = numbers.get(key);
      if (first !== undefined) {
        duplicates++;
        // The copy points at its original, whichever comes first in index order.
        const pair = [invoice.duplicateOf, dataset.invoice(first).duplicateOf];
        expect(pair).toContain(invoice.duplicateOf === null ? invoice.index : first);
      }
      numbers.set(key, invoice.index);
    }
    expect(ids.size).toBe(3000);
    expect(duplicates).toBe(45);
  });

  it('fills every field of the recipient search item', () => {
    const invoice = dataset.invoice(3);
    expect(invoice.typeIdentifiantFournisseur).toBe('SIRET');
    expect(invoice.devise).toBe('EUR');
    expect(invoice.idDestinataire).toBe(dataset.structures[invoice.budgetIndex]?.idStructureCPP);
    expect(invoice.codeDestinataire).toMatch(/^\d{14}$/);
    expect(invoice.dateFacture).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(invoice.montantTTC).toBeCloseTo(invoice.montantHT + invoice.montantTVA, 2);
  });

  it('builds ordered timelines that start DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION', () => {
    let future = 0;
    for (const invoice of dataset.invoices()) {
      expect(invoice.timeline.slice(0, 3).map((t) => t.statut)).toEqual([
        'DEPOSEE',
        'EN_COURS_ACHEMINEMENT',
        'MISE_A_DISPOSITION',
      ]);
      for (let k = 1; k < invoice.timeline.length; k++) {
        expect(invoice.timeline[k].at.getTime()).toBeGreaterThan(
          invoice.timeline[k - 1].at.getTime(),
        );
      }
      if (invoice.timeline.some((t) => t.at > dataset.now)) {
        future++;
      }
    }
    expect(future).toBeGreaterThan(100);
  });

  it('mixes invoice kinds: works, credit notes, engagement shapes', () => {
    const all = [...dataset.invoices()];
    expect(all.filter((i) => i.typeDemandePaiement === 'FACTURE_TRAVAUX').length).toBeGreaterThan(
      100,
    );
    expect(all.filter((i) => i.typeFacture === 'AVOIR').length).toBe(45);
    const engagements = all.map((i) => i.numeroBonCommande);
    expect(
      engagements.filter((e) => e !== null && isWellFormedEngagement(e)).length,
    ).toBeGreaterThan(2700);
    expect(engagements.some((e) => e !== null && /^AP\d{4}\/\d{4}$/.test(e))).toBe(true);
    expect(engagements.some((e) => e === null)).toBe(true);
  });

  it('plants each scenario as many times per block of 200', () => {
    const counts = new Map<number, number>();
    for (const s of dataset.columns.scenario) {
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(counts.get(INVOICE_SCENARIOS.indexOf('MAD_NON_TELECHARGEE'))).toBe(75);
    expect(counts.get(INVOICE_SCENARIOS.indexOf('DEPOT_FUTUR'))).toBe(30);
    expect(counts.size).toBe(INVOICE_SCENARIOS.length);
  });

  it('produces ASTRE rows only for downloaded invoices, plus ASTRE-only rows', () => {
    const rows = [...dataset.astreFactureRows()];
    const fromChorus = rows.filter((r) => r.kind === 'CHORUS');
    expect(fromChorus.length).toBeGreaterThan(2000);
    for (const row of fromChorus.slice(0, 300)) {
      const invoice = dataset.invoice(row.invoiceIndex ?? -1);
      expect(invoice.downloadedAt!.getTime()).toBeLessThanOrEqual(dataset.now.getTime());
    }
    expect(rows.filter((r) => r.kind === 'ABSENTE_CHORUS').length).toBe(30);
    expect(rows.filter((r) => r.kind === 'HORS_CHORUS').length).toBe(30);
    expect(rows.some((r) => r.budget === '1')).toBe(true);
    expect(rows.some((r) => r.numeroChorus === null && r.kind === 'CHORUS')).toBe(true);
    expect(dataset.engagements.length).toBeGreaterThanOrEqual(120);
  });

  it('generates 3000 invoices in well under a second', () => {
    const started = performance.now();
    generateDataset({ seed: 99 });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects invalid options', () => {
    expect(() => generateDataset({ invoiceCount: -1 })).toThrow(RangeError);
    expect(() => generateDataset({ now: new Date('nope') })).toThrow(RangeError);
  });
});
