/** Public shapes of the Chorus Pro client: normalised results, inputs and events. */

/** A string union that still accepts any other string (unknown values are kept as they come). */
type OpenString<Known extends string> = Known | (string & Record<never, never>);

/** The two payment request types a recipient must query separately. */
export type ChorusPaymentRequestType = 'FACTURE' | 'FACTURE_TRAVAUX';

export const CHORUS_PAYMENT_REQUEST_TYPES: readonly ChorusPaymentRequestType[] = [
  'FACTURE',
  'FACTURE_TRAVAUX',
];

/** Statuses a recipient sees (chorus-pro-api.md); the full enum has 56 values. */
export const CHORUS_RECIPIENT_STATUSES = [
  'DEPOSEE',
  'EN_COURS_ACHEMINEMENT',
  'MISE_A_DISPOSITION',
  'A_RECYCLER',
  'REJETEE',
  'SUSPENDUE',
  'COMPLETEE',
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_A_DISPOSITION_COMPTABLE',
  'COMPTABILISEE',
  'MISE_EN_PAIEMENT',
] as const;

export type ChorusRecipientStatus = (typeof CHORUS_RECIPIENT_STATUSES)[number];
export type ChorusInvoiceStatus = OpenString<ChorusRecipientStatus>;
export type ChorusInvoiceType = OpenString<'FACTURE' | 'AVOIR' | 'ACOMPTE'>;

/** One line of the recipient search (`rechercher/recipiendaire`), normalised for storage. */
export interface ChorusInvoiceSummary {
  readonly idFacture: number;
  readonly numeroFacture: string | null;
  readonly typeDemandePaiement: OpenString<ChorusPaymentRequestType>;
  readonly typeFacture: ChorusInvoiceType | null;
  readonly codeFournisseur: string | null;
  readonly typeIdentifiantFournisseur: string | null;
  readonly designationFournisseur: string | null;
  readonly idDestinataire: number | null;
  /** The budget SIRET the supplier addressed. */
  readonly codeDestinataire: string | null;
  readonly designationDestinataire: string | null;
  readonly idServiceExecutant: number | null;
  readonly codeServiceExecutant: string | null;
  readonly nomServiceExecutant: string | null;
  /** Calendar dates 'YYYY-MM-DD'. */
  readonly dateFacture: string | null;
  readonly dateDepot: string | null;
  /** Decimal strings ("1234.56"), never floats. */
  readonly montantHT: string | null;
  readonly montantTTC: string | null;
  readonly montantAPayer: string | null;
  readonly devise: string | null;
  readonly statut: ChorusInvoiceStatus | null;
  readonly numeroMarche: string | null;
  /** The engagement number, exactly as the supplier typed it. */
  readonly numeroBonCommande: string | null;
  readonly factureTelechargeeParDestinataire: boolean | null;
  readonly dateHeureEtatCourant: Date | null;
  readonly commentaireEtatCourant: string | null;
}

/** One page of a recipient search, as read: the caller stores it before asking the next. */
export interface ChorusInvoicePage {
  readonly typeDemandePaiement: ChorusPaymentRequestType;
  /** 1-based page number that was asked for. */
  readonly pageNumber: number;
  /** `pages` / `total` as the reply declared them (null when the API left them out). */
  readonly pagesDeclared: number | null;
  readonly totalDeclared: number | null;
  readonly invoices: readonly ChorusInvoiceSummary[];
}

