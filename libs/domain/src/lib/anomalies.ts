/**
 * The anomaly catalogue (domain.md §7): stable codes, French wording, severity, who must act,
 * whether the anomaly justifies sending the invoice back "à recycler", and the threshold setting
 * it uses. The engine (SQL), the API and the dashboard all read it from here.
 */

export const ANOMALY_CODES = [
  'MAD_NON_INTEGREE',
  'MAD_STATUT_NON_REMONTE',
  'MAD_EN_TRAITEMENT',
  'ABSENTE_CHORUS',
  'BUDGET_INCOHERENT',
  'ENGAGEMENT_ABSENT',
  'ENGAGEMENT_MAL_FORME',
  'ENGAGEMENT_INCONNU',
  'CODE_SERVICE_ABSENT',
  'CODE_SERVICE_INCONNU',
  'DOUBLON',
  'AVOIR_DEPOSE',
  'MONTANT_DIVERGENT',
  'A_RECYCLER_SANS_REPONSE',
  'DGP_DEPASSE',
  'DGP_MENACE',
] as const;
export type AnomalyCode = (typeof ANOMALY_CODES)[number];

export function isAnomalyCode(value: unknown): value is AnomalyCode {
  return typeof value === 'string' && (ANOMALY_CODES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Severity

/**
 * - CRITIQUE: money is being lost or is about to be (late payment, double payment), or the
 *   invoice is invisible to CD31.
 * - MAJEURE: the invoice cannot go through the chain until someone acts.
 * - MINEURE: to watch or to check; nothing is blocked yet.
 */
export const ANOMALY_SEVERITIES = ['CRITIQUE', 'MAJEURE', 'MINEURE'] as const;
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

export interface SeverityDisplay {
  readonly label: string;
  /** Design token the dashboard maps to its palette. */
  readonly colorToken: 'danger' | 'warning' | 'info';
  /** Fallback colour (contrast ≥ 4.5:1 on white). */
  readonly colorHex: string;
  /** 1 = most severe: sort ascending. */
  readonly rank: number;
}

export const SEVERITY_DISPLAY: Readonly<Record<AnomalySeverity, SeverityDisplay>> = {
  CRITIQUE: { label: 'Critique', colorToken: 'danger', colorHex: '#ce0500', rank: 1 },
  MAJEURE: { label: 'Majeure', colorToken: 'warning', colorHex: '#b34000', rank: 2 },
  MINEURE: { label: 'Mineure', colorToken: 'info', colorHex: '#0063cb', rank: 3 },
};

// ---------------------------------------------------------------------------------------------
// Who acts

export const ANOMALY_ACTORS = ['SIF', 'SERVICE', 'FOURNISSEUR'] as const;
export type AnomalyActor = (typeof ANOMALY_ACTORS)[number];

export const ACTOR_LABELS: Readonly<Record<AnomalyActor, string>> = {
  SIF: 'SIF',
  SERVICE: 'Service gestionnaire',
  FOURNISSEUR: 'Fournisseur',
};

// ---------------------------------------------------------------------------------------------
// Thresholds

/**
 * Settings of the engine; global defaults, each editable per budget. Day counts are whole
 * calendar days in Europe/Paris, and a condition holds when the count is *strictly greater* than
 * the threshold ("for more than N days"): see `exceedsDays`.
 */
export interface AnomalyThresholds {
  /** MAD_NON_INTEGREE: days at MISE_A_DISPOSITION with no ASTRE row. */
  readonly madNonIntegreeDays: number;
  /** MAD_EN_TRAITEMENT: days at MISE_A_DISPOSITION while ASTRE only has it integrated. */
  readonly madEnTraitementDays: number;
  /** A_RECYCLER_SANS_REPONSE: days at A_RECYCLER or SUSPENDUE without a new status. */
  readonly aRecyclerSansReponseDays: number;
  /** MONTANT_DIVERGENT: largest tolerated |Chorus TTC − ASTRE TTC|, in cents. */
  readonly montantDivergentToleranceCents: number;
  /** DGP_MENACE: raised when the ordonnateur's share has this many days left or fewer. */
  readonly dgpMenaceHorizonDays: number;
}
export type AnomalyThresholdKey = keyof AnomalyThresholds;

/**
 * Defaults. domain.md fixes three (3 days, 15 days, 0,01 €). The other two:
 * - madEnTraitementDays = 3: domain.md's table states both MAD rules with the same "N days" and
 *   gives N = 3; an admin who finds it too eager for slow services raises it per budget.
 * - dgpMenaceHorizonDays = 0: exactly domain.md's condition ("the ordonnateur's share is used
 *   up", i.e. no day left in it). An admin can raise it to be warned earlier.
 */
export const DEFAULT_ANOMALY_THRESHOLDS: AnomalyThresholds = {
  madNonIntegreeDays: 3,
  madEnTraitementDays: 3,
  aRecyclerSansReponseDays: 15,
  montantDivergentToleranceCents: 1,
  dgpMenaceHorizonDays: 0,
};

export const ANOMALY_THRESHOLD_KEYS = [
  'madNonIntegreeDays',
  'madEnTraitementDays',
  'aRecyclerSansReponseDays',
  'montantDivergentToleranceCents',
  'dgpMenaceHorizonDays',
] as const satisfies readonly AnomalyThresholdKey[];

export interface ThresholdSetting {
  readonly label: string;
  readonly unit: 'jours' | 'centimes';
  readonly min: number;
  readonly max: number;
}

export const ANOMALY_THRESHOLD_SETTINGS: Readonly<Record<AnomalyThresholdKey, ThresholdSetting>> = {
  madNonIntegreeDays: {
    label: 'Mise à disposition non intégrée après',
    unit: 'jours',
    min: 0,
    max: 365,
  },
  madEnTraitementDays: {
    label: 'Traitement lent signalé après',
    unit: 'jours',
    min: 0,
    max: 365,
  },
  aRecyclerSansReponseDays: {
    label: 'Relance du fournisseur après',
    unit: 'jours',
    min: 0,
    max: 365,
  },
  montantDivergentToleranceCents: {
    label: 'Écart de montant toléré',
    unit: 'centimes',
    min: 0,
    max: 100_000,
  },
  dgpMenaceHorizonDays: {
    label: "Alerte avant la fin de la part de l'ordonnateur",
    unit: 'jours',
    min: 0,
    max: 20,
  },
};

export type ThresholdOverrides = {
  readonly [K in AnomalyThresholdKey]?: number | null;
};

function isWholeInRange(value: unknown, setting: ThresholdSetting): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= setting.min &&
    value <= setting.max
  );
}

