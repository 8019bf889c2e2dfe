import type { RecyclePreviewRequest } from '@cd31/contracts';
import {
  RECYCLE_ANOMALY_CODES,
  RECYCLE_COMMENT_KINDS,
  RECYCLE_COMMENT_MAX_LENGTH,
  RECYCLE_KIND_PLACEHOLDERS,
  type RecycleAnomalyCode,
  type RecycleCommentKind,
  type RecycleCommentTemplates,
} from '@cd31/domain';

/** The texts around the requests, in the order the form shows them. */
export const TEMPLATE_TEXT_FIELDS = [
  { key: 'prefix', label: 'Début du commentaire' },
  { key: 'separator', label: 'Séparateur entre deux demandes' },
  { key: 'lastSeparator', label: 'Séparateur avant la dernière demande' },
  { key: 'suffix', label: 'Fin du commentaire' },
  { key: 'shortSuffix', label: 'Fin courte (quand la fin ne tient pas)' },
] as const satisfies readonly { key: keyof RecycleCommentTemplates; label: string }[];
export type TemplateTextField = (typeof TEMPLATE_TEXT_FIELDS)[number]['key'];

/** The example the preview starts with: a wrong budget and a malformed engagement. */
export const DEFAULT_PREVIEW_ANOMALIES: readonly RecycleAnomalyCode[] = [
  'BUDGET_INCOHERENT',
  'ENGAGEMENT_MAL_FORME',
];

export const PREVIEW_DEBOUNCE_MS = 400;

export function setText(
  templates: RecycleCommentTemplates,
  field: TemplateTextField,
  value: string,
): RecycleCommentTemplates {
  return { ...templates, [field]: value };
}

export function setMaxListedServices(
  templates: RecycleCommentTemplates,
  raw: string,
): RecycleCommentTemplates {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  return { ...templates, maxListedServices: value };
}

function withParts(
  templates: RecycleCommentTemplates,
  kind: RecycleCommentKind,
  variants: readonly string[],
): RecycleCommentTemplates {
  return { ...templates, parts: { ...templates.parts, [kind]: variants } };
}

export function setVariant(
  templates: RecycleCommentTemplates,
  kind: RecycleCommentKind,
  index: number,
  value: string,
): RecycleCommentTemplates {
  return withParts(
    templates,
    kind,
    templates.parts[kind].map((v, i) => (i === index ? value : v)),
  );
}

/**
 * Adds an empty variant just before the barest one: the last variant must stay free of
 * variables so that the comment can always be shortened.
 */
export function addVariant(
  templates: RecycleCommentTemplates,
  kind: RecycleCommentKind,
): RecycleCommentTemplates {
  const variants = [...templates.parts[kind]];
  variants.splice(Math.max(variants.length - 1, 0), 0, '');
  return withParts(templates, kind, variants);
}

export function removeVariant(
  templates: RecycleCommentTemplates,
  kind: RecycleCommentKind,
  index: number,
): RecycleCommentTemplates {
  return withParts(
    templates,
    kind,
    templates.parts[kind].filter((_, i) => i !== index),
  );
}

/** Moves a variant one place up (-1, more detailed) or down (+1, barer). */
export function moveVariant(
  templates: RecycleCommentTemplates,
  kind: RecycleCommentKind,
  index: number,
  direction: -1 | 1,
): RecycleCommentTemplates {
  const variants = [...templates.parts[kind]];
  const target = index + direction;
  if (target < 0 || target >= variants.length) {
    return templates;
  }
  [variants[index], variants[target]] = [variants[target], variants[index]];
  return withParts(templates, kind, variants);
}

/** `{siret_errone}, {siret_attendu}` — what a kind's variants may use. */
export function placeholdersFor(kind: RecycleCommentKind): string {
  const names = RECYCLE_KIND_PLACEHOLDERS[kind];
  return names.length === 0 ? 'aucune variable' : names.map((n) => `{${n}}`).join(', ');
}

export function toggleAnomaly(
  selected: readonly RecycleAnomalyCode[],
  code: RecycleAnomalyCode,
): RecycleAnomalyCode[] {
  const next = selected.includes(code) ? selected.filter((c) => c !== code) : [...selected, code];
  // Catalogue order, so that the request does not depend on the clicking order.
  return RECYCLE_ANOMALY_CODES.filter((c) => next.includes(c));
}

/** The preview request, or null when there is nothing to preview. */
export function previewRequest(
  templates: RecycleCommentTemplates,
  anomalies: readonly RecycleAnomalyCode[],
): RecyclePreviewRequest | null {
  return anomalies.length === 0 ? null : { templates, anomalies: [...anomalies] };
}

/** « 142 / 255 ». */
export function lengthCounter(length: number): string {
  return `${length} / ${RECYCLE_COMMENT_MAX_LENGTH}`;
}

export function sameTemplates(a: RecycleCommentTemplates, b: RecycleCommentTemplates): boolean {
  if (
    a.prefix !== b.prefix ||
    a.separator !== b.separator ||
    a.lastSeparator !== b.lastSeparator ||
    a.suffix !== b.suffix ||
    a.shortSuffix !== b.shortSuffix ||
    a.maxListedServices !== b.maxListedServices
  ) {
    return false;
  }
  return RECYCLE_COMMENT_KINDS.every(
    (kind) =>
      a.parts[kind].length === b.parts[kind].length &&
      a.parts[kind].every((v, i) => v === b.parts[kind][i]),
  );
}
