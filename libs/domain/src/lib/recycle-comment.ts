/**
 * Commentaire de recyclage (domain.md §9): the one comment a supplier reads on Chorus Pro when an
 * invoice comes back "à recycler". Drafted from the invoice's routing anomalies, in French, polite,
 * naming each field, the wrong value and the right value whenever known, at most 255 characters.
 *
 * Templates are data, edited by an admin: each kind of correction has variants ordered from the
 * most detailed to the barest. The renderer starts from the most detailed variant whose values are
 * all known and, while the comment is too long, drops details (see `renderRecycleComment`).
 */
import { type RecycleAnomalyCode, isRecycleAnomaly } from './anomalies';
import { classifyEngagement } from './engagement';

/** Chorus Pro keeps 255 characters of a motif. */
export const RECYCLE_COMMENT_MAX_LENGTH = 255;

/** What the comment asks for; one template (a list of variants) per kind. */
export const RECYCLE_COMMENT_KINDS = [
  'SIRET_A_CORRIGER',
  'SIRET_A_VERIFIER',
  'CODE_SERVICE_ABSENT',
  'CODE_SERVICE_INCONNU',
  'ENGAGEMENT_ABSENT',
  'ENGAGEMENT_A_CORRIGER',
  'ENGAGEMENT_MAL_FORME',
  'ENGAGEMENT_INCONNU',
] as const;
export type RecycleCommentKind = (typeof RECYCLE_COMMENT_KINDS)[number];

export const RECYCLE_COMMENT_KIND_LABELS: Readonly<Record<RecycleCommentKind, string>> = {
  SIRET_A_CORRIGER: 'SIRET à corriger (SIRET attendu connu)',
  SIRET_A_VERIFIER: 'SIRET à corriger (SIRET attendu inconnu)',
  CODE_SERVICE_ABSENT: 'Code service absent',
  CODE_SERVICE_INCONNU: 'Code service inconnu',
  ENGAGEMENT_ABSENT: 'Engagement absent',
  ENGAGEMENT_A_CORRIGER: 'Engagement mal formé (correction connue)',
  ENGAGEMENT_MAL_FORME: 'Engagement mal formé (sans correction certaine)',
  ENGAGEMENT_INCONNU: 'Engagement inconnu',
};

export const RECYCLE_PLACEHOLDERS = [
  'siret_errone',
  'siret_attendu',
  'budget_attendu',
  'code_service',
  'services',
  'engagement',
  'engagement_suggere',
] as const;
export type RecyclePlaceholder = (typeof RECYCLE_PLACEHOLDERS)[number];

/** The placeholders each kind may use. */
export const RECYCLE_KIND_PLACEHOLDERS: Readonly<
  Record<RecycleCommentKind, readonly RecyclePlaceholder[]>
> = {
  SIRET_A_CORRIGER: ['siret_errone', 'siret_attendu', 'budget_attendu'],
  SIRET_A_VERIFIER: ['siret_errone'],
  CODE_SERVICE_ABSENT: ['services'],
  CODE_SERVICE_INCONNU: ['code_service', 'services'],
  ENGAGEMENT_ABSENT: [],
  ENGAGEMENT_A_CORRIGER: ['engagement', 'engagement_suggere'],
  ENGAGEMENT_MAL_FORME: ['engagement'],
  ENGAGEMENT_INCONNU: ['engagement'],
};

export interface RecycleCommentTemplates {
  /** Opens the comment: `Bonjour, merci de `. */
  readonly prefix: string;
  /** Between two requests but the last two: `, de `. */
  readonly separator: string;
  /** Between the last two requests: ` et de `. */
  readonly lastSeparator: string;
  /** Closes the comment. */
  readonly suffix: string;
  /** Closes the comment when even the barest requests do not fit with `suffix`. */
  readonly shortSuffix: string;
  /** Variants, from the most detailed to the barest; the last one must use no placeholder. */
  readonly parts: Readonly<Record<RecycleCommentKind, readonly string[]>>;
  /** Services are listed only when the budget has at most this many (0: never). */
  readonly maxListedServices: number;
}

const ENGAGEMENT_RULE = '(majuscules, sans espace)';

