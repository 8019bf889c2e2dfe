import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The anomaly list reads one table. The columns the list shows, filters and sorts on (invoice
 * number, supplier, amount, Chorus status, payment-delay figures, assignee name…) are copied onto
 * the anomaly row — by the reconciliation for what comes from Chorus Pro, ASTRE and the
 * payment-delay clock, by a trigger for the assignee's name — so that a filter, a sort, a page and
 * a count over hundreds of thousands of anomalies never join the invoice tables.
 *
 * Every sort of the list has an index ending with `id` (the tie-breaker): the page is then read in
 * index order, forwards or backwards. Columns that can be empty have a second index for the
 * descending order, the list putting empty values last both ways. Free-text search uses trigram
 * indexes (pg_trgm, a trusted extension of PostgreSQL's standard distribution).
 */
export class AnomalyListColumns1764000700000 implements MigrationInterface {
  name = 'AnomalyListColumns1764000700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query(`
      ALTER TABLE anomaly
        ADD COLUMN budget_code varchar(2),
        ADD COLUMN invoice_number varchar(200) NOT NULL DEFAULT '',
        ADD COLUMN supplier_siret varchar(20),
        ADD COLUMN supplier_name varchar(300) NOT NULL DEFAULT '',
        ADD COLUMN amount_ttc numeric(15,2),
        ADD COLUMN chorus_status varchar(60),
        ADD COLUMN engagement varchar(300),
        ADD COLUMN status_at timestamptz,
        ADD COLUMN dgp_due_date date,
        ADD COLUMN dgp_days_left integer,
        ADD COLUMN dgp_days_late integer,
        ADD COLUMN euros_at_risk numeric(15,2) NOT NULL DEFAULT 0,
        ADD COLUMN assignee_name varchar(120),
        ADD COLUMN search_text text GENERATED ALWAYS AS (
          invoice_number || E'\\x1f' || supplier_name || E'\\x1f' || coalesce(engagement, '')
        ) STORED`);
    await queryRunner.query(`
      UPDATE anomaly a SET
        budget_code = b.code,
        invoice_number = coalesce(c.numero_facture, ai.invoice_number, ''),
        supplier_siret = coalesce(c.code_fournisseur, ai.supplier_siret),
        supplier_name = coalesce(c.designation_fournisseur, ai.supplier_name, ''),
        amount_ttc = coalesce(c.montant_ttc, ai.amount_ttc),
        chorus_status = c.statut,
        engagement = c.numero_bon_commande,
        status_at = c.date_heure_etat_courant,
        dgp_due_date = p.due_date,
        dgp_days_left = p.days_left,
        dgp_days_late = p.days_late,
        euros_at_risk = coalesce(p.euros_at_risk, 0),
        assignee_name = u.display_name
      FROM anomaly x
      JOIN budget b ON b.id = x.budget_id
      LEFT JOIN chorus_invoice c ON c.id_facture = x.id_facture
      LEFT JOIN astre_invoice ai ON ai.row_key = x.astre_row_key AND x.id_facture IS NULL
      LEFT JOIN invoice_payment_delay p ON p.id_facture = x.id_facture
      LEFT JOIN app_user u ON u.id = x.assignee_id
      WHERE a.id = x.id`);
    await queryRunner.query('ALTER TABLE anomaly ALTER COLUMN budget_code SET NOT NULL');

    // The assignee's name follows the assignment and the user's renaming.
    await queryRunner.query(`
      CREATE FUNCTION anomaly_set_assignee_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.assignee_name := (SELECT display_name FROM app_user WHERE id = NEW.assignee_id);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER anomaly_assignee_name BEFORE INSERT OR UPDATE OF assignee_id ON anomaly
      FOR EACH ROW EXECUTE FUNCTION anomaly_set_assignee_name()`);
    await queryRunner.query(`
      CREATE FUNCTION app_user_propagate_display_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE anomaly SET assignee_name = NEW.display_name WHERE assignee_id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER app_user_display_name AFTER UPDATE OF display_name ON app_user
      FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name)
      EXECUTE FUNCTION app_user_propagate_display_name()`);

    for (const sql of INDEXES) {
      await queryRunner.query(sql);
    }
    // Replaced by the indexes above.
    for (const name of REPLACED.map(([replaced]) => replaced)) {
      await queryRunner.query(`DROP INDEX ${name}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name, definition] of REPLACED) {
      await queryRunner.query(`CREATE INDEX ${name} ON anomaly ${definition}`);
    }
    for (const name of INDEX_NAMES) {
      await queryRunner.query(`DROP INDEX ${name}`);
    }
    await queryRunner.query('DROP TRIGGER app_user_display_name ON app_user');
    await queryRunner.query('DROP FUNCTION app_user_propagate_display_name()');
    await queryRunner.query('DROP TRIGGER anomaly_assignee_name ON anomaly');
    await queryRunner.query('DROP FUNCTION anomaly_set_assignee_name()');
    await queryRunner.query(`
      ALTER TABLE anomaly
        DROP COLUMN search_text, DROP COLUMN budget_code, DROP COLUMN invoice_number,
        DROP COLUMN supplier_siret, DROP COLUMN supplier_name, DROP COLUMN amount_ttc,
        DROP COLUMN chorus_status, DROP COLUMN engagement, DROP COLUMN status_at,
        DROP COLUMN dgp_due_date, DROP COLUMN dgp_days_left, DROP COLUMN dgp_days_late,
        DROP COLUMN euros_at_risk, DROP COLUMN assignee_name`);
  }
}

