import { RECYCLE_ANOMALY_CODES } from './anomalies';
import {
  DEFAULT_RECYCLE_TEMPLATES,
  RECYCLE_COMMENT_KINDS,
  RECYCLE_COMMENT_MAX_LENGTH,
  type RecycleCommentContext,
  type RecycleCommentTemplates,
  renderRecycleComment,
  validateRecycleTemplates,
} from './recycle-comment';

const HELLO = 'Bonjour, merci de ';
const BYE = ' puis de renvoyer la facture. Cordialement, CD31 – SIF';

const WRONG_SIRET = '22310001700423';
const RIGHT_SIRET = '22310001700456';

function text(anomalies: readonly string[], context: RecycleCommentContext = {}): string {
  const draft = renderRecycleComment(anomalies, context);
  if (draft === null) {
    throw new Error('no comment');
  }
  return draft.text;
}

function withParts(
  parts: Partial<RecycleCommentTemplates['parts']>,
  rest: Partial<RecycleCommentTemplates> = {},
): RecycleCommentTemplates {
  return {
    ...DEFAULT_RECYCLE_TEMPLATES,
    ...rest,
    parts: { ...DEFAULT_RECYCLE_TEMPLATES.parts, ...parts },
  };
}

describe('renderRecycleComment — one anomaly', () => {
  it('drafts the example of the brief exactly', () => {
    const draft = renderRecycleComment(['ENGAGEMENT_MAL_FORME'], {
      engagement: 'cp2024/x123456/1',
    });
    expect(draft).toEqual({
      text: "Bonjour, merci de corriger le numéro d'engagement « cp2024/x123456/1 » en « CP2024/X123456/1 » (majuscules, sans espace) puis de renvoyer la facture. Cordialement, CD31 – SIF",
      length: 174,
      truncated: false,
      parts: [
        {
          code: 'ENGAGEMENT_MAL_FORME',
          kind: 'ENGAGEMENT_A_CORRIGER',
          text: "corriger le numéro d'engagement « cp2024/x123456/1 » en « CP2024/X123456/1 » (majuscules, sans espace)",
          variant: 0,
          shortened: false,
        },
      ],
    });
  });

  it('names the right SIRET and its budget when known', () => {
    expect(
      text(['BUDGET_INCOHERENT'], {
        siretErrone: WRONG_SIRET,
        siretAttendu: RIGHT_SIRET,
        budgetAttendu: 'Restauration',
      }),
    ).toBe(
      `${HELLO}corriger le SIRET destinataire « 22310001700423 » en « 22310001700456 » (budget Restauration)${BYE}`,
    );
    expect(
      text(['BUDGET_INCOHERENT'], { siretErrone: WRONG_SIRET, siretAttendu: RIGHT_SIRET }),
    ).toBe(`${HELLO}corriger le SIRET destinataire « 22310001700423 » en « 22310001700456 »${BYE}`);
  });

  it('names only the wrong SIRET when the right one is unknown or the same', () => {
    const expected = `${HELLO}corriger le SIRET destinataire « 22310001700423 », qui ne correspond pas au budget de l'engagement${BYE}`;
    expect(text(['BUDGET_INCOHERENT'], { siretErrone: WRONG_SIRET })).toBe(expected);
    expect(
      text(['BUDGET_INCOHERENT'], { siretErrone: WRONG_SIRET, siretAttendu: WRONG_SIRET }),
    ).toBe(expected);
    expect(text(['BUDGET_INCOHERENT'])).toBe(`${HELLO}corriger le SIRET destinataire${BYE}`);
  });

  it('lists the services of the budget when there are few', () => {
    expect(text(['CODE_SERVICE_ABSENT'], { services: ['DGS', 'DRH', 'DSI'] })).toBe(
      `${HELLO}renseigner le code service du bon de commande (codes valides : DGS, DRH, DSI)${BYE}`,
    );
    expect(
      text(['CODE_SERVICE_INCONNU'], {
        codeService: 'SRV99',
        services: ['DGS', 'DRH', 'DRH', ' '],
      }),
    ).toBe(
      `${HELLO}corriger le code service « SRV99 », inconnu pour ce SIRET (codes valides : DGS, DRH)${BYE}`,
    );
  });

  it('does not list the services when there are too many, or none', () => {
    const seven = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'];
    expect(text(['CODE_SERVICE_INCONNU'], { codeService: 'SRV99', services: seven })).toBe(
      `${HELLO}corriger le code service « SRV99 », inconnu pour ce SIRET${BYE}`,
    );
    expect(text(['CODE_SERVICE_ABSENT'], { services: [] })).toBe(
      `${HELLO}renseigner le code service du bon de commande${BYE}`,
    );
    const never = { ...DEFAULT_RECYCLE_TEMPLATES, maxListedServices: 0 };
    expect(renderRecycleComment(['CODE_SERVICE_ABSENT'], { services: ['A1'] }, never)?.text).toBe(
      `${HELLO}renseigner le code service du bon de commande${BYE}`,
    );
  });

  it('asks for the missing engagement', () => {
    expect(text(['ENGAGEMENT_ABSENT'])).toBe(
      `${HELLO}renseigner le numéro d'engagement du bon de commande (majuscules, sans espace)${BYE}`,
    );
  });

  it('shows the expected formats when no correction is certain', () => {
    expect(text(['ENGAGEMENT_MAL_FORME'], { engagement: 'AP2020/1234-5' })).toBe(
      `${HELLO}corriger le numéro d'engagement « AP2020/1234-5 » (majuscules, sans espace ni texte ajouté, ex. CP2020/X123456/1 ou AP2020/1234)${BYE}`,
    );
  });

  it('uses a suggestion given by the caller over its own', () => {
    expect(
      text(['ENGAGEMENT_MAL_FORME'], {
        engagement: 'AP2020/1234-5',
        engagementSuggere: 'AP2020/12345',
      }),
    ).toBe(
      `${HELLO}corriger le numéro d'engagement « AP2020/1234-5 » en « AP2020/12345 » (majuscules, sans espace)${BYE}`,
    );
  });

  it('does not show « X » en « X » when only outer spaces differed', () => {
    expect(text(['ENGAGEMENT_MAL_FORME'], { engagement: ' CP2024/X123456/1 ' })).toBe(
      `${HELLO}corriger le numéro d'engagement en « CP2024/X123456/1 » (majuscules, sans espace)${BYE}`,
    );
  });

  it('asks to check an unknown engagement', () => {
    expect(text(['ENGAGEMENT_INCONNU'], { engagement: 'CP2024/X999999/1' })).toBe(
      `${HELLO}vérifier le numéro d'engagement « CP2024/X999999/1 », inconnu de nos services, et reprendre celui du bon de commande${BYE}`,
    );
  });

  it('drafts nothing without a routing anomaly, and ignores the other ones', () => {
    expect(renderRecycleComment([], {})).toBeNull();
    expect(renderRecycleComment(['DOUBLON', 'DGP_DEPASSE', 'INCONNU'], {})).toBeNull();
    expect(text(['DOUBLON', 'ENGAGEMENT_ABSENT', 'MONTANT_DIVERGENT'])).toBe(
      text(['ENGAGEMENT_ABSENT']),
    );
  });

  it('drafts a comment for every routing anomaly, even with no value known', () => {
    for (const code of RECYCLE_ANOMALY_CODES) {
      const draft = renderRecycleComment([code], {});
      expect(draft?.text.startsWith(HELLO)).toBe(true);
      expect(draft?.text.endsWith(BYE)).toBe(true);
    }
  });
});