export const DEFAULT_RECYCLE_TEMPLATES: RecycleCommentTemplates = {
  prefix: 'Bonjour, merci de ',
  separator: ', de ',
  lastSeparator: ' et de ',
  suffix: ' puis de renvoyer la facture. Cordialement, CD31 – SIF',
  shortSuffix: ' puis de renvoyer la facture. CD31 – SIF',
  maxListedServices: 6,
  parts: {
    SIRET_A_CORRIGER: [
      'corriger le SIRET destinataire « {siret_errone} » en « {siret_attendu} » (budget {budget_attendu})',
      'corriger le SIRET destinataire « {siret_errone} » en « {siret_attendu} »',
      'corriger le SIRET destinataire en « {siret_attendu} »',
      'corriger le SIRET destinataire',
    ],
    SIRET_A_VERIFIER: [
      "corriger le SIRET destinataire « {siret_errone} », qui ne correspond pas au budget de l'engagement",
      'corriger le SIRET destinataire « {siret_errone} »',
      'corriger le SIRET destinataire',
    ],
    CODE_SERVICE_ABSENT: [
      'renseigner le code service du bon de commande (codes valides : {services})',
      'renseigner le code service du bon de commande',
      'renseigner le code service',
    ],
    CODE_SERVICE_INCONNU: [
      'corriger le code service « {code_service} », inconnu pour ce SIRET (codes valides : {services})',
      'corriger le code service « {code_service} », inconnu pour ce SIRET',
      'corriger le code service « {code_service} »',
      'corriger le code service',
    ],
    ENGAGEMENT_ABSENT: [
      `renseigner le numéro d'engagement du bon de commande ${ENGAGEMENT_RULE}`,
      "renseigner le numéro d'engagement du bon de commande",
      "renseigner le numéro d'engagement",
    ],
    ENGAGEMENT_A_CORRIGER: [
      `corriger le numéro d'engagement « {engagement} » en « {engagement_suggere} » ${ENGAGEMENT_RULE}`,
      "corriger le numéro d'engagement « {engagement} » en « {engagement_suggere} »",
      `corriger le numéro d'engagement en « {engagement_suggere} » ${ENGAGEMENT_RULE}`,
      "corriger le numéro d'engagement en « {engagement_suggere} »",
      "corriger le numéro d'engagement",
    ],
    ENGAGEMENT_MAL_FORME: [
      "corriger le numéro d'engagement « {engagement} » (majuscules, sans espace ni texte ajouté, ex. CP2020/X123456/1 ou AP2020/1234)",
      "corriger le numéro d'engagement « {engagement} » (ex. CP2020/X123456/1 ou AP2020/1234)",
      "corriger le numéro d'engagement (ex. CP2020/X123456/1 ou AP2020/1234)",
      "corriger le numéro d'engagement",
    ],
    ENGAGEMENT_INCONNU: [
      "vérifier le numéro d'engagement « {engagement} », inconnu de nos services, et reprendre celui du bon de commande",
      "vérifier le numéro d'engagement « {engagement} », inconnu de nos services",
      "vérifier le numéro d'engagement « {engagement} »",
      "vérifier le numéro d'engagement",
    ],
  },
};

/** What the reference data and the invoice tell; anything unknown is left out. */
export interface RecycleCommentContext {
  /** SIRET the invoice is addressed to (`codeDestinataire`). */
  readonly siretErrone?: string | null;
  /** SIRET of the budget that holds the engagement / the ASTRE row. */
  readonly siretAttendu?: string | null;
  /** Label of that budget (`Restauration`). */
  readonly budgetAttendu?: string | null;
  /** Code service on the invoice. */
  readonly codeService?: string | null;
  /** Valid codes service of the right budget. */
  readonly services?: readonly string[] | null;
  /** Engagement as typed (`numeroBonCommande`). */
  readonly engagement?: string | null;
  /** Corrected engagement; derived with `classifyEngagement` when not given. */
  readonly engagementSuggere?: string | null;
}

export interface RecycleCommentPart {
  readonly code: RecycleAnomalyCode;
  readonly kind: RecycleCommentKind;
  readonly text: string;
  /** Index of the variant used in the kind's template. */
  readonly variant: number;
  /** Details were dropped from this request to fit the limit. */
  readonly shortened: boolean;
}

export interface RecycleCommentDraft {
  /** NFC-normalised. */
  readonly text: string;
  /** `text.length` (UTF-16 code units, NFC): what is checked against 255. */
  readonly length: number;
  /** Some detail was dropped to fit 255 characters. */
  readonly truncated: boolean;
  readonly parts: readonly RecycleCommentPart[];
}

// ---------------------------------------------------------------------------------------------
// Validation

const TOKEN = /\{([^{}]*)\}/g;

function placeholdersOf(template: string): string[] {
  return [...template.matchAll(TOKEN)].map((m) => m[1]);
}

function isPlaceholder(name: string): name is RecyclePlaceholder {
  return (RECYCLE_PLACEHOLDERS as readonly string[]).includes(name);
}

