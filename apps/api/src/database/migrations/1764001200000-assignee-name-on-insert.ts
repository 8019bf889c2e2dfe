import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trigger that copies the assignee's name onto an anomaly ran for every inserted row, and
 * the reconciliation inserts anomalies by the hundred thousand, never with an assignee: 1 s of
 * the 5 s it takes to insert 400 000 of them. On insert it now runs only for a row that names an
 * assignee (or carries a name to clear); on a change of assignee, as before.
 */
export class AssigneeNameOnInsert1764001200000 implements MigrationInterface {
  name = 'AssigneeNameOnInsert1764001200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER anomaly_assignee_name ON anomaly');
    await queryRunner.query(`
      CREATE TRIGGER anomaly_assignee_name_insert BEFORE INSERT ON anomaly
      FOR EACH ROW WHEN (NEW.assignee_id IS NOT NULL OR NEW.assignee_name IS NOT NULL)
      EXECUTE FUNCTION anomaly_set_assignee_name()`);
    await queryRunner.query(`
      CREATE TRIGGER anomaly_assignee_name_update BEFORE UPDATE OF assignee_id ON anomaly
      FOR EACH ROW EXECUTE FUNCTION anomaly_set_assignee_name()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER anomaly_assignee_name_update ON anomaly');
    await queryRunner.query('DROP TRIGGER anomaly_assignee_name_insert ON anomaly');
    await queryRunner.query(`
      CREATE TRIGGER anomaly_assignee_name BEFORE INSERT OR UPDATE OF assignee_id ON anomaly
      FOR EACH ROW EXECUTE FUNCTION anomaly_set_assignee_name()`);
  }
}