/**
 * French messages for every invalid value (null and undefined mean "not set" and are valid).
 * Unknown keys are reported too. Empty when everything is valid: validate on write.
 */
export function thresholdErrors(values: Readonly<Record<string, unknown>>): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!(ANOMALY_THRESHOLD_KEYS as readonly string[]).includes(key)) {
      errors.push(`Paramètre de seuil inconnu : « ${key} ».`);
      continue;
    }
    const setting = ANOMALY_THRESHOLD_SETTINGS[key as AnomalyThresholdKey];
    if (value !== null && value !== undefined && !isWholeInRange(value, setting)) {
      errors.push(
        `« ${setting.label} » doit être un nombre entier de ${setting.unit} entre ${setting.min} et ${setting.max}.`,
      );
    }
  }
  return errors;
}

/**
 * Effective thresholds for one budget: the budget's override, else the global setting, else the
 * default — key by key. A value that fails validation is skipped (the layer below applies), so a
 * bad row in the database never breaks a page; `thresholdErrors` is what refuses it on write.
 */
export function resolveThresholds(
  global: ThresholdOverrides | null | undefined,
  perBudgetOverride?: ThresholdOverrides | null,
): AnomalyThresholds {
  const pick = (key: AnomalyThresholdKey): number => {
    const setting = ANOMALY_THRESHOLD_SETTINGS[key];
    for (const layer of [perBudgetOverride, global]) {
      const value = layer?.[key];
      if (isWholeInRange(value, setting)) {
        return value;
      }
    }
    return DEFAULT_ANOMALY_THRESHOLDS[key];
  };
  return {
    madNonIntegreeDays: pick('madNonIntegreeDays'),
    madEnTraitementDays: pick('madEnTraitementDays'),
    aRecyclerSansReponseDays: pick('aRecyclerSansReponseDays'),
    montantDivergentToleranceCents: pick('montantDivergentToleranceCents'),
    dgpMenaceHorizonDays: pick('dgpMenaceHorizonDays'),
  };
}

/** "For more than N days": 4 days exceed a threshold of 3; 3 days do not. */
export function exceedsDays(days: number, thresholdDays: number): boolean {
  return days > thresholdDays;
}

