// Test support: runs an import to its end and keeps everything it reported.
import { Readable } from 'node:stream';
import { AstreImportError } from '../lib/astre-import-error';
import { type AstreImportSource } from '../lib/byte-source';
import { type AstreImportOptions, parseAstreExport } from '../lib/parse-astre-export';
import {
  type AstreHeaderEvent,
  type AstreImportEvent,
  type AstreImportSummary,
  type AstreLineErrorEvent,
  type AstreRowEvent,
} from '../lib/record-processor';

export interface CollectedImport {
  readonly events: readonly AstreImportEvent[];
  readonly header: AstreHeaderEvent | null;
  readonly rows: readonly AstreRowEvent[];
  readonly errors: readonly AstreLineErrorEvent[];
  readonly summary: AstreImportSummary | null;
}

function summarise(events: readonly AstreImportEvent[]): CollectedImport {
  let header: AstreHeaderEvent | null = null;
  let summary: AstreImportSummary | null = null;
  const rows: AstreRowEvent[] = [];
  const errors: AstreLineErrorEvent[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'header':
        header = event;
        break;
      case 'row':
        rows.push(event);
        break;
      case 'invalid':
        errors.push(event);
        break;
      case 'end':
        summary = event.summary;
        break;
    }
  }
  return { events, header, rows, errors, summary };
}

/** Reads the whole file; rethrows a file-level error. */
export async function collectImport(
  source: AstreImportSource,
  options: AstreImportOptions = {},
): Promise<CollectedImport> {
  const events: AstreImportEvent[] = [];
  for await (const event of parseAstreExport(source, options)) {
    events.push(event);
  }
  return summarise(events);
}

export interface FailedImport extends CollectedImport {
  readonly error: AstreImportError;
}

/** Reads a file expected to be refused: the error, and whatever was yielded before it. */
export async function failedImport(
  source: AstreImportSource,
  options: AstreImportOptions = {},
): Promise<FailedImport> {
  const events: AstreImportEvent[] = [];
  try {
    for await (const event of parseAstreExport(source, options)) {
      events.push(event);
    }
  } catch (error) {
    if (error instanceof AstreImportError) {
      return { ...summarise(events), error };
    }
    throw error;
  }
  throw new Error(`Expected an AstreImportError, the import ended with ${events.length} events`);
}

/** The bytes as an upload stream, cut in chunks of `chunkSize` bytes (to test chunk borders). */
export function streamOf(data: Buffer | string, chunkSize = 64 * 1024): Readable {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    chunks.push(bytes.subarray(offset, offset + chunkSize));
  }
  return Readable.from(chunks, { objectMode: false });
}
