import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { AstreImportError } from './astre-import-error';

/** A file path, or the bytes of an upload: a `Readable` or any async iterable of chunks. */
export type AstreImportSource = string | AsyncIterable<Uint8Array | string>;

export type AstreFileFormat = 'csv' | 'xlsx';

const READ_CHUNK_BYTES = 256 * 1024;
/** A ZIP ends with its end-of-central-directory record (22 bytes + a comment of ≤ 65 535). */
const ZIP_TAIL_BYTES = 22 + 65_535;

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, 'utf8');
  }
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function readFailed(error: unknown, path: string | null): AstreImportError {
  const code = (error as { code?: unknown } | null)?.code;
  const name = path === null ? 'le fichier' : `« ${path} »`;
  let message: string;
  switch (code) {
    case 'ENOENT':
      message = `Fichier introuvable : ${name}.`;
      break;
    case 'EISDIR':
      message = `Lecture impossible : ${name} est un dossier, pas un fichier.`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = `Lecture impossible : accès refusé à ${name}.`;
      break;
    default:
      message = `Lecture du fichier interrompue : ${
        error instanceof Error ? error.message : String(error)
      }.`;
  }
  return new AstreImportError('READ_FAILED', message, null, { cause: error });
}

/**
 * The bytes of the file, pulled on demand (the consumer's pace is the reading pace), with a look
 * at the first bytes before deciding how to read them, and the last bytes kept to check that a
 * ZIP is complete.
 */
export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  private readonly peeked: Buffer[] = [];
  private peekedLength = 0;
  private finished = false;
  private tail: Buffer[] = [];
  private tailLength = 0;

  private constructor(
    iterable: AsyncIterable<Uint8Array | string>,
    private readonly path: string | null,
  ) {
    this.iterator = iterable[Symbol.asyncIterator]();
  }

  static open(source: AstreImportSource): ByteSource {
    if (typeof source === 'string') {
      return new ByteSource(createReadStream(source, { highWaterMark: READ_CHUNK_BYTES }), source);
    }
    return new ByteSource(source, null);
  }

  /** True once the last byte has been read. */
  get ended(): boolean {
    return this.finished && this.peekedLength === 0;
  }

  /** At least `length` bytes from the start (fewer if the file is shorter), not consumed. */
  async peek(length: number): Promise<Buffer> {
    while (this.peekedLength < length && !this.finished) {
      const chunk = await this.pull();
      if (chunk !== null) {
        this.peeked.push(chunk);
        this.peekedLength += chunk.length;
      }
    }
    return Buffer.concat(this.peeked, this.peekedLength);
  }

  /** Every chunk, peeked ones first. Read errors become `AstreImportError` `READ_FAILED`. */
  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    while (this.peeked.length > 0) {
      const chunk = this.peeked.shift();
      if (chunk !== undefined) {
        this.peekedLength -= chunk.length;
        yield chunk;
      }
    }
    for (;;) {
      const chunk = await this.pull();
      if (chunk === null) {
        return;
      }
      yield chunk;
    }
  }

  /** A byte stream of `chunks()`, for exceljs. */
  toReadable(): Readable {
    return Readable.from(this.chunks(), { objectMode: false });
  }

  /** Whether the bytes read so far end with a ZIP end-of-central-directory record. */
  endsWithZipDirectory(): boolean {
    const tail = Buffer.concat(this.tail, this.tailLength);
    for (let i = tail.length - 22; i >= 0; i--) {
      if (
        tail[i] === 0x50 &&
        tail[i + 1] === 0x4b &&
        tail[i + 2] === 0x05 &&
        tail[i + 3] === 0x06
      ) {
        return true;
      }
    }
    return false;
  }

  async close(): Promise<void> {
    this.finished = true;
    try {
      await this.iterator.return?.();
    } catch {
      // The stream already failed; its error was reported where it was read.
    }
  }

  private async pull(): Promise<Buffer | null> {
    if (this.finished) {
      return null;
    }
    let result: IteratorResult<Uint8Array | string>;
    try {
      result = await this.iterator.next();
    } catch (error) {
      this.finished = true;
      throw readFailed(error, this.path);
    }
    if (result.done === true) {
      this.finished = true;
      return null;
    }
    const chunk = toBuffer(result.value);
    this.keepTail(chunk);
    return chunk;
  }

  private keepTail(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    while (
      this.tail.length > 1 &&
      this.tailLength - (this.tail[0]?.length ?? 0) >= ZIP_TAIL_BYTES
    ) {
      this.tailLength -= this.tail.shift()?.length ?? 0;
    }
  }
}

function startsWith(head: Buffer, ...bytes: number[]): boolean {
  return bytes.every((byte, i) => head[i] === byte);
}

/**
 * What the first bytes say: XLSX (a ZIP), or text to read as CSV. Other formats, binary content
 * and UTF-16 are refused here with a French explanation.
 */
export function sniffFormat(head: Buffer): AstreFileFormat {
  if (head.length === 0) {
    throw new AstreImportError('EMPTY_FILE', 'Le fichier est vide (0 octet).');
  }
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0x50, 0x4b, 0x05, 0x06)) {
    return 'xlsx';
  }
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    throw new AstreImportError(
      'UNSUPPORTED_FORMAT',
      'Format Excel 97-2003 (.xls) non pris en charge : enregistrez le fichier au format XLSX ou CSV.',
    );
  }
  if (startsWith(head, 0x25, 0x50, 0x44, 0x46)) {
    throw new AstreImportError(
      'UNSUPPORTED_FORMAT',
      'Le fichier est un PDF : importez l’export ASTRE au format CSV ou XLSX.',
    );
  }
  if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff) || looksLikeUtf16(head)) {
    throw new AstreImportError(
      'UNSUPPORTED_ENCODING',
      'Le fichier est encodé en UTF-16 (« Texte Unicode » d’Excel) : enregistrez-le en ' +
        '« CSV UTF-8 » ou en XLSX.',
    );
  }
  const nul = head.indexOf(0);
  if (nul !== -1) {
    throw new AstreImportError(
      'BINARY_CONTENT',
      `Le fichier contient des données binaires (octet nul à la position ${nul}) : ` +
        'ce n’est pas un export CSV ou XLSX lisible.',
    );
  }
  const text = head.toString('latin1', 0, Math.min(head.length, 512)).replace(/^\uFEFF|^ï»¿/, '');
  if (/^\s*<(?:\?xml|!doctype|html|table)/i.test(text)) {
    throw new AstreImportError(
      'UNSUPPORTED_FORMAT',
      'Le fichier est du XML ou du HTML (un « faux » fichier Excel) : ouvrez-le dans Excel et ' +
        'enregistrez-le au format XLSX ou CSV.',
    );
  }
  return 'csv';
}

/** UTF-16 without BOM: ASCII text with a NUL byte every other byte. */
function looksLikeUtf16(head: Buffer): boolean {
  const sample = Math.min(head.length, 1024) & ~1;
  if (sample < 8) {
    return false;
  }
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (head[i] === 0) {
      evenNul++;
    }
    if (head[i + 1] === 0) {
      oddNul++;
    }
  }
  const pairs = sample / 2;
  return (
    (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) ||
    (evenNul > pairs * 0.6 && oddNul < pairs * 0.1)
  );
}
