import { encodeWindows1252 } from '../testing/astre-csv-writer';
import { AstreImportError } from './astre-import-error';
import { type AstreEncodingSetting } from './profiles';
import { AstreTextDecoder, decodeWindows1252, scanUtf8 } from './text-decoding';

function decode(bytes: Buffer, setting: AstreEncodingSetting = 'auto', chunk = bytes.length || 1) {
  const decoder = new AstreTextDecoder(setting);
  let text = '';
  for (let i = 0; i < bytes.length; i += chunk) {
    text += decoder.decode(bytes.subarray(i, i + chunk));
  }
  text += decoder.end();
  return { text, encoding: decoder.encoding, bom: decoder.bom };
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

const FRENCH = 'Société Œuvres – « Intégrée » 1 234,56 € ’';

describe('AstreTextDecoder', () => {
  it('reads UTF-8, with or without BOM, whatever the chunking', () => {
    for (const chunk of [1, 2, 3, 5, 1000]) {
      expect(decode(Buffer.from(FRENCH), 'auto', chunk)).toEqual({
        text: FRENCH,
        encoding: 'utf-8',
        bom: false,
      });
      expect(decode(Buffer.from(`\uFEFF${FRENCH}`), 'auto', chunk)).toEqual({
        text: FRENCH,
        encoding: 'utf-8',
        bom: true,
      });
    }
  });

  it('falls back to Windows-1252 when the bytes are not UTF-8', () => {
    for (const chunk of [1, 7, 1000]) {
      expect(decode(encodeWindows1252(FRENCH), 'auto', chunk)).toEqual({
        text: FRENCH,
        encoding: 'windows-1252',
        bom: false,
      });
    }
  });

  it('reads Windows-1252 when its first accent is not UTF-8, even if later bytes could be', () => {
    const text = `${'a'.repeat(100)}é${'b'.repeat(1000)}Ã©`;
    expect(decode(encodeWindows1252(text), 'auto', 64)).toMatchObject({
      text,
      encoding: 'windows-1252',
    });
  });

  it('refuses UTF-8 followed by Windows-1252 within the first 64 KB', () => {
    const bytes = Buffer.concat([Buffer.from(`N° ${'x'.repeat(1000)}`), encodeWindows1252('é')]);
    const error = failure(() => decode(bytes, 'auto', 256));
    expect(error.code).toBe('INVALID_ENCODING');
    expect(error.message).toBe(
      'Encodage incohérent : le début du fichier est en UTF-8 mais pas la suite (octet invalide ' +
        'à l’octet 1\u202f004). Réenregistrez le fichier en « CSV UTF-8 ».',
    );
  });

  it('reads pure ASCII as UTF-8', () => {
    expect(decode(Buffer.from('Budget;Etat\r\n'))).toEqual({
      text: 'Budget;Etat\r\n',
      encoding: 'utf-8',
      bom: false,
    });
  });

  it('refuses a file that stops being UTF-8 after 64 KB of it', () => {
    const bytes = Buffer.concat([
      Buffer.from(`é${'x'.repeat(70_000)}`),
      encodeWindows1252('é'),
      Buffer.from('fin'),
    ]);
    const error = failure(() => decode(bytes, 'auto', 8192));
    expect(error.code).toBe('INVALID_ENCODING');
    expect(error.message).toContain('Encodage incohérent : le début du fichier est en UTF-8');
  });

  it('refuses bytes that are not UTF-8 when the profile says UTF-8', () => {
    const error = failure(() => decode(encodeWindows1252(FRENCH), 'utf-8'));
    expect(error.code).toBe('INVALID_ENCODING');
    expect(error.message).toContain('Le fichier n’est pas en UTF-8 comme l’indique le profil');
  });

  it('refuses a UTF-8 sequence cut at the end of a file the profile says is UTF-8', () => {
    expect(failure(() => decode(Buffer.from([0x61, 0xc3]), 'utf-8')).code).toBe('INVALID_ENCODING');
  });

  it('refuses UTF-8 when the profile says Windows-1252, rather than reading Ã©', () => {
    const error = failure(() => decode(Buffer.from(FRENCH), 'windows-1252'));
    expect(error.code).toBe('INVALID_ENCODING');
    expect(error.message).toContain('« Ã© » au lieu de « é »');
  });

  it('reads Windows-1252 when the profile says so', () => {
    expect(decode(encodeWindows1252(FRENCH), 'windows-1252')).toMatchObject({
      text: FRENCH,
      encoding: 'windows-1252',
    });
    expect(decode(Buffer.from('ascii'), 'windows-1252').encoding).toBe('windows-1252');
  });

  it('refuses a UTF-8 BOM followed by bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encodeWindows1252('é')]);
    expect(failure(() => decode(bytes)).code).toBe('INVALID_ENCODING');
  });
});

describe('decodeWindows1252', () => {
  it('maps 0x80–0x9F to the Windows-1252 characters (€, ’, Œ…), not to C1 controls', () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x92, 0x8c, 0x9c, 0xe9, 0x41]))).toBe(
      '€’Œœé' + 'A',
    );
  });
});

describe('scanUtf8', () => {
  it('finds the first byte that is not UTF-8 and counts the characters before it', () => {
    expect(scanUtf8(Buffer.from('aé€😀'), true)).toEqual({ invalidAt: -1, multibyte: 3 });
    expect(scanUtf8(Buffer.from([0x61, 0xe9, 0x62]), true)).toEqual({ invalidAt: 1, multibyte: 0 });
  });

  it('refuses overlong forms, surrogates and code points past U+10FFFF', () => {
    for (const bytes of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80],
      [0x80],
    ]) {
      expect(scanUtf8(Buffer.from(bytes), true).invalidAt).toBe(0);
    }
  });

  it('waits for the rest of a character cut by the end of a chunk', () => {
    const cut = Buffer.from('é').subarray(0, 1);
    expect(scanUtf8(cut, false)).toEqual({ invalidAt: -1, multibyte: 0 });
    expect(scanUtf8(cut, true)).toEqual({ invalidAt: 0, multibyte: 0 });
  });
});
