import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { from as copyFrom } from 'pg-copy-streams';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** One CSV field for COPY … (FORMAT csv): unquoted empty is NULL, `""` the empty string. */
function csvField(value: string | number | null): string {
  if (value === null) {
    return '';
  }
  const text = String(value);
  if (text === '' || /[",\r\n]/.test(text) || text.trim() !== text) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/**
 * The node-postgres connection of a transaction's EntityManager, for a COPY inside that
 * transaction.
 */
export async function connectionOf(manager: EntityManager): Promise<PoolClient> {
  const runner = manager.queryRunner as PostgresQueryRunner | undefined;
  if (!runner) {
    throw new Error('COPY needs the EntityManager of a transaction');
  }
  return (await runner.connect()) as PoolClient;
}

/**
 * Rows written to PostgreSQL through COPY FROM STDIN, with back-pressure: a writer waits for the
 * socket to drain rather than buffering a whole file.
 */
export class CopyWriter {
  private readonly stream: Writable;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(client: PoolClient, table: string, columns: readonly string[]) {
    this.stream = client.query(
      copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
    );
  }

  async write(values: readonly (string | number | null)[]): Promise<void> {
    const line = `${values.map(csvField).join(',')}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= 64 * 1024) {
      await this.flush();
    }
  }

  async end(): Promise<void> {
    await this.flush();
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
  }

  /** Aborts the COPY: the transaction it belongs to must be rolled back. */
  destroy(error: Error): void {
    this.stream.destroy(error);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) {
      return;
    }
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.stream.write(chunk)) {
      await once(this.stream, 'drain');
    }
  }
}