function braceErrors(template: string, where: string): string[] {
  const errors: string[] = [];
  for (const name of placeholdersOf(template)) {
    if (!isPlaceholder(name)) {
      errors.push(`${where} : variable inconnue « {${name}} ».`);
    }
  }
  if (/[{}]/.test(template.replace(TOKEN, ''))) {
    errors.push(`${where} : accolade « { » ou « } » isolée.`);
  }
  return errors;
}

function shortest(texts: readonly string[]): number {
  return Math.min(...texts.map((t) => t.normalize('NFC').length));
}

/**
 * French messages for every problem of a set of templates (empty when valid). Besides unknown
 * placeholders, it refuses what would break the 255-character guarantee: a template whose last
 * variant uses a placeholder, and templates whose barest combination already exceeds 255.
 */
export function validateRecycleTemplates(templates: RecycleCommentTemplates): string[] {
  const errors: string[] = [];
  const fixed: readonly [string, string][] = [
    ['Le début du commentaire', templates.prefix],
    ['Le séparateur', templates.separator],
    ['Le dernier séparateur', templates.lastSeparator],
    ['La fin du commentaire', templates.suffix],
    ['La fin courte du commentaire', templates.shortSuffix],
  ];
  for (const [where, text] of fixed) {
    errors.push(...braceErrors(text, where));
    if (placeholdersOf(text).length > 0) {
      errors.push(`${where} ne doit contenir aucune variable.`);
    }
  }
  for (const kind of RECYCLE_COMMENT_KINDS) {
    const label = `Modèle « ${RECYCLE_COMMENT_KIND_LABELS[kind]} »`;
    const variants = templates.parts[kind] as readonly string[] | undefined;
    if (variants === undefined || variants.length === 0) {
      errors.push(`${label} : au moins une variante est requise.`);
      continue;
    }
    variants.forEach((variant, i) => {
      const where = `${label}, variante ${i + 1}`;
      if (variant.trim() === '') {
        errors.push(`${where} : la variante est vide.`);
      }
      errors.push(...braceErrors(variant, where));
      for (const name of placeholdersOf(variant)) {
        if (isPlaceholder(name) && !RECYCLE_KIND_PLACEHOLDERS[kind].includes(name)) {
          errors.push(`${where} : la variable « {${name}} » n'est pas disponible pour ce cas.`);
        }
      }
    });
    if (placeholdersOf(variants[variants.length - 1]).length > 0) {
      errors.push(
        `${label} : la dernière variante ne doit contenir aucune variable, pour que le commentaire puisse toujours être raccourci.`,
      );
    }
  }
  if (
    !Number.isInteger(templates.maxListedServices) ||
    templates.maxListedServices < 0 ||
    templates.maxListedServices > 50
  ) {
    errors.push('Le nombre maximal de services listés doit être un entier entre 0 et 50.');
  }
  if (errors.length === 0) {
    const worst = worstBarestLength(templates);
    if (worst > RECYCLE_COMMENT_MAX_LENGTH) {
      errors.push(
        `Même raccourci au maximum, un commentaire peut atteindre ${worst} caractères (maximum ${RECYCLE_COMMENT_MAX_LENGTH}) : raccourcissez les modèles.`,
      );
    }
  }
  return errors;
}

/** Longest comment made of the barest variants (one request per group), with the short suffix. */
function worstBarestLength(templates: RecycleCommentTemplates): number {
  const barest = (kind: RecycleCommentKind): number => {
    const variants = templates.parts[kind];
    return variants[variants.length - 1].normalize('NFC').length;
  };
  const groups: readonly (readonly RecycleCommentKind[])[] = [
    ['SIRET_A_CORRIGER', 'SIRET_A_VERIFIER'],
    ['CODE_SERVICE_ABSENT', 'CODE_SERVICE_INCONNU'],
    ['ENGAGEMENT_ABSENT', 'ENGAGEMENT_A_CORRIGER', 'ENGAGEMENT_MAL_FORME', 'ENGAGEMENT_INCONNU'],
  ];
  const requests = groups.reduce((sum, group) => sum + Math.max(...group.map(barest)), 0);
  return (
    templates.prefix.normalize('NFC').length +
    requests +
    templates.separator.normalize('NFC').length +
    templates.lastSeparator.normalize('NFC').length +
    shortest([templates.suffix, templates.shortSuffix])
  );
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Control characters and every kind of white space become one space; the ends are trimmed. */
function cleanValue(value: string | null | undefined): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const cleaned = value
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\s\u0000-\u001f\u007f\u200b-\u200d\u2060\ufeff]+/g, ' ')
    .trim();
  return cleaned === '' ? null : cleaned;
}

