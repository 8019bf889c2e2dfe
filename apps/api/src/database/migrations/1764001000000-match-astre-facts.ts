import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The match keeps what the rules read of the ASTRE row it found (budget, state, amount), written
 * by the same statement that finds it: the detection then needs no join of every invoice with the
 * million ASTRE rows on their text key (measured: most of a 7 s statement on 1 M invoices).
 * Existing matches are completed here; the next reconciliation rewrites them anyway.
 */
export class MatchAstreFacts1764001000000 implements MigrationInterface {
  name = 'MatchAstreFacts1764001000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE invoice_match
        ADD COLUMN astre_budget_code varchar(2),
        ADD COLUMN astre_etat varchar(40),
        ADD COLUMN astre_amount_ttc numeric(15,2)`);
    await queryRunner.query(`
      UPDATE invoice_match m
         SET astre_budget_code = a.budget_code, astre_etat = a.etat, astre_amount_ttc = a.amount_ttc
        FROM astre_invoice a WHERE a.row_key = m.astre_row_key`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE invoice_match
        DROP COLUMN astre_budget_code, DROP COLUMN astre_etat, DROP COLUMN astre_amount_ttc`);
  }
}
