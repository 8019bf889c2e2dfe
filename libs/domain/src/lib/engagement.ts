/**
 * Engagement numbers (numéro d'engagement, "EJ"), domain.md §3 and the suppliers' guide: "il est
 * important de respecter le formalisme tel qu'il a été transmis : MAJUSCULE, pas d'espace et pas
 * d'information supplémentaire". Two formats are in use:
 *
 * - `CP<yyyy>/<letter><digits>/<digits>`, e.g. `CP2020/X123456/1`;
 * - `AP<yyyy>/<digits>`, e.g. `AP2020/1234`.
 *
 * In Chorus Pro the engagement comes back in `numeroBonCommande`.
 */

/** `CP2020/X123456/1`. */
export const ENGAGEMENT_CP_PATTERN = /^CP\d{4}\/[A-Z]\d+\/\d+$/;
/** `AP2020/1234`. */
export const ENGAGEMENT_AP_PATTERN = /^AP\d{4}\/\d+$/;
/** Either format, exactly: upper case, no space, nothing before or after. */
export const ENGAGEMENT_PATTERN = /^(?:CP\d{4}\/[A-Z]\d+\/\d+|AP\d{4}\/\d+)$/;

/**
 * The same patterns as PostgreSQL POSIX regular expressions, for the anomaly engine's SQL.
 * Use them with the case-sensitive operator: `numero_engagement ~ '<pattern>'` (never `~*`).
 * PostgreSQL compares bracket ranges by code point, so `[A-Z]` is the 26 ASCII capitals.
 */
export const ENGAGEMENT_CP_PATTERN_SQL = '^CP[0-9]{4}/[A-Z][0-9]+/[0-9]+$';
export const ENGAGEMENT_AP_PATTERN_SQL = '^AP[0-9]{4}/[0-9]+$';
export const ENGAGEMENT_PATTERN_SQL = '^(CP[0-9]{4}/[A-Z][0-9]+/[0-9]+|AP[0-9]{4}/[0-9]+)$';
/**
 * A value without any digit carries no engagement number (blank, `-`, `NEANT`, `N/A`…): it is
 * treated as absent, in SQL and here alike.
 */
export const ENGAGEMENT_HAS_DIGIT_PATTERN_SQL = '[0-9]';

/** The two formats, for messages: `CP2020/X123456/1 ou AP2020/1234`. */
export const ENGAGEMENT_FORMAT_EXAMPLES = 'CP2020/X123456/1 ou AP2020/1234';

/**
 * SQL condition for ENGAGEMENT_ABSENT on a column or expression, mirroring `classifyEngagement`.
 * `columnSql` is trusted SQL written by a developer, never user input.
 */
export function engagementAbsentSql(columnSql: string): string {
  return `(${columnSql} IS NULL OR ${columnSql} !~ '${ENGAGEMENT_HAS_DIGIT_PATTERN_SQL}')`;
}

/** SQL condition for ENGAGEMENT_MAL_FORME, mirroring `classifyEngagement`. */
export function engagementMalformedSql(columnSql: string): string {
  return `(${columnSql} ~ '${ENGAGEMENT_HAS_DIGIT_PATTERN_SQL}' AND ${columnSql} !~ '${ENGAGEMENT_PATTERN_SQL}')`;
}

/**
 * SQL expression equal to `normaliseEngagement` for every value that can match a well-formed
 * engagement (ASCII): upper case, every white space removed. Empty results should be read as NULL.
 */
export function engagementNormaliseSql(columnSql: string): string {
  return `upper(regexp_replace(${columnSql}, '[[:space:]]+', '', 'g'))`;
}

/** Why a value present in `numeroBonCommande` is not a well-formed engagement number. */
export const ENGAGEMENT_DEFECTS = [
  'LOWERCASE',
  'SPACES',
  'WRONG_SEPARATOR',
  'EXTRA_TEXT',
  'AMBIGUOUS',
  'UNRECOGNISED',
] as const;
export type EngagementDefect = (typeof ENGAGEMENT_DEFECTS)[number];

export const ENGAGEMENT_DEFECT_LABELS: Readonly<Record<EngagementDefect, string>> = {
  LOWERCASE: 'lettres en minuscules',
  SPACES: 'espaces',
  WRONG_SEPARATOR: 'séparateur autre que « / »',
  EXTRA_TEXT: 'texte ajouté autour du numéro',
  AMBIGUOUS: 'plusieurs lectures possibles',
  UNRECOGNISED: 'format non reconnu',
};

