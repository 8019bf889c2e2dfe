import type { EntityManager } from 'typeorm';
import { BULK_WORK_MEM } from './bulk-work-mem';

/** Below this many rows, an empty table is filled with its indexes in place. */
export const BULK_FILL_MIN_ROWS = 20_000;

/**
 * The first fill of an empty table with hundreds of thousands of rows (a new installation's
 * history): its secondary indexes — not those behind a constraint, which the fill may need — are
 * dropped, then built again from the filled table, several times faster than maintaining them
 * row by row. Call it inside the filling transaction: a failure restores them, and readers wait
 * (there is nothing to read in an empty table). Returns what rebuilds them.
 */
export async function dropIndexesForFirstFill(
  manager: EntityManager,
  table: string,
): Promise<{ readonly rebuild: () => Promise<number> }> {
  const indexes = await manager.query<{ name: string; definition: string }[]>(
    `SELECT i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                         WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
      ORDER BY i.indexname`,
    [table],
  );
  for (const index of indexes) {
    await manager.query(`DROP INDEX ${quoteIdentifier(index.name)}`);
  }
  return {
    rebuild: async () => {
      await manager.query(`SET LOCAL maintenance_work_mem = '${BULK_WORK_MEM}'`);
      for (const index of indexes) {
        await manager.query(index.definition);
      }
      return indexes.length;
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
