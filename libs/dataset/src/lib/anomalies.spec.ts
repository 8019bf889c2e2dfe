import {
  ANOMALY_CODES,
  astreKey,
  chorusKey,
  countAnomalies,
  evaluateAnomalies,
  expectedAnomalies,
  type AnomalyCode,
  type AstreRowFacts,
  type ChorusInvoiceFacts,
} from './anomalies';
import { type ChorusStatus } from './chorus-statuses';
import { generateDataset } from './dataset';
import { ID_FACTURE_BASE } from './invoices';

const BUDGET_01 = {
  code: '01',
  siret: '22310001700423',
  serviceCodes: ['FACTURES_PUBLIQUES', 'DSI'],
};
const BUDGET_15 = {
  code: '15',
  siret: '22310001700456',
  serviceCodes: ['FACTURES_PUBLIQUES', 'REST-COLLEGES'],
};
const REFERENCE = {
  budgets: [BUDGET_01, BUDGET_15],
  engagements: [
    { budgetCode: '01', numero: 'CP2025/X100001/1' },
    { budgetCode: '15', numero: 'AP2025/1001' },
  ],
};
const SUPPLIER = '72401324863235';
/** Monday 16 June 2025, 12:00 in Paris. */
const AT = new Date('2025-06-16T10:00:00Z');
const DAY = 86_400_000;

function invoice(
  idFacture: number,
  steps: readonly (readonly [ChorusStatus, string | number])[],
  overrides: Partial<ChorusInvoiceFacts> = {},
): ChorusInvoiceFacts {
  return {
    idFacture,
    codeDestinataire: BUDGET_01.siret,
    codeFournisseur: SUPPLIER,
    numeroFacture: `FA-${idFacture}`,
    typeFacture: 'FACTURE',
    numeroBonCommande: 'CP2025/X100001/1',
    codeServiceExecutant: 'DSI',
    montantTTCCents: 120_00,
    timeline: steps.map(([statut, at]) => ({
      statut,
      atMs: typeof at === 'number' ? AT.getTime() - at * DAY : new Date(at).getTime(),
    })),
    ...overrides,
  };
}

function row(overrides: Partial<AstreRowFacts>): AstreRowFacts {
  return {
    budget: '01',
    numeroChorus: null,
    numeroFacture: 'X',
    siretFournisseur: SUPPLIER,
    montantTTCCents: 120_00,
    etat: 'Intégrée',
    ...overrides,
  };
}

function evaluate(
  invoices: ChorusInvoiceFacts[],
  rows: AstreRowFacts[] = [],
): Map<string, ReadonlySet<AnomalyCode>> {
  return evaluateAnomalies({
    at: AT,
    reference: REFERENCE,
    chorusInvoices: () => invoices,
    astreRows: () => rows,
  });
}

function codesOf(result: Map<string, ReadonlySet<AnomalyCode>>, idFacture: number): AnomalyCode[] {
  return [...(result.get(chorusKey(idFacture)) ?? new Set(['<absent>' as AnomalyCode]))].sort();
}

describe('expectedAnomalies (ground truth of the default dataset)', () => {
  it.each([31, 2024])('holds every anomaly code at least a few times (seed %i)', (seed) => {
    const counts = countAnomalies(expectedAnomalies(generateDataset({ seed })));
    for (const code of ANOMALY_CODES) {
      expect([code, counts[code]]).toEqual([code, expect.any(Number)]);
      expect(counts[code]).toBeGreaterThanOrEqual(10);
    }
  });

  it('keys every visible invoice and every ASTRE row that matches none', () => {
    const dataset = generateDataset({ invoiceCount: 400 });
    const truth = expectedAnomalies(dataset);
    const invisible = [...Array(400).keys()].filter(
      (i) => !truth.has(chorusKey(ID_FACTURE_BASE + i)),
    );
    expect(invisible.map((i) => dataset.invoice(i).scenario)).toEqual([
      'DEPOT_FUTUR',
      'DEPOT_FUTUR',
      'DEPOT_FUTUR',
      'DEPOT_FUTUR',
    ]);
    const absent = [...truth].filter(
      ([key, codes]) => key.startsWith('astre:') && codes.has('ABSENTE_CHORUS'),
    );
    expect(absent).toHaveLength(4);
  });

  it('moves with the instant it is evaluated at', () => {
    const dataset = generateDataset({ invoiceCount: 400 });
    const today = countAnomalies(expectedAnomalies(dataset));
    const later = countAnomalies(
      expectedAnomalies(dataset, { at: new Date(dataset.now.getTime() + 20 * DAY) }),
    );
    expect(later.DGP_DEPASSE).toBeGreaterThan(today.DGP_DEPASSE);
  });
});