/** MONTANT_DIVERGENT: |a − b| strictly above the tolerance (1 cent apart is tolerated by default). */
export function amountsDiverge(
  chorusTtcCents: number,
  astreTtcCents: number,
  toleranceCents: number,
): boolean {
  return Math.abs(chorusTtcCents - astreTtcCents) > toleranceCents;
}

// ---------------------------------------------------------------------------------------------
// Catalogue

export interface AnomalyDefinition {
  readonly code: AnomalyCode;
  /** Short, for a grid column. */
  readonly label: string;
  /** One sentence: why it is raised and what to do. */
  readonly description: string;
  readonly severity: AnomalySeverity;
  readonly actor: AnomalyActor;
  /** A routing error (SIRET/budget, code service, engagement) that justifies A_RECYCLER. */
  readonly recycle: boolean;
  readonly threshold: AnomalyThresholdKey | null;
}

type CatalogueEntry = Omit<AnomalyDefinition, 'code'>;

const CATALOGUE: Readonly<Record<AnomalyCode, CatalogueEntry>> = {
  MAD_NON_INTEGREE: {
    label: 'Non intégrée dans ASTRE',
    description:
      "La facture est mise à disposition sur Chorus Pro depuis plus du délai fixé mais n'a pas été téléchargée dans ASTRE : le SIF doit relancer son intégration.",
    severity: 'CRITIQUE',
    actor: 'SIF',
    recycle: false,
    threshold: 'madNonIntegreeDays',
  },
  MAD_STATUT_NON_REMONTE: {
    label: 'Statut non remonté',
    description:
      'ASTRE a avancé le traitement (service fait, mandat ou paiement) mais Chorus Pro affiche encore « Mise à disposition » ou « Service fait » : le SIF doit vérifier la remontée des statuts.',
    severity: 'MAJEURE',
    actor: 'SIF',
    recycle: false,
    threshold: null,
  },
  MAD_EN_TRAITEMENT: {
    label: 'Traitement lent',
    description:
      "La facture est intégrée dans ASTRE mais son service fait n'est pas constaté après le délai fixé : le service gestionnaire doit la traiter.",
    severity: 'MINEURE',
    actor: 'SERVICE',
    recycle: false,
    threshold: 'madEnTraitementDays',
  },
  ABSENTE_CHORUS: {
    label: 'Absente de Chorus Pro',
    description:
      "Une ligne ASTRE porte un numéro Chorus que la synchronisation n'a jamais vu : le SIF doit vérifier la synchronisation ou corriger le numéro saisi dans ASTRE.",
    severity: 'MAJEURE',
    actor: 'SIF',
    recycle: false,
    threshold: null,
  },
  BUDGET_INCOHERENT: {
    label: 'Budget incohérent',
    description:
      "La facture est adressée au SIRET d'un budget mais intégrée ou engagée sur un autre : la renvoyer à recycler pour que le fournisseur indique le SIRET du bon budget.",
    severity: 'MAJEURE',
    actor: 'FOURNISSEUR',
    recycle: true,
    threshold: null,
  },
  ENGAGEMENT_ABSENT: {
    label: 'Engagement absent',
    description:
      "Aucun numéro d'engagement n'est renseigné : la renvoyer à recycler pour que le fournisseur saisisse celui du bon de commande.",
    severity: 'MAJEURE',
    actor: 'FOURNISSEUR',
    recycle: true,
    threshold: null,
  },
  ENGAGEMENT_MAL_FORME: {
    label: 'Engagement mal formé',
    description:
      "Le numéro d'engagement ne respecte pas le format (majuscules, sans espace, rien d'ajouté) : la renvoyer à recycler avec la valeur corrigée quand elle est certaine.",
    severity: 'MAJEURE',
    actor: 'FOURNISSEUR',
    recycle: true,
    threshold: null,
  },
  ENGAGEMENT_INCONNU: {
    label: 'Engagement inconnu',
    description:
      "Le numéro d'engagement est bien formé mais absent des engagements ASTRE importés : le service vérifie le bon de commande, puis la facture est renvoyée à recycler si le numéro est erroné.",
    severity: 'MAJEURE',
    actor: 'SERVICE',
    recycle: true,
    threshold: null,
  },
  CODE_SERVICE_ABSENT: {
    label: 'Code service absent',
    description:
      "Aucun code service n'est renseigné : la renvoyer à recycler pour que le fournisseur choisisse celui du bon de commande.",
    severity: 'MAJEURE',
    actor: 'FOURNISSEUR',
    recycle: true,
    threshold: null,
  },
  CODE_SERVICE_INCONNU: {
    label: 'Code service inconnu',
    description:
      "Le code service n'est pas un service du budget destinataire : la renvoyer à recycler pour que le fournisseur choisisse celui du bon de commande.",
    severity: 'MAJEURE',
    actor: 'FOURNISSEUR',
    recycle: true,
    threshold: null,
  },
  DOUBLON: {
    label: 'Doublon',
    description:
      'Le même fournisseur a déposé deux factures Chorus Pro avec le même numéro : le SIF rejette la copie pour éviter un double paiement.',
    severity: 'CRITIQUE',
    actor: 'SIF',
    recycle: false,
    threshold: null,
  },
  AVOIR_DEPOSE: {
    label: 'Avoir déposé',
    description:
      "Un avoir a été déposé sur Chorus Pro : le SIF vérifie son origine et le rejette s'il vient du logiciel de comptabilité du fournisseur.",
    severity: 'MINEURE',
    actor: 'SIF',
    recycle: false,
    threshold: null,
  },
  MONTANT_DIVERGENT: {
    label: 'Montant divergent',
    description:
      "Le montant TTC diffère entre Chorus Pro et ASTRE au-delà de l'écart toléré : le SIF corrige la saisie dans ASTRE avant le mandatement.",
    severity: 'MAJEURE',
    actor: 'SIF',
    recycle: false,
    threshold: 'montantDivergentToleranceCents',
  },
  A_RECYCLER_SANS_REPONSE: {
    label: 'Recyclage sans réponse',
    description:
      'La facture est à recycler ou suspendue depuis plus du délai fixé sans réponse du fournisseur : le relancer.',
    severity: 'MINEURE',
    actor: 'FOURNISSEUR',
    recycle: false,
    threshold: 'aRecyclerSansReponseDays',
  },
  DGP_DEPASSE: {
    label: 'Délai de paiement dépassé',
    description:
      "Le délai global de paiement de 30 jours est dépassé : des intérêts moratoires et l'indemnité de 40 € sont dus, le service doit mandater sans attendre.",
    severity: 'CRITIQUE',
    actor: 'SERVICE',
    recycle: false,
    threshold: null,
  },
  DGP_MENACE: {
    label: 'Délai de paiement menacé',
    description:
      "Les 20 jours de l'ordonnateur sont écoulés (ou presque) sans mandat : le service doit mandater pour laisser au comptable ses 10 jours.",
    severity: 'MAJEURE',
    actor: 'SERVICE',
    recycle: false,
    threshold: 'dgpMenaceHorizonDays',
  },
};

