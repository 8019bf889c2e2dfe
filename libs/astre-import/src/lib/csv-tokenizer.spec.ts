import { AstreImportError } from './astre-import-error';
import {
  type AstreSeparator,
  type CsvRecord,
  CsvTokenizer,
  countLineBreaks,
  detectSeparator,
} from './csv-tokenizer';

function tokenize(
  text: string,
  { separator = ';', chunk = text.length || 1, max = 1024 } = {} as {
    separator?: AstreSeparator;
    chunk?: number;
    max?: number;
  },
): CsvRecord[] {
  const tokenizer = new CsvTokenizer(separator, max);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunk) {
    tokenizer.feed(text.slice(i, i + chunk), out);
  }
  tokenizer.end(out);
  return out;
}

function failure(action: () => unknown): AstreImportError {
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

describe('CsvTokenizer', () => {
  it('splits records and fields', () => {
    expect(tokenize('a;b;c\r\nd;;f\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['d', '', 'f'] },
    ]);
  });

  it('reads a last record without a line break', () => {
    expect(tokenize('a;b\nc;d')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
    expect(tokenize('a;')).toEqual([{ line: 1, fields: ['a', ''] }]);
  });

  it('unquotes fields, doubled quotes included', () => {
    expect(tokenize('"a;b";"say ""hi""";"";x\n')).toEqual([
      { line: 1, fields: ['a;b', 'say "hi"', '', 'x'] },
    ]);
  });

  it('keeps line breaks inside quotes and counts them as physical lines', () => {
    const records = tokenize('h\n"one\r\ntwo\nthree";x\nnext\r"a\rb"\nlast');
    expect(records).toEqual([
      { line: 1, fields: ['h'] },
      { line: 2, fields: ['one\r\ntwo\nthree', 'x'] },
      { line: 5, fields: ['next'] },
      { line: 6, fields: ['a\rb'] },
      { line: 8, fields: ['last'] },
    ]);
  });

  it('keeps text after a closing quote, as Excel does', () => {
    expect(tokenize('"ab"c;d\n')).toEqual([{ line: 1, fields: ['abc', 'd'] }]);
  });

  it('takes a quote inside an unquoted field literally', () => {
    expect(tokenize('12" screen;x\n')).toEqual([{ line: 1, fields: ['12" screen', 'x'] }]);
  });

  it('reads blank lines as one empty field', () => {
    expect(tokenize('a\n\n\r\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [''] },
      { line: 3, fields: [''] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('gives the same records whatever the chunk borders', () => {
    const text = 'h;i\r\n"q ""x""\r\ny";z\r\n\r\n"";"\r"\r\nlast;"end"';
    const expected = tokenize(text);
    for (let chunk = 1; chunk <= text.length; chunk++) {
      expect(tokenize(text, { chunk })).toEqual(expected);
    }
  });

  it('uses the separator it is given', () => {
    expect(tokenize('a,b;c\tz\n', { separator: ',' })).toEqual([
      { line: 1, fields: ['a', 'b;c\tz'] },
    ]);
    expect(tokenize('a,b;c\tz\n', { separator: '\t' })).toEqual([
      { line: 1, fields: ['a,b;c', 'z'] },
    ]);
  });

  it('refuses a file that ends inside quotes, naming the line the quote opened on', () => {
    const error = failure(() => tokenize('h\nok;fine\n"never\nclosed;x\n'));
    expect(error.code).toBe('UNTERMINATED_QUOTE');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      'Fin de fichier au milieu d’un champ entre guillemets ouvert ligne 3 : le fichier est ' +
        'tronqué ou un guillemet n’est pas fermé.',
    );
  });

  it('refuses a record longer than the limit, complete or not', () => {
    const long = failure(() => tokenize(`h\n${'x'.repeat(2000)}`, { chunk: 100 }));
    expect(long.code).toBe('LINE_TOO_LONG');
    expect(long.message).toBe(
      'La ligne 2 dépasse 1\u202f024 caractères sans fin de ligne : ce n’est pas un export ASTRE lisible.',
    );
    expect(failure(() => tokenize(`${'x'.repeat(2000)}\n`)).code).toBe('LINE_TOO_LONG');
    const quoted = failure(() => tokenize(`h\n"${'x'.repeat(2000)}`, { chunk: 100 }));
    expect(quoted.message).toContain(
      'Le champ entre guillemets ouvert ligne 2 n’est toujours pas fermé',
    );
  });

  it('refuses control characters, telling the line', () => {
    const error = failure(() => tokenize('a\nb\n"c\nd\u0001'));
    expect(error.code).toBe('BINARY_CONTENT');
    expect(error.line).toBe(4);
    expect(error.message).toContain('caractère de contrôle U+0001 ligne 4');
  });

  it('allows tabs inside fields', () => {
    expect(tokenize('a\tb;c\n')).toEqual([{ line: 1, fields: ['a\tb', 'c'] }]);
  });
});

describe('countLineBreaks', () => {
  it('counts CRLF once and a lone CR or LF once', () => {
    expect(countLineBreaks('abc')).toBe(0);
    expect(countLineBreaks('a\r\nb\nc\rd')).toBe(3);
  });
});

describe('detectSeparator', () => {
  it('picks the most frequent separator of the first non-blank line, outside quotes', () => {
    expect(detectSeparator('Budget;N° facture;Etat\n1,2,3,4,5\n', false)).toBe(';');
    expect(detectSeparator('\r\n  \nBudget,"N° facture; Fournisseur",Etat\n', false)).toBe(',');
    expect(detectSeparator('Budget\tN° facture\tEtat\r\n', false)).toBe('\t');
  });

  it('follows a sep= line', () => {
    expect(detectSeparator('sep=,\nBudget;N° facture;Etat\n', false)).toBe(',');
    expect(detectSeparator('"sep=\t"\r\n', false)).toBe('\t');
  });

  it('prefers ; on a tie and when there is no separator', () => {
    expect(detectSeparator('a;b,c\n', false)).toBe(';');
    expect(detectSeparator('Budget\n', false)).toBe(';');
  });

  it('waits for the end of the header line', () => {
    expect(detectSeparator('Budget,N° fac', false)).toBeNull();
    expect(detectSeparator('Budget,N° fac', true)).toBe(',');
    expect(detectSeparator('', true)).toBe(';');
  });
});
