import {
  csvDate,
  csvDecimal,
  csvInteger,
  csvLine,
  csvText,
  excelDate,
  excelDecimal,
  neutraliseFormula,
} from './spreadsheet-cells';

describe('formula neutralisation', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+33 5 61 00 00 00', `'+33 5 61 00 00 00`],
    ['-AB', `'-AB`],
    ['@foo', `'@foo`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ['  =1+1', `'  =1+1`],
    ['＝1+1', `'＝1+1`],
  ])('prefixes %j with a quote', (text, expected) => {
    expect(neutraliseFormula(text)).toBe(expected);
  });

  it.each(['SARL Dupont', 'F-2025-001', 'A=B', '', "L'Atelier"])('leaves %j alone', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
  });
});

describe('CSV cells', () => {
  it('quotes a text holding the separator, a quote or a line break, doubling the quotes', () => {
    expect(csvText('Dupont; fils')).toBe('"Dupont; fils"');
    expect(csvText('Le "Grand" Atelier')).toBe('"Le ""Grand"" Atelier"');
    expect(csvText('deux\r\nlignes')).toBe('"deux\r\nlignes"');
    expect(csvText('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvText(null)).toBe('');
  });

  it('writes amounts with a decimal comma and no thousands separator, negatives as numbers', () => {
    expect(csvDecimal('1234567.89')).toBe('1234567,89');
    expect(csvDecimal('-90.00')).toBe('-90,00');
    expect(csvDecimal('0')).toBe('0');
    expect(csvDecimal(null)).toBe('');
    // Not a number: treated (and neutralised) as text.
    expect(csvDecimal('-1+1')).toBe(`'-1+1`);
  });

  it('writes whole numbers, French dates and CRLF lines', () => {
    expect(csvInteger(-3)).toBe('-3');
    expect(csvInteger(null)).toBe('');
    expect(csvDate('2025-03-07')).toBe('07/03/2025');
    expect(csvLine(['a', '', '1,5'])).toBe('a;;1,5\r\n');
  });
});

describe('XLSX cells', () => {
  it('turns a calendar date into UTC midnight (an exact Excel day) and amounts into numbers', () => {
    expect(excelDate('2025-03-07')?.toISOString()).toBe('2025-03-07T00:00:00.000Z');
    expect(excelDecimal('-90.00')).toBe(-90);
    expect(excelDecimal('=1')).toBe(`'=1`);
  });
});
