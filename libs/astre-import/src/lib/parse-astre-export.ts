import { CD31_BUDGETS } from '@cd31/domain';
import { type AstreImportSource, ByteSource, sniffFormat } from './byte-source';
import {
  type AstreSeparator,
  type CsvRecord,
  CsvTokenizer,
  detectSeparator,
} from './csv-tokenizer';
import {
  type AstreEncodingSetting,
  type AstreFileKind,
  type AstreImportProfile,
  type AstreSeparatorSetting,
  DEFAULT_ASTRE_PROFILES,
} from './profiles';
import { type AstreImportEvent, AstreRecordProcessor } from './record-processor';
import { type AstreRow, type AstreRowByKind } from './rows';
import { AstreTextDecoder } from './text-decoding';
import { readXlsxRecords } from './xlsx-reader';

/** 1 MiB: no ASTRE line comes near it; a file with a longer one is not an ASTRE export. */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

export interface AstreImportOptions {
  /** The kind of file; detected from the headers when absent (factures first). */
  readonly kind?: AstreFileKind;
  /** Profiles to read with; `DEFAULT_ASTRE_PROFILES` when absent. */
  readonly profiles?: readonly AstreImportProfile[];
  /** Longest CSV record, in characters (default 1 MiB). */
  readonly maxLineLength?: number;
  /** Budget codes that exist; others are listed in the summary. Default: CD31's eight. */
  readonly knownBudgetCodes?: readonly string[];
}

/** Enough to tell a ZIP, a PDF, UTF-16 or binary data from text. */
const HEAD_BYTES = 4096;

/**
 * Reads an ASTRE export — a file path or the uploaded bytes — as a stream of events:
 *
 * 1. `header` — format, kind, separator, and what each column means;
 * 2. `row` (`{ line, row }`) for each valid line, `invalid` (`{ line, column, value, reason }`)
 *    for each problem of an invalid line, in file order;
 * 3. `end` with the summary — only when the whole file was read.
 *
 * A file that cannot be read as a whole throws an `AstreImportError` (French message, code)
 * from the iteration, possibly after rows were yielded: a caller writing rows as they come (COPY
 * into a staging table) must do so in a transaction it rolls back unless `end` was reached.
 * Memory is bounded (one 256 KB chunk and its events at a time, a line of at most
 * `maxLineLength`): the consumer's pace is the reading pace, and stopping the iteration (`break`)
 * closes the file.
 */
export function parseAstreExport<K extends AstreFileKind>(
  source: AstreImportSource,
  options: AstreImportOptions & { readonly kind: K },
): AsyncGenerator<AstreImportEvent<AstreRowByKind[K]>, void, undefined>;
export function parseAstreExport(
  source: AstreImportSource,
  options?: AstreImportOptions,
): AsyncGenerator<AstreImportEvent, void, undefined>;
export async function* parseAstreExport(
  source: AstreImportSource,
  options: AstreImportOptions = {},
): AsyncGenerator<AstreImportEvent<AstreRow>, void, undefined> {
  const profiles = options.profiles ?? DEFAULT_ASTRE_PROFILES;
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const bytes = ByteSource.open(source);
  try {
    const format = sniffFormat(await bytes.peek(HEAD_BYTES));
    const processor = new AstreRecordProcessor({
      format,
      kind: options.kind,
      profiles,
      knownBudgetCodes: new Set(options.knownBudgetCodes ?? CD31_BUDGETS.map((b) => b.code)),
    });
    const batches =
      format === 'xlsx'
        ? readXlsx(bytes, processor)
        : readCsv(bytes, processor, {
            encoding: commonSetting(profiles, options.kind, (p) => p.encoding),
            separator: commonSetting(profiles, options.kind, (p) => p.separator),
            maxLineLength,
          });
    // The readers hand over one batch per chunk read; events are yielded one by one.
    for await (const batch of batches) {
      for (const event of batch) {
        yield event;
      }
    }
  } finally {
    await bytes.close();
  }
}

/** The profile's setting, or `auto` when the kind is unknown and the profiles disagree. */
function commonSetting<T extends AstreEncodingSetting | AstreSeparatorSetting>(
  profiles: readonly AstreImportProfile[],
  kind: AstreFileKind | undefined,
  setting: (profile: AstreImportProfile) => T,
): T | 'auto' {
  const values = new Set(
    profiles.filter((p) => kind === undefined || p.kind === kind).map(setting),
  );
  const [only] = values;
  return values.size === 1 && only !== undefined ? only : 'auto';
}

interface CsvSettings {
  readonly encoding: AstreEncodingSetting;
  readonly separator: AstreSeparatorSetting;
  readonly maxLineLength: number;
}

async function* readCsv(
  bytes: ByteSource,
  processor: AstreRecordProcessor,
  settings: CsvSettings,
): AsyncGenerator<readonly AstreImportEvent[], void, undefined> {
  const decoder = new AstreTextDecoder(settings.encoding);
  let tokenizer: CsvTokenizer | null = null;
  let head = '';
  const records: CsvRecord[] = [];

  const start = (separator: AstreSeparator): CsvTokenizer => {
    processor.separator = separator;
    return new CsvTokenizer(separator, settings.maxLineLength);
  };
  const process = (): AstreImportEvent[] => {
    const events: AstreImportEvent[] = [];
    for (const record of records) {
      processor.accept(record.line, record.fields, events);
    }
    records.length = 0;
    return events;
  };

  if (settings.separator !== 'auto') {
    tokenizer = start(settings.separator);
  }
  for await (const chunk of bytes.chunks()) {
    let text = decoder.decode(chunk);
    if (tokenizer === null) {
      // The separator is read on the header line: wait for it (within the line length limit).
      head += text;
      const separator =
        detectSeparator(head, false) ?? (head.length > settings.maxLineLength ? ';' : null);
      if (separator === null) {
        continue;
      }
      tokenizer = start(separator);
      text = head;
      head = '';
    }
    tokenizer.feed(text, records);
    yield process();
  }
  const rest = decoder.end();
  if (tokenizer === null) {
    head += rest;
    tokenizer = start(detectSeparator(head, true) ?? ';');
    tokenizer.feed(head, records);
  } else {
    tokenizer.feed(rest, records);
  }
  tokenizer.end(records);
  const events = process();
  processor.finish(events, { encoding: decoder.encoding, bom: decoder.bom });
  yield events;
}

async function* readXlsx(
  bytes: ByteSource,
  processor: AstreRecordProcessor,
): AsyncGenerator<readonly AstreImportEvent[], void, undefined> {
  let lastLine = 0;
  for await (const batch of readXlsxRecords(bytes)) {
    const events: AstreImportEvent[] = [];
    for (const record of batch) {
      // Rows Excel does not store at all are blank lines too.
      processor.countBlankLines(Math.max(0, record.line - lastLine - 1));
      lastLine = record.line;
      processor.accept(record.line, record.cells, events);
    }
    yield events;
  }
  const events: AstreImportEvent[] = [];
  processor.finish(events, { encoding: null, bom: false });
  yield events;
}
