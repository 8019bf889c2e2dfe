import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foreign keys that PostgreSQL checks row by row (one trigger and one key-share lock per row)
 * on tables the product writes by the hundred thousand, set-based:
 * - `invoice_match`, `invoice_payment_delay`: derived tables, recomputed by the reconciliation
 *   from the joins of the tables they point to;
 * - `anomaly.id_facture` / `anomaly.astre_row_key` and `anomaly_event.anomaly_id`: written by the
 *   reconciliation from those same joins;
 * - `astre_invoice` / `astre_engagement` `first_import_id` / `last_import_id`: set by the merge to
 *   the import it confirms, whose row it holds locked.
 * Measured on 1 M invoices × 1 M ASTRE rows: the two checks of invoice_match alone took 9.6 s of
 * a 13.2 s statement. Chorus invoices, ASTRE rows, imports and anomalies are never deleted by the
 * product, so the cascades these keys carried never ran; the integration tests check the links.
 *
 * The staging tables lose their (import_id, row_key) index: every statement on them reads one
 * import's rows whole (duplicates, comparison, merge), which a scan does as well, and COPY no
 * longer maintains an index line by line.
 *
 * Also: `reconciliation_run.steps`, the time each step of a run took (ms), for operations.
 */
export class BulkDerivedTables1764000800000 implements MigrationInterface {
  name = 'BulkDerivedTables1764000800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, constraint] of DROPPED) {
      await queryRunner.query(`ALTER TABLE ${table} DROP CONSTRAINT ${constraint}`);
    }
    for (const [name] of STAGING_INDEXES) {
      await queryRunner.query(`DROP INDEX ${name}`);
    }
    await queryRunner.query(`ALTER TABLE reconciliation_run ADD COLUMN steps jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reconciliation_run DROP COLUMN steps`);
    for (const [name, definition] of STAGING_INDEXES) {
      await queryRunner.query(`CREATE INDEX ${name} ON ${definition}`);
    }
    for (const [table, constraint, definition] of DROPPED) {
      await queryRunner.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} ${definition}`);
    }
  }
}

const DROPPED: readonly (readonly [table: string, constraint: string, definition: string])[] = [
  [
    'invoice_match',
    'invoice_match_id_facture_fkey',
    'FOREIGN KEY (id_facture) REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE',
  ],
  [
    'invoice_match',
    'invoice_match_astre_row_key_fkey',
    'FOREIGN KEY (astre_row_key) REFERENCES astre_invoice(row_key) ON DELETE CASCADE',
  ],
  [
    'invoice_payment_delay',
    'invoice_payment_delay_id_facture_fkey',
    'FOREIGN KEY (id_facture) REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE',
  ],
  [
    'anomaly',
    'anomaly_id_facture_fkey',
    'FOREIGN KEY (id_facture) REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE',
  ],
  [
    'anomaly',
    'anomaly_astre_row_key_fkey',
    'FOREIGN KEY (astre_row_key) REFERENCES astre_invoice(row_key) ON DELETE CASCADE',
  ],
  [
    'anomaly_event',
    'anomaly_event_anomaly_id_fkey',
    'FOREIGN KEY (anomaly_id) REFERENCES anomaly(id) ON DELETE CASCADE',
  ],
  [
    'astre_invoice',
    'astre_invoice_first_import_id_fkey',
    'FOREIGN KEY (first_import_id) REFERENCES astre_import(id)',
  ],
  [
    'astre_invoice',
    'astre_invoice_last_import_id_fkey',
    'FOREIGN KEY (last_import_id) REFERENCES astre_import(id)',
  ],
  [
    'astre_engagement',
    'astre_engagement_first_import_id_fkey',
    'FOREIGN KEY (first_import_id) REFERENCES astre_import(id)',
  ],
  [
    'astre_engagement',
    'astre_engagement_last_import_id_fkey',
    'FOREIGN KEY (last_import_id) REFERENCES astre_import(id)',
  ],
];

const STAGING_INDEXES: readonly (readonly [name: string, definition: string])[] = [
  ['astre_invoice_staging_import_idx', 'astre_invoice_staging (import_id, row_key)'],
  ['astre_engagement_staging_import_idx', 'astre_engagement_staging (import_id, row_key)'],
];
