import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersSessionsAudit1764000100000 implements MigrationInterface {
  name = 'UsersSessionsAudit1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL,
        display_name varchar(120) NOT NULL,
        password_hash text,
        role varchar(20) NOT NULL CONSTRAINT app_user_role_check CHECK (role IN ('agent', 'gestionnaire', 'admin')),
        budget_codes char(2)[],
        active boolean NOT NULL DEFAULT true,
        demo boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_sign_in_at timestamptz
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX app_user_email_unique ON app_user (lower(email))');

    await queryRunner.query(`
      CREATE TABLE user_session (
        token_hash char(64) PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        csrf_token char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ip varchar(64),
        user_agent varchar(300)
      )`);
    await queryRunner.query('CREATE INDEX user_session_user_idx ON user_session (user_id)');
    await queryRunner.query('CREATE INDEX user_session_expires_idx ON user_session (expires_at)');

    await queryRunner.query(`
      CREATE TABLE sign_in_throttle (
        key varchar(300) PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz
      )`);

    await queryRunner.query(`
      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_email varchar(254),
        action varchar(60) NOT NULL,
        target_type varchar(40),
        target_id varchar(120),
        before jsonb,
        after jsonb,
        ip varchar(64),
        outcome varchar(20) NOT NULL DEFAULT 'success'
      )`);
    await queryRunner.query('CREATE INDEX audit_event_at_idx ON audit_event (at DESC)');
    await queryRunner.query('CREATE INDEX audit_event_action_idx ON audit_event (action, at DESC)');
    await queryRunner.query(
      'CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, at DESC)',
    );
    // The audit trail is append-only, whatever the application does.
    await queryRunner.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_event');
    await queryRunner.query('DROP FUNCTION audit_event_append_only()');
    await queryRunner.query('DROP TABLE sign_in_throttle');
    await queryRunner.query('DROP TABLE user_session');
    await queryRunner.query('DROP TABLE app_user');
  }
}