export type EngagementClassification =
  | { readonly kind: 'ABSENT' }
  | { readonly kind: 'VALID'; readonly value: string }
  | {
      readonly kind: 'MALFORMED';
      readonly raw: string;
      /** The well-formed value the supplier most certainly meant, or null when not certain. */
      readonly suggestion: string | null;
      /**
       * With a suggestion: what differs from it (among LOWERCASE, SPACES, WRONG_SEPARATOR,
       * EXTRA_TEXT, in that order). Without: `['AMBIGUOUS']` or `['UNRECOGNISED']`.
       */
      readonly reasons: readonly EngagementDefect[];
    };

/**
 * White space as people paste it: ASCII and Unicode spaces (no-break, narrow no-break…), line
 * breaks, and the invisible zero-width characters that come with copy-paste from PDFs.
 */
const GAP_CHARS = String.raw`\s\u200B-\u200D\u2060\uFEFF`;
/**
 * Characters accepted in place of `/` for a suggestion: `\`, `-`, the Unicode dashes a word
 * processor substitutes for `-`, the minus sign, and the fraction, division and full-width slashes.
 * Dots, commas and spaces are not: they can be read in other ways.
 */
const SEPARATOR_CHARS = String.raw`/\\\-\u2010-\u2015\u2212\u2044\u2215\uFF0F\uFF3C`;
const GAP = `[${GAP_CHARS}]*`;
const SEP = `[${SEPARATOR_CHARS}]`;

const GAP_CHAR = new RegExp(`[${GAP_CHARS}]`);
const ONLY_GAPS = new RegExp(`^[${GAP_CHARS}]*$`);
const ALL_GAPS = new RegExp(`[${GAP_CHARS}]+`, 'g');
const SEPARATOR_CHAR = new RegExp(SEP);
const ALPHANUMERIC = /[A-Za-z0-9]/;
const DIGIT = /[0-9]/;
const LOWER = /[a-z]/;

/**
 * An engagement number written loosely: either case, white space around each component, any
 * separator of SEPARATOR_CHARS. Digits runs are never split by white space (`1234 5` could be
 * `1234` followed by something else, or `12345`): such a value is not fixed.
 */
const LOOSE_ENGAGEMENT = new RegExp(
  [
    `([Cc][Pp])${GAP}([0-9]{4})${GAP}(${SEP})${GAP}([A-Za-z])${GAP}([0-9]+)${GAP}(${SEP})${GAP}([0-9]+)`,
    `([Aa][Pp])${GAP}([0-9]{4})${GAP}(${SEP})${GAP}([0-9]+)`,
  ].join('|'),
  'g',
);

/**
 * Upper case, every white space (including no-break and zero-width ones) removed: the key used to
 * match an engagement against the ASTRE engagements list. Nothing else is changed: no separator is
 * replaced and no surrounding text is removed (that is what a suggestion is for). Null when nothing
 * is left.
 */
export function normaliseEngagement(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) {
    return null;
  }
  const normalised = raw.replace(ALL_GAPS, '').toUpperCase();
  return normalised.length === 0 ? null : normalised;
}

export function isValidEngagement(raw: string | null | undefined): boolean {
  return raw !== null && raw !== undefined && ENGAGEMENT_PATTERN.test(raw);
}

interface LooseMatch {
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly separators: readonly string[];
  readonly clearBoundaries: boolean;
}

/**
 * Can the text around a loose match not be read as a continuation of it? Refused: a letter, a
 * digit or a separator right against the match; digits after it, even past spaces (`…/1 2`); a
 * separator followed by digits after it (`AP2020/1234 -5`).
 */
function hasClearBoundaries(raw: string, start: number, end: number): boolean {
  const before = raw.charAt(start - 1);
  if (before !== '' && (ALPHANUMERIC.test(before) || SEPARATOR_CHAR.test(before))) {
    return false;
  }
  const after = raw.charAt(end);
  if (after !== '' && (ALPHANUMERIC.test(after) || SEPARATOR_CHAR.test(after))) {
    return false;
  }
  let i = end;
  while (i < raw.length && GAP_CHAR.test(raw.charAt(i))) {
    i++;
  }
  if (DIGIT.test(raw.charAt(i))) {
    return false;
  }
  if (i < raw.length && SEPARATOR_CHAR.test(raw.charAt(i))) {
    i++;
    while (i < raw.length && GAP_CHAR.test(raw.charAt(i))) {
      i++;
    }
    if (DIGIT.test(raw.charAt(i))) {
      return false;
    }
  }
  return true;
}

