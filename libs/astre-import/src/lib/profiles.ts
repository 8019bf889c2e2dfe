import {
  ASTRE_ENGAGEMENT_FIELDS,
  ASTRE_FIELD_DEFINITIONS,
  ASTRE_INVOICE_FIELDS,
  type AstreEngagementField,
  type AstreField,
  type AstreFieldDefinition,
  type AstreInvoiceField,
} from '@cd31/domain';
import { AstreImportError } from './astre-import-error';

/** The two kinds of ASTRE export (astre-export.md): integrated invoices, and engagements. */
export const ASTRE_FILE_KINDS = ['factures', 'engagements'] as const;
export type AstreFileKind = (typeof ASTRE_FILE_KINDS)[number];

export type AstreSeparatorSetting = 'auto' | ';' | ',' | '\t';
export type AstreEncodingSetting = 'auto' | 'utf-8' | 'windows-1252';

interface AstreImportProfileBase {
  /** `auto`: the most frequent of `;`, tab and `,` on the header line (`;` on a tie). */
  readonly separator: AstreSeparatorSetting;
  /** `auto`: UTF-8 when the bytes are valid UTF-8, Windows-1252 otherwise. */
  readonly encoding: AstreEncodingSetting;
}

/**
 * How to read one kind of file. Plain data (JSON-serialisable) so that an administrator can edit
 * it in the database; validate what comes back from the database with `parseAstreImportProfile`.
 * Headers are compared after `normaliseHeader` (case, accents, spaces, punctuation ignored).
 */
export interface AstreInvoiceImportProfile extends AstreImportProfileBase {
  readonly kind: 'factures';
  readonly headerAliases: Readonly<Partial<Record<AstreInvoiceField, readonly string[]>>>;
}

export interface AstreEngagementImportProfile extends AstreImportProfileBase {
  readonly kind: 'engagements';
  readonly headerAliases: Readonly<Partial<Record<AstreEngagementField, readonly string[]>>>;
}

export type AstreImportProfile = AstreInvoiceImportProfile | AstreEngagementImportProfile;

const BUDGET_ALIASES = ['Budget', 'Code budget', 'N° budget', 'Budget ASTRE'];
const ENGAGEMENT_ALIASES = [
  'N° engagement',
  'N engagement',
  'Numéro engagement',
  "Numéro d'engagement",
  'Engagement',
  'N° EJ',
  'EJ',
];
const SERVICE_ALIASES = ['Code service', 'Code du service', 'Service'];
const SIRET_ALIASES = ['SIRET fournisseur', 'SIRET du fournisseur', 'SIRET', 'N° SIRET'];

/** The default profile of astre-export.md, with the spellings office exports are known to use. */
export const DEFAULT_ASTRE_PROFILES: readonly AstreImportProfile[] = [
  {
    kind: 'factures',
    separator: 'auto',
    encoding: 'auto',
    headerAliases: {
      budgetCode: BUDGET_ALIASES,
      exercice: ['Exercice', 'Année', 'Exercice budgétaire'],
      chorusInvoiceId: [
        'N° Chorus',
        'N Chorus',
        'Numéro Chorus',
        'Num Chorus',
        'N° facture Chorus',
        'Id Chorus',
        'Identifiant Chorus',
        'idFacture',
      ],
      invoiceNumber: [
        'N° facture',
        'N facture',
        'Numéro facture',
        'Numéro de facture',
        'Num facture',
        'N° facture fournisseur',
        'Numéro facture fournisseur',
      ],
      supplierSiret: SIRET_ALIASES,
      supplierName: ['Fournisseur', 'Nom fournisseur', 'Raison sociale', 'Tiers'],
      invoiceDate: ['Date facture', 'Date de facture', 'Date de la facture'],
      integrationDate: ['Date intégration', "Date d'intégration", 'Date intégration ASTRE'],
      amountTtc: ['Montant TTC', 'Montant', 'Mt TTC', 'Montant facture TTC'],
      engagementNumber: ENGAGEMENT_ALIASES,
      serviceCode: SERVICE_ALIASES,
      etat: ['Etat', 'Etat ASTRE', 'Statut', 'Statut ASTRE'],
      mandatNumber: ['N° mandat', 'N mandat', 'Numéro mandat', 'Numéro de mandat', 'Mandat'],
      mandatDate: ['Date mandat', 'Date de mandat', 'Date mandatement', 'Date de mandatement'],
    },
  },
  {
    kind: 'engagements',
    separator: 'auto',
    encoding: 'auto',
    headerAliases: {
      budgetCode: BUDGET_ALIASES,
      engagementNumber: ENGAGEMENT_ALIASES,
      serviceCode: SERVICE_ALIASES,
      supplierSiret: SIRET_ALIASES,
      engagedAmount: ['Montant engagé', 'Montant engagement', 'Montant', 'Mt engagé'],
      solde: ['Solde', 'Solde engagement', 'Reste à mandater'],
    },
  },
];

