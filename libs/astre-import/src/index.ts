export * from './lib/astre-import-error';
export type { AstreFileFormat, AstreImportSource } from './lib/byte-source';
export type { AstreSeparator } from './lib/csv-tokenizer';
export {
  type AstreImportOptions,
  DEFAULT_MAX_LINE_LENGTH,
  parseAstreExport,
} from './lib/parse-astre-export';
export {
  ASTRE_FILE_KINDS,
  type AstreColumn,
  type AstreEncodingSetting,
  type AstreEngagementImportProfile,
  type AstreFileKind,
  type AstreImportProfile,
  type AstreInvoiceImportProfile,
  type AstreSeparatorSetting,
  DEFAULT_ASTRE_PROFILES,
  normaliseHeader,
  parseAstreImportProfile,
} from './lib/profiles';
export type {
  AstreEndEvent,
  AstreHeaderEvent,
  AstreImportEvent,
  AstreImportSummary,
  AstreLineErrorEvent,
  AstreRowEvent,
} from './lib/record-processor';
export { astreRowKey, normaliseInvoiceNumber } from './lib/row-key';
export type {
  AstreEngagementRow,
  AstreInvoiceRow,
  AstreLineIssue,
  AstreRow,
  AstreRowByKind,
} from './lib/rows';
export type { AstreEncoding } from './lib/text-decoding';
export { ASTRE_ETAT_LABELS, ASTRE_ETATS, type AstreEtat } from './lib/values';
