import { CD31_BUDGETS } from './budgets';
import {
  isValidSiret,
  luhnValid,
  normaliseSiret,
  siretErrorMessage,
  validateSiret,
  withLuhnCheckDigit,
} from './siret';

describe('SIRET validation', () => {
  it.each(CD31_BUDGETS.map((b) => [b.code, b.siret]))(
    'accepts the SIRET of budget %s',
    (_code, siret) => {
      expect(isValidSiret(siret)).toBe(true);
    },
  );

  it('accepts a SIRET printed with spaces as in the suppliers guide', () => {
    expect(validateSiret('223 100 017 00423')).toEqual({ valid: true, siret: '22310001700423' });
  });

  it('rejects a SIRET whose check digit is wrong', () => {
    expect(validateSiret('22310001700424')).toEqual({ valid: false, reason: 'LUHN' });
  });

  it('rejects a value that is not 14 digits', () => {
    expect(validateSiret('2231000170042')).toEqual({ valid: false, reason: 'NOT_14_DIGITS' });
    expect(validateSiret('2231000170042A')).toEqual({ valid: false, reason: 'NOT_14_DIGITS' });
  });

  it('rejects an empty value', () => {
    expect(validateSiret('  ')).toEqual({ valid: false, reason: 'EMPTY' });
    expect(validateSiret(undefined)).toEqual({ valid: false, reason: 'EMPTY' });
  });

  it('applies the La Poste rule (digit sum multiple of 5) to SIREN 356000000', () => {
    expect(isValidSiret('35600000000001')).toBe(true);
    expect(isValidSiret('35600000000002')).toBe(false);
  });

  it('explains each failure in French', () => {
    expect(siretErrorMessage('LUHN')).toContain('clé de contrôle');
    expect(siretErrorMessage('NOT_14_DIGITS')).toContain('14 chiffres');
  });

  it('completes 13 digits into a valid SIRET', () => {
    const siret = withLuhnCheckDigit('2231000170042');
    expect(siret).toBe('22310001700423');
    expect(luhnValid(siret)).toBe(true);
  });

  it('normalises no-break spaces and dots', () => {
    expect(normaliseSiret('223\u00a0100.017 00423')).toBe('22310001700423');
  });
});
