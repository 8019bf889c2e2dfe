import {
  ASTRE_STATES,
  ASTRE_STATE_LABELS,
  ASTRE_STATE_PROGRESS,
  CHORUS_PAYMENT_DELAY_OPEN_STATUSES,
  CHORUS_RECIPIENT_STATUSES,
  CHORUS_SETTLED_STATUSES,
  CHORUS_STATUS_LABELS,
  CHORUS_STATUS_NUMERIC_CODES,
  astreIsAhead,
  chorusStatusFromNumericCode,
  chorusStatusLabel,
  isPaymentDelayOpen,
  isSettledStatus,
  parseAstreState,
} from './statuses';

describe('Chorus Pro statuses', () => {
  it('labels every recipient status in French', () => {
    expect(Object.keys(CHORUS_STATUS_LABELS).sort()).toEqual([...CHORUS_RECIPIENT_STATUSES].sort());
    expect(CHORUS_STATUS_LABELS.MISE_A_DISPOSITION).toBe('Mise à disposition');
    expect(CHORUS_STATUS_LABELS.A_RECYCLER).toBe('À recycler');
    expect(CHORUS_STATUS_LABELS.COMPLETEE).toBe('Complétée');
    expect(CHORUS_STATUS_LABELS.MISE_EN_PAIEMENT).toBe('Mise en paiement');
  });

  it('shows unknown statuses by their code', () => {
    expect(chorusStatusLabel('SERVICE_FAIT')).toBe('Service fait');
    expect(chorusStatusLabel('EN_ATTENTE_VALIDATION')).toBe('EN_ATTENTE_VALIDATION');
    expect(chorusStatusLabel(null)).toBe('—');
  });

  it('maps the numeric codes of status files, both ways', () => {
    expect(new Set(Object.values(CHORUS_STATUS_NUMERIC_CODES)).size).toBe(12);
    expect(chorusStatusFromNumericCode('03')).toBe('MISE_A_DISPOSITION');
    expect(chorusStatusFromNumericCode('3')).toBe('MISE_A_DISPOSITION');
    expect(chorusStatusFromNumericCode('12')).toBe('COMPLETEE');
    expect(chorusStatusFromNumericCode('13')).toBeNull();
    expect(chorusStatusFromNumericCode('x')).toBeNull();
  });

  it('splits the known statuses into open, settled and rejected', () => {
    const open = new Set<string>(CHORUS_PAYMENT_DELAY_OPEN_STATUSES);
    const settled = new Set<string>(CHORUS_SETTLED_STATUSES);
    for (const status of CHORUS_RECIPIENT_STATUSES) {
      const buckets = [open.has(status), settled.has(status), status === 'REJETEE'];
      expect(buckets.filter(Boolean)).toHaveLength(1);
    }
  });

  it('keeps the delay open until the mandate, and through a recycle', () => {
    for (const status of ['MISE_A_DISPOSITION', 'SERVICE_FAIT', 'A_RECYCLER', 'SUSPENDUE']) {
      expect(isPaymentDelayOpen(status)).toBe(true);
    }
    for (const status of ['MANDATEE', 'MISE_EN_PAIEMENT', 'REJETEE', 'INCONNU', null]) {
      expect(isPaymentDelayOpen(status)).toBe(false);
    }
    expect(isSettledStatus('COMPTABILISEE')).toBe(true);
    expect(isSettledStatus('REJETEE')).toBe(false);
  });
});

describe('ASTRE states', () => {
  it('labels every state in French, in processing order', () => {
    expect(ASTRE_STATES).toEqual([
      'INTEGREE',
      'SERVICE_FAIT',
      'MANDATEE',
      'PAYEE',
      'SUSPENDUE',
      'REJETEE',
      'A_RECYCLER',
    ]);
    expect(ASTRE_STATE_LABELS.INTEGREE).toBe('Intégrée');
    expect(ASTRE_STATE_LABELS.A_RECYCLER).toBe('À recycler');
    expect(ASTRE_STATE_PROGRESS.PAYEE).toBe(4);
    expect(ASTRE_STATE_PROGRESS.REJETEE).toBeNull();
  });

  it.each([
    ['Intégrée', 'INTEGREE'],
    ['INTEGREE', 'INTEGREE'],
    ['integree', 'INTEGREE'],
    ['Service fait', 'SERVICE_FAIT'],
    [' service  FAIT ', 'SERVICE_FAIT'],
    ['Mandatée', 'MANDATEE'],
    ['Payée', 'PAYEE'],
    ['A recycler', 'A_RECYCLER'],
    ['À recycler', 'A_RECYCLER'],
    ['Rejetée', 'REJETEE'],
  ])('reads the exported label %p', (label, state) => {
    expect(parseAstreState(label)).toBe(state);
  });

  it('reads unknown labels as null', () => {
    expect(parseAstreState('Liquidée')).toBeNull();
    expect(parseAstreState('')).toBeNull();
    expect(parseAstreState(null)).toBeNull();
  });
});

describe('astreIsAhead (MAD_STATUT_NON_REMONTE)', () => {
  it.each([
    ['MISE_A_DISPOSITION', 'INTEGREE', false],
    ['MISE_A_DISPOSITION', 'SERVICE_FAIT', true],
    ['MISE_A_DISPOSITION', 'MANDATEE', true],
    ['MISE_A_DISPOSITION', 'PAYEE', true],
    ['MISE_A_DISPOSITION', 'REJETEE', false],
    ['MISE_A_DISPOSITION', 'SUSPENDUE', false],
    ['MISE_A_DISPOSITION', 'A_RECYCLER', false],
    ['SERVICE_FAIT', 'INTEGREE', false],
    ['SERVICE_FAIT', 'SERVICE_FAIT', false],
    ['SERVICE_FAIT', 'MANDATEE', true],
    ['SERVICE_FAIT', 'PAYEE', true],
    ['MANDATEE', 'PAYEE', false],
    ['MISE_EN_PAIEMENT', 'PAYEE', false],
    ['COMPLETEE', 'MANDATEE', false],
    ['MISE_A_DISPOSITION', 'Mandatée', true],
    ['MISE_A_DISPOSITION', null, false],
    [null, 'PAYEE', false],
  ])('Chorus %p, ASTRE %p → %p', (chorus, astre, ahead) => {
    expect(astreIsAhead(chorus, astre)).toBe(ahead);
  });
});
