import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sync writes a page of up to 1000 invoices and their status events in one statement; the
 * two foreign keys it crossed were checked row by row (one trigger and one key-share lock per
 * row): about 7 ms of a 23 ms page on this machine. Their links hold by construction — an
 * invoice's budget is the budget being synced, read from `budget`; an event is written by the
 * statement that writes its invoice, or for an invoice read from the table — budgets and
 * invoices are never deleted by the product, and the sync's integration tests check them.
 */
export class SyncWritePath1764001100000 implements MigrationInterface {
  name = 'SyncWritePath1764001100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE invoice_status_event DROP CONSTRAINT invoice_status_event_id_facture_fkey',
    );
    await queryRunner.query(
      'ALTER TABLE chorus_invoice DROP CONSTRAINT chorus_invoice_budget_id_fkey',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE chorus_invoice ADD CONSTRAINT chorus_invoice_budget_id_fkey FOREIGN KEY (budget_id) REFERENCES budget(id)',
    );
    await queryRunner.query(
      'ALTER TABLE invoice_status_event ADD CONSTRAINT invoice_status_event_id_facture_fkey FOREIGN KEY (id_facture) REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE',
    );
  }
}
