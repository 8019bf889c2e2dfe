/**
 * The fields of each kind of ASTRE export (astre-export.md), their French label — the header of the
 * default import profile, used to name a column in messages — and whether the column is required.
 * Read by the import (`@cd31/astre-import`) and by the dashboard's profile editor.
 */

export const ASTRE_INVOICE_FIELDS = [
  'budgetCode',
  'exercice',
  'chorusInvoiceId',
  'invoiceNumber',
  'supplierSiret',
  'supplierName',
  'invoiceDate',
  'integrationDate',
  'amountTtc',
  'engagementNumber',
  'serviceCode',
  'etat',
  'mandatNumber',
  'mandatDate',
] as const;
export type AstreInvoiceField = (typeof ASTRE_INVOICE_FIELDS)[number];

export const ASTRE_ENGAGEMENT_FIELDS = [
  'budgetCode',
  'engagementNumber',
  'serviceCode',
  'supplierSiret',
  'engagedAmount',
  'solde',
] as const;
export type AstreEngagementField = (typeof ASTRE_ENGAGEMENT_FIELDS)[number];

export type AstreField = AstreInvoiceField | AstreEngagementField;

export interface AstreFieldDefinition {
  /** The header of the default profile, used to name the column in French messages. */
  readonly label: string;
  readonly required: boolean;
}

/** Which fields each kind has, their French label and whether the column is required. */
export const ASTRE_FIELD_DEFINITIONS: {
  readonly factures: Readonly<Record<AstreInvoiceField, AstreFieldDefinition>>;
  readonly engagements: Readonly<Record<AstreEngagementField, AstreFieldDefinition>>;
} = {
  factures: {
    budgetCode: { label: 'Budget', required: true },
    exercice: { label: 'Exercice', required: false },
    chorusInvoiceId: { label: 'N° Chorus', required: false },
    invoiceNumber: { label: 'N° facture', required: true },
    supplierSiret: { label: 'SIRET fournisseur', required: true },
    supplierName: { label: 'Fournisseur', required: false },
    invoiceDate: { label: 'Date facture', required: false },
    integrationDate: { label: 'Date intégration', required: true },
    amountTtc: { label: 'Montant TTC', required: true },
    engagementNumber: { label: 'N° engagement', required: false },
    serviceCode: { label: 'Code service', required: false },
    etat: { label: 'Etat', required: true },
    mandatNumber: { label: 'N° mandat', required: false },
    mandatDate: { label: 'Date mandat', required: false },
  },
  engagements: {
    budgetCode: { label: 'Budget', required: true },
    engagementNumber: { label: 'N° engagement', required: true },
    serviceCode: { label: 'Code service', required: false },
    supplierSiret: { label: 'SIRET fournisseur', required: false },
    engagedAmount: { label: 'Montant engagé', required: false },
    solde: { label: 'Solde', required: false },
  },
};