interface RequestPlan {
  readonly code: RecycleAnomalyCode;
  readonly kind: RecycleCommentKind;
}

/** Which requests to make, in the order of Chorus Pro's form: SIRET, code service, engagement. */
function planRequests(
  anomalies: readonly string[],
  values: Partial<Record<RecyclePlaceholder, string>>,
): RequestPlan[] {
  const codes = new Set(anomalies.filter(isRecycleAnomaly));
  const plan: RequestPlan[] = [];
  if (codes.has('BUDGET_INCOHERENT')) {
    plan.push({
      code: 'BUDGET_INCOHERENT',
      kind: values.siret_attendu === undefined ? 'SIRET_A_VERIFIER' : 'SIRET_A_CORRIGER',
    });
  }
  if (codes.has('CODE_SERVICE_ABSENT')) {
    plan.push({ code: 'CODE_SERVICE_ABSENT', kind: 'CODE_SERVICE_ABSENT' });
  } else if (codes.has('CODE_SERVICE_INCONNU')) {
    plan.push({ code: 'CODE_SERVICE_INCONNU', kind: 'CODE_SERVICE_INCONNU' });
  }
  if (codes.has('ENGAGEMENT_ABSENT')) {
    plan.push({ code: 'ENGAGEMENT_ABSENT', kind: 'ENGAGEMENT_ABSENT' });
  } else if (codes.has('ENGAGEMENT_MAL_FORME')) {
    plan.push({
      code: 'ENGAGEMENT_MAL_FORME',
      kind:
        values.engagement_suggere === undefined ? 'ENGAGEMENT_MAL_FORME' : 'ENGAGEMENT_A_CORRIGER',
    });
  } else if (codes.has('ENGAGEMENT_INCONNU')) {
    plan.push({ code: 'ENGAGEMENT_INCONNU', kind: 'ENGAGEMENT_INCONNU' });
  }
  return plan;
}

/** Importance of a request when details must go: the least important loses details first. */
const IMPORTANCE: Readonly<Record<RecycleCommentKind, number>> = {
  CODE_SERVICE_ABSENT: 1,
  CODE_SERVICE_INCONNU: 1,
  ENGAGEMENT_ABSENT: 2,
  ENGAGEMENT_A_CORRIGER: 2,
  ENGAGEMENT_MAL_FORME: 2,
  ENGAGEMENT_INCONNU: 2,
  SIRET_A_CORRIGER: 3,
  SIRET_A_VERIFIER: 3,
};

const MIN_LISTED_SERVICES = 2;

function joinServices(services: readonly string[], shown: number): string {
  return shown < services.length
    ? `${services.slice(0, shown).join(', ')}, etc.`
    : services.join(', ');
}

interface PartState {
  readonly plan: RequestPlan;
  /** Usable variant indexes, in template order. */
  readonly usable: readonly number[];
  position: number;
  steps: number;
}

/**
 * Drafts the recycle comment for an invoice's anomalies (non-routing codes are ignored). Null when
 * none of them is a routing anomaly. Exclusive anomalies: CODE_SERVICE_ABSENT wins over
 * CODE_SERVICE_INCONNU; ENGAGEMENT_ABSENT over ENGAGEMENT_MAL_FORME over ENGAGEMENT_INCONNU.
 *
 * Values are NFC-normalised, white space and control characters collapse to one space. A variant
 * is usable when every placeholder it uses has a value; `{services}` has one when the budget has
 * between 1 and `maxListedServices` services. A typed engagement that reads the same as the
 * suggestion (only outer spaces differed) is not shown: « X » en « X » would confuse.
 *
 * Shortening, until the comment fits in 255 characters (NFC, JavaScript length):
 * 1. list fewer services (`A, B, etc.`), down to 2;
 * 2. step requests down to their next usable, strictly shorter variant, one step at a time, the
 *    request that lost the fewest details first and, among equals, the least important (code
 *    service, then engagement, then SIRET);
 * 3. use the short suffix;
 * 4. only with templates that fail validation: cut at a word boundary and end with `…`.
 * Values are never cut.
 */