/** Filters of the recipient search. Dates are instants; the client writes them as the API expects. */
export interface ChorusReceivedInvoiceSearch {
  /** The structure's `idStructureCPP` (see `findStructureBySiret`), never the SIRET. */
  readonly idDestinataire: number;
  /** Window on the current status' date-time (incremental pull: "status changed since"). */
  readonly periodeDateHeureEtatCourantDu?: Date;
  readonly periodeDateHeureEtatCourantAu?: Date;
  /** Window on the deposit date, as calendar dates 'YYYY-MM-DD'. */
  readonly periodeDateDepotDu?: string;
  readonly periodeDateDepotAu?: string;
  readonly statutCourant?: readonly string[];
  readonly factureTelechargeeParDestinataire?: boolean;
  readonly listeTypeFacture?: readonly string[];
  readonly numeroFacture?: string;
  readonly idServiceExecutant?: number;
  /** Defaults to both FACTURE and FACTURE_TRAVAUX. */
  readonly typesDemandePaiement?: readonly ChorusPaymentRequestType[];
  /** Invoices per page, 1–1000 (default 1000, what production clients ask). */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

export interface ChorusStructure {
  readonly idStructureCPP: number;
  readonly identifiantStructure: string | null;
  readonly typeIdentifiantStructure: string | null;
  readonly designationStructure: string | null;
  readonly statut: string | null;
}

export interface ChorusStructureService {
  readonly idService: number;
  readonly codeService: string | null;
  readonly libelleService: string | null;
  readonly estActif: boolean | null;
}

export interface ChorusStructureDetails {
  readonly idStructureCPP: number;
  readonly identifiantStructure: string | null;
  readonly typeIdentifiantStructure: string | null;
  readonly raisonSociale: string | null;
  /** When the technical account's password expires (about every 14 months). */
  readonly dateExpirationMotPasseCompteTech: Date | null;
  readonly codeServiceDoitEtreRenseigne: boolean | null;
  readonly numeroEJDoitEtreRenseigne: boolean | null;
  /** Every flag of `parametres`, read as booleans where they are booleans. */
  readonly parametres: Readonly<Record<string, boolean | string | number | null>>;
}

/** `consulter/recipiendaire`, flattened. */
export interface ChorusInvoiceDetail {
  readonly idFacture: number;
  readonly numeroFacture: string | null;
  readonly statut: ChorusInvoiceStatus | null;
  readonly modeDepot: string | null;
  readonly codeDestinataire: string | null;
  readonly codeServiceExecutant: string | null;
  readonly codeFournisseur: string | null;
  readonly designationFournisseur: string | null;
  readonly codeCadreFacturation: string | null;
  readonly typeFacture: ChorusInvoiceType | null;
  readonly dateFacture: string | null;
  readonly dateDepot: string | null;
  readonly numeroMarche: string | null;
  readonly numeroBonCommande: string | null;
  readonly numeroFactureOrigine: string | null;
  readonly modePaiement: string | null;
  readonly montantHT: string | null;
  readonly montantTVA: string | null;
  readonly montantTTC: string | null;
  readonly montantAPayer: string | null;
}

export interface ChorusStatusEvent {
  readonly id: number | null;
  readonly code: ChorusInvoiceStatus;
  /** "YYYY-MM-DD HH:MM" read as Europe/Paris time. */
  readonly date: Date | null;
  readonly comment: string | null;
}

export interface ChorusStatusHistory {
  readonly idFacture: number;
  readonly statutCourant: ChorusInvoiceStatus | null;
  /** Oldest first. */
  readonly events: readonly ChorusStatusEvent[];
}

export interface ChorusInvoiceProcessing {
  readonly idFacture: number;
  readonly nouveauStatut: ChorusInvoiceStatus;
  /** Mandatory for REJETEE and SUSPENDUE; at most 255 characters. */
  readonly motif?: string;
  /** Only with MANDATEE. */
  readonly numeroDPMandat?: string;
}

export interface ChorusProcessingResult {
  readonly idFacture: number;
  readonly numeroFacture: string | null;
  readonly nouveauStatut: ChorusInvoiceStatus | null;
  readonly dateTraitement: Date | null;
}

export interface ChorusConnectivity {
  readonly durationMs: number;
  readonly tauxTvaCount: number;
}

export interface ChorusCallOptions {
  readonly signal?: AbortSignal;
}

/** Names of the operations, as carried by errors and events. */
export type ChorusOperation =
  | 'configuration'
  | 'token'
  | 'findStructureBySiret'
  | 'listStructureServices'
  | 'consultStructure'
  | 'searchReceivedInvoices'
  | 'consultReceivedInvoice'
  | 'getStatusHistory'
  | 'processReceivedInvoice'
  | 'getAllowedTransitions'
  | 'checkConnectivity';

/** What one HTTP exchange did. Never carries credentials, tokens or bodies. */
export interface ChorusEvent {
  readonly operation: ChorusOperation;
  readonly attempt: number;
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  readonly durationMs: number;
  /**
   * success: the exchange gave a result; retry: a retryable failure, another attempt follows after
   * `retryInMs`; token-refresh: a 401 made the client fetch a new token; failure: the call fails.
   */
  readonly outcome: 'success' | 'retry' | 'token-refresh' | 'failure';
  readonly retryInMs?: number;
  readonly codeRetour?: number | null;
  /** Error class and short reason, when the exchange failed. */
  readonly error?: string;
}
