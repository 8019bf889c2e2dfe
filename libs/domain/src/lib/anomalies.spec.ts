import {
  ACTOR_LABELS,
  ANOMALY_ACTORS,
  ANOMALY_CATALOGUE,
  ANOMALY_CODES,
  ANOMALY_SEVERITIES,
  ANOMALY_STATES,
  ANOMALY_STATE_LABELS,
  ANOMALY_THRESHOLD_KEYS,
  ANOMALY_THRESHOLD_SETTINGS,
  DEFAULT_ANOMALY_THRESHOLDS,
  MANUAL_ANOMALY_TRANSITIONS,
  RECYCLE_ANOMALY_CODES,
  SEVERITY_DISPLAY,
  type AnomalyCode,
  type AnomalyState,
  amountsDiverge,
  anomalyDefinition,
  anomalyLabel,
  automaticTransition,
  canTransitionManually,
  compareAnomalyCodes,
  exceedsDays,
  isActiveAnomalyState,
  isAnomalyCode,
  isRecycleAnomaly,
  manualTransitionError,
  manualTransitionRequiresComment,
  resolveThresholds,
  thresholdErrors,
} from './anomalies';

/** French text: no untranslated English word that the catalogue could have left behind. */
function looksFrench(text: string): boolean {
  return !/\b(the|invoice|missing|unknown|status|amount|supplier|and)\b/i.test(text);
}

