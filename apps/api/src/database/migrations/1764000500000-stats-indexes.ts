import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index of the managers' statistics (GET /stats/budgets): invoices received per budget and month
 * are read by deposit date. The same index serves the few invoices Chorus Pro sent without one
 * (`date_depot IS NULL`, b-tree indexes keep NULLs), read by their first status date instead.
 */
export class StatsIndexes1764000500000 implements MigrationInterface {
  name = 'StatsIndexes1764000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX chorus_invoice_budget_depot_idx ON chorus_invoice (budget_id, date_depot)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX chorus_invoice_budget_depot_idx');
  }
}