export const ANOMALY_CATALOGUE: Readonly<Record<AnomalyCode, AnomalyDefinition>> =
  Object.fromEntries(ANOMALY_CODES.map((code) => [code, { code, ...CATALOGUE[code] }])) as Record<
    AnomalyCode,
    AnomalyDefinition
  >;

export function anomalyDefinition(code: AnomalyCode): AnomalyDefinition {
  return ANOMALY_CATALOGUE[code];
}

/** Label for any stored code: unknown codes (from a newer engine) are shown as they are. */
export function anomalyLabel(code: string): string {
  return isAnomalyCode(code) ? ANOMALY_CATALOGUE[code].label : code;
}

/** The routing anomalies, in the order a recycle comment names them. */
export const RECYCLE_ANOMALY_CODES = [
  'BUDGET_INCOHERENT',
  'CODE_SERVICE_ABSENT',
  'CODE_SERVICE_INCONNU',
  'ENGAGEMENT_ABSENT',
  'ENGAGEMENT_MAL_FORME',
  'ENGAGEMENT_INCONNU',
] as const satisfies readonly AnomalyCode[];
export type RecycleAnomalyCode = (typeof RECYCLE_ANOMALY_CODES)[number];

export function isRecycleAnomaly(code: string): code is RecycleAnomalyCode {
  return (RECYCLE_ANOMALY_CODES as readonly string[]).includes(code);
}

