/**
 * Why a whole file is refused. A file-level error means the import must not go on: whatever rows
 * were already yielded belong to a file that cannot be trusted and must be discarded.
 */
export const ASTRE_IMPORT_ERROR_CODES = [
  /** The path cannot be opened, or the uploaded stream failed while being read. */
  'READ_FAILED',
  /** No byte at all, or nothing but blank lines. */
  'EMPTY_FILE',
  /** A header line and no data line (a trailing total line alone does not count). */
  'NO_DATA',
  /** Recognisably another format: XLS 97-2003, PDF… */
  'UNSUPPORTED_FORMAT',
  /** NUL bytes or control characters: not a text file. */
  'BINARY_CONTENT',
  /** UTF-16 (Excel's « Texte Unicode »): only UTF-8 and Windows-1252 are read. */
  'UNSUPPORTED_ENCODING',
  /** Bytes that do not fit the encoding the profile imposes, or UTF-8 that stops being UTF-8. */
  'INVALID_ENCODING',
  /** One line (record) longer than the limit, e.g. 10 MB without a line break. */
  'LINE_TOO_LONG',
  /** The file ends inside a quoted field: truncated, or a quote never closed. */
  'UNTERMINATED_QUOTE',
  /** The first line holds none of the expected headers. */
  'UNRECOGNISED_HEADER',
  /** A required column is absent. */
  'MISSING_COLUMN',
  /** Two columns map to the same field. */
  'DUPLICATE_COLUMN',
  /** A ZIP that exceljs cannot read as a workbook, or a workbook without a sheet. */
  'INVALID_XLSX',
  /** An import profile (admin data) that cannot be used. */
  'INVALID_PROFILE',
] as const;

export type AstreImportErrorCode = (typeof ASTRE_IMPORT_ERROR_CODES)[number];

/** A file-level error with a French message meant for the user who uploaded the file. */
export class AstreImportError extends Error {
  override readonly name = 'AstreImportError';

  constructor(
    readonly code: AstreImportErrorCode,
    message: string,
    /** The physical line the problem was found on, when there is one. */
    readonly line: number | null = null,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAstreImportError(error: unknown): error is AstreImportError {
  return error instanceof AstreImportError;
}
