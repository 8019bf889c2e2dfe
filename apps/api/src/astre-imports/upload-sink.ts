import { PayloadTooLargeException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export interface StoredUpload {
  readonly path: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  remove(): Promise<void>;
}

/**
 * Streams an upload to a private temporary file, hashing it on the way and stopping at the size
 * limit: nothing of the file is held in memory, and the hash is known before any parsing.
 */
export async function storeUpload(body: Readable, maxBytes: number): Promise<StoredUpload> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cd31-upload-'));
  const file = path.join(dir, 'upload');
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(
          new PayloadTooLargeException(
            `Fichier trop volumineux : la limite est de ${Math.round(maxBytes / 1024 / 1024)} Mo.`,
          ),
        );
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  try {
    await pipeline(body, meter, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await remove();
    body.resume();
    throw error;
  }
  return { path: file, sha256: hash.digest('hex'), sizeBytes: size, remove };
}

/**
 * The name shown in the history. Only a plain file name is accepted: a path (`../`, `/`, `\`) or
 * control characters mean a crafted request.
 */
export function validateFileName(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') {
    return null;
  }
  let name: string;
  try {
    name = decodeURIComponent(raw).normalize('NFC').trim();
  } catch {
    return null;
  }
  if (
    name.length > 255 ||
    name === '.' ||
    name === '..' ||
    /[/\\]/.test(name) ||
    name.includes('..') ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(name)
  ) {
    return null;
  }
  return name;
}
