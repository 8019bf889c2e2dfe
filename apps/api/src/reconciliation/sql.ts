import type { EntityManager } from 'typeorm';

/** The single count(*) a statement returns, as a number. */
export async function count(manager: EntityManager, sql: string): Promise<number> {
  const [row] = await manager.query<{ count: string }[]>(sql);
  return Number(row?.count ?? 0);
}
