/** The ASTRE processing states of the default export profile (astre-export.md). */
export const ASTRE_ETATS = [
  'Intégrée',
  'Service fait',
  'Mandatée',
  'Payée',
  'Suspendue',
  'Rejetée',
  'A recycler',
] as const;

export type AstreEtat = (typeof ASTRE_ETATS)[number];

/** Why an ASTRE row exists: integrated from Chorus, or only on the ASTRE side. */
export type AstreRowKind = 'CHORUS' | 'ABSENTE_CHORUS' | 'HORS_CHORUS';

/** One row of the ASTRE "factures" export, values as ASTRE prints them. */
export interface AstreFactureRow {
  readonly kind: AstreRowKind;
  /** The generated Chorus invoice this row was integrated from (null for ASTRE-only rows). */
  readonly invoiceIndex: number | null;
  /** As printed: two digits, or `1` for budget `01` on some rows. */
  readonly budget: string;
  readonly exercice: number;
  /** `N° Chorus` — the Chorus idFacture when ASTRE kept it. */
  readonly numeroChorus: number | null;
  /** `N° facture` as typed in ASTRE (may differ from Chorus in case or trailing spaces). */
  readonly numeroFacture: string;
  /** `SIRET fournisseur` as printed (sometimes with spaces). */
  readonly siretFournisseur: string;
  readonly fournisseur: string;
  /** `YYYY-MM-DD`. */
  readonly dateFacture: string | null;
  /** `YYYY-MM-DD`. */
  readonly dateIntegration: string;
  readonly montantTTCCents: number;
  readonly numeroEngagement: string | null;
  readonly codeService: string | null;
  readonly etat: AstreEtat;
  readonly numeroMandat: string | null;
  /** `YYYY-MM-DD`. */
  readonly dateMandat: string | null;
}

/** Rank of an ASTRE state along the processing chain (0 when not on it). */
export function astreProgressRank(etat: AstreEtat): number {
  switch (etat) {
    case 'Intégrée':
      return 1;
    case 'Service fait':
      return 2;
    case 'Mandatée':
      return 3;
    case 'Payée':
      return 4;
    case 'Suspendue':
    case 'Rejetée':
    case 'A recycler':
      return 0;
  }
}
