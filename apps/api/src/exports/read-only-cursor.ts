import type { PoolClient } from 'pg';

export interface PgPool {
  connect(): Promise<PoolClient>;
}

/**
 * A server-side cursor (`DECLARE … CURSOR` / `FETCH n`) on a connection of its own, inside a
 * READ ONLY, REPEATABLE READ transaction: a query of any size is read a batch at a time, from one
 * snapshot, and never held whole in memory. pg-cursor is not a dependency; this is all it takes.
 */
export class ReadOnlyCursor<T> {
  private closed = false;

  private constructor(
    private readonly client: PoolClient,
    private readonly batchSize: number,
  ) {}

  static async open<T>(
    pool: PgPool,
    sql: string,
    params: readonly unknown[],
    batchSize = 1000,
  ): Promise<ReadOnlyCursor<T>> {
    const client = await pool.connect();
    // A checked-out pg client that loses its server emits 'error'; without a listener that would
    // crash the process. The failed FETCH reports it to the export.
    client.on('error', ignoreConnectionError);
    try {
      await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`DECLARE read_only_cursor NO SCROLL CURSOR FOR ${sql}`, [...params]);
    } catch (error) {
      await rollbackAndRelease(client);
      throw error;
    }
    return new ReadOnlyCursor<T>(client, batchSize);
  }

  /** The next rows; an empty array once the query is exhausted. */
  async fetch(): Promise<T[]> {
    if (this.closed) {
      return [];
    }
    const result = await this.client.query<T & Record<string, unknown>>(
      `FETCH FORWARD ${this.batchSize} FROM read_only_cursor`,
    );
    return result.rows;
  }

  /** Ends the transaction and gives the connection back; idempotent. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await rollbackAndRelease(this.client);
  }
}

/**
 * Nothing was written, so ROLLBACK is as good as COMMIT. A connection that cannot even roll back
 * (the server went away, a query is stuck) is destroyed rather than returned to the pool.
 */
async function rollbackAndRelease(client: PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
  } finally {
    client.off('error', ignoreConnectionError);
  }
}

function ignoreConnectionError(): void {
  // Reported by the query that was running, or by the next one.
}