/** Sorts by severity, then catalogue order: the order of a grid's default sort. */
export function compareAnomalyCodes(a: AnomalyCode, b: AnomalyCode): number {
  const bySeverity =
    SEVERITY_DISPLAY[ANOMALY_CATALOGUE[a].severity].rank -
    SEVERITY_DISPLAY[ANOMALY_CATALOGUE[b].severity].rank;
  return bySeverity !== 0 ? bySeverity : ANOMALY_CODES.indexOf(a) - ANOMALY_CODES.indexOf(b);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

export const ANOMALY_STATES = ['OUVERTE', 'EN_COURS', 'RESOLUE', 'IGNOREE'] as const;
export type AnomalyState = (typeof ANOMALY_STATES)[number];

export const ANOMALY_STATE_LABELS: Readonly<Record<AnomalyState, string>> = {
  OUVERTE: 'Ouverte',
  EN_COURS: 'En cours',
  RESOLUE: 'Résolue',
  IGNOREE: 'Ignorée',
};

export function isAnomalyState(value: unknown): value is AnomalyState {
  return typeof value === 'string' && (ANOMALY_STATES as readonly string[]).includes(value);
}

/** Still to be dealt with: counted in the dashboard's figures. */
export function isActiveAnomalyState(state: AnomalyState): boolean {
  return state === 'OUVERTE' || state === 'EN_COURS';
}

/**
 * What an agent may do by hand. Reassigning an EN_COURS anomaly is not a transition.
 * - OUVERTE → EN_COURS (take it / assign it), RESOLUE (fixed outside the product), IGNOREE.
 * - EN_COURS → OUVERTE (give it back), RESOLUE, IGNOREE.
 * - IGNOREE → OUVERTE (the decision to ignore was wrong).
 * - RESOLUE → OUVERTE (resolved by mistake). Allowed because the alternative — waiting for the
 *   engine to see the condition again — leaves a real problem hidden in between.
 * IGNOREE → RESOLUE and RESOLUE → IGNOREE are not offered: reopen first, so the history says why.
 */
export const MANUAL_ANOMALY_TRANSITIONS: Readonly<Record<AnomalyState, readonly AnomalyState[]>> = {
  OUVERTE: ['EN_COURS', 'RESOLUE', 'IGNOREE'],
  EN_COURS: ['OUVERTE', 'RESOLUE', 'IGNOREE'],
  IGNOREE: ['OUVERTE'],
  RESOLUE: ['OUVERTE'],
};

export function canTransitionManually(from: AnomalyState, to: AnomalyState): boolean {
  return MANUAL_ANOMALY_TRANSITIONS[from].includes(to);
}

/** Ignoring an anomaly hides it for good: the agent must say why (kept in the audit trail). */
export function manualTransitionRequiresComment(_from: AnomalyState, to: AnomalyState): boolean {
  return to === 'IGNOREE';
}

/** French message refusing a manual transition, or null when it is allowed. */
export function manualTransitionError(
  from: AnomalyState,
  to: AnomalyState,
  comment?: string | null,
): string | null {
  if (!canTransitionManually(from, to)) {
    return `Une anomalie « ${ANOMALY_STATE_LABELS[from]} » ne peut pas passer à l'état « ${ANOMALY_STATE_LABELS[to]} ».`;
  }
  if (manualTransitionRequiresComment(from, to) && (comment ?? '').trim() === '') {
    return 'Indiquez pourquoi cette anomalie est ignorée.';
  }
  return null;
}

export type AutomaticTransition = {
  readonly to: AnomalyState;
  readonly reason: 'CONDITION_DISPARUE' | 'CONDITION_REAPPARUE';
} | null;

export const AUTOMATIC_TRANSITION_REASON_LABELS = {
  CONDITION_DISPARUE: 'Résolue automatiquement : la condition a disparu',
  CONDITION_REAPPARUE: 'Rouverte automatiquement : la condition est de nouveau présente',
} as const;

/**
 * What the engine does after a reconciliation run, regardless of the manual transitions:
 * - condition gone: OUVERTE, EN_COURS and IGNOREE become RESOLUE (nothing left to ignore);
 * - condition present: RESOLUE becomes OUVERTE — whoever resolved it, the engine is the authority
 *   on conditions; IGNOREE stays ignored (the agent's decision stands while the condition lasts).
 * Null: no change.
 */
export function automaticTransition(
  state: AnomalyState,
  conditionPresent: boolean,
): AutomaticTransition {
  if (conditionPresent) {
    return state === 'RESOLUE' ? { to: 'OUVERTE', reason: 'CONDITION_REAPPARUE' } : null;
  }
  return state === 'RESOLUE' ? null : { to: 'RESOLUE', reason: 'CONDITION_DISPARUE' };
}
