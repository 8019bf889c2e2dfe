import {
  ANOMALY_CATALOGUE,
  ANOMALY_CODES,
  ASTRE_STATES,
  CHORUS_RECIPIENT_STATUSES,
  astreIsAhead,
  engagementAbsentSql,
  engagementMalformedSql,
  ENGAGEMENT_PATTERN_SQL,
  parisCalendarDate,
  type AnomalyCode,
} from '@cd31/domain';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { refreshPaymentDelays } from './payment-delay.step';
import {
  loadBudgetThresholds,
  loadInterestRates,
  type BudgetThresholds,
} from './reconciliation-settings';

export type ReconciliationScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'invoices'; readonly ids: readonly number[] };

export interface ReconciliationResult {
  readonly runId: number;
  readonly scope: 'all' | 'invoices';
  readonly invoices: number;
  readonly matched: number;
  readonly detected: number;
  readonly opened: number;
  readonly reopened: number;
  readonly resolved: number;
  readonly durationMs: number;
}

const RECONCILIATION_LOCK_KEY = 3_100_000_002;

/** Why an anomaly resolved itself, in the words the agents read in its history. */
const RESOLUTION_REASONS: Readonly<Record<AnomalyCode, string>> = {
  MAD_NON_INTEGREE: 'La facture est intégrée dans ASTRE ou n’est plus en mise à disposition.',
  MAD_STATUT_NON_REMONTE: 'Le statut Chorus Pro a rejoint celui d’ASTRE.',
  MAD_EN_TRAITEMENT: 'La facture a avancé dans son traitement.',
  ABSENTE_CHORUS: 'La facture a été lue dans Chorus Pro, ou la ligne ASTRE a changé.',
  BUDGET_INCOHERENT: 'Le budget ASTRE, l’engagement et le SIRET destinataire concordent désormais.',
  ENGAGEMENT_ABSENT: 'Un numéro d’engagement a été renseigné.',
  ENGAGEMENT_MAL_FORME: 'Le numéro d’engagement est désormais bien formé.',
  ENGAGEMENT_INCONNU: 'Le numéro d’engagement figure désormais parmi les engagements ASTRE.',
  CODE_SERVICE_ABSENT: 'Un code service a été renseigné.',
  CODE_SERVICE_INCONNU: 'Le code service est désormais un service du budget.',
  DOUBLON: 'Il n’y a plus de doublon actif (copie rejetée ou numéro corrigé).',
  AVOIR_DEPOSE: 'L’avoir n’est plus en circulation.',
  MONTANT_DIVERGENT: 'Les montants Chorus Pro et ASTRE concordent.',
  A_RECYCLER_SANS_REPONSE: 'La facture a changé de statut : le fournisseur a répondu.',
  DGP_DEPASSE: 'La facture est mandatée ou n’est plus dans le délai de paiement.',
  DGP_MENACE: 'La facture est mandatée ou n’est plus menacée de retard.',
};

/** (Chorus status, ASTRE state) pairs where ASTRE is further: generated from the domain rule. */
const ASTRE_AHEAD_PAIRS = CHORUS_RECIPIENT_STATUSES.flatMap((chorus) =>
  ASTRE_STATES.filter((astre) => astreIsAhead(chorus, astre)).map(
    (astre) => `('${chorus}','${astre}')`,
  ),
).join(', ');

const CATALOGUE_VALUES = ANOMALY_CODES.map(
  (code) =>
    `('${code}', '${ANOMALY_CATALOGUE[code].severity}', '${ANOMALY_CATALOGUE[code].actor}', '${RESOLUTION_REASONS[code].replace(/'/g, "''")}')`,
).join(', ');

