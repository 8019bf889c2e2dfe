import type { EventEmitter } from 'node:events';

/** The client went away (or the socket failed) before the export was complete. */
export class ExportAbortedError extends Error {
  constructor(cause?: unknown) {
    super('Export interrompu : la connexion du client est fermée.', { cause });
    this.name = 'ExportAbortedError';
  }
}

/**
 * A writable stream as far as back-pressure goes: Node's own, or readable-stream 2's (which
 * exceljs' zip stage still uses, and which has no `writableNeedDrain`).
 */
export interface DrainableStream extends EventEmitter {
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
  readonly writableNeedDrain?: boolean;
  readonly _writableState?: { readonly needDrain?: boolean };
  write(chunk: never, callback?: never): boolean;
}

export function isDrainable(value: unknown): value is DrainableStream {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const candidate = value as Partial<DrainableStream>;
  return (
    typeof candidate.write === 'function' &&
    typeof candidate.once === 'function' &&
    (typeof candidate.writableNeedDrain === 'boolean' ||
      typeof candidate._writableState === 'object')
  );
}

/** Whether the stream's buffer is full: a writer should wait for its 'drain'. */
export function needsDrain(stream: DrainableStream): boolean {
  return typeof stream.writableNeedDrain === 'boolean'
    ? stream.writableNeedDrain
    : stream._writableState?.needDrain === true;
}

/**
 * Resolves once `stream` has emptied its buffer; rejects with ExportAbortedError if it is closed
 * or fails first, so that a download cancelled in the browser stops the database reads too.
 */
export function drained(stream: DrainableStream): Promise<void> {
  if (stream.destroyed === true || stream.writableEnded === true) {
    return Promise.reject(new ExportAbortedError());
  }
  if (!needsDrain(stream)) {
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onError);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new ExportAbortedError());
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(new ExportAbortedError(error));
    };
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', onError);
  });
}
