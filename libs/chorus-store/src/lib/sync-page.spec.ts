import type { ChorusInvoiceSummary } from '@cd31/chorus-client';
import { SYNC_PAGE_SQL, UPSERT_PAGE_SQL, encodeInvoices, syncPageParams } from './sync-page';

const INVOICE: ChorusInvoiceSummary = {
  idFacture: 42,
  numeroFacture: 'F-"1"\\b',
  typeDemandePaiement: 'FACTURE',
  typeFacture: 'FACTURE',
  codeFournisseur: '73282932000074',
  typeIdentifiantFournisseur: 'SIRET',
  designationFournisseur: 'Élagage, Carrère & fils',
  idDestinataire: 7,
  codeDestinataire: '22310001700017',
  designationDestinataire: null,
  idServiceExecutant: null,
  codeServiceExecutant: null,
  nomServiceExecutant: null,
  dateFacture: '2025-03-01',
  dateDepot: '2025-03-02',
  montantHT: '100.00',
  montantTTC: '120.00',
  montantAPayer: '120.00',
  devise: 'EUR',
  statut: 'MISE_A_DISPOSITION',
  numeroMarche: null,
  numeroBonCommande: 'CP2025/X1/1',
  factureTelechargeeParDestinataire: false,
  dateHeureEtatCourant: new Date('2025-03-02T09:30:00Z'),
  commentaireEtatCourant: 'NULL',
};

/** The elements of a PostgreSQL array literal, read back as PostgreSQL would. */
function parseArray(literal: string): (string | null)[] {
  const values: (string | null)[] = [];
  const element = /"((?:[^"\\]|\\.)*)"|([^,{}]+)/g;
  for (const match of literal.slice(1, -1).matchAll(element)) {
    values.push(
      match[1] !== undefined
        ? match[1].replace(/\\(.)/g, '$1')
        : match[2] === 'NULL'
          ? null
          : (match[2] ?? null),
    );
  }
  return values;
}

describe('the sync page write', () => {
  it('encodes one array literal per column, quoting and escaping text, NULL for absent values', () => {
    const encoded = encodeInvoices([INVOICE, { ...INVOICE, idFacture: 43, numeroFacture: null }]);
    expect(encoded.count).toBe(2);
    expect(encoded.columns).toHaveLength(24);
    const [ids, numbers] = encoded.columns;
    expect(ids).toBe('{42,43}');
    expect(parseArray(numbers ?? '')).toEqual(['F-"1"\\b', '']);
    const byValue = encoded.columns.map((column) => parseArray(column)[0]);
    expect(byValue).toContain('Élagage, Carrère & fils');
    expect(byValue).toContain('2025-03-02T09:30:00.000Z');
    expect(byValue).toContain('f');
    // The text "NULL" is a string, not a missing value: quoted, it stays text.
    expect(encoded.columns.at(-1)).toBe('{"NULL","NULL"}');
    expect(encoded.columns[9]).toBe('{NULL,NULL}');
  });

  it('gives the statements as many parameters as they use, in order', () => {
    const params = syncPageParams(3, encodeInvoices([INVOICE]), {
      budgetRunId: 9,
      declaredPagesForType: 2,
      declaredInvoicesForType: 1500,
      counted: true,
    });
    const used = (sql: string): number =>
      Math.max(...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    expect(used(SYNC_PAGE_SQL)).toBe(params.length);
    expect(params.slice(24)).toEqual([3, 9, 2, 1500, 1]);
    expect(used(UPSERT_PAGE_SQL)).toBe(25);
  });
});