/**
 * Columns every sort index carries besides its key, for the list's usual filters: the page is then
 * found by an index-only scan that skips non-matching entries without visiting the table.
 */
const FILTERED = 'INCLUDE (state, code, severity, budget_code, assignee_id, amount_ttc)';

const INDEX_DEFINITIONS: readonly (readonly [name: string, definition: string])[] = [
  ['anomaly_list_state_idx', `(state, id) ${FILTERED}`],
  [
    'anomaly_list_severity_idx',
    `((CASE severity WHEN 'CRITIQUE' THEN 1 WHEN 'MAJEURE' THEN 2 ELSE 3 END), id) ${FILTERED}`,
  ],
  ['anomaly_list_first_detected_idx', `(first_detected_at, id) ${FILTERED}`],
  ['anomaly_list_budget_idx', `(budget_code, id) ${FILTERED}`],
  ['anomaly_list_code_idx', `(code, id) ${FILTERED}`],
  ['anomaly_list_invoice_number_idx', `(invoice_number, id) ${FILTERED}`],
  ['anomaly_list_supplier_name_idx', `(supplier_name, id) ${FILTERED}`],
  ['anomaly_list_amount_idx', `(amount_ttc, id) ${FILTERED}`],
  ['anomaly_list_amount_desc_idx', `(amount_ttc DESC NULLS LAST, id DESC) ${FILTERED}`],
  ['anomaly_list_chorus_status_idx', `(chorus_status, id) ${FILTERED}`],
  ['anomaly_list_chorus_status_desc_idx', `(chorus_status DESC NULLS LAST, id DESC) ${FILTERED}`],
  ['anomaly_list_status_at_idx', `(status_at, id) ${FILTERED}`],
  ['anomaly_list_status_at_desc_idx', `(status_at DESC NULLS LAST, id DESC) ${FILTERED}`],
  ['anomaly_list_dgp_days_left_idx', `(dgp_days_left, id) ${FILTERED}`],
  ['anomaly_list_dgp_days_left_desc_idx', `(dgp_days_left DESC NULLS LAST, id DESC) ${FILTERED}`],
  ['anomaly_list_euros_at_risk_idx', `(euros_at_risk, id) ${FILTERED}`],
  ['anomaly_list_assignee_name_idx', `(assignee_name, id) ${FILTERED}`],
  ['anomaly_list_assignee_name_desc_idx', `(assignee_name DESC NULLS LAST, id DESC) ${FILTERED}`],
  // Counting the matches of the usual filters without visiting the table.
  [
    'anomaly_list_count_idx',
    '(state, code, severity, budget_code) INCLUDE (assignee_id, amount_ttc, euros_at_risk, first_detected_at, chorus_status, supplier_siret)',
  ],
  ['anomaly_list_supplier_siret_idx', '(supplier_siret text_pattern_ops)'],
  // Free text and the supplier-name filter (search_text holds the name).
  ['anomaly_list_search_trgm_idx', 'USING gin (search_text gin_trgm_ops)'],
];

/** Indexes of earlier migrations that the ones above replace. */
const REPLACED: readonly (readonly [name: string, definition: string])[] = [
  ['anomaly_state_budget_idx', '(state, budget_id)'],
  ['anomaly_code_state_idx', '(code, state)'],
  ['anomaly_state_id_idx', '(state, id)'],
  [
    'anomaly_severity_rank_idx',
    `((CASE severity WHEN 'CRITIQUE' THEN 1 WHEN 'MAJEURE' THEN 2 ELSE 3 END), id)`,
  ],
  ['anomaly_first_detected_idx', '(first_detected_at, id)'],
];

const INDEXES = INDEX_DEFINITIONS.map(
  ([name, definition]) => `CREATE INDEX ${name} ON anomaly ${definition}`,
);
const INDEX_NAMES = INDEX_DEFINITIONS.map(([name]) => name);
