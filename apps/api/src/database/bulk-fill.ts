import type { EntityManager } from 'typeorm';
import { BULK_WORK_MEM } from './bulk-work-mem';

/** Below this many rows, an empty table is filled with its indexes in place. */
export const BULK_FILL_MIN_ROWS = 20_000;

/**
 * The first fill of an empty table with hundreds of thousands of rows (a new installation's
 * history): its secondary indexes are dropped, then built again from the filled table, several
 * times faster than maintaining them row by row. The indexes behind a primary key or a unique
 * constraint are kept — a fill with `ON CONFLICT` needs them — unless `keys: 'drop'` says the
 * fill is a plain INSERT of rows known to be distinct: then they are rebuilt first (1 M text keys:
 * 1.0 s of insert + 0.5 s of build, against 2.9 s of insert in key order into the index), and a
 * key referenced by a foreign key is kept all the same. Call it inside the filling transaction: a
 * failure restores everything, and readers wait (there is nothing to read in an empty table).
 * Returns what rebuilds them.
 */
export async function dropIndexesForFirstFill(
  manager: EntityManager,
  table: string,
  options: { readonly keys: 'keep' | 'drop' } = { keys: 'keep' },
): Promise<{ readonly rebuild: () => Promise<number> }> {
  const keys =
    options.keys === 'drop'
      ? await manager.query<{ name: string; definition: string }[]>(
          `SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS definition
             FROM pg_constraint k
            WHERE k.conrelid = $1::regclass AND k.contype IN ('p', 'u')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                               WHERE f.contype = 'f' AND f.confrelid = k.conrelid AND f.conindid = k.conindid)
            ORDER BY k.conname`,
          [quoteIdentifier(table)],
        )
      : [];
  const indexes = await manager.query<{ name: string; definition: string }[]>(
    `SELECT i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                         WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
      ORDER BY i.indexname`,
    [table],
  );
  for (const key of keys) {
    await manager.query(
      `ALTER TABLE ${quoteIdentifier(table)} DROP CONSTRAINT ${quoteIdentifier(key.name)}`,
    );
  }
  for (const index of indexes) {
    await manager.query(`DROP INDEX ${quoteIdentifier(index.name)}`);
  }
  return {
    rebuild: async () => {
      await manager.query(`SET LOCAL maintenance_work_mem = '${BULK_WORK_MEM}'`);
      for (const key of keys) {
        await manager.query(
          `ALTER TABLE ${quoteIdentifier(table)} ADD CONSTRAINT ${quoteIdentifier(key.name)} ${key.definition}`,
        );
      }
      for (const index of indexes) {
        await manager.query(index.definition);
      }
      return keys.length + indexes.length;
    },
  };
}

/** Whether `table` has no row (read in the caller's transaction). */
export async function isEmpty(manager: EntityManager, table: string): Promise<boolean> {
  const [row] = await manager.query<{ empty: boolean }[]>(
    `SELECT NOT EXISTS (SELECT 1 FROM ${quoteIdentifier(table)}) AS empty`,
  );
  return row?.empty ?? false;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