describe('renderRecycleComment — combinations', () => {
  it('keeps one request per field: absent wins over malformed or unknown', () => {
    expect(text(['CODE_SERVICE_INCONNU', 'CODE_SERVICE_ABSENT'], { codeService: 'X' })).toBe(
      text(['CODE_SERVICE_ABSENT']),
    );
    expect(
      text(['ENGAGEMENT_INCONNU', 'ENGAGEMENT_MAL_FORME', 'ENGAGEMENT_ABSENT'], {
        engagement: 'x',
      }),
    ).toBe(text(['ENGAGEMENT_ABSENT']));
    expect(
      text(['ENGAGEMENT_INCONNU', 'ENGAGEMENT_MAL_FORME'], { engagement: 'cp2024/x1/1' }),
    ).toContain('en « CP2024/X1/1 »');
  });

  it('joins two requests with « et de », in the order of the Chorus Pro form', () => {
    expect(
      text(['ENGAGEMENT_ABSENT', 'BUDGET_INCOHERENT'], {
        siretErrone: WRONG_SIRET,
        siretAttendu: RIGHT_SIRET,
      }),
    ).toBe(
      `${HELLO}corriger le SIRET destinataire « 22310001700423 » en « 22310001700456 » et de renseigner le numéro d'engagement du bon de commande (majuscules, sans espace)${BYE}`,
    );
  });

  it('shortens three requests by dropping details in turn, never a value in the middle', () => {
    const draft = renderRecycleComment(
      ['ENGAGEMENT_MAL_FORME', 'CODE_SERVICE_INCONNU', 'BUDGET_INCOHERENT'],
      {
        siretErrone: WRONG_SIRET,
        siretAttendu: RIGHT_SIRET,
        budgetAttendu: 'Restauration',
        codeService: 'SRV99',
        services: ['DGS', 'DRH', 'DSI', 'DFD', 'DEEF', 'DVI'],
        engagement: 'EJ: cp2024/x123456/1 commande',
      },
    );
    expect(draft?.text).toBe(
      `${HELLO}corriger le SIRET destinataire en « 22310001700456 », de corriger le code service « SRV99 » et de corriger le numéro d'engagement en « CP2024/X123456/1 » (majuscules, sans espace)${BYE}`,
    );
    expect(draft?.length).toBe(draft?.text.length);
    expect(draft?.length).toBeLessThanOrEqual(RECYCLE_COMMENT_MAX_LENGTH);
    expect(draft?.truncated).toBe(true);
    expect(draft?.parts.map((p) => [p.kind, p.variant, p.shortened])).toEqual([
      // Fewer services listed first (6 → 2), then round 1: the list of services, the engagement
      // rule, the budget label;
      // round 2: "inconnu pour ce SIRET", the typed engagement, the wrong SIRET.
      ['SIRET_A_CORRIGER', 2, true],
      ['CODE_SERVICE_INCONNU', 2, true],
      ['ENGAGEMENT_A_CORRIGER', 2, true],
    ]);
  });

  it('lists fewer services before dropping the list', () => {
    const draft = renderRecycleComment(['CODE_SERVICE_ABSENT', 'ENGAGEMENT_ABSENT'], {
      services: [
        'DGS-CABINET',
        'DRH-PAIE',
        'DSI-RESEAUX',
        'DFD-BUDGET',
        'DEEF-ECOLES',
        'DVI-ROUTES-DEPARTEMENTALES',
      ],
    });
    expect(draft?.text).toBe(
      `${HELLO}renseigner le code service du bon de commande (codes valides : DGS-CABINET, DRH-PAIE, etc.) et de renseigner le numéro d'engagement du bon de commande (majuscules, sans espace)${BYE}`,
    );
    expect(draft?.truncated).toBe(true);
    expect(draft?.parts[0]).toMatchObject({ variant: 0, shortened: true });
    expect(draft?.parts[1]).toMatchObject({ variant: 0, shortened: false });
  });

  it('drops a value too long to fit rather than cutting it', () => {
    const longEngagement = `${'x'.repeat(300)} 1`;
    const draft = renderRecycleComment(['ENGAGEMENT_MAL_FORME', 'CODE_SERVICE_INCONNU'], {
      engagement: longEngagement,
      codeService: 'é'.repeat(200),
    });
    expect(draft?.text).toBe(
      `${HELLO}corriger le code service et de corriger le numéro d'engagement (ex. CP2020/X123456/1 ou AP2020/1234)${BYE}`,
    );
    expect(draft?.text).not.toContain('xxx');
    expect(draft?.text).not.toContain('éé');
  });

  it('always fits in 255 characters and never cuts a value (exhaustive combinations)', () => {
    const lengths = [0, 1, 5, 14, 40, 120, 400];
    const services = [
      [],
      ['A'],
      ['SRV-1', 'SRV-2', 'SRV-3'],
      Array.from({ length: 6 }, (_, i) => `SERVICE-TRES-LONG-${i}`),
    ];
    let checked = 0;
    for (let mask = 1; mask < 1 << RECYCLE_ANOMALY_CODES.length; mask++) {
      const codes = RECYCLE_ANOMALY_CODES.filter((_, i) => (mask & (1 << i)) !== 0);
      for (const n of lengths) {
        for (const list of services) {
          const value = (c: string): string => c.repeat(n);
          const context: RecycleCommentContext = {
            siretErrone: value('1'),
            siretAttendu: value('2'),
            budgetAttendu: value('b'),
            codeService: value('c'),
            services: list,
            engagement: n === 0 ? '' : `cp2024/x${value('3')}/1`,
          };
          const draft = renderRecycleComment(codes, context);
          expect(draft).not.toBeNull();
          const t = draft?.text ?? '';
          expect(t.length).toBeLessThanOrEqual(RECYCLE_COMMENT_MAX_LENGTH);
          expect(t.normalize('NFC')).toBe(t);
          // Every quoted value is a whole value of the context.
          const whole = new Set([
            value('1'),
            value('2'),
            value('c'),
            `cp2024/x${value('3')}/1`,
            `CP2024/X${value('3')}/1`,
          ]);
          for (const [, quoted] of t.matchAll(/« ([^»]*) »/g)) {
            expect(whole.has(quoted)).toBe(true);
          }
          expect(t.endsWith('…')).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBe(63 * lengths.length * services.length);
  });
});

describe('renderRecycleComment — characters', () => {
  it('keeps accents, normalises to NFC and counts NFC characters', () => {
    const draft = renderRecycleComment(['BUDGET_INCOHERENT', 'CODE_SERVICE_INCONNU'], {
      siretErrone: WRONG_SIRET,
      siretAttendu: '22310001700167',
      budgetAttendu: 'Pe\u0301pinie\u0300res', // decomposed, as some systems send it
      codeService: 'DÉPÔT-ÉTÉ',
    });
    expect(draft?.text).toBe(
      `${HELLO}corriger le SIRET destinataire « 22310001700423 » en « 22310001700167 » (budget Pépinières) et de corriger le code service « DÉPÔT-ÉTÉ », inconnu pour ce SIRET${BYE}`,
    );
    expect(draft?.text).toContain('Pépinières');
    expect(draft?.length).toBe(draft?.text.normalize('NFC').length);
    expect(draft?.text.includes('\u0301')).toBe(false);
  });

  it('turns line breaks, tabs and control characters of a value into one space', () => {
    expect(text(['ENGAGEMENT_INCONNU'], { engagement: 'CP2024/\n\tX1/1\u0000' })).toContain(
      '« CP2024/ X1/1 »',
    );
  });
});

describe('validateRecycleTemplates', () => {
  it('accepts the defaults', () => {
    expect(validateRecycleTemplates(DEFAULT_RECYCLE_TEMPLATES)).toEqual([]);
    expect(Object.keys(DEFAULT_RECYCLE_TEMPLATES.parts).sort()).toEqual(
      [...RECYCLE_COMMENT_KINDS].sort(),
    );
  });

  it('refuses an unknown placeholder, in French', () => {
    const templates = withParts({
      ENGAGEMENT_INCONNU: ["vérifier l'engagement « {engagment} »", "vérifier l'engagement"],
    });
    expect(validateRecycleTemplates(templates)).toEqual([
      'Modèle « Engagement inconnu », variante 1 : variable inconnue « {engagment} ».',
    ]);
  });

  it('refuses a placeholder that the case cannot fill', () => {
    const templates = withParts({
      ENGAGEMENT_ABSENT: ["renseigner le numéro d'engagement ({services})", 'renseigner'],
    });
    expect(validateRecycleTemplates(templates)).toEqual([
      "Modèle « Engagement absent », variante 1 : la variable « {services} » n'est pas disponible pour ce cas.",
    ]);
  });

  it('requires a last variant without placeholder, and at least one variant', () => {
    const templates = withParts({
      CODE_SERVICE_INCONNU: ['corriger le code service « {code_service} »'],
      CODE_SERVICE_ABSENT: [],
    });
    expect(validateRecycleTemplates(templates)).toEqual([
      'Modèle « Code service absent » : au moins une variante est requise.',
      'Modèle « Code service inconnu » : la dernière variante ne doit contenir aucune variable, pour que le commentaire puisse toujours être raccourci.',
    ]);
  });

  it('refuses stray braces, empty variants and placeholders around the requests', () => {
    const templates = withParts(
      { ENGAGEMENT_ABSENT: ['renseigner {engagement', ' '] },
      { prefix: 'Bonjour {siret_errone}, ', maxListedServices: -1 },
    );
    expect(validateRecycleTemplates(templates)).toEqual([
      'Le début du commentaire ne doit contenir aucune variable.',
      'Modèle « Engagement absent », variante 1 : accolade « { » ou « } » isolée.',
      'Modèle « Engagement absent », variante 2 : la variante est vide.',
      'Le nombre maximal de services listés doit être un entier entre 0 et 50.',
    ]);
  });

  it('refuses templates that cannot fit in 255 characters even at their barest', () => {
    const templates = withParts({}, { prefix: `Bonjour, ${'très '.repeat(40)}merci de ` });
    expect(validateRecycleTemplates(templates)).toEqual([
      'Même raccourci au maximum, un commentaire peut atteindre 359 caractères (maximum 255) : raccourcissez les modèles.',
    ]);
  });
});

describe('renderRecycleComment — templates edited by an admin', () => {
  it('skips a variant with an unknown placeholder', () => {
    const templates = withParts({
      ENGAGEMENT_INCONNU: ['vérifier « {engagment} »', 'vérifier « {engagement} »', 'vérifier'],
    });
    expect(
      renderRecycleComment(['ENGAGEMENT_INCONNU'], { engagement: 'AP2020/1' }, templates)?.text,
    ).toBe(`${HELLO}vérifier « AP2020/1 »${BYE}`);
  });

  it('uses the short suffix before cutting', () => {
    const templates = withParts(
      {},
      { prefix: `Bonjour, ${'merci '.repeat(29)}de `, shortSuffix: '.' },
    );
    const draft = renderRecycleComment(['ENGAGEMENT_ABSENT'], {}, templates);
    expect(draft?.text.endsWith("renseigner le numéro d'engagement.")).toBe(true);
    expect(draft?.length).toBeLessThanOrEqual(255);
  });

  it('still returns at most 255 characters with templates that fail validation', () => {
    const templates = withParts({}, { prefix: `Bonjour, ${'très '.repeat(60)}merci de ` });
    const draft = renderRecycleComment(['ENGAGEMENT_ABSENT'], {}, templates);
    expect(draft?.length).toBeLessThanOrEqual(255);
    expect(draft?.text.endsWith('très…')).toBe(true);
    expect(draft?.truncated).toBe(true);
  });
});