/**
 * The comparison key of a header: accents, case, spaces and punctuation dropped, `°` read as `o`
 * so that `N° Chorus`, `No Chorus` and `NO CHORUS` meet; `NUMERO CHORUS` needs an alias.
 */
export function normaliseHeader(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/°/g, 'o')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export function fieldsOf(kind: AstreFileKind): readonly AstreField[] {
  return kind === 'factures' ? ASTRE_INVOICE_FIELDS : ASTRE_ENGAGEMENT_FIELDS;
}

export function fieldDefinition(kind: AstreFileKind, field: AstreField): AstreFieldDefinition {
  const definitions: Readonly<Partial<Record<AstreField, AstreFieldDefinition>>> =
    ASTRE_FIELD_DEFINITIONS[kind];
  const definition = definitions[field];
  if (definition === undefined) {
    throw new RangeError(`No field ${field} in ${kind}`);
  }
  return definition;
}

function aliasesOf(profile: AstreImportProfile, field: AstreField): readonly string[] {
  const aliases: Readonly<Partial<Record<AstreField, readonly string[]>>> = profile.headerAliases;
  return aliases[field] ?? [];
}

function profileError(message: string): AstreImportError {
  return new AstreImportError('INVALID_PROFILE', `Profil d'import ASTRE invalide : ${message}`);
}

/**
 * Checks a profile read from the database (or any JSON) and returns it typed. Throws an
 * `AstreImportError` `INVALID_PROFILE` naming the problem in French.
 */
export function parseAstreImportProfile(value: unknown): AstreImportProfile {
  if (typeof value !== 'object' || value === null) {
    throw profileError('un objet est attendu.');
  }
  const record = value as Record<string, unknown>;
  const kind = record['kind'];
  if (kind !== 'factures' && kind !== 'engagements') {
    throw profileError('« kind » doit valoir « factures » ou « engagements ».');
  }
  const separator = record['separator'] ?? 'auto';
  if (separator !== 'auto' && separator !== ';' && separator !== ',' && separator !== '\t') {
    throw profileError('« separator » doit valoir « auto », « ; », « , » ou une tabulation.');
  }
  const encoding = record['encoding'] ?? 'auto';
  if (encoding !== 'auto' && encoding !== 'utf-8' && encoding !== 'windows-1252') {
    throw profileError('« encoding » doit valoir « auto », « utf-8 » ou « windows-1252 ».');
  }
  const aliases = record['headerAliases'];
  if (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases)) {
    throw profileError('« headerAliases » doit associer chaque champ à une liste d’en-têtes.');
  }
  const known = new Set<string>(fieldsOf(kind));
  const headerAliases: Partial<Record<AstreField, readonly string[]>> = {};
  for (const [field, list] of Object.entries(aliases as Record<string, unknown>)) {
    if (!known.has(field)) {
      throw profileError(`champ inconnu « ${field} » pour les fichiers ${kind}.`);
    }
    if (
      !Array.isArray(list) ||
      !list.every((alias): alias is string => typeof alias === 'string')
    ) {
      throw profileError(`les en-têtes du champ « ${field} » doivent être une liste de textes.`);
    }
    headerAliases[field as AstreField] = [...list];
  }
  const profile = { kind, separator, encoding, headerAliases } as AstreImportProfile;
  buildHeaderMatcher(profile);
  return profile;
}

/** normalised header → field, checking that the profile is usable (aliases unambiguous). */
export function buildHeaderMatcher(profile: AstreImportProfile): ReadonlyMap<string, AstreField> {
  const matcher = new Map<string, AstreField>();
  for (const field of fieldsOf(profile.kind)) {
    const aliases = aliasesOf(profile, field)
      .map(normaliseHeader)
      .filter((key) => key !== '');
    if (aliases.length === 0 && fieldDefinition(profile.kind, field).required) {
      throw profileError(
        `la colonne obligatoire « ${fieldDefinition(profile.kind, field).label} » n’a aucun en-tête.`,
      );
    }
    for (const key of aliases) {
      const other = matcher.get(key);
      if (other !== undefined && other !== field) {
        throw profileError(
          `un même en-tête désigne « ${fieldDefinition(profile.kind, other).label} » et « ${
            fieldDefinition(profile.kind, field).label
          } ».`,
        );
      }
      matcher.set(key, field);
    }
  }
  return matcher;
}

