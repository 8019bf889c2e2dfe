import {
  type ParsedValue,
  cellToText,
  parseAmount,
  parseBudgetCode,
  parseChorusId,
  parseDate,
  parseEtat,
  parseSiret,
  parseText,
  parseYear,
} from './values';

function value<T>(parsed: ParsedValue<T>): T {
  if (!parsed.ok) {
    throw new Error(`expected a value, got: ${parsed.reason}`);
  }
  return parsed.value;
}

function reason<T>(parsed: ParsedValue<T>): string {
  if (parsed.ok) {
    throw new Error(`expected an error, got: ${String(parsed.value)}`);
  }
  return parsed.reason;
}

describe('parseAmount', () => {
  it.each([
    ['1 234,56', '1234.56'],
    ['1234,56', '1234.56'],
    ['-120,00', '-120.00'],
    ['1\u00a0234,5', '1234.50'],
    ['1\u202f234\u202f567,89', '1234567.89'],
    ['12', '12.00'],
    ['0,5', '0.50'],
    ['-0,00', '0.00'],
    ['007,10', '7.10'],
    ['1,500', '1.50'],
    ['  42,00  ', '42.00'],
    ['1 234,56 €', '1234.56'],
    ['\u2212120,00', '-120.00'],
  ])('reads the French amount %j as %j', (raw, expected) => {
    expect(value(parseAmount(raw))).toBe(expected);
  });

  it.each(['12,3,4', '1.234,5.6', 'abc', '12a', '1 23,00', '12 ,00', ',50', '1,', '--1', '+'])(
    'refuses %j',
    (raw) => {
      expect(reason(parseAmount(raw))).toBe(`Montant invalide : « ${raw} »`);
    },
  );

  it('explains a point used as the decimal separator', () => {
    expect(reason(parseAmount('1234.56'))).toBe(
      'Montant invalide : « 1234.56 » (virgule décimale attendue)',
    );
  });

  it('refuses more than two significant decimals rather than rounding', () => {
    expect(reason(parseAmount('1,234'))).toBe('Montant invalide : « 1,234 » (2 décimales au plus)');
  });

  it('refuses amounts past numeric(15,2)', () => {
    expect(reason(parseAmount('12345678901234,00'))).toContain('montant hors limites');
    expect(value(parseAmount('9 999 999 999 999,99'))).toBe('9999999999999.99');
  });

  it('reads XLSX numbers, absorbing binary floating-point noise only', () => {
    expect(value(parseAmount(1234.56))).toBe('1234.56');
    expect(value(parseAmount(0.1 + 0.2))).toBe('0.30');
    expect(value(parseAmount(-120))).toBe('-120.00');
    expect(value(parseAmount(-0.001 + 0.001))).toBe('0.00');
    expect(value(parseAmount(9_999_999_999_999.99))).toBe('9999999999999.99');
    expect(reason(parseAmount(12.345))).toContain('2 décimales au plus');
    expect(reason(parseAmount(Number.NaN))).toContain('montant hors limites');
  });
});

describe('parseDate', () => {
  it.each([
    ['15/03/2025', '2025-03-15'],
    ['1/2/2025', '2025-02-01'],
    ['29/02/2024', '2024-02-29'],
    ['31/12/2099', '2099-12-31'],
    ['15/03/2025 00:00', '2025-03-15'],
    ['15/03/2025 14:30:59', '2025-03-15'],
  ])('reads %j as %j', (raw, expected) => {
    expect(value(parseDate(raw))).toBe(expected);
  });

  it.each(['31/02/2025', '29/02/2025', '29/02/1900', '31/04/2025', '00/01/2025', '15/13/2025'])(
    'refuses %j, which is not in the calendar',
    (raw) => {
      expect(reason(parseDate(raw))).toBe(`Date invalide : ${raw} n'existe pas`);
    },
  );

  it.each(['2025-03-15', '15/03/25', '15.03.2025', 'hier', '1a/03/2025', '15/03/2025 midi'])(
    'refuses the format of %j',
    (raw) => {
      expect(reason(parseDate(raw))).toBe(`Date invalide : « ${raw} » (format attendu jj/mm/aaaa)`);
    },
  );

  it('refuses years no export holds', () => {
    expect(reason(parseDate('01/01/0205'))).toBe(
      'Date invalide : « 01/01/0205 » (année hors limites)',
    );
  });

  it('reads XLSX dates (UTC midnight) and Excel serial day numbers', () => {
    expect(value(parseDate(new Date(Date.UTC(2025, 2, 15))))).toBe('2025-03-15');
    expect(value(parseDate(45731))).toBe('2025-03-15');
    expect(value(parseDate(45731.75))).toBe('2025-03-15');
    expect(reason(parseDate(-3))).toContain('format attendu');
  });
});

