import type { DataSource, QueryRunner } from 'typeorm';

/** One key for "the Chorus Pro sync runs": an arbitrary constant shared by every replica. */
export const CHORUS_SYNC_LOCK_KEY = 3_100_000_001;

/**
 * A session-level PostgreSQL advisory lock held on a dedicated connection: released when the
 * work ends, and by PostgreSQL itself if the process dies, so no replica waits on a dead one.
 */
export class AdvisoryLock {
  private constructor(private readonly runner: QueryRunner) {}

  static async tryAcquire(dataSource: DataSource, key: number): Promise<AdvisoryLock | null> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as {
        locked: boolean;
      }[];
      if (rows[0]?.locked) {
        return new AdvisoryLock(runner);
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    await runner.release();
    return null;
  }

  async release(): Promise<void> {
    try {
      await this.runner.query('SELECT pg_advisory_unlock_all()');
    } finally {
      await this.runner.release();
    }
  }
}
