import { isAscii } from 'node:buffer';
import { TextDecoder as NodeTextDecoder } from 'node:util';
import { AstreImportError } from './astre-import-error';
import { type AstreEncodingSetting } from './profiles';

export type AstreEncoding = 'utf-8' | 'windows-1252';

/** How many bytes after the first non-ASCII byte decide between UTF-8 and Windows-1252. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Bytes 0x80–0x9F of Windows-1252. Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1
 * (0x80 → U+0080 instead of €), so the table is applied here. The five undefined bytes keep their
 * C1 code point, as the WHATWG decoder does.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\u0080-\u009f]/;
const C1_ALL = /[\u0080-\u009f]/g;

export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return C1.test(latin1)
    ? latin1.replace(C1_ALL, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80))
    : latin1;
}

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) >= 0x80) {
      return i;
    }
  }
  return -1;
}

function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

export interface Utf8Scan {
  /** Offset of the first byte that is not UTF-8, -1 if there is none. */
  readonly invalidAt: number;
  /** Multi-byte characters read before it. */
  readonly multibyte: number;
}

/**
 * Validates UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). A
 * character cut by the end of `bytes` is invalid only at the end of the file.
 */
export function scanUtf8(bytes: Uint8Array, final: boolean): Utf8Scan {
  let multibyte = 0;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let continuation: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      continuation = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      continuation = 2;
      low = lead === 0xe0 ? 0xa0 : 0x80;
      high = lead === 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      continuation = 3;
      low = lead === 0xf0 ? 0x90 : 0x80;
      high = lead === 0xf4 ? 0x8f : 0xbf;
    } else {
      return { invalidAt: i, multibyte };
    }
    for (let k = 1; k <= continuation; k++) {
      if (i + k >= bytes.length) {
        return { invalidAt: final ? i : -1, multibyte };
      }
      const byte = bytes[i + k] ?? 0;
      if (byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) {
        return { invalidAt: i, multibyte };
      }
    }
    multibyte++;
    i += continuation + 1;
  }
  return { invalidAt: -1, multibyte };
}

/**
 * Streaming decoder. In `auto` mode it emits pure ASCII as is (it reads the same in both
 * encodings), then, at the first non-ASCII byte, looks at the next 64 KB: valid UTF-8 → UTF-8;
 * not UTF-8 from that first character on → Windows-1252. UTF-8 characters followed by bytes that
 * are not UTF-8 (in the window or later) are refused rather than decoded half in one encoding and
 * half in the other.
 */
export class AstreTextDecoder {
  private phase: 'ascii' | 'sniffing' | 'decided';
  private decided: AstreEncoding | null = null;
  private utf8: NodeTextDecoder | null = null;
  private window: Buffer[] = [];
  private windowLength = 0;
  private offset = 0;
  private bomSeen = false;
  private head = Buffer.alloc(0);

  constructor(private readonly setting: AstreEncodingSetting) {
    if (setting === 'utf-8') {
      this.phase = 'decided';
      this.decided = 'utf-8';
      this.utf8 = new NodeTextDecoder('utf-8', { fatal: true });
    } else {
      this.phase = 'ascii';
    }
  }

  /** The encoding the bytes were read in (pure ASCII counts as UTF-8 unless forced). */
  get encoding(): AstreEncoding {
    return this.decided ?? (this.setting === 'windows-1252' ? 'windows-1252' : 'utf-8');
  }

  get bom(): boolean {
    return this.bomSeen;
  }

  decode(chunk: Buffer): string {
    if (this.offset < 3) {
      // The BOM may come split across chunks.
      this.head = Buffer.concat([this.head, chunk.subarray(0, 3 - this.offset)]);
      this.bomSeen = hasUtf8Bom(this.head);
    }
    const start = this.offset;
    this.offset += chunk.length;
    switch (this.phase) {
      case 'decided':
        return this.decodeDecided(chunk, start, false);
      case 'ascii': {
        if (isAscii(chunk)) {
          return chunk.toString('latin1');
        }
        const at = firstNonAscii(chunk);
        this.phase = 'sniffing';
        this.window.push(chunk.subarray(at));
        this.windowLength = chunk.length - at;
        return chunk.toString('latin1', 0, at) + this.decideIfEnough(false);
      }
      case 'sniffing':
        this.window.push(chunk);
        this.windowLength += chunk.length;
        return this.decideIfEnough(false);
    }
  }

  /** Flushes what is buffered at the end of the file. */
  end(): string {
    switch (this.phase) {
      case 'ascii':
        return '';
      case 'sniffing':
        return this.decideIfEnough(true);
      case 'decided':
        return this.decided === 'utf-8'
          ? this.decodeDecided(Buffer.alloc(0), this.offset, true)
          : '';
    }
  }

  private decideIfEnough(final: boolean): string {
    if (!final && this.windowLength < SNIFF_BYTES) {
      return '';
    }
    const window = Buffer.concat(this.window, this.windowLength);
    const windowStart = this.offset - this.windowLength;
    this.window = [];
    this.windowLength = 0;
    this.phase = 'decided';
    const scan = scanUtf8(window, final);
    if (scan.invalidAt === -1) {
      if (this.setting === 'windows-1252') {
        throw new AstreImportError(
          'INVALID_ENCODING',
          'Le fichier est en UTF-8 alors que le profil d’import indique Windows-1252 : ses ' +
            'accents seraient illisibles (« Ã© » au lieu de « é »). Choisissez l’encodage UTF-8 ' +
            'ou automatique.',
        );
      }
      this.decided = 'utf-8';
      this.utf8 = new NodeTextDecoder('utf-8', { fatal: true });
      return this.decodeDecided(window, windowStart, final);
    }
    if (scan.multibyte > 0 || this.bomSeen) {
      // UTF-8 characters, then bytes that are not: two files pasted together, or a damaged one.
      throw this.notUtf8(windowStart + scan.invalidAt);
    }
    this.decided = 'windows-1252';
    return decodeWindows1252(window);
  }

  private decodeDecided(chunk: Buffer, start: number, final: boolean): string {
    if (this.decided === 'windows-1252' || this.utf8 === null) {
      return decodeWindows1252(chunk);
    }
    try {
      return this.utf8.decode(chunk, { stream: !final });
    } catch (error) {
      throw this.notUtf8(start, error);
    }
  }

  private notUtf8(offset: number, cause?: unknown): AstreImportError {
    const where = `${cause === undefined ? 'à' : 'vers'} l’octet ${offset.toLocaleString('fr-FR')}`;
    return new AstreImportError(
      'INVALID_ENCODING',
      this.setting === 'utf-8'
        ? `Le fichier n’est pas en UTF-8 comme l’indique le profil d’import (octet invalide ${where}). ` +
          'Enregistrez-le en « CSV UTF-8 » ou choisissez l’encodage automatique.'
        : `Encodage incohérent : le début du fichier est en UTF-8 mais pas la suite (octet invalide ${where}). ` +
          'Réenregistrez le fichier en « CSV UTF-8 ».',
      null,
      { cause },
    );
  }
}