describe('anomaly catalogue', () => {
  it('holds exactly the sixteen codes of domain.md §7', () => {
    expect([...ANOMALY_CODES].sort()).toEqual(
      [
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
      ].sort(),
    );
    expect(Object.keys(ANOMALY_CATALOGUE).sort()).toEqual([...ANOMALY_CODES].sort());
  });

  it.each(ANOMALY_CODES.map((code) => [code]))('describes %s completely, in French', (code) => {
    const def = anomalyDefinition(code);
    expect(def.code).toBe(code);
    expect(def.label.length).toBeGreaterThan(3);
    expect(def.label.length).toBeLessThanOrEqual(30);
    expect(looksFrench(def.label)).toBe(true);
    expect(def.description).toMatch(/^[A-ZÀ-Ý].*[^.]\.$/s);
    expect(def.description.split('. ')).toHaveLength(1);
    expect(def.description).toContain(':');
    expect(looksFrench(def.description)).toBe(true);
    expect(ANOMALY_SEVERITIES).toContain(def.severity);
    expect(ANOMALY_ACTORS).toContain(def.actor);
    expect(typeof def.recycle).toBe('boolean');
    if (def.threshold !== null) {
      expect(ANOMALY_THRESHOLD_KEYS).toContain(def.threshold);
    }
  });

  it('gives every code a distinct label', () => {
    const labels = ANOMALY_CODES.map((c) => ANOMALY_CATALOGUE[c].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('marks as recyclable exactly the routing anomalies (SIRET/budget, code service, engagement)', () => {
    const recyclable = ANOMALY_CODES.filter((c) => ANOMALY_CATALOGUE[c].recycle);
    expect(recyclable.sort()).toEqual([...RECYCLE_ANOMALY_CODES].sort());
    expect(isRecycleAnomaly('ENGAGEMENT_MAL_FORME')).toBe(true);
    expect(isRecycleAnomaly('DOUBLON')).toBe(false);
  });

  it('assigns the party of domain.md §7', () => {
    const expected: Record<AnomalyCode, string> = {
      MAD_NON_INTEGREE: 'SIF',
      MAD_STATUT_NON_REMONTE: 'SIF',
      MAD_EN_TRAITEMENT: 'SERVICE',
      ABSENTE_CHORUS: 'SIF',
      BUDGET_INCOHERENT: 'FOURNISSEUR',
      ENGAGEMENT_ABSENT: 'FOURNISSEUR',
      ENGAGEMENT_MAL_FORME: 'FOURNISSEUR',
      ENGAGEMENT_INCONNU: 'SERVICE',
      CODE_SERVICE_ABSENT: 'FOURNISSEUR',
      CODE_SERVICE_INCONNU: 'FOURNISSEUR',
      DOUBLON: 'SIF',
      AVOIR_DEPOSE: 'SIF',
      MONTANT_DIVERGENT: 'SIF',
      A_RECYCLER_SANS_REPONSE: 'FOURNISSEUR',
      DGP_DEPASSE: 'SERVICE',
      DGP_MENACE: 'SERVICE',
    };
    for (const code of ANOMALY_CODES) {
      expect(ANOMALY_CATALOGUE[code].actor).toBe(expected[code]);
    }
  });

  it('links each threshold setting to the anomaly that uses it', () => {
    expect(ANOMALY_CATALOGUE.MAD_NON_INTEGREE.threshold).toBe('madNonIntegreeDays');
    expect(ANOMALY_CATALOGUE.MAD_EN_TRAITEMENT.threshold).toBe('madEnTraitementDays');
    expect(ANOMALY_CATALOGUE.A_RECYCLER_SANS_REPONSE.threshold).toBe('aRecyclerSansReponseDays');
    expect(ANOMALY_CATALOGUE.MONTANT_DIVERGENT.threshold).toBe('montantDivergentToleranceCents');
    expect(ANOMALY_CATALOGUE.DGP_MENACE.threshold).toBe('dgpMenaceHorizonDays');
    const used = ANOMALY_CODES.map((c) => ANOMALY_CATALOGUE[c].threshold).filter((t) => t !== null);
    expect(used.sort()).toEqual([...ANOMALY_THRESHOLD_KEYS].sort());
  });

  it('labels severities and actors in French, with a colour for each severity', () => {
    expect(SEVERITY_DISPLAY.CRITIQUE).toEqual({
      label: 'Critique',
      colorToken: 'danger',
      colorHex: '#ce0500',
      rank: 1,
    });
    expect(SEVERITY_DISPLAY.MAJEURE.label).toBe('Majeure');
    expect(SEVERITY_DISPLAY.MINEURE.label).toBe('Mineure');
    expect(new Set(ANOMALY_SEVERITIES.map((s) => SEVERITY_DISPLAY[s].colorToken)).size).toBe(3);
    expect(ACTOR_LABELS).toEqual({
      SIF: 'SIF',
      SERVICE: 'Service gestionnaire',
      FOURNISSEUR: 'Fournisseur',
    });
  });

  it('sorts codes by severity, then catalogue order', () => {
    const sorted = [...ANOMALY_CODES].sort(compareAnomalyCodes);
    expect(sorted.slice(0, 3)).toEqual(['MAD_NON_INTEGREE', 'DOUBLON', 'DGP_DEPASSE']);
    expect(sorted[sorted.length - 1]).toBe('A_RECYCLER_SANS_REPONSE');
  });

  it('recognises codes and shows unknown ones as they are', () => {
    expect(isAnomalyCode('DOUBLON')).toBe(true);
    expect(isAnomalyCode('doublon')).toBe(false);
    expect(anomalyLabel('DOUBLON')).toBe('Doublon');
    expect(anomalyLabel('NOUVEAU_CODE')).toBe('NOUVEAU_CODE');
  });
});

describe('thresholds', () => {
  it('has the defaults of domain.md, and 3 days / 0 day for the two it leaves open', () => {
    expect(DEFAULT_ANOMALY_THRESHOLDS).toEqual({
      madNonIntegreeDays: 3,
      madEnTraitementDays: 3,
      aRecyclerSansReponseDays: 15,
      montantDivergentToleranceCents: 1,
      dgpMenaceHorizonDays: 0,
    });
    for (const key of ANOMALY_THRESHOLD_KEYS) {
      const setting = ANOMALY_THRESHOLD_SETTINGS[key];
      expect(DEFAULT_ANOMALY_THRESHOLDS[key]).toBeGreaterThanOrEqual(setting.min);
      expect(DEFAULT_ANOMALY_THRESHOLDS[key]).toBeLessThanOrEqual(setting.max);
    }
  });

  it('layers override over global over defaults, key by key', () => {
    expect(resolveThresholds(null)).toEqual(DEFAULT_ANOMALY_THRESHOLDS);
    expect(
      resolveThresholds(
        { madNonIntegreeDays: 5, aRecyclerSansReponseDays: 20 },
        { madNonIntegreeDays: 2, madEnTraitementDays: null },
      ),
    ).toEqual({
      madNonIntegreeDays: 2,
      madEnTraitementDays: 3,
      aRecyclerSansReponseDays: 20,
      montantDivergentToleranceCents: 1,
      dgpMenaceHorizonDays: 0,
    });
  });

  it('skips invalid stored values instead of failing', () => {
    expect(
      resolveThresholds(
        { madNonIntegreeDays: 4 },
        { madNonIntegreeDays: -1, dgpMenaceHorizonDays: 2.5 },
      ),
    ).toMatchObject({ madNonIntegreeDays: 4, dgpMenaceHorizonDays: 0 });
  });

  it('explains invalid values in French', () => {
    expect(thresholdErrors({ madNonIntegreeDays: 3, madEnTraitementDays: null })).toEqual([]);
    expect(thresholdErrors({ madNonIntegreeDays: -1 })).toEqual([
      '« Mise à disposition non intégrée après » doit être un nombre entier de jours entre 0 et 365.',
    ]);
    expect(thresholdErrors({ montantDivergentToleranceCents: '1' })).toEqual([
      '« Écart de montant toléré » doit être un nombre entier de centimes entre 0 et 100000.',
    ]);
    expect(thresholdErrors({ dgpMenaceHorizonDays: 21 })).toHaveLength(1);
    expect(thresholdErrors({ delai: 3 })).toEqual(['Paramètre de seuil inconnu : « delai ».']);
  });

  it('counts "more than N days" strictly', () => {
    expect(exceedsDays(3, 3)).toBe(false);
    expect(exceedsDays(4, 3)).toBe(true);
  });

  it('tolerates one cent of difference by default', () => {
    const tolerance = DEFAULT_ANOMALY_THRESHOLDS.montantDivergentToleranceCents;
    expect(amountsDiverge(123_456, 123_457, tolerance)).toBe(false);
    expect(amountsDiverge(123_456, 123_455, tolerance)).toBe(false);
    expect(amountsDiverge(123_456, 123_458, tolerance)).toBe(true);
    expect(amountsDiverge(-1_000, 1_000, tolerance)).toBe(true);
  });
});

describe('lifecycle', () => {
  it('labels the states in French', () => {
    expect(ANOMALY_STATE_LABELS).toEqual({
      OUVERTE: 'Ouverte',
      EN_COURS: 'En cours',
      RESOLUE: 'Résolue',
      IGNOREE: 'Ignorée',
    });
    expect(isActiveAnomalyState('OUVERTE')).toBe(true);
    expect(isActiveAnomalyState('EN_COURS')).toBe(true);
    expect(isActiveAnomalyState('IGNOREE')).toBe(false);
  });

  it('allows exactly the documented manual transitions', () => {
    const allowed = new Set([
      'OUVERTE>EN_COURS',
      'OUVERTE>RESOLUE',
      'OUVERTE>IGNOREE',
      'EN_COURS>OUVERTE',
      'EN_COURS>RESOLUE',
      'EN_COURS>IGNOREE',
      'IGNOREE>OUVERTE',
      'RESOLUE>OUVERTE',
    ]);
    for (const from of ANOMALY_STATES) {
      for (const to of ANOMALY_STATES) {
        expect(canTransitionManually(from, to)).toBe(allowed.has(`${from}>${to}`));
      }
    }
    expect(Object.keys(MANUAL_ANOMALY_TRANSITIONS).sort()).toEqual([...ANOMALY_STATES].sort());
  });

  it('asks for a reason to ignore, and refuses other moves in French', () => {
    expect(manualTransitionRequiresComment('OUVERTE', 'IGNOREE')).toBe(true);
    expect(manualTransitionRequiresComment('OUVERTE', 'RESOLUE')).toBe(false);
    expect(manualTransitionError('OUVERTE', 'IGNOREE', '  ')).toBe(
      'Indiquez pourquoi cette anomalie est ignorée.',
    );
    expect(manualTransitionError('OUVERTE', 'IGNOREE', 'Facture de test')).toBeNull();
    expect(manualTransitionError('IGNOREE', 'RESOLUE')).toBe(
      "Une anomalie « Ignorée » ne peut pas passer à l'état « Résolue ».",
    );
    expect(manualTransitionError('EN_COURS', 'OUVERTE')).toBeNull();
  });

  it.each<[AnomalyState, boolean, ReturnType<typeof automaticTransition>]>([
    ['OUVERTE', false, { to: 'RESOLUE', reason: 'CONDITION_DISPARUE' }],
    ['EN_COURS', false, { to: 'RESOLUE', reason: 'CONDITION_DISPARUE' }],
    ['IGNOREE', false, { to: 'RESOLUE', reason: 'CONDITION_DISPARUE' }],
    ['RESOLUE', false, null],
    ['OUVERTE', true, null],
    ['EN_COURS', true, null],
    ['IGNOREE', true, null],
    ['RESOLUE', true, { to: 'OUVERTE', reason: 'CONDITION_REAPPARUE' }],
  ])('engine: %s with condition present=%p → %p', (state, present, expected) => {
    expect(automaticTransition(state, present)).toEqual(expected);
  });
});
