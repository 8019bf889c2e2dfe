import { DEFAULT_ASTRE_PROFILES } from '@cd31/astre-import';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const INVOICE_COLUMNS = `
  budget_code varchar(2) NOT NULL,
  exercice integer,
  chorus_invoice_id bigint,
  invoice_number varchar(200) NOT NULL,
  invoice_number_norm varchar(200) NOT NULL,
  supplier_siret char(14) NOT NULL,
  supplier_name varchar(300),
  invoice_date date,
  integration_date date NOT NULL,
  amount_ttc numeric(15,2) NOT NULL,
  engagement_number varchar(300),
  service_code varchar(150),
  etat varchar(20) NOT NULL,
  mandat_number varchar(100),
  mandat_date date`;

const ENGAGEMENT_COLUMNS = `
  budget_code varchar(2) NOT NULL,
  engagement_number varchar(300) NOT NULL,
  engagement_norm varchar(300) NOT NULL,
  service_code varchar(150),
  supplier_siret char(14),
  engaged_amount numeric(15,2),
  solde numeric(15,2)`;

export class AstreImports1764000300000 implements MigrationInterface {
  name = 'AstreImports1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE astre_import_profile (
        kind varchar(20) PRIMARY KEY CHECK (kind IN ('factures', 'engagements')),
        profile jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL
      )`);
    for (const profile of DEFAULT_ASTRE_PROFILES) {
      await queryRunner.query('INSERT INTO astre_import_profile (kind, profile) VALUES ($1, $2)', [
        profile.kind,
        JSON.stringify(profile),
      ]);
    }

    // Every upload, whatever became of it: the history users and auditors read.
    await queryRunner.query(`
      CREATE TABLE astre_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(20),
        file_name varchar(255) NOT NULL,
        sha256 char(64) NOT NULL,
        size_bytes bigint NOT NULL,
        status varchar(20) NOT NULL CHECK (status IN ('preview', 'confirmed', 'cancelled', 'refused', 'expired')),
        mode varchar(20),
        uploaded_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        decided_at timestamptz,
        rows_read integer NOT NULL DEFAULT 0,
        rows_valid integer NOT NULL DEFAULT 0,
        rows_invalid integer NOT NULL DEFAULT 0,
        rows_new integer NOT NULL DEFAULT 0,
        rows_updated integer NOT NULL DEFAULT 0,
        rows_unchanged integer NOT NULL DEFAULT 0,
        rows_imported integer NOT NULL DEFAULT 0,
        parse_ms integer,
        merge_ms integer,
        summary jsonb,
        error_code varchar(40),
        error text
      )`);
    await queryRunner.query(
      'CREATE INDEX astre_import_uploaded_idx ON astre_import (uploaded_at DESC)',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX astre_import_confirmed_sha_unique ON astre_import (sha256) WHERE status = 'confirmed'`,
    );

    await queryRunner.query(`
      CREATE TABLE astre_import_line_error (
        import_id uuid NOT NULL REFERENCES astre_import(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        line integer NOT NULL,
        column_name varchar(200),
        value text,
        reason text NOT NULL,
        PRIMARY KEY (import_id, seq)
      )`);

    await queryRunner.query(`
      CREATE TABLE astre_invoice (
        row_key varchar(300) PRIMARY KEY,
        ${INVOICE_COLUMNS},
        first_import_id uuid REFERENCES astre_import(id),
        last_import_id uuid REFERENCES astre_import(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX astre_invoice_chorus_idx ON astre_invoice (chorus_invoice_id) WHERE chorus_invoice_id IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX astre_invoice_supplier_number_idx ON astre_invoice (supplier_siret, invoice_number_norm)',
    );

    await queryRunner.query(`
      CREATE TABLE astre_engagement (
        row_key varchar(320) PRIMARY KEY,
        ${ENGAGEMENT_COLUMNS},
        first_import_id uuid REFERENCES astre_import(id),
        last_import_id uuid REFERENCES astre_import(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX astre_engagement_norm_idx ON astre_engagement (engagement_norm)',
    );

    // Staging: written by COPY during the preview, merged on confirmation, then emptied.
    await queryRunner.query(`
      CREATE UNLOGGED TABLE astre_invoice_staging (
        import_id uuid NOT NULL,
        line integer NOT NULL,
        row_key varchar(300) NOT NULL,
        ${INVOICE_COLUMNS}
      )`);
    await queryRunner.query(
      'CREATE INDEX astre_invoice_staging_import_idx ON astre_invoice_staging (import_id, row_key)',
    );
    await queryRunner.query(`
      CREATE UNLOGGED TABLE astre_engagement_staging (
        import_id uuid NOT NULL,
        line integer NOT NULL,
        row_key varchar(320) NOT NULL,
        ${ENGAGEMENT_COLUMNS}
      )`);
    await queryRunner.query(
      'CREATE INDEX astre_engagement_staging_import_idx ON astre_engagement_staging (import_id, row_key)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'astre_engagement_staging',
      'astre_invoice_staging',
      'astre_engagement',
      'astre_invoice',
      'astre_import_line_error',
      'astre_import',
      'astre_import_profile',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
