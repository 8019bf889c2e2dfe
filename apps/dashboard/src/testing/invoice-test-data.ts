import type {
  AnomalyDetailDto,
  InvoiceDetailDto,
  PaymentDelayDto,
  RecycleDraftDto,
} from '@cd31/contracts';

/** Small builders for the Facture page specs. */

export function paymentDelay(overrides: Partial<PaymentDelayDto> = {}): PaymentDelayDto {
  return {
    running: true,
    startDate: '2025-02-01',
    dueDate: '2025-03-03',
    ordonnateurDueDate: '2025-02-21',
    daysElapsed: 34,
    daysLeft: null,
    ordonnateurDaysLeft: -12,
    daysLate: 4,
    suspendedNow: false,
    settled: false,
    interestRate: 12.25,
    interest: '1.66',
    indemnity: '40.00',
    eurosAtRisk: '41.66',
    ...overrides,
  };
}

export function anomalyDetail(overrides: Partial<AnomalyDetailDto> = {}): AnomalyDetailDto {
  return {
    id: 7,
    code: 'BUDGET_INCOHERENT',
    severity: 'MAJEURE',
    actor: 'FOURNISSEUR',
    state: 'OUVERTE',
    budgetCode: '62',
    budgetLabel: 'Laboratoire Eau Air (EVA)',
    idFacture: 9001,
    invoiceNumber: 'F-2025-001',
    supplierSiret: '12345678900011',
    supplierName: 'Dupont SARL',
    amountTtc: '1234.56',
    chorusStatus: 'MISE_A_DISPOSITION',
    daysInStatus: 34,
    dgpDaysLeft: null,
    dgpDaysLate: 4,
    eurosAtRisk: '41.66',
    assignee: null,
    firstDetectedAt: '2025-02-05T08:00:00Z',
    lastDetectedAt: '2025-03-07T08:00:00Z',
    resolvedAt: null,
    resolutionReason: null,
    notesCount: 1,
    details: {},
    notes: [
      {
        id: 1,
        author: { id: 'u2', displayName: 'Marie Curie' },
        at: '2025-02-06T09:30:00Z',
        text: 'Fournisseur appelé.',
      },
    ],
    history: [
      {
        at: '2025-02-05T08:00:00Z',
        actor: null,
        kind: 'detected',
        fromState: null,
        toState: 'OUVERTE',
        description: 'Anomalie détectée.',
      },
    ],
    ...overrides,
  };
}

export function recycleDraft(overrides: Partial<RecycleDraftDto> = {}): RecycleDraftDto {
  return {
    text: 'Bonjour, la facture est adressée au SIRET 22310001700225 mais l’engagement relève du budget Principal : merci de la redéposer au SIRET 22310001700423.',
    maxLength: 255,
    allowed: true,
    reason: null,
    mode: 'dry-run',
    ...overrides,
  };
}

export function invoiceDetail(overrides: Partial<InvoiceDetailDto> = {}): InvoiceDetailDto {
  return {
    chorus: {
      idFacture: 9001,
      numeroFacture: 'F-2025-001',
      typeFacture: 'FACTURE',
      typeDemandePaiement: 'A1',
      supplierSiret: '12345678900011',
      supplierName: 'Dupont SARL',
      recipientSiret: '22310001700225',
      budgetCode: '62',
      budgetLabel: 'Laboratoire Eau Air (EVA)',
      serviceCode: 'LAB',
      serviceName: 'Laboratoire',
      engagement: 'CP2025/X123456/1',
      marche: null,
      invoiceDate: '2025-01-28',
      depositDate: '2025-01-30T10:00:00Z',
      amountHt: '1028.80',
      amountTtc: '1234.56',
      status: 'MISE_A_DISPOSITION',
      statusAt: '2025-02-01T08:05:00Z',
      statusComment: null,
      firstMadAt: '2025-02-01T08:05:00Z',
    },
    astre: {
      rowKey: '01-F-2025-001',
      budgetCode: '01',
      chorusInvoiceId: 9001,
      invoiceNumber: 'F-2025-001',
      supplierSiret: '12345678900011',
      supplierName: 'DUPONT',
      invoiceDate: '2025-01-28',
      integrationDate: '2025-02-02',
      amountTtc: '1234.56',
      engagement: 'CP2025/X123456/1',
      serviceCode: 'LAB',
      etat: 'INTEGREE',
      mandatNumber: null,
      mandatDate: null,
      matchMethod: 'chorus_id',
    },
    differences: ['budgetCode', 'supplierName'],
    statusHistory: [
      { status: 'MISE_A_DISPOSITION', at: '2025-02-01T08:05:00Z', comment: null, source: 'sync' },
      { status: 'DEPOSEE', at: '2025-01-30T10:00:00Z', comment: null, source: 'historique' },
    ],
    anomalies: [anomalyDetail()],
    paymentDelay: paymentDelay(),
    recycle: recycleDraft(),
    ...overrides,
  };
}
