export type AstreImportKind = 'factures' | 'engagements';
export type AstreImportStatus = 'preview' | 'confirmed' | 'cancelled' | 'refused' | 'expired';
/** all-or-nothing: one invalid line and nothing is imported (default). */
export type AstreImportMode = 'all-or-nothing' | 'valid-only';

export interface AstreImportLineErrorDto {
  readonly line: number;
  readonly column: string | null;
  readonly value: string | null;
  readonly reason: string;
}

export interface AstreImportDto {
  readonly id: string;
  readonly kind: AstreImportKind | null;
  readonly fileName: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly status: AstreImportStatus;
  readonly mode: AstreImportMode | null;
  readonly uploadedBy: string | null;
  readonly uploadedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly counts: {
    readonly rowsRead: number;
    readonly valid: number;
    readonly invalid: number;
    readonly new: number;
    readonly updated: number;
    readonly unchanged: number;
    readonly imported: number;
  };
  readonly parseMs: number | null;
  readonly mergeMs: number | null;
  /** Encoding, separator, header line, skipped total line… as detected. */
  readonly summary: Record<string, unknown> | null;
  /** File-level refusal, in French. */
  readonly error: string | null;
  /** The first invalid lines (all of them through the errors endpoint). */
  readonly lineErrors: readonly AstreImportLineErrorDto[];
  readonly lineErrorsTotal: number;
}

export interface ConfirmAstreImportRequest {
  readonly mode: AstreImportMode;
}

export interface AstreImportProfileDto {
  readonly kind: AstreImportKind;
  readonly separator: 'auto' | ';' | ',' | '\t';
  readonly encoding: 'auto' | 'utf-8' | 'windows-1252';
  readonly headerAliases: Record<string, readonly string[]>;
  readonly updatedAt: string;
}