/**
 * Reconciliation and anomaly detection (domain.md §6–§8), set-based: match Chorus invoices to ASTRE
 * rows, refresh the payment-delay clocks, derive the anomalies, then merge them into the anomaly
 * table — new ones open, vanished ones resolve themselves (reason recorded), returning ones reopen,
 * and what people set (assignee, notes, ignored/resolved by hand) is never overwritten.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(
    scope: ReconciliationScope,
    trigger: string,
    now = new Date(),
  ): Promise<ReconciliationResult> {
    const started = Date.now();
    const result = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [RECONCILIATION_LOCK_KEY]);
      const scopeTable = scope.kind === 'all' ? null : await this.prepareScope(manager, scope.ids);
      const invoices = await count(
        manager,
        scopeTable ? `SELECT count(*) FROM ${scopeTable}` : `SELECT count(*) FROM chorus_invoice`,
      );
      const matched = await this.match(manager, scopeTable);
      const thresholds = await loadBudgetThresholds(manager);
      await refreshPaymentDelays(
        manager,
        scopeTable,
        now,
        thresholds,
        await loadInterestRates(manager),
      );
      const detected = await this.detect(manager, scopeTable, thresholds, now);
      const merged = await this.merge(manager, scopeTable);
      const [run] = await manager.query<{ id: string }[]>(
        `INSERT INTO reconciliation_run (trigger, scope, ended_at, invoices, matched, detected, opened, reopened, resolved, duration_ms)
         VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          trigger,
          scope.kind,
          invoices,
          matched,
          detected,
          merged.opened,
          merged.reopened,
          merged.resolved,
          Date.now() - started,
        ],
      );
      return {
        runId: Number(run?.id),
        scope: scope.kind,
        invoices,
        matched,
        detected,
        ...merged,
        durationMs: Date.now() - started,
      };
    });
    this.logger.log({ msg: 'reconciliation done', trigger, ...result });
    return result;
  }

  /** The invoices to recompute, plus those sharing their supplier + number (duplicates). */
  private async prepareScope(manager: EntityManager, ids: readonly number[]): Promise<string> {
    await manager.query(`CREATE TEMP TABLE recon_scope (id bigint PRIMARY KEY) ON COMMIT DROP`);
    await manager.query(
      `INSERT INTO recon_scope (id)
       SELECT c.id_facture FROM chorus_invoice c WHERE c.id_facture = ANY($1::bigint[])
       UNION
       SELECT o.id_facture FROM chorus_invoice c
         JOIN chorus_invoice o ON o.code_fournisseur = c.code_fournisseur
                              AND upper(btrim(o.numero_facture)) = upper(btrim(c.numero_facture))
        WHERE c.id_facture = ANY($1::bigint[])`,
      [ids],
    );
    await manager.query('ANALYZE recon_scope');
    return 'recon_scope';
  }

  /** domain.md §6: by Chorus id first, else supplier SIRET + invoice number (+ amount TTC), across budgets. */
  private async match(manager: EntityManager, scopeTable: string | null): Promise<number> {
    const inScope = scopeTable ? `AND c.id_facture IN (SELECT id FROM ${scopeTable})` : '';
    await manager.query(
      scopeTable
        ? `DELETE FROM invoice_match WHERE id_facture IN (SELECT id FROM ${scopeTable})`
        : `TRUNCATE invoice_match`,
    );
    await manager.query(
      `INSERT INTO invoice_match (id_facture, astre_row_key, method)
       SELECT DISTINCT ON (c.id_facture) c.id_facture, a.row_key, 'chorus_id'
         FROM chorus_invoice c
         JOIN budget b ON b.id = c.budget_id
         JOIN astre_invoice a ON a.chorus_invoice_id = c.id_facture
        WHERE true ${inScope}
        ORDER BY c.id_facture, (a.budget_code = b.code) DESC, a.row_key`,
    );
    // An ASTRE row without Chorus id matches the one invoice of that supplier and number, or, when
    // several share them, the one with its amount; otherwise it stays unmatched.
    await manager.query(
      `WITH candidate AS (
         SELECT a.row_key, c.id_facture,
                abs(a.amount_ttc - c.montant_ttc) < 0.005 AS same_amount,
                count(*) OVER (PARTITION BY a.row_key) AS candidates,
                count(*) FILTER (WHERE abs(a.amount_ttc - c.montant_ttc) < 0.005) OVER (PARTITION BY a.row_key) AS same_amount_candidates
           FROM astre_invoice a
           JOIN chorus_invoice c ON c.code_fournisseur = a.supplier_siret
                                AND upper(btrim(c.numero_facture)) = a.invoice_number_norm
          WHERE a.chorus_invoice_id IS NULL ${inScope}
            AND NOT EXISTS (SELECT 1 FROM invoice_match m WHERE m.id_facture = c.id_facture)
       )
       INSERT INTO invoice_match (id_facture, astre_row_key, method)
       SELECT DISTINCT ON (id_facture) id_facture, row_key,
              CASE WHEN candidates = 1 THEN 'supplier_number' ELSE 'supplier_number_amount' END
         FROM candidate
        WHERE candidates = 1 OR (same_amount AND same_amount_candidates = 1)
        ORDER BY id_facture, candidates, row_key`,
    );
    return count(
      manager,
      scopeTable
        ? `SELECT count(*) FROM invoice_match WHERE id_facture IN (SELECT id FROM ${scopeTable})`
        : `SELECT count(*) FROM invoice_match`,
    );
  }

  /** Every anomaly condition of domain.md §7, evaluated now, into the temp table `detected`. */
  private async detect(
    manager: EntityManager,
    scopeTable: string | null,
    thresholds: readonly BudgetThresholds[],
    now: Date,
  ): Promise<number> {
    await manager.query(`
      CREATE TEMP TABLE detected (
        code varchar(40) NOT NULL,
        subject_key varchar(320) NOT NULL,
        id_facture bigint,
        astre_row_key varchar(300),
        budget_id smallint NOT NULL,
        details jsonb NOT NULL,
        PRIMARY KEY (code, subject_key)
      ) ON COMMIT DROP`);
    await manager.query(
      `CREATE TEMP TABLE recon_threshold ON COMMIT DROP AS
       SELECT * FROM unnest($1::smallint[], $2::int[], $3::int[], $4::int[], $5::int[])
         AS t(budget_id, mad_non_integree_days, mad_en_traitement_days, a_recycler_days, tolerance_cents)`,
      [
        thresholds.map((t) => t.budgetId),
        thresholds.map((t) => t.thresholds.madNonIntegreeDays),
        thresholds.map((t) => t.thresholds.madEnTraitementDays),
        thresholds.map((t) => t.thresholds.aRecyclerSansReponseDays),
        thresholds.map((t) => t.thresholds.montantDivergentToleranceCents),
      ],
    );
    const inScope = scopeTable ? `AND c.id_facture IN (SELECT id FROM ${scopeTable})` : '';
    // One row per invoice with what every rule needs; rejected invoices carry no anomaly.
    await manager.query(
      `CREATE TEMP TABLE recon_invoice ON COMMIT DROP AS
       SELECT c.id_facture, c.budget_id, b.code AS budget_code, c.statut, c.type_facture,
              c.code_fournisseur, upper(btrim(c.numero_facture)) AS numero_norm, c.numero_bon_commande,
              c.code_service_executant, c.montant_ttc,
              ($1::date - (c.date_heure_etat_courant AT TIME ZONE 'Europe/Paris')::date) AS days_in_status,
              m.astre_row_key, a.budget_code AS astre_budget, a.etat AS astre_etat, a.amount_ttc AS astre_amount,
              t.mad_non_integree_days, t.mad_en_traitement_days, t.a_recycler_days, t.tolerance_cents
         FROM chorus_invoice c
         JOIN budget b ON b.id = c.budget_id
         JOIN recon_threshold t ON t.budget_id = c.budget_id
         LEFT JOIN invoice_match m ON m.id_facture = c.id_facture
         LEFT JOIN astre_invoice a ON a.row_key = m.astre_row_key
        WHERE c.statut <> 'REJETEE' ${inScope}`,
      [parisCalendarDate(now)],
    );
    await manager.query('ANALYZE recon_invoice');

    const insert = (sql: string): Promise<unknown> =>
      manager.query(`INSERT INTO detected (code, subject_key, id_facture, astre_row_key, budget_id, details)
                     ${sql}
                     ON CONFLICT (code, subject_key) DO UPDATE SET details = detected.details || excluded.details`);
    const subject = `'F:' || r.id_facture`;

    await insert(`
      SELECT 'MAD_NON_INTEGREE', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('daysInStatus', r.days_in_status)
        FROM recon_invoice r
       WHERE r.statut = 'MISE_A_DISPOSITION' AND r.astre_row_key IS NULL AND r.days_in_status > r.mad_non_integree_days`);
    await insert(`
      SELECT 'MAD_EN_TRAITEMENT', ${subject}, r.id_facture, r.astre_row_key, r.budget_id, jsonb_build_object('daysInStatus', r.days_in_status)
        FROM recon_invoice r
       WHERE r.statut = 'MISE_A_DISPOSITION' AND r.astre_etat = 'INTEGREE' AND r.days_in_status > r.mad_en_traitement_days`);
    await insert(`
      SELECT 'MAD_STATUT_NON_REMONTE', ${subject}, r.id_facture, r.astre_row_key, r.budget_id,
             jsonb_build_object('chorusStatus', r.statut, 'astreEtat', r.astre_etat)
        FROM recon_invoice r
       WHERE (r.statut, r.astre_etat) IN (${ASTRE_AHEAD_PAIRS})`);
    await insert(`
      SELECT 'MONTANT_DIVERGENT', ${subject}, r.id_facture, r.astre_row_key, r.budget_id,
             jsonb_build_object('chorusAmount', r.montant_ttc, 'astreAmount', r.astre_amount, 'difference', r.montant_ttc - r.astre_amount)
        FROM recon_invoice r
       WHERE r.astre_row_key IS NOT NULL AND abs(r.montant_ttc - r.astre_amount) * 100 > r.tolerance_cents`);
    await insert(`
      SELECT 'BUDGET_INCOHERENT', ${subject}, r.id_facture, r.astre_row_key, r.budget_id,
             jsonb_build_object('astreBudget', r.astre_budget, 'expectedSiret', ab.siret)
        FROM recon_invoice r LEFT JOIN budget ab ON ab.code = r.astre_budget
       WHERE r.astre_row_key IS NOT NULL AND r.astre_budget <> r.budget_code`);

    // Engagements: absent, malformed, unknown to ASTRE, or engaged on another budget.
    const engagement = 'r.numero_bon_commande';
    await insert(`
      SELECT 'ENGAGEMENT_ABSENT', ${subject}, r.id_facture, NULL, r.budget_id, '{}'::jsonb
        FROM recon_invoice r WHERE ${engagementAbsentSql(engagement)}`);
    await insert(`
      SELECT 'ENGAGEMENT_MAL_FORME', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('value', ${engagement})
        FROM recon_invoice r WHERE ${engagementMalformedSql(engagement)}`);
    await manager.query(`
      CREATE TEMP TABLE recon_engagement ON COMMIT DROP AS
      SELECT engagement_norm, array_agg(DISTINCT budget_code ORDER BY budget_code) AS budgets
        FROM astre_engagement GROUP BY engagement_norm`);
    await insert(`
      SELECT 'ENGAGEMENT_INCONNU', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('value', ${engagement})
        FROM recon_invoice r LEFT JOIN recon_engagement e ON e.engagement_norm = ${engagement}
       WHERE ${engagement} ~ '${ENGAGEMENT_PATTERN_SQL}' AND e.engagement_norm IS NULL
         AND EXISTS (SELECT 1 FROM astre_engagement)`);
    await insert(`
      SELECT 'BUDGET_INCOHERENT', ${subject}, r.id_facture, NULL, r.budget_id,
             jsonb_build_object('engagement', ${engagement}, 'engagementBudgets', to_jsonb(e.budgets),
                                'expectedSiret', (SELECT siret FROM budget WHERE code = e.budgets[1]))
        FROM recon_invoice r JOIN recon_engagement e ON e.engagement_norm = ${engagement}
       WHERE ${engagement} ~ '${ENGAGEMENT_PATTERN_SQL}' AND NOT (r.budget_code = ANY(e.budgets))`);

    // Code service: absent, or not a service of the budget (once Chorus Pro told us its services).
    await insert(`
      SELECT 'CODE_SERVICE_ABSENT', ${subject}, r.id_facture, NULL, r.budget_id, '{}'::jsonb
        FROM recon_invoice r WHERE r.code_service_executant IS NULL OR btrim(r.code_service_executant) = ''`);
    await insert(`
      SELECT 'CODE_SERVICE_INCONNU', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('value', r.code_service_executant)
        FROM recon_invoice r
       WHERE btrim(r.code_service_executant) <> ''
         AND EXISTS (SELECT 1 FROM chorus_service s WHERE s.budget_id = r.budget_id)
         AND NOT EXISTS (SELECT 1 FROM chorus_service s
                          WHERE s.budget_id = r.budget_id
                            AND upper(btrim(s.code_service)) = upper(btrim(r.code_service_executant)))`);

    await insert(`
      SELECT 'DOUBLON', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('others', d.others)
        FROM recon_invoice r
        JOIN LATERAL (
          SELECT jsonb_agg(o.id_facture ORDER BY o.id_facture) AS others
            FROM chorus_invoice o
           WHERE o.code_fournisseur = r.code_fournisseur AND upper(btrim(o.numero_facture)) = r.numero_norm
             AND o.id_facture <> r.id_facture AND o.statut <> 'REJETEE'
        ) d ON d.others IS NOT NULL`);
    await insert(`
      SELECT 'AVOIR_DEPOSE', ${subject}, r.id_facture, NULL, r.budget_id, '{}'::jsonb
        FROM recon_invoice r WHERE r.type_facture = 'AVOIR'`);
    await insert(`
      SELECT 'A_RECYCLER_SANS_REPONSE', ${subject}, r.id_facture, NULL, r.budget_id,
             jsonb_build_object('status', r.statut, 'daysInStatus', r.days_in_status)
        FROM recon_invoice r
       WHERE r.statut IN ('A_RECYCLER', 'SUSPENDUE') AND r.days_in_status > r.a_recycler_days`);
    await insert(`
      SELECT p.anomaly, ${subject}, r.id_facture, NULL, r.budget_id,
             jsonb_build_object('daysLate', p.days_late, 'dueDate', p.due_date, 'eurosAtRisk', p.euros_at_risk)
        FROM recon_invoice r JOIN invoice_payment_delay p ON p.id_facture = r.id_facture
       WHERE p.anomaly IS NOT NULL`);

    // ASTRE rows naming a Chorus invoice the sync never saw (always evaluated in full: cheap). Rows
    // integrated before the budget's first sync window are out of the sync's reach, not missing.
    await insert(`
      SELECT 'ABSENTE_CHORUS', 'A:' || a.row_key, NULL, a.row_key, b.id,
             jsonb_build_object('chorusInvoiceId', a.chorus_invoice_id, 'invoiceNumber', a.invoice_number,
                                'supplierSiret', a.supplier_siret, 'amountTtc', a.amount_ttc)
        FROM astre_invoice a
        JOIN budget b ON b.code = a.budget_code
        JOIN budget_sync_state s ON s.budget_id = b.id
       WHERE a.chorus_invoice_id IS NOT NULL
         AND a.integration_date >= (s.backfill_from AT TIME ZONE 'Europe/Paris')::date
         AND NOT EXISTS (SELECT 1 FROM chorus_invoice c WHERE c.id_facture = a.chorus_invoice_id)`);
    return count(manager, 'SELECT count(*) FROM detected');
  }

  private async merge(
    manager: EntityManager,
    scopeTable: string | null,
  ): Promise<{ opened: number; reopened: number; resolved: number }> {
    const [upsert] = await manager.query<{ opened: number; reopened: number }[]>(`
      WITH catalogue (code, severity, actor, reason) AS (VALUES ${CATALOGUE_VALUES}),
      previous AS (
        SELECT a.id, a.state, a.condition_present
          FROM anomaly a JOIN detected d ON d.code = a.code AND d.subject_key = a.subject_key
      ),
      upserted AS (
        INSERT INTO anomaly AS a (code, subject_key, id_facture, astre_row_key, budget_id, severity, actor, details)
        SELECT d.code, d.subject_key, d.id_facture, d.astre_row_key, d.budget_id, k.severity, k.actor, d.details
          FROM detected d JOIN catalogue k ON k.code = d.code
        ON CONFLICT (code, subject_key) DO UPDATE SET
          details = excluded.details,
          budget_id = excluded.budget_id,
          astre_row_key = excluded.astre_row_key,
          severity = excluded.severity,
          actor = excluded.actor,
          last_detected_at = now(),
          condition_present = true,
          state = CASE WHEN NOT a.condition_present AND a.state = 'RESOLUE' THEN 'OUVERTE' ELSE a.state END,
          resolved_at = CASE WHEN NOT a.condition_present AND a.state = 'RESOLUE' THEN NULL ELSE a.resolved_at END,
          resolution_reason = CASE WHEN NOT a.condition_present AND a.state = 'RESOLUE' THEN NULL ELSE a.resolution_reason END,
          resolved_automatically = CASE WHEN NOT a.condition_present AND a.state = 'RESOLUE' THEN false ELSE a.resolved_automatically END,
          updated_at = CASE WHEN NOT a.condition_present AND a.state = 'RESOLUE' THEN now() ELSE a.updated_at END
        RETURNING a.id, a.state, (xmax = 0) AS inserted
      ),
      events AS (
        INSERT INTO anomaly_event (anomaly_id, kind, from_state, to_state)
        SELECT u.id, CASE WHEN u.inserted THEN 'detected' ELSE 'reopened' END,
               CASE WHEN u.inserted THEN NULL ELSE p.state END, u.state
          FROM upserted u LEFT JOIN previous p ON p.id = u.id
         WHERE u.inserted OR (p.state = 'RESOLUE' AND u.state = 'OUVERTE')
        RETURNING kind
      )
      SELECT count(*) FILTER (WHERE kind = 'detected')::int AS opened,
             count(*) FILTER (WHERE kind = 'reopened')::int AS reopened
        FROM events`);

    const inScope = scopeTable
      ? `AND (x.id_facture IN (SELECT id FROM ${scopeTable}) OR x.code = 'ABSENTE_CHORUS')`
      : '';
    const [gone] = await manager.query<{ resolved: number }[]>(`
      WITH catalogue (code, severity, actor, reason) AS (VALUES ${CATALOGUE_VALUES}),
      vanished AS (
        SELECT x.id, x.state AS old_state,
               CASE WHEN c.statut = 'REJETEE' THEN 'La facture a été rejetée.' ELSE k.reason END AS reason
          FROM anomaly x
          JOIN catalogue k ON k.code = x.code
          LEFT JOIN chorus_invoice c ON c.id_facture = x.id_facture
         WHERE x.condition_present ${inScope}
           AND NOT EXISTS (SELECT 1 FROM detected d WHERE d.code = x.code AND d.subject_key = x.subject_key)
      ),
      updated AS (
        UPDATE anomaly a SET
          condition_present = false,
          state = CASE WHEN a.state IN ('OUVERTE', 'EN_COURS') THEN 'RESOLUE' ELSE a.state END,
          resolved_at = CASE WHEN a.state IN ('OUVERTE', 'EN_COURS') THEN now() ELSE a.resolved_at END,
          resolution_reason = CASE WHEN a.state IN ('OUVERTE', 'EN_COURS') THEN v.reason ELSE a.resolution_reason END,
          resolved_automatically = CASE WHEN a.state IN ('OUVERTE', 'EN_COURS') THEN true ELSE a.resolved_automatically END,
          updated_at = now()
          FROM vanished v
         WHERE a.id = v.id
        RETURNING a.id, v.old_state, a.state, v.reason
      ),
      events AS (
        INSERT INTO anomaly_event (anomaly_id, kind, from_state, to_state, details)
        SELECT u.id, 'resolved_auto', u.old_state, u.state, jsonb_build_object('reason', u.reason)
          FROM updated u WHERE u.old_state <> u.state
        RETURNING 1
      )
      SELECT count(*)::int AS resolved FROM events`);
    return {
      opened: upsert?.opened ?? 0,
      reopened: upsert?.reopened ?? 0,
      resolved: gone?.resolved ?? 0,
    };
  }
}

async function count(manager: EntityManager, sql: string): Promise<number> {
  const [row] = await manager.query<{ count: string }[]>(sql);
  return Number(row?.count ?? 0);
}