describe('evaluateAnomalies (the rules of the README table)', () => {
  it('counts MISE_A_DISPOSITION time in whole Paris calendar days, strictly more than 3', () => {
    // T is 16 June, 12:00 in Paris: 3 days back is 13 June whatever the hour, 4 days is 12 June.
    const threeDays = invoice(1, [['MISE_A_DISPOSITION', 3 + 11 / 24]]);
    const fourDays = invoice(2, [['MISE_A_DISPOSITION', 3 + 13 / 24]]);
    const result = evaluate([threeDays, fourDays]);
    expect(codesOf(result, 1)).toEqual([]);
    expect(codesOf(result, 2)).toEqual(['MAD_NON_INTEGREE']);
  });

  it('tells a slow service from a missing download and from failed status feedback', () => {
    const result = evaluate(
      [
        invoice(1, [['MISE_A_DISPOSITION', 5]]),
        invoice(2, [['MISE_A_DISPOSITION', 5]]),
        invoice(3, [['MISE_A_DISPOSITION', 1]]),
        invoice(4, [
          ['MISE_A_DISPOSITION', 9],
          ['SERVICE_FAIT', 8],
        ]),
      ],
      [
        row({ numeroChorus: 2, etat: 'Intégrée' }),
        row({ numeroChorus: 3, etat: 'Payée' }),
        row({ numeroChorus: 4, etat: 'Mandatée' }),
      ],
    );
    expect(codesOf(result, 1)).toEqual(['MAD_NON_INTEGREE']);
    expect(codesOf(result, 2)).toEqual(['MAD_EN_TRAITEMENT']);
    expect(codesOf(result, 3)).toEqual(['MAD_STATUT_NON_REMONTE']);
    expect(codesOf(result, 4)).toEqual(['MAD_STATUT_NON_REMONTE']);
  });

  it('matches rows without N° Chorus by SIRET + trimmed, case-insensitive number', () => {
    const result = evaluate(
      [invoice(1, [['MISE_A_DISPOSITION', 5]], { numeroFacture: 'FA-2025-001' })],
      [
        row({
          numeroFacture: ' fa-2025-001 ',
          siretFournisseur: '724 013 248 63235',
          budget: '15',
        }),
      ],
    );
    expect(codesOf(result, 1)).toEqual(['BUDGET_INCOHERENT', 'MAD_EN_TRAITEMENT']);
  });

  it('flags an ASTRE row whose N° Chorus Chorus never served, and ignores rows from outside Chorus', () => {
    const absent = row({ numeroChorus: 99, budget: '1' });
    const outside = row({ numeroFacture: 'HC-1' });
    const result = evaluate([], [absent, outside]);
    expect([...(result.get(astreKey(absent)) ?? [])]).toEqual(['ABSENTE_CHORUS']);
    expect(astreKey(absent)).toBe('astre:01:99');
    expect(result.get(astreKey(outside))?.size).toBe(0);
  });

  it('checks the engagement: absent, malformed, unknown, another budget’s', () => {
    const steps = [['MISE_A_DISPOSITION', 1]] as const;
    const result = evaluate([
      invoice(1, steps, { numeroBonCommande: ' ' }),
      invoice(2, steps, { numeroBonCommande: 'cp2025/x100001/1' }),
      invoice(3, steps, { numeroBonCommande: 'CP2025/X100001/1 ' }),
      invoice(4, steps, { numeroBonCommande: 'CP2025/X899999/1' }),
      invoice(5, steps, { numeroBonCommande: 'AP2025/1001' }),
    ]);
    expect(codesOf(result, 1)).toEqual(['ENGAGEMENT_ABSENT']);
    expect(codesOf(result, 2)).toEqual(['ENGAGEMENT_MAL_FORME']);
    expect(codesOf(result, 3)).toEqual(['ENGAGEMENT_MAL_FORME']);
    expect(codesOf(result, 4)).toEqual(['ENGAGEMENT_INCONNU']);
    expect(codesOf(result, 5)).toEqual(['BUDGET_INCOHERENT']);
  });

  it('checks the code service against the services of the addressed budget', () => {
    const steps = [['MISE_A_DISPOSITION', 1]] as const;
    const result = evaluate([
      invoice(1, steps, { codeServiceExecutant: null }),
      invoice(2, steps, { codeServiceExecutant: 'REST-COLLEGES' }),
      invoice(3, steps, { codeServiceExecutant: 'factures_publiques' }),
    ]);
    expect(codesOf(result, 1)).toEqual(['CODE_SERVICE_ABSENT']);
    expect(codesOf(result, 2)).toEqual(['CODE_SERVICE_INCONNU']);
    expect(codesOf(result, 3)).toEqual([]);
  });

  it('flags both invoices of a duplicate, until one is rejected', () => {
    const original = invoice(
      1,
      [
        ['MISE_A_DISPOSITION', 30],
        ['MISE_EN_PAIEMENT', 10],
      ],
      { numeroFacture: 'F1' },
    );
    const copy = invoice(2, [['MISE_A_DISPOSITION', 1]], { numeroFacture: 'f1 ' });
    expect(codesOf(evaluate([original, copy]), 1)).toEqual(['DOUBLON']);
    expect(codesOf(evaluate([original, copy]), 2)).toEqual(['DOUBLON']);
    const rejected = invoice(
      2,
      [
        ['MISE_A_DISPOSITION', 2],
        ['REJETEE', 1],
      ],
      { numeroFacture: 'F1' },
    );
    expect(codesOf(evaluate([original, rejected]), 1)).toEqual([]);
  });

  it('gives a REJETEE invoice no anomaly at all', () => {
    const rejected = invoice(
      1,
      [
        ['MISE_A_DISPOSITION', 40],
        ['REJETEE', 39],
      ],
      {
        typeFacture: 'AVOIR',
        numeroBonCommande: null,
      },
    );
    expect(codesOf(evaluate([rejected]), 1)).toEqual([]);
  });

  it('flags credit notes, amount gaps above one cent, and long waits for the supplier', () => {
    const result = evaluate(
      [
        invoice(1, [['MISE_A_DISPOSITION', 1]], { typeFacture: 'AVOIR' }),
        invoice(2, [
          ['MISE_A_DISPOSITION', 9],
          ['MANDATEE', 2],
        ]),
        invoice(3, [
          ['MISE_A_DISPOSITION', 9],
          ['MANDATEE', 2],
        ]),
        invoice(4, [
          ['MISE_A_DISPOSITION', 20],
          ['A_RECYCLER', 16],
        ]),
        invoice(5, [
          ['MISE_A_DISPOSITION', 20],
          ['SUSPENDUE', 15],
        ]),
      ],
      [
        row({ numeroChorus: 2, montantTTCCents: 120_01, etat: 'Mandatée' }),
        row({ numeroChorus: 3, montantTTCCents: 119_98, etat: 'Mandatée' }),
      ],
    );
    expect(codesOf(result, 1)).toEqual(['AVOIR_DEPOSE']);
    expect(codesOf(result, 2)).toEqual([]);
    expect(codesOf(result, 3)).toEqual(['MONTANT_DIVERGENT']);
    expect(codesOf(result, 4)).toEqual(['A_RECYCLER_SANS_REPONSE']);
    expect(codesOf(result, 5)).toEqual([]);
  });

  it('counts the DGP in Paris calendar days from the first MISE_A_DISPOSITION', () => {
    const result = evaluate(
      [
        // 22:30 UTC on 26 May is 27 May in Paris: 20 days to 16 June; 21:30 UTC is still 26 May: 21 days.
        invoice(1, [
          ['MISE_A_DISPOSITION', '2025-05-26T22:30:00Z'],
          ['SERVICE_FAIT', 10],
        ]),
        invoice(2, [
          ['MISE_A_DISPOSITION', '2025-05-26T21:30:00Z'],
          ['SERVICE_FAIT', 10],
        ]),
        invoice(3, [['MISE_A_DISPOSITION', '2025-05-17T12:00:00Z']]),
        invoice(4, [
          ['MISE_A_DISPOSITION', '2025-05-15T12:00:00Z'],
          ['A_RECYCLER', 20],
          ['MISE_A_DISPOSITION', 2],
        ]),
        invoice(5, [
          ['MISE_A_DISPOSITION', '2025-04-01T12:00:00Z'],
          ['MANDATEE', 30],
        ]),
      ],
      [
        row({ numeroChorus: 1, etat: 'Service fait' }),
        row({ numeroChorus: 2, etat: 'Service fait' }),
        row({ numeroChorus: 3 }),
      ],
    );
    expect(codesOf(result, 1)).toEqual([]);
    expect(codesOf(result, 2)).toEqual(['DGP_MENACE']);
    expect(codesOf(result, 3)).toEqual(['DGP_MENACE', 'MAD_EN_TRAITEMENT']);
    expect(codesOf(result, 4)).toEqual(['DGP_DEPASSE']);
    expect(codesOf(result, 5)).toEqual([]);
  });

  it('restarts the DGP at COMPLETEE after the first suspension, and stops it while suspended', () => {
    const result = evaluate(
      [
        invoice(1, [
          ['MISE_A_DISPOSITION', 60],
          ['SUSPENDUE', 55],
          ['COMPLETEE', 10],
        ]),
        invoice(2, [
          ['MISE_A_DISPOSITION', 60],
          ['SUSPENDUE', 55],
          ['COMPLETEE', 25],
          ['SERVICE_FAIT', 20],
        ]),
        invoice(3, [
          ['MISE_A_DISPOSITION', 60],
          ['SUSPENDUE', 14],
        ]),
      ],
      [row({ numeroChorus: 1 }), row({ numeroChorus: 2, etat: 'Service fait' })],
    );
    expect(codesOf(result, 1)).toEqual([]);
    expect(codesOf(result, 2)).toEqual(['DGP_MENACE']);
    expect(codesOf(result, 3)).toEqual([]);
  });

  it('does not see invoices before their first MISE_A_DISPOSITION', () => {
    const result = evaluate([
      invoice(1, [['DEPOSEE', 0.01]]),
      invoice(2, [['MISE_A_DISPOSITION', -1]]),
    ]);
    expect(result.has(chorusKey(1))).toBe(false);
    expect(result.has(chorusKey(2))).toBe(false);
  });
});
