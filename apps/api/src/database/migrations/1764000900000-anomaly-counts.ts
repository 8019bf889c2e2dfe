import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many anomalies there are per (state, code, severity, budget, assignee): what the list's
 * total and the per-code / per-budget counts read when the filters are only on those columns,
 * instead of counting hundreds of thousands of rows each time.
 *
 * Statement-level triggers on `anomaly` append the change of each statement (rows in minus rows
 * out, per group) to `anomaly_count`: appends never wait for one another, so a triage click is
 * never held up by a long reconciliation that touched the same groups. A count is the sum of a
 * group's rows; `anomaly_count_compact()` folds them (run after each reconciliation).
 */
export class AnomalyCounts1764000900000 implements MigrationInterface {
  name = 'AnomalyCounts1764000900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE anomaly_count (
        state varchar(10) NOT NULL,
        code varchar(40) NOT NULL,
        severity varchar(10) NOT NULL,
        budget_code varchar(2) NOT NULL,
        assignee_id uuid,
        n bigint NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX anomaly_count_group_idx ON anomaly_count (state, code, severity, budget_code)',
    );
    await queryRunner.query(`
      INSERT INTO anomaly_count (state, code, severity, budget_code, assignee_id, n)
      SELECT state, code, severity, budget_code, assignee_id, count(*) FROM anomaly
       GROUP BY state, code, severity, budget_code, assignee_id`);

    const delta = (sign: string, table: string): string =>
      `SELECT state, code, severity, budget_code, assignee_id, ${sign} count(*) AS n FROM ${table}
        GROUP BY state, code, severity, budget_code, assignee_id`;
    const triggerFunction = (name: string, body: string): string => `
      CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO anomaly_count (state, code, severity, budget_code, assignee_id, n) ${body};
        RETURN NULL;
      END $$`;
    await queryRunner.query(triggerFunction('anomaly_count_inserted', delta('', 'new_rows')));
    await queryRunner.query(triggerFunction('anomaly_count_deleted', delta('-', 'old_rows')));
    await queryRunner.query(
      triggerFunction(
        'anomaly_count_updated',
        `SELECT state, code, severity, budget_code, assignee_id, sum(n) FROM (
           ${delta('', 'new_rows')}
           UNION ALL
           ${delta('-', 'old_rows')}
         ) moves
         GROUP BY state, code, severity, budget_code, assignee_id
         HAVING sum(n) <> 0`,
      ),
    );
    await queryRunner.query(`
      CREATE FUNCTION anomaly_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM anomaly_count;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER anomaly_count_insert AFTER INSERT ON anomaly
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION anomaly_count_inserted()`);
    await queryRunner.query(`
      CREATE TRIGGER anomaly_count_update AFTER UPDATE ON anomaly
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION anomaly_count_updated()`);
    await queryRunner.query(`
      CREATE TRIGGER anomaly_count_delete AFTER DELETE ON anomaly
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION anomaly_count_deleted()`);
    await queryRunner.query(`
      CREATE TRIGGER anomaly_count_truncate AFTER TRUNCATE ON anomaly
      FOR EACH STATEMENT EXECUTE FUNCTION anomaly_count_truncated()`);

    // One statement, so that a reader sees the rows before or after, never half of them.
    await queryRunner.query(`
      CREATE FUNCTION anomaly_count_compact() RETURNS void LANGUAGE sql AS $$
        WITH moved AS (DELETE FROM anomaly_count RETURNING *)
        INSERT INTO anomaly_count (state, code, severity, budget_code, assignee_id, n)
        SELECT state, code, severity, budget_code, assignee_id, sum(n) FROM moved
         GROUP BY state, code, severity, budget_code, assignee_id
        HAVING sum(n) <> 0
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of ['insert', 'update', 'delete', 'truncate']) {
      await queryRunner.query(`DROP TRIGGER anomaly_count_${trigger} ON anomaly`);
    }
    for (const fn of ['inserted', 'updated', 'deleted', 'truncated', 'compact']) {
      await queryRunner.query(`DROP FUNCTION anomaly_count_${fn}()`);
    }
    await queryRunner.query('DROP TABLE anomaly_count');
  }
}
