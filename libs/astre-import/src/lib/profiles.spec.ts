import { AstreImportError } from './astre-import-error';
import { ASTRE_FIELD_DEFINITIONS, ASTRE_INVOICE_FIELDS } from '@cd31/domain';
import {
  type AstreImportProfile,
  DEFAULT_ASTRE_PROFILES,
  normaliseHeader,
  parseAstreImportProfile,
  resolveColumns,
} from './profiles';

function resolve(headers: string[], kind?: 'factures' | 'engagements') {
  return resolveColumns(headers, DEFAULT_ASTRE_PROFILES, kind, 1);
}

function thrown(action: () => unknown): AstreImportError {
  try {
    action();
  } catch (error) {
    if (error instanceof AstreImportError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AstreImportError');
}

const INVOICE_HEADERS = ASTRE_INVOICE_FIELDS.map((f) => ASTRE_FIELD_DEFINITIONS.factures[f].label);

describe('normaliseHeader', () => {
  it('ignores case, accents, spaces and punctuation, and reads ° as o', () => {
    expect(normaliseHeader('N° Chorus')).toBe('nochorus');
    expect(normaliseHeader('no chorus')).toBe('nochorus');
    expect(normaliseHeader('Nº\u00a0CHORUS')).toBe('nochorus');
    expect(normaliseHeader(' Date d’intégration. ')).toBe('datedintegration');
    expect(normaliseHeader('ÉTAT')).toBe('etat');
  });
});

describe('resolveColumns', () => {
  it('maps the headers of astre-export.md to their fields', () => {
    const mapping = resolve(INVOICE_HEADERS);
    expect(mapping.profile.kind).toBe('factures');
    expect([...mapping.fieldIndex.keys()]).toEqual(ASTRE_INVOICE_FIELDS);
  });

  it('knows the usual spellings of the same header', () => {
    for (const header of ['N° Chorus', 'no chorus', 'NUMERO CHORUS', 'Numéro Chorus', 'n.chorus']) {
      const mapping = resolve([...INVOICE_HEADERS.filter((h) => h !== 'N° Chorus'), header]);
      expect(mapping.fieldIndex.get('chorusInvoiceId')).toBe(13);
    }
  });

  it('detects engagements, even with only their two required columns', () => {
    expect(resolve(['Budget', 'N° engagement']).profile.kind).toBe('engagements');
    expect(resolve(['Budget', 'N° engagement', 'Montant engagé', 'Solde']).profile.kind).toBe(
      'engagements',
    );
  });

  it('takes a factures file missing a column for a faulty factures file, not engagements', () => {
    const error = thrown(() => resolve(INVOICE_HEADERS.filter((h) => h !== 'Etat')));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toBe('Colonne obligatoire manquante : Etat');
  });

  it('names the missing columns of the kind asked for', () => {
    const error = thrown(() => resolve(['Budget', 'Solde'], 'engagements'));
    expect(error.message).toBe('Colonne obligatoire manquante : N° engagement');
  });

  it('refuses two headers for one field, even spelled differently', () => {
    const error = thrown(() => resolve([...INVOICE_HEADERS, 'ETAT ']));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.message).toContain('« Etat » (colonne 12) et « ETAT » (colonne 15)');
  });

  it('lets unknown headers repeat: they are ignored', () => {
    expect(resolve([...INVOICE_HEADERS, 'Notes', 'Notes', '']).columns.at(-2)).toEqual({
      index: 15,
      header: 'Notes',
      field: null,
    });
  });

  it('says when nothing in the header line is an ASTRE column', () => {
    const error = thrown(() => resolve(['01', 'F1', '44234567890127']));
    expect(error.code).toBe('UNRECOGNISED_HEADER');
    expect(error.message).toBe(
      'En-tête non reconnu ligne 1 : aucune colonne attendue d’un export ASTRE (Budget, ' +
        'N° facture, N° engagement…) parmi « 01 », « F1 », « 44234567890127 ».',
    );
  });
});

describe('parseAstreImportProfile', () => {
  it('accepts the default profiles once serialised as JSON', () => {
    for (const profile of DEFAULT_ASTRE_PROFILES) {
      expect(parseAstreImportProfile(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
    }
  });

  it('defaults separator and encoding to auto', () => {
    expect(
      parseAstreImportProfile({
        kind: 'engagements',
        headerAliases: { budgetCode: ['Budget'], engagementNumber: ['EJ'] },
      }),
    ).toEqual({
      kind: 'engagements',
      separator: 'auto',
      encoding: 'auto',
      headerAliases: { budgetCode: ['Budget'], engagementNumber: ['EJ'] },
    });
  });

  it.each([
    [null, 'un objet est attendu.'],
    [{ kind: 'mandats' }, '« kind » doit valoir « factures » ou « engagements ».'],
    [{ kind: 'factures', separator: '|' }, '« separator » doit valoir'],
    [{ kind: 'factures', encoding: 'latin9' }, '« encoding » doit valoir'],
    [{ kind: 'factures', headerAliases: [] }, '« headerAliases » doit associer'],
    [{ kind: 'factures', headerAliases: { solde: ['Solde'] } }, 'champ inconnu « solde »'],
    [{ kind: 'factures', headerAliases: { etat: 'Etat' } }, 'doivent être une liste de textes'],
    [
      { kind: 'engagements', headerAliases: { budgetCode: ['Budget'] } },
      'la colonne obligatoire « N° engagement » n’a aucun en-tête.',
    ],
    [
      {
        kind: 'engagements',
        headerAliases: { budgetCode: ['Budget', 'Code'], engagementNumber: ['CODE'] },
      },
      'un même en-tête désigne « Budget » et « N° engagement ».',
    ],
  ] as [unknown, string][])('refuses %j in French', (json, message) => {
    const error = thrown(() => parseAstreImportProfile(json));
    expect(error.code).toBe('INVALID_PROFILE');
    expect(error.message).toContain("Profil d'import ASTRE invalide : ");
    expect(error.message).toContain(message);
  });

  it('refuses to read without a profile', () => {
    expect(thrown(() => resolveColumns(['Budget'], [], undefined, 1)).message).toBe(
      "Profil d'import ASTRE invalide : la liste des profils est vide.",
    );
  });

  it('is what parseAstreExport reads with', () => {
    const profile: AstreImportProfile = parseAstreImportProfile({
      kind: 'engagements',
      separator: ';',
      encoding: 'utf-8',
      headerAliases: { budgetCode: ['B'], engagementNumber: ['E'] },
    });
    expect(resolveColumns(['E', 'B'], [profile], undefined, 1).fieldIndex).toEqual(
      new Map([
        ['engagementNumber', 0],
        ['budgetCode', 1],
      ]),
    );
  });
});
