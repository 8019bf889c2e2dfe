import {
  ENGAGEMENT_AP_PATTERN,
  ENGAGEMENT_AP_PATTERN_SQL,
  ENGAGEMENT_CP_PATTERN,
  ENGAGEMENT_CP_PATTERN_SQL,
  ENGAGEMENT_PATTERN,
  ENGAGEMENT_PATTERN_SQL,
  type EngagementDefect,
  classifyEngagement,
  engagementAbsentSql,
  engagementDiagnosticFr,
  engagementMalformedSql,
  engagementNormaliseSql,
  isValidEngagement,
  normaliseEngagement,
} from './engagement';

const WELL_FORMED = ['CP2020/X123456/1', 'AP2020/1234', 'CP2024/A1/12', 'AP2019/1'];
const NOT_WELL_FORMED = [
  'cp2020/x123456/1',
  'CP2020/X123456/1 ',
  'CP2020/123456/1',
  'CP20/X123456/1',
  'CP2020/XY123456/1',
  'CP2020/X123456',
  'AP2020/1234/5',
  'AP2020/',
  'AP2020-1234',
  'EJ CP2020/X123456/1',
  'CP2020/É123456/1',
  'BP2020/1234',
];

describe('engagement patterns', () => {
  it.each(WELL_FORMED)('accepts %s', (value) => {
    expect(ENGAGEMENT_PATTERN.test(value)).toBe(true);
    expect(isValidEngagement(value)).toBe(true);
  });

  it.each(NOT_WELL_FORMED)('refuses %p', (value) => {
    expect(ENGAGEMENT_PATTERN.test(value)).toBe(false);
  });

  it('splits into the CP and AP formats', () => {
    expect(ENGAGEMENT_CP_PATTERN.test('CP2020/X123456/1')).toBe(true);
    expect(ENGAGEMENT_CP_PATTERN.test('AP2020/1234')).toBe(false);
    expect(ENGAGEMENT_AP_PATTERN.test('AP2020/1234')).toBe(true);
    expect(ENGAGEMENT_AP_PATTERN.test('CP2020/X123456/1')).toBe(false);
  });

  it('gives SQL patterns that agree with the JavaScript ones', () => {
    // The POSIX strings use only syntax JavaScript reads the same way.
    const pairs: [RegExp, string][] = [
      [ENGAGEMENT_PATTERN, ENGAGEMENT_PATTERN_SQL],
      [ENGAGEMENT_CP_PATTERN, ENGAGEMENT_CP_PATTERN_SQL],
      [ENGAGEMENT_AP_PATTERN, ENGAGEMENT_AP_PATTERN_SQL],
    ];
    for (const [js, sql] of pairs) {
      const fromSql = new RegExp(sql);
      for (const value of [...WELL_FORMED, ...NOT_WELL_FORMED]) {
        expect(fromSql.test(value)).toBe(js.test(value));
      }
    }
    expect(ENGAGEMENT_PATTERN_SQL).not.toMatch(/\\d|\(\?/);
  });

  it('builds the SQL conditions of the engine', () => {
    expect(engagementAbsentSql('f.numero_bon_commande')).toBe(
      "(f.numero_bon_commande IS NULL OR f.numero_bon_commande !~ '[0-9]')",
    );
    expect(engagementMalformedSql('e')).toBe(`(e ~ '[0-9]' AND e !~ '${ENGAGEMENT_PATTERN_SQL}')`);
    expect(engagementNormaliseSql('e')).toBe("upper(regexp_replace(e, '[[:space:]]+', '', 'g'))");
  });
});

describe('normaliseEngagement', () => {
  it('upper-cases and removes every white space, nothing else', () => {
    expect(normaliseEngagement(' cp2024 / x123456 / 1 ')).toBe('CP2024/X123456/1');
    expect(normaliseEngagement('ap2020/\u00a01234\u200b')).toBe('AP2020/1234');
    expect(normaliseEngagement('AP2020-1234')).toBe('AP2020-1234');
  });

  it('returns null when nothing is left', () => {
    expect(normaliseEngagement(null)).toBeNull();
    expect(normaliseEngagement(undefined)).toBeNull();
    expect(normaliseEngagement(' \t\u00a0')).toBeNull();
  });
});

describe('classifyEngagement', () => {
  it.each([null, undefined, '', '   ', '-', 'NEANT', 'néant', 'N/A', 'sans', 'CP/X/'])(
    'reads %p as absent (no digit)',
    (raw) => {
      expect(classifyEngagement(raw)).toEqual({ kind: 'ABSENT' });
    },
  );

  it.each(WELL_FORMED)('accepts %s as valid', (raw) => {
    expect(classifyEngagement(raw)).toEqual({ kind: 'VALID', value: raw });
  });

  const fixable: [string, string, EngagementDefect[]][] = [
    ['cp2024/x123456/1', 'CP2024/X123456/1', ['LOWERCASE']],
    ['Cp2024/X123456/1', 'CP2024/X123456/1', ['LOWERCASE']],
    ['ap2020/1234', 'AP2020/1234', ['LOWERCASE']],
    [' CP2024/X123456/1 ', 'CP2024/X123456/1', ['SPACES']],
    ['CP2024/X123456/1\u00a0', 'CP2024/X123456/1', ['SPACES']],
    ['\u200bAP2020/1234', 'AP2020/1234', ['SPACES']],
    ['CP 2024 / X 123456 / 1', 'CP2024/X123456/1', ['SPACES']],
    ['AP2020 /1234', 'AP2020/1234', ['SPACES']],
    ['CP2024\\X123456\\1', 'CP2024/X123456/1', ['WRONG_SEPARATOR']],
    ['CP2024-X123456-1', 'CP2024/X123456/1', ['WRONG_SEPARATOR']],
    ['AP2020\u20131234', 'AP2020/1234', ['WRONG_SEPARATOR']],
    ['AP2020\uff0f1234', 'AP2020/1234', ['WRONG_SEPARATOR']],
    ['CP2024/X123456-1', 'CP2024/X123456/1', ['WRONG_SEPARATOR']],
    ['EJ: cp2024/x123456/1 commande', 'CP2024/X123456/1', ['LOWERCASE', 'EXTRA_TEXT']],
    ['EJ CP2024/X123456/1', 'CP2024/X123456/1', ['EXTRA_TEXT']],
    ['Engagement n° AP2020/1234.', 'AP2020/1234', ['EXTRA_TEXT']],
    ['(AP2020/1234)', 'AP2020/1234', ['EXTRA_TEXT']],
    ['AP2020/1234 - commande du 12/03', 'AP2020/1234', ['EXTRA_TEXT']],
    [
      'cp 2024\\x123456 / 1 (BC)',
      'CP2024/X123456/1',
      ['LOWERCASE', 'SPACES', 'WRONG_SEPARATOR', 'EXTRA_TEXT'],
    ],
    ['AP2020/1234 AP2020/1234', 'AP2020/1234', ['EXTRA_TEXT']],
  ];

  it.each(fixable)('suggests a fix for %p', (raw, suggestion, reasons) => {
    expect(classifyEngagement(raw)).toEqual({ kind: 'MALFORMED', raw, suggestion, reasons });
  });

  const ambiguous = [
    'CP2024/X123456/1 AP2020/1234',
    'AP2020/1234 et AP2020/5678',
    'AP2020/1234-5',
    'AP2020/1234/5',
    'AP2020/12 34',
    'CP2024/X123456/1 2',
    'AP2020/1234 - 5',
    'AP2020/1234A',
    'EJCP2024/X123456/1',
    'CAP2020/1234',
    '19M123/AP2020/1234',
    '5AP2020/1234',
  ];

  it.each(ambiguous)('gives no suggestion for the ambiguous %p', (raw) => {
    expect(classifyEngagement(raw)).toEqual({
      kind: 'MALFORMED',
      raw,
      suggestion: null,
      reasons: ['AMBIGUOUS'],
    });
  });

  const unrecognised = [
    'CP2024/123456/1',
    'CP2024X123456/1',
    'AP20201234',
    'AP 2020 1234',
    'AP2020.1234',
    'CP2O24/X123456/1',
    'CP2024/X123 456/1',
    '19M123',
    '2024/1234',
  ];

  it.each(unrecognised)('does not guess for the unrecognised %p', (raw) => {
    expect(classifyEngagement(raw)).toEqual({
      kind: 'MALFORMED',
      raw,
      suggestion: null,
      reasons: ['UNRECOGNISED'],
    });
  });

  it('always suggests a value that is itself valid', () => {
    for (const [raw] of fixable) {
      const result = classifyEngagement(raw);
      expect(result.kind).toBe('MALFORMED');
      if (result.kind === 'MALFORMED' && result.suggestion !== null) {
        expect(ENGAGEMENT_PATTERN.test(result.suggestion)).toBe(true);
        expect(classifyEngagement(result.suggestion)).toEqual({
          kind: 'VALID',
          value: result.suggestion,
        });
      }
    }
  });
});

describe('engagementDiagnosticFr', () => {
  it('explains each outcome in French', () => {
    expect(engagementDiagnosticFr(classifyEngagement(null))).toBe(
      "Aucun numéro d'engagement n'est renseigné.",
    );
    expect(engagementDiagnosticFr(classifyEngagement('AP2020/1234'))).toBe(
      "Le numéro d'engagement « AP2020/1234 » est bien formé.",
    );
    expect(engagementDiagnosticFr(classifyEngagement(' cp2024/x1/1'))).toBe(
      "Le numéro d'engagement «  cp2024/x1/1 » est mal formé (lettres en minuscules, espaces). Valeur corrigée : « CP2024/X1/1 ».",
    );
    expect(engagementDiagnosticFr(classifyEngagement('AP2020/1234-5'))).toBe(
      "Le numéro d'engagement « AP2020/1234-5 » est mal formé (plusieurs lectures possibles). Formats attendus : CP2020/X123456/1 ou AP2020/1234.",
    );
  });
});
