import { CD31_BUDGETS } from '@cd31/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBudget1764000000000 implements MigrationInterface {
  name = 'CreateBudget1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE budget (
        id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code char(2) NOT NULL CONSTRAINT budget_code_format CHECK (code ~ '^[0-9]{2}$'),
        label varchar(120) NOT NULL CONSTRAINT budget_label_not_blank CHECK (btrim(label) <> ''),
        siret char(14) NOT NULL CONSTRAINT budget_siret_format CHECK (siret ~ '^[0-9]{14}$'),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT budget_code_unique UNIQUE (code),
        CONSTRAINT budget_siret_unique UNIQUE (siret)
      )`);
    for (const budget of CD31_BUDGETS) {
      await queryRunner.query('INSERT INTO budget (code, label, siret) VALUES ($1, $2, $3)', [
        budget.code,
        budget.label,
        budget.siret,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE budget');
  }
}
