import {
  DEFAULT_ANOMALY_THRESHOLDS,
  DEFAULT_INTEREST_RATES,
  DEFAULT_RECYCLE_TEMPLATES,
} from '@cd31/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Anomalies1764000400000 implements MigrationInterface {
  name = 'Anomalies1764000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Where each budget's first sync window started: ASTRE rows older than that are out of reach.
    await queryRunner.query('ALTER TABLE budget_sync_state ADD COLUMN backfill_from timestamptz');
    await queryRunner.query(
      'UPDATE budget_sync_state SET backfill_from = watermark WHERE backfill_from IS NULL',
    );

    // Which ASTRE row each Chorus invoice matched (domain.md §6), rebuilt by the reconciliation.
    await queryRunner.query(`
      CREATE TABLE invoice_match (
        id_facture bigint PRIMARY KEY REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE,
        astre_row_key varchar(300) NOT NULL REFERENCES astre_invoice(row_key) ON DELETE CASCADE,
        method varchar(30) NOT NULL,
        matched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX invoice_match_astre_idx ON invoice_match (astre_row_key)',
    );

    // The payment-delay clock of open invoices, as of computed_on (domain.md §8).
    await queryRunner.query(`
      CREATE TABLE invoice_payment_delay (
        id_facture bigint PRIMARY KEY REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE,
        computed_on date NOT NULL,
        start_date date NOT NULL,
        due_date date,
        ordonnateur_due_date date,
        days_elapsed integer NOT NULL,
        days_left integer NOT NULL,
        ordonnateur_days_left integer NOT NULL,
        days_late integer NOT NULL,
        suspended_now boolean NOT NULL,
        interest_rate numeric(6,3),
        interest numeric(15,2) NOT NULL,
        indemnity numeric(15,2) NOT NULL,
        euros_at_risk numeric(15,2) NOT NULL,
        anomaly varchar(20)
      )`);
    await queryRunner.query(
      'CREATE INDEX invoice_payment_delay_risk_idx ON invoice_payment_delay (euros_at_risk DESC)',
    );

    // Settings: thresholds (global + per budget), interest rates, comment templates, flags.
    await queryRunner.query(`
      CREATE TABLE anomaly_threshold_setting (
        scope varchar(10) PRIMARY KEY,
        thresholds jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL
      )`);
    await queryRunner.query(
      `INSERT INTO anomaly_threshold_setting (scope, thresholds) VALUES ('global', $1)`,
      [JSON.stringify(DEFAULT_ANOMALY_THRESHOLDS)],
    );
    await queryRunner.query(`
      CREATE TABLE interest_rate (
        half_year_start date PRIMARY KEY CHECK (extract(day FROM half_year_start) = 1 AND extract(month FROM half_year_start) IN (1, 7)),
        ecb_rate numeric(6,3) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL
      )`);
    for (const row of DEFAULT_INTEREST_RATES) {
      await queryRunner.query(
        'INSERT INTO interest_rate (half_year_start, ecb_rate) VALUES ($1, $2)',
        [row.halfYearStart, row.ecbRate],
      );
    }
    await queryRunner.query(`
      CREATE TABLE app_setting (
        key varchar(60) PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL
      )`);
    await queryRunner.query(
      `INSERT INTO app_setting (key, value) VALUES ('recycle_templates', $1)`,
      [JSON.stringify(DEFAULT_RECYCLE_TEMPLATES)],
    );

    await queryRunner.query(`
      CREATE TABLE anomaly (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code varchar(40) NOT NULL,
        subject_key varchar(320) NOT NULL,
        id_facture bigint REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE,
        astre_row_key varchar(300) REFERENCES astre_invoice(row_key) ON DELETE CASCADE,
        budget_id smallint NOT NULL REFERENCES budget(id),
        severity varchar(10) NOT NULL,
        actor varchar(20) NOT NULL,
        state varchar(10) NOT NULL DEFAULT 'OUVERTE' CHECK (state IN ('OUVERTE', 'EN_COURS', 'RESOLUE', 'IGNOREE')),
        condition_present boolean NOT NULL DEFAULT true,
        assignee_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
        details jsonb NOT NULL DEFAULT '{}',
        first_detected_at timestamptz NOT NULL DEFAULT now(),
        last_detected_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolution_reason text,
        resolved_automatically boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT anomaly_subject_unique UNIQUE (code, subject_key)
      )`);
    await queryRunner.query('CREATE INDEX anomaly_state_budget_idx ON anomaly (state, budget_id)');
    await queryRunner.query('CREATE INDEX anomaly_invoice_idx ON anomaly (id_facture)');
    await queryRunner.query(
      'CREATE INDEX anomaly_astre_idx ON anomaly (astre_row_key) WHERE astre_row_key IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX anomaly_assignee_idx ON anomaly (assignee_id) WHERE assignee_id IS NOT NULL',
    );
    await queryRunner.query('CREATE INDEX anomaly_code_state_idx ON anomaly (code, state)');

    await queryRunner.query(`
      CREATE TABLE anomaly_note (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        anomaly_id bigint NOT NULL REFERENCES anomaly(id) ON DELETE CASCADE,
        author_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
        at timestamptz NOT NULL DEFAULT now(),
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000)
      )`);
    await queryRunner.query(
      'CREATE INDEX anomaly_note_anomaly_idx ON anomaly_note (anomaly_id, at)',
    );

    await queryRunner.query(`
      CREATE TABLE anomaly_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        anomaly_id bigint NOT NULL REFERENCES anomaly(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid REFERENCES app_user(id) ON DELETE SET NULL,
        kind varchar(20) NOT NULL,
        from_state varchar(10),
        to_state varchar(10),
        details jsonb
      )`);
    await queryRunner.query(
      'CREATE INDEX anomaly_event_anomaly_idx ON anomaly_event (anomaly_id, at)',
    );

    await queryRunner.query(`
      CREATE TABLE reconciliation_run (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        trigger varchar(20) NOT NULL,
        scope varchar(20) NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        invoices integer,
        matched integer,
        detected integer,
        opened integer,
        reopened integer,
        resolved integer,
        duration_ms integer,
        error text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'reconciliation_run',
      'anomaly_event',
      'anomaly_note',
      'anomaly',
      'app_setting',
      'interest_rate',
      'anomaly_threshold_setting',
      'invoice_payment_delay',
      'invoice_match',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query('ALTER TABLE budget_sync_state DROP COLUMN backfill_from');
  }
}
