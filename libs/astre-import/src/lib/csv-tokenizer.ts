import { AstreImportError } from './astre-import-error';

export type AstreSeparator = ';' | ',' | '\t';

/** One CSV record: its fields, and the physical line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const INCOMPLETE = -1;
const INCOMPLETE_IN_QUOTE = -2;

/** C0 controls but tab and line breaks, DEL, C1 controls: never in a text export. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** `\r\n`, `\n` and a lone `\r` (old Mac exports) each end one physical line. */
export function countLineBreaks(text: string): number {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
    return 0;
  }
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
      breaks++;
    }
  }
  return breaks;
}

function describeLength(max: number): string {
  return max >= 1024 * 1024 && max % (1024 * 1024) === 0
    ? `${max / (1024 * 1024)} Mo`
    : `${max.toLocaleString('fr-FR')} caractères`;
}

/**
 * Incremental RFC 4180 reader with Excel's habits: `"` quoting with doubled quotes, separators and
 * line breaks inside quotes, CRLF, LF or CR. Text after a closing quote (`"ab"c`) is kept, as Excel
 * does. Only the unfinished record is kept between chunks, and it may not grow past
 * `maxRecordLength` characters: memory stays bounded whatever the file.
 */
export class CsvTokenizer {
  private rest = '';
  private line = 1;
  private skipLf = false;
  private readonly separator: number;

  constructor(
    separator: AstreSeparator,
    private readonly maxRecordLength: number,
  ) {
    this.separator = separator.charCodeAt(0);
  }

  /** Appends the complete records found in `chunk` to `out`. */
  feed(chunk: string, out: CsvRecord[]): void {
    const control = CONTROL.exec(chunk);
    if (control === null) {
      this.parse(chunk, false, out);
      return;
    }
    this.parse(chunk.slice(0, control.index), false, out);
    const line = this.line + countLineBreaks(this.rest);
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new AstreImportError(
      'BINARY_CONTENT',
      `Le fichier contient des données binaires (caractère de contrôle U+${code} ligne ${line}) : ` +
        'ce n’est pas un export CSV ou XLSX lisible.',
      line,
    );
  }

  /** The end of the file: the last record may lack its line break, a quote may not stay open. */
  end(out: CsvRecord[]): void {
    this.parse('', true, out);
  }

  private parse(chunk: string, final: boolean, out: CsvRecord[]): void {
    const text = this.rest === '' ? chunk : this.rest + chunk;
    this.rest = '';
    let pos = 0;
    if (this.skipLf && text.length > 0) {
      // The previous chunk ended with the `\r` of a `\r\n`.
      if (text.charCodeAt(0) === LF) {
        pos = 1;
      }
      this.skipLf = false;
    }
    while (pos < text.length) {
      const next = this.parseRecord(text, pos, final, out);
      if (next < 0) {
        this.rest = text.slice(pos);
        if (this.rest.length > this.maxRecordLength) {
          throw this.tooLong(next === INCOMPLETE_IN_QUOTE);
        }
        return;
      }
      pos = next;
    }
  }

  /** Parses one record starting at `start`: the position after it, or INCOMPLETE*. */
  private parseRecord(text: string, start: number, final: boolean, out: CsvRecord[]): number {
    const length = text.length;
    const separator = this.separator;
    const fields: string[] = [];
    let breaks = 0;
    let p = start;
    for (;;) {
      let value: string;
      if (p < length && text.charCodeAt(p) === QUOTE) {
        let q = p + 1;
        value = '';
        for (;;) {
          const close = text.indexOf('"', q);
          if (close === -1 || (close + 1 >= length && !final)) {
            if (close === -1 && final) {
              throw this.unterminated(this.line + breaks);
            }
            return INCOMPLETE_IN_QUOTE;
          }
          value += text.slice(q, close);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            q = close + 2;
            continue;
          }
          p = close + 1;
          break;
        }
        breaks += countLineBreaks(value);
        if (p < length) {
          let c = text.charCodeAt(p);
          if (c !== separator && c !== CR && c !== LF) {
            let q = p;
            while (q < length && (c = text.charCodeAt(q)) !== separator && c !== CR && c !== LF) {
              q++;
            }
            if (q >= length && !final) {
              return INCOMPLETE;
            }
            value += text.slice(p, q);
            p = q;
          }
        }
      } else {
        let q = p;
        while (q < length) {
          const c = text.charCodeAt(q);
          if (c === separator || c === LF || c === CR) {
            break;
          }
          q++;
        }
        if (q >= length && !final) {
          return INCOMPLETE;
        }
        value = text.slice(p, q);
        p = q;
      }
      fields.push(value);
      if (p >= length) {
        this.emit(fields, breaks, p - start, out);
        return p;
      }
      const c = text.charCodeAt(p);
      if (c === separator) {
        p++;
        continue;
      }
      let next = p + 1;
      if (c === CR) {
        if (next < length) {
          if (text.charCodeAt(next) === LF) {
            next++;
          }
        } else if (!final) {
          this.skipLf = true;
        }
      }
      this.emit(fields, breaks, p - start, out);
      return next;
    }
  }

  private emit(fields: string[], breaks: number, length: number, out: CsvRecord[]): void {
    if (length > this.maxRecordLength) {
      throw this.tooLong(false);
    }
    out.push({ line: this.line, fields });
    this.line += 1 + breaks;
  }

  private tooLong(inQuote: boolean): AstreImportError {
    const limit = describeLength(this.maxRecordLength);
    return new AstreImportError(
      'LINE_TOO_LONG',
      inQuote
        ? `Le champ entre guillemets ouvert ligne ${this.line} n’est toujours pas fermé après ${limit} : ` +
          'guillemet manquant ou fichier corrompu.'
        : `La ligne ${this.line} dépasse ${limit} sans fin de ligne : ce n’est pas un export ASTRE lisible.`,
      this.line,
    );
  }

  private unterminated(line: number): AstreImportError {
    return new AstreImportError(
      'UNTERMINATED_QUOTE',
      `Fin de fichier au milieu d’un champ entre guillemets ouvert ligne ${line} : ` +
        'le fichier est tronqué ou un guillemet n’est pas fermé.',
      line,
    );
  }
}

/** `sep=;`: the line Excel reads as "this file uses `;`", written before the header. */
const SEPARATOR_DIRECTIVE = /^"?sep=([;,\t])"?\s*$/i;

export function isSeparatorDirective(line: string): boolean {
  return SEPARATOR_DIRECTIVE.test(line);
}

/**
 * The separator the header line uses (or a `sep=` line before it names): the most frequent of `;`, tab and `,` outside quotes (`;`
 * first on a tie, and when there is none). `null` while the first non-blank line is incomplete.
 */
export function detectSeparator(text: string, final: boolean): AstreSeparator | null {
  let start = 0;
  for (;;) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) {
      end++;
    }
    if (end >= text.length && !final) {
      return null;
    }
    const line = text.slice(start, end);
    if (line.trim() !== '' || end >= text.length) {
      return (
        (SEPARATOR_DIRECTIVE.exec(line)?.[1] as AstreSeparator | undefined) ?? separatorOf(line)
      );
    }
    start = end + 1;
  }
}

function separatorOf(line: string): AstreSeparator {
  const counts = { ';': 0, '\t': 0, ',': 0 };
  let quoted = false;
  for (const c of line) {
    if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && (c === ';' || c === '\t' || c === ',')) {
      counts[c]++;
    }
  }
  const ranked = (Object.keys(counts) as AstreSeparator[]).sort((a, b) => counts[b] - counts[a]);
  return ranked[0] ?? ';';
}
