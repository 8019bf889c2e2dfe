import { ASTRE_FIELD_DEFINITIONS, type AstreFieldDefinition } from '@cd31/domain';
import type { AstreImportKind, AstreImportProfileDto } from '@cd31/contracts';
import type { AstreImportProfileUpdate } from '../../core/api-queries';

/** The fields of each kind of ASTRE export and their French labels (as the import reads them). */
export const ASTRE_FIELD_LABELS: Readonly<
  Record<AstreImportKind, Readonly<Record<string, string>>>
> = {
  factures: labels(ASTRE_FIELD_DEFINITIONS.factures),
  engagements: labels(ASTRE_FIELD_DEFINITIONS.engagements),
};

/** Columns an export must have: each needs at least one header. */
export const REQUIRED_FIELDS: Readonly<Record<AstreImportKind, readonly string[]>> = {
  factures: required(ASTRE_FIELD_DEFINITIONS.factures),
  engagements: required(ASTRE_FIELD_DEFINITIONS.engagements),
};

function labels(fields: Readonly<Record<string, AstreFieldDefinition>>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, { label }]) => [field, label]));
}

function required(fields: Readonly<Record<string, AstreFieldDefinition>>): string[] {
  return Object.entries(fields)
    .filter(([, definition]) => definition.required)
    .map(([field]) => field);
}

export function isRequiredField(kind: AstreImportKind, field: string): boolean {
  return REQUIRED_FIELDS[kind].includes(field);
}

/** French messages for a draft the API would refuse; empty when it can be sent. */
export function profileErrors(draft: ProfileDraft): string[] {
  return REQUIRED_FIELDS[draft.kind]
    .filter((field) => textToAliases(draft.aliases[field] ?? '').length === 0)
    .map(
      (field) =>
        `La colonne obligatoire « ${fieldLabel(draft.kind, field)} » doit avoir au moins un en-tête.`,
    );
}

export const PROFILE_KIND_LABELS: Readonly<Record<AstreImportKind, string>> = {
  factures: 'Factures (état des factures ASTRE)',
  engagements: 'Engagements',
};

export const SEPARATOR_OPTIONS: readonly {
  readonly value: AstreImportProfileDto['separator'];
  readonly label: string;
}[] = [
  { value: 'auto', label: 'Détection automatique' },
  { value: ';', label: 'Point-virgule ( ; )' },
  { value: ',', label: 'Virgule ( , )' },
  { value: '\t', label: 'Tabulation' },
];

export const ENCODING_OPTIONS: readonly {
  readonly value: AstreImportProfileDto['encoding'];
  readonly label: string;
}[] = [
  { value: 'auto', label: 'Détection automatique' },
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'windows-1252', label: 'Windows-1252 (Excel)' },
];

export interface ProfileDraft {
  readonly kind: AstreImportKind;
  readonly separator: AstreImportProfileDto['separator'];
  readonly encoding: AstreImportProfileDto['encoding'];
  /** field → the textarea's text, one header per line. */
  readonly aliases: Readonly<Record<string, string>>;
}

/** The fields of a kind: the known ones in their order, then any other the API sent. */
export function profileFields(profile: ProfileDraft): string[] {
  const known = Object.keys(ASTRE_FIELD_LABELS[profile.kind]);
  return [...known, ...Object.keys(profile.aliases).filter((f) => !known.includes(f))];
}

export function fieldLabel(kind: AstreImportKind, field: string): string {
  return ASTRE_FIELD_LABELS[kind][field] ?? field;
}

export function aliasesToText(aliases: readonly string[] | undefined): string {
  return (aliases ?? []).join('\n');
}

/** One header per line; blank lines and repeats dropped. */
export function textToAliases(text: string): string[] {
  const seen = new Set<string>();
  const aliases: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const alias = line.trim();
    if (alias !== '' && !seen.has(alias)) {
      seen.add(alias);
      aliases.push(alias);
    }
  }
  return aliases;
}

export function profileDraft(profile: AstreImportProfileDto): ProfileDraft {
  const fields = [
    ...Object.keys(ASTRE_FIELD_LABELS[profile.kind]),
    ...Object.keys(profile.headerAliases),
  ];
  return {
    kind: profile.kind,
    separator: profile.separator,
    encoding: profile.encoding,
    aliases: Object.fromEntries(
      fields.map((field) => [field, aliasesToText(profile.headerAliases[field])]),
    ),
  };
}

/** What PUT /astre-import-profiles/:kind takes; fields left empty are sent as empty lists. */
export function profileUpdate(draft: ProfileDraft): AstreImportProfileUpdate {
  return {
    separator: draft.separator,
    encoding: draft.encoding,
    headerAliases: Object.fromEntries(
      profileFields(draft).map((field) => [field, textToAliases(draft.aliases[field] ?? '')]),
    ),
  };
}
