import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChorusSync1764000200000 implements MigrationInterface {
  name = 'ChorusSync1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per received invoice, keyed by Chorus Pro's idFacture; the latest state seen.
    await queryRunner.query(`
      CREATE TABLE chorus_invoice (
        id_facture bigint PRIMARY KEY,
        budget_id smallint NOT NULL REFERENCES budget(id),
        numero_facture varchar(100) NOT NULL,
        type_demande_paiement varchar(40),
        type_facture varchar(40),
        code_fournisseur varchar(60),
        type_identifiant_fournisseur varchar(40),
        designation_fournisseur varchar(300),
        id_destinataire bigint,
        code_destinataire varchar(60),
        id_service_executant bigint,
        code_service_executant varchar(150),
        nom_service_executant varchar(300),
        date_facture date,
        date_depot date,
        montant_ht numeric(15,2),
        montant_ttc numeric(15,2),
        montant_a_payer numeric(15,2),
        devise varchar(3),
        statut varchar(60) NOT NULL,
        numero_marche varchar(150),
        numero_bon_commande varchar(300),
        facture_telechargee boolean,
        date_heure_etat_courant timestamptz,
        commentaire_etat_courant text,
        first_mad_at timestamptz,
        first_mad_source varchar(20),
        history_checked_at timestamptz,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX chorus_invoice_budget_status_idx ON chorus_invoice (budget_id, statut)',
    );
    await queryRunner.query(
      'CREATE INDEX chorus_invoice_supplier_number_idx ON chorus_invoice (code_fournisseur, upper(btrim(numero_facture)))',
    );
    await queryRunner.query(`CREATE INDEX chorus_invoice_history_todo_idx ON chorus_invoice (budget_id)
      WHERE first_mad_at IS NULL AND history_checked_at IS NULL`);

    // Every status change observed, by the sync or read from consulter/historique.
    await queryRunner.query(`
      CREATE TABLE invoice_status_event (
        id_facture bigint NOT NULL REFERENCES chorus_invoice(id_facture) ON DELETE CASCADE,
        statut varchar(60) NOT NULL,
        at timestamptz NOT NULL,
        commentaire text,
        source varchar(20) NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id_facture, at, statut)
      )`);

    await queryRunner.query(`
      CREATE TABLE chorus_structure (
        budget_id smallint PRIMARY KEY REFERENCES budget(id),
        id_structure_cpp bigint NOT NULL,
        designation varchar(300),
        resolved_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE chorus_service (
        budget_id smallint NOT NULL REFERENCES budget(id),
        id_service bigint NOT NULL,
        code_service varchar(150) NOT NULL,
        libelle varchar(300),
        actif boolean NOT NULL DEFAULT true,
        refreshed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (budget_id, id_service)
      )`);

    // Where each budget's next incremental window starts; moves only after a whole window committed.
    await queryRunner.query(`
      CREATE TABLE budget_sync_state (
        budget_id smallint PRIMARY KEY REFERENCES budget(id),
        watermark timestamptz NOT NULL,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        last_error text
      )`);

    await queryRunner.query(`
      CREATE TABLE sync_run (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        trigger varchar(20) NOT NULL,
        requested_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        status varchar(20) NOT NULL,
        error text
      )`);
    await queryRunner.query('CREATE INDEX sync_run_started_idx ON sync_run (started_at DESC)');

    await queryRunner.query(`
      CREATE TABLE sync_budget_run (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sync_run_id bigint NOT NULL REFERENCES sync_run(id) ON DELETE CASCADE,
        budget_id smallint NOT NULL REFERENCES budget(id),
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        status varchar(20) NOT NULL,
        window_from timestamptz,
        window_to timestamptz,
        pages_declared integer NOT NULL DEFAULT 0,
        pages_read integer NOT NULL DEFAULT 0,
        invoices_declared integer NOT NULL DEFAULT 0,
        invoices_seen integer NOT NULL DEFAULT 0,
        invoices_new integer NOT NULL DEFAULT 0,
        invoices_changed integer NOT NULL DEFAULT 0,
        events_created integer NOT NULL DEFAULT 0,
        history_calls integer NOT NULL DEFAULT 0,
        error text,
        warning text,
        UNIQUE (sync_run_id, budget_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX sync_budget_run_budget_idx ON sync_budget_run (budget_id, started_at DESC)',
    );

    await queryRunner.query(`
      CREATE TABLE chorus_account_health (
        id smallint PRIMARY KEY CHECK (id = 1),
        password_expires_at date,
        checked_at timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        last_error text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'chorus_account_health',
      'sync_budget_run',
      'sync_run',
      'budget_sync_state',
      'chorus_service',
      'chorus_structure',
      'invoice_status_event',
      'chorus_invoice',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