export function renderRecycleComment(
  anomalies: readonly string[],
  context: RecycleCommentContext,
  templates: RecycleCommentTemplates = DEFAULT_RECYCLE_TEMPLATES,
): RecycleCommentDraft | null {
  const values: Partial<Record<RecyclePlaceholder, string>> = {};
  const set = (name: RecyclePlaceholder, value: string | null | undefined): void => {
    const cleaned = cleanValue(value);
    if (cleaned !== null) {
      values[name] = cleaned;
    }
  };
  set('siret_errone', context.siretErrone);
  set('siret_attendu', context.siretAttendu);
  if (values.siret_attendu !== undefined && values.siret_attendu === values.siret_errone) {
    delete values.siret_attendu;
  }
  set('budget_attendu', context.budgetAttendu);
  set('code_service', context.codeService);
  set('engagement', context.engagement);
  const derived = classifyEngagement(context.engagement);
  set(
    'engagement_suggere',
    cleanValue(context.engagementSuggere) ??
      (derived.kind === 'MALFORMED' ? derived.suggestion : null),
  );
  const services = [
    ...new Set((context.services ?? []).map(cleanValue).filter((s): s is string => s !== null)),
  ];
  const servicesListable = services.length > 0 && services.length <= templates.maxListedServices;

  const plans = planRequests(anomalies, values);
  if (plans.length === 0) {
    return null;
  }

  const hasValue = (name: string, plan: RequestPlan): boolean => {
    if (!isPlaceholder(name) || !RECYCLE_KIND_PLACEHOLDERS[plan.kind].includes(name)) {
      return false;
    }
    if (name === 'services') {
      return servicesListable;
    }
    if (
      name === 'engagement' &&
      plan.kind === 'ENGAGEMENT_A_CORRIGER' &&
      values.engagement === values.engagement_suggere
    ) {
      return false;
    }
    return values[name] !== undefined;
  };

  const states: PartState[] = plans.map((plan) => {
    const variants = (templates.parts[plan.kind] as readonly string[] | undefined) ?? [];
    const usable = variants
      .map((variant, index) => ({ variant, index }))
      .filter(({ variant }) => placeholdersOf(variant).every((name) => hasValue(name, plan)))
      .map(({ index }) => index);
    return { plan, usable, position: 0, steps: 0 };
  });
  const active = states.filter((s) => s.usable.length > 0);

  let servicesShown = services.length;
  let suffix = templates.suffix;
  let truncated = false;

  const renderVariant = (state: PartState, position: number): string =>
    templates.parts[state.plan.kind][state.usable[position]]
      .normalize('NFC')
      .replace(TOKEN, (_token, name: string) =>
        name === 'services'
          ? joinServices(services, servicesShown)
          : (values[name as RecyclePlaceholder] ?? ''),
      );
  const usesServices = (state: PartState): boolean =>
    placeholdersOf(templates.parts[state.plan.kind][state.usable[state.position]]).includes(
      'services',
    );
  const compose = (): string => {
    const texts = active.map((s) => renderVariant(s, s.position));
    const body =
      texts.length <= 1
        ? texts.join('')
        : `${texts.slice(0, -1).join(templates.separator)}${templates.lastSeparator}${texts[texts.length - 1]}`;
    return `${templates.prefix}${body}${suffix}`.normalize('NFC');
  };

  let text = compose();
  while (text.length > RECYCLE_COMMENT_MAX_LENGTH) {
    truncated = true;
    if (servicesShown > MIN_LISTED_SERVICES && active.some(usesServices)) {
      servicesShown--;
      text = compose();
      continue;
    }
    const candidates = active
      .map((state) => {
        const current = renderVariant(state, state.position).length;
        let next = state.position + 1;
        while (next < state.usable.length && renderVariant(state, next).length >= current) {
          next++;
        }
        return { state, next };
      })
      .filter(({ state, next }) => next < state.usable.length)
      .sort(
        (a, b) =>
          a.state.steps - b.state.steps ||
          IMPORTANCE[a.state.plan.kind] - IMPORTANCE[b.state.plan.kind],
      );
    if (candidates.length > 0) {
      const { state, next } = candidates[0];
      state.position = next;
      state.steps++;
      text = compose();
      continue;
    }
    if (suffix !== templates.shortSuffix && templates.shortSuffix.length < suffix.length) {
      suffix = templates.shortSuffix;
      text = compose();
      continue;
    }
    text = cutAtWord(text, RECYCLE_COMMENT_MAX_LENGTH);
  }

  return {
    text,
    length: text.length,
    truncated,
    parts: active.map((state) => ({
      code: state.plan.code,
      kind: state.plan.kind,
      text: renderVariant(state, state.position),
      variant: state.usable[state.position],
      shortened: state.position > 0 || (usesServices(state) && servicesShown < services.length),
    })),
  };
}

/** Last resort, unreachable with valid templates: cut before a space and end with `…`. */
function cutAtWord(text: string, max: number): string {
  let room = text.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  room = space > 0 ? room.slice(0, space) : room.replace(/[\ud800-\udbff]$/, '');
  return `${room.trimEnd()}…`;
}