describe('parseBudgetCode', () => {
  it('restores the leading zero and lets any two digits through', () => {
    expect(value(parseBudgetCode('1'))).toBe('01');
    expect(value(parseBudgetCode(' 62 '))).toBe('62');
    expect(value(parseBudgetCode('99'))).toBe('99');
    expect(value(parseBudgetCode(1))).toBe('01');
  });

  it.each(['123', 'A1', '1.5'])('refuses %j', (raw) => {
    expect(reason(parseBudgetCode(raw))).toBe(
      `Budget invalide : « ${raw} » (code à 2 chiffres attendu)`,
    );
  });

  it('refuses a number that is not a two-digit code', () => {
    expect(reason(parseBudgetCode(1.5))).toContain('code à 2 chiffres attendu');
  });
});

describe('parseSiret', () => {
  it('keeps 14 digits of a SIRET printed with spaces, dots or no-break spaces', () => {
    expect(value(parseSiret('223 100 017 00423'))).toBe('22310001700423');
    expect(value(parseSiret('223.100.017\u00a000423'))).toBe('22310001700423');
  });

  it('restores the leading zeros of a numeric XLSX cell', () => {
    expect(value(parseSiret(22310001700423))).toBe('22310001700423');
  });

  it('refuses a wrong Luhn key, a wrong length and letters', () => {
    expect(reason(parseSiret('22310001700424'))).toBe(
      'SIRET invalide : « 22310001700424 » (clé de contrôle incorrecte)',
    );
    expect(reason(parseSiret('2231000170042'))).toBe(
      'SIRET invalide : « 2231000170042 » (14 chiffres attendus)',
    );
    expect(reason(parseSiret('2231000170042A'))).toContain('14 chiffres attendus');
  });

  it('explains the scientific notation Excel writes long numbers in', () => {
    expect(reason(parseSiret('2,23100017004E+13'))).toContain('notation scientifique d’Excel');
  });
});

describe('parseChorusId', () => {
  it('reads digits as a number, thousands separators allowed', () => {
    expect(value(parseChorusId('4512345'))).toBe(4512345);
    expect(value(parseChorusId('4 512 345'))).toBe(4512345);
    expect(value(parseChorusId(4512345))).toBe(4512345);
  });

  it.each(['ABC', '12.5', '-4', '0', '99999999999999999'])('refuses %j', (raw) => {
    expect(reason(parseChorusId(raw))).toBe(
      `N° Chorus invalide : « ${raw} » (nombre entier attendu)`,
    );
  });

  it('refuses a fractional XLSX number and explains scientific notation', () => {
    expect(reason(parseChorusId(12.5))).toContain('nombre entier attendu');
    expect(reason(parseChorusId('4,51E+06'))).toContain('notation scientifique');
  });
});

describe('parseEtat', () => {
  it.each([
    ['Intégrée', 'INTEGREE'],
    ['INTEGREE', 'INTEGREE'],
    ['Service fait', 'SERVICE_FAIT'],
    ['service  FAIT', 'SERVICE_FAIT'],
    ['SERVICE_FAIT', 'SERVICE_FAIT'],
    ['Mandatée', 'MANDATEE'],
    ['mandatee', 'MANDATEE'],
    ['Payée', 'PAYEE'],
    ['Suspendue', 'SUSPENDUE'],
    ['Rejetée', 'REJETEE'],
    ['A recycler', 'A_RECYCLER'],
    ['À recycler', 'A_RECYCLER'],
    [' à-recycler ', 'A_RECYCLER'],
  ])('reads %j as %s', (raw, code) => {
    expect(value(parseEtat(raw))).toBe(code);
    // Twice: the second read comes from the cache.
    expect(value(parseEtat(raw))).toBe(code);
  });

  it('lists the accepted states when it does not know one', () => {
    expect(reason(parseEtat(' Validée '))).toBe(
      'Etat inconnu : « Validée » (valeurs admises : Intégrée, Service fait, Mandatée, Payée, ' +
        'Suspendue, Rejetée, A recycler)',
    );
  });
});

describe('parseYear and parseText', () => {
  it('reads a four-digit exercice', () => {
    expect(value(parseYear('2025'))).toBe(2025);
    expect(value(parseYear(2025))).toBe(2025);
    expect(reason(parseYear('25'))).toBe(
      'Exercice invalide : « 25 » (année sur 4 chiffres attendue)',
    );
  });

  it('trims text and reads an empty cell as null', () => {
    expect(value(parseText('  CP2025/X1  '))).toBe('CP2025/X1');
    expect(value(parseText('   '))).toBeNull();
    expect(value(parseText(null))).toBeNull();
    expect(value(parseText(12345))).toBe('12345');
  });

  it('refuses text longer than a column may hold', () => {
    expect(reason(parseText('x'.repeat(1001)))).toContain('Valeur trop longue : 1001 caractères');
  });

  it('writes typed cells as a user reads them', () => {
    expect(cellToText(new Date(Date.UTC(2025, 0, 5)))).toBe('05/01/2025');
    expect(cellToText(true)).toBe('VRAI');
    expect(cellToText({ excelError: '#N/A' })).toBe('#N/A');
  });
});