function looseMatches(raw: string): LooseMatch[] {
  const matches: LooseMatch[] = [];
  for (const m of raw.matchAll(LOOSE_ENGAGEMENT)) {
    const start = m.index;
    const end = start + m[0].length;
    const cp = m[1] !== undefined;
    const value = cp ? `CP${m[2]}/${m[4].toUpperCase()}${m[5]}/${m[7]}` : `AP${m[9]}/${m[11]}`;
    const separators = cp ? [m[3], m[6]] : [m[10]];
    matches.push({
      start,
      end,
      value,
      separators,
      clearBoundaries: hasClearBoundaries(raw, start, end),
    });
  }
  return matches;
}

/**
 * Sorts a value found in `numeroBonCommande` (or in an ASTRE export).
 *
 * - ABSENT: null, undefined, or no digit at all (blank, `-`, `NEANT`, `N/A`…).
 * - VALID: matches ENGAGEMENT_PATTERN exactly, as typed.
 * - MALFORMED otherwise, with a suggestion only when exactly one engagement number can be read in
 *   the value and nothing around it could belong to it. Fixed: lower case, white space (outer,
 *   inner, no-break, zero-width), another separator than `/` (see SEPARATOR_CHARS), text before or
 *   after (`EJ : cp2024/x123456/1 commande`). Not fixed: two different numbers, digits or a
 *   separator touching the number (`AP2020/1234-5`, `CP2024/X1/1 2`), a letter glued before it
 *   (`EJCP2024/…`), a missing separator or letter, a digit run split by a space.
 */
export function classifyEngagement(raw: string | null | undefined): EngagementClassification {
  if (raw === null || raw === undefined || !DIGIT.test(raw)) {
    return { kind: 'ABSENT' };
  }
  if (ENGAGEMENT_PATTERN.test(raw)) {
    return { kind: 'VALID', value: raw };
  }
  const matches = looseMatches(raw);
  if (matches.length === 0) {
    return { kind: 'MALFORMED', raw, suggestion: null, reasons: ['UNRECOGNISED'] };
  }
  const distinct = new Set(matches.map((m) => m.value));
  if (distinct.size > 1 || matches.some((m) => !m.clearBoundaries)) {
    return { kind: 'MALFORMED', raw, suggestion: null, reasons: ['AMBIGUOUS'] };
  }
  const match = matches[0];
  const inner = raw.slice(match.start, match.end);
  const outside = raw.slice(0, match.start) + raw.slice(match.end);
  const reasons: EngagementDefect[] = [];
  if (LOWER.test(inner)) {
    reasons.push('LOWERCASE');
  }
  if (GAP_CHAR.test(inner) || (outside.length > 0 && ONLY_GAPS.test(outside))) {
    reasons.push('SPACES');
  }
  if (match.separators.some((s) => s !== '/')) {
    reasons.push('WRONG_SEPARATOR');
  }
  if (!ONLY_GAPS.test(outside)) {
    reasons.push('EXTRA_TEXT');
  }
  return { kind: 'MALFORMED', raw, suggestion: match.value, reasons };
}

/** French sentence for an agent: why the value is refused and, if known, what to use instead. */
export function engagementDiagnosticFr(classification: EngagementClassification): string {
  switch (classification.kind) {
    case 'ABSENT':
      return "Aucun numéro d'engagement n'est renseigné.";
    case 'VALID':
      return `Le numéro d'engagement « ${classification.value} » est bien formé.`;
    case 'MALFORMED': {
      const reasons = classification.reasons.map((r) => ENGAGEMENT_DEFECT_LABELS[r]).join(', ');
      const fix =
        classification.suggestion === null
          ? ` Formats attendus : ${ENGAGEMENT_FORMAT_EXAMPLES}.`
          : ` Valeur corrigée : « ${classification.suggestion} ».`;
      return `Le numéro d'engagement « ${classification.raw} » est mal formé (${reasons}).${fix}`;
    }
  }
}
