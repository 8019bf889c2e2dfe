import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that give the anomaly list its order when it is sorted on a column of the anomaly
 * itself (GET /anomalies?sort=state|severity|firstDetectedAt, either direction): the page is
 * then read in index order and stops after offset + limit rows, instead of sorting every match.
 * The tie-breaker `a.id` is part of each key. (sort=code is served by anomaly_code_state_idx.)
 * The severity expression is the list's sort key (anomaly-query.ts), written the same way.
 */
export class ListIndexes1764000600000 implements MigrationInterface {
  name = 'ListIndexes1764000600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX anomaly_state_id_idx ON anomaly (state, id)');
    await queryRunner.query(
      `CREATE INDEX anomaly_severity_rank_idx ON anomaly ((CASE severity WHEN 'CRITIQUE' THEN 1 WHEN 'MAJEURE' THEN 2 ELSE 3 END), id)`,
    );
    await queryRunner.query(
      'CREATE INDEX anomaly_first_detected_idx ON anomaly (first_detected_at, id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX anomaly_first_detected_idx');
    await queryRunner.query('DROP INDEX anomaly_severity_rank_idx');
    await queryRunner.query('DROP INDEX anomaly_state_id_idx');
  }
}