/** One column of the file's header line. `index` is 0-based; `field` null for unknown columns. */
export interface AstreColumn {
  readonly index: number;
  readonly header: string;
  readonly field: AstreField | null;
}

export interface AstreColumnMapping {
  readonly profile: AstreImportProfile;
  readonly columns: readonly AstreColumn[];
  /** field → column index (fields absent from the file are absent from the map). */
  readonly fieldIndex: ReadonlyMap<AstreField, number>;
}

interface CandidateMapping extends AstreColumnMapping {
  readonly missing: readonly AstreField[];
  readonly duplicates: ReadonlyMap<AstreField, readonly number[]>;
  readonly requiredCount: number;
}

function mapColumns(profile: AstreImportProfile, headers: readonly string[]): CandidateMapping {
  const matcher = buildHeaderMatcher(profile);
  const columns: AstreColumn[] = [];
  const seen = new Map<AstreField, number[]>();
  headers.forEach((header, index) => {
    const field = matcher.get(normaliseHeader(header)) ?? null;
    columns.push({ index, header: header.trim(), field });
    if (field !== null) {
      seen.set(field, [...(seen.get(field) ?? []), index]);
    }
  });
  const fieldIndex = new Map<AstreField, number>();
  const duplicates = new Map<AstreField, readonly number[]>();
  for (const [field, indexes] of seen) {
    fieldIndex.set(field, indexes[0] ?? -1);
    if (indexes.length > 1) {
      duplicates.set(field, indexes);
    }
  }
  const required = fieldsOf(profile.kind).filter(
    (field) => fieldDefinition(profile.kind, field).required,
  );
  const missing = required.filter((field) => !fieldIndex.has(field));
  return {
    profile,
    columns,
    fieldIndex,
    missing,
    duplicates,
    requiredCount: required.length,
  };
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => `« ${value} »`).join(', ');
}

/**
 * Maps the header line to the fields of the profile of `kind`, or, without a kind, of the profile
 * that recognises the most columns (a factures export missing one column must be reported as
 * such, not read as engagements); on a tie, a profile with all its required columns, then the most
 * demanding one (factures).
 */
export function resolveColumns(
  headers: readonly string[],
  profiles: readonly AstreImportProfile[],
  kind: AstreFileKind | undefined,
  headerLine: number,
): AstreColumnMapping {
  const candidates = profiles
    .filter((profile) => kind === undefined || profile.kind === kind)
    .map((profile) => mapColumns(profile, headers))
    .sort(
      (a, b) =>
        b.fieldIndex.size - a.fieldIndex.size ||
        Number(a.missing.length > 0) - Number(b.missing.length > 0) ||
        b.requiredCount - a.requiredCount,
    );
  const chosen = candidates[0];
  if (chosen === undefined) {
    throw profileError(
      kind === undefined
        ? 'la liste des profils est vide.'
        : `aucun profil pour les fichiers ${kind}.`,
    );
  }
  if (chosen.missing.length > 0) {
    if (kind === undefined && chosen.fieldIndex.size === 0) {
      const shown = headers.filter((header) => header.trim() !== '').slice(0, 5);
      throw new AstreImportError(
        'UNRECOGNISED_HEADER',
        `En-tête non reconnu ligne ${headerLine} : aucune colonne attendue d’un export ASTRE ` +
          `(Budget, N° facture, N° engagement…) parmi ${shown.length > 0 ? quoteList(shown) : 'des cellules vides'}.`,
        headerLine,
      );
    }
    const labels = chosen.missing.map((field) => fieldDefinition(chosen.profile.kind, field).label);
    throw new AstreImportError(
      'MISSING_COLUMN',
      labels.length === 1
        ? `Colonne obligatoire manquante : ${labels.join('')}`
        : `Colonnes obligatoires manquantes : ${labels.join(', ')}`,
      headerLine,
    );
  }
  const [duplicate] = chosen.duplicates;
  if (duplicate !== undefined) {
    const [field, indexes] = duplicate;
    const names = indexes.map(
      (index) => `« ${headers[index]?.trim() ?? ''} » (colonne ${index + 1})`,
    );
    throw new AstreImportError(
      'DUPLICATE_COLUMN',
      `Colonnes en double : ${names.join(' et ')} désignent toutes la colonne ${
        fieldDefinition(chosen.profile.kind, field).label
      }. Supprimez ou renommez l’une d’elles.`,
      headerLine,
    );
  }
  return { profile: chosen.profile, columns: chosen.columns, fieldIndex: chosen.fieldIndex };
}
