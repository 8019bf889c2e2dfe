/**
 * SIRET numbers (14 digits) and SIREN numbers (9 digits) carry a Luhn check digit.
 * La Poste's establishments (SIREN 356000000) use a different rule: the digit sum is a
 * multiple of 5. They never address CD31 as a budget, but they do invoice it as suppliers.
 */
const LA_POSTE_SIREN = '356000000';

export type SiretValidation =
  | { readonly valid: true; readonly siret: string }
  | { readonly valid: false; readonly reason: SiretInvalidReason };

export type SiretInvalidReason = 'EMPTY' | 'NOT_14_DIGITS' | 'LUHN';

/** Strips the spaces, dots and no-break spaces people print SIRETs with: `223 100 017 00423`. */
export function normaliseSiret(raw: string): string {
  return raw.replace(/[\s.\u00a0\u202f-]/g, '');
}

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit starting from the right-most but one.
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) {
        digit -= 9;
      }
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function validateSiret(raw: string | null | undefined): SiretValidation {
  const siret = normaliseSiret(raw ?? '');
  if (siret.length === 0) {
    return { valid: false, reason: 'EMPTY' };
  }
  if (!/^\d{14}$/.test(siret)) {
    return { valid: false, reason: 'NOT_14_DIGITS' };
  }
  if (siret.startsWith(LA_POSTE_SIREN)) {
    const digitSum = [...siret].reduce((acc, c) => acc + Number(c), 0);
    return digitSum % 5 === 0 ? { valid: true, siret } : { valid: false, reason: 'LUHN' };
  }
  return luhnValid(siret) ? { valid: true, siret } : { valid: false, reason: 'LUHN' };
}

export function isValidSiret(raw: string | null | undefined): boolean {
  return validateSiret(raw).valid;
}

/** French message for a user who typed a bad SIRET. */
export function siretErrorMessage(reason: SiretInvalidReason): string {
  switch (reason) {
    case 'EMPTY':
      return 'Le SIRET est obligatoire.';
    case 'NOT_14_DIGITS':
      return 'Le SIRET doit comporter exactement 14 chiffres.';
    case 'LUHN':
      return 'Le SIRET est invalide : sa clé de contrôle (Luhn) ne correspond pas.';
  }
}

/** Completes 13 digits with the Luhn check digit: used by data generators to make valid SIRETs. */
export function withLuhnCheckDigit(first13: string): string {
  if (!/^\d{13}$/.test(first13)) {
    throw new RangeError(`Expected 13 digits, got "${first13}"`);
  }
  for (let d = 0; d <= 9; d++) {
    const candidate = `${first13}${d}`;
    if (luhnValid(candidate)) {
      return candidate;
    }
  }
  // Unreachable: exactly one check digit satisfies Luhn.
  throw new Error(`No Luhn check digit for ${first13}`);
}
