import {
  ANOMALY_CATALOGUE,
  ANOMALY_CODES,
  ASTRE_STATES,
  CHORUS_RECIPIENT_STATUSES,
  astreIsAhead,
  engagementAbsentSql,
  engagementMalformedSql,
  parisCalendarDate,
  type AnomalyCode,
} from '@cd31/domain';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { BULK_FILL_MIN_ROWS, dropIndexesForFirstFill, isEmpty } from '../database/bulk-fill';
import { SET_BULK_WORK_MEM } from '../database/bulk-work-mem';
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
  /** New anomalies from which an empty table is filled before its list indexes are built. */
  firstFillMinRows = BULK_FILL_MIN_ROWS;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(
    scope: ReconciliationScope,
    trigger: string,
    now = new Date(),
  ): Promise<ReconciliationResult> {
    const started = Date.now();
    const steps: Record<string, number> = {};
    const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
      const stepStarted = Date.now();
      try {
        return await work();
      } finally {
        steps[step] = (steps[step] ?? 0) + Date.now() - stepStarted;
      }
    };
    const result = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [RECONCILIATION_LOCK_KEY]);
      await manager.query(SET_BULK_WORK_MEM);
      const scopeTable = scope.kind === 'all' ? null : await this.prepareScope(manager, scope.ids);
      const invoices = await count(
        manager,
        scopeTable ? `SELECT count(*) FROM ${scopeTable}` : `SELECT count(*) FROM chorus_invoice`,
      );
      const matched = await timed('match', () => this.match(manager, scopeTable));
      const thresholds = await loadBudgetThresholds(manager);
      const rates = await loadInterestRates(manager);
      await timed('paymentDelays', () =>
        refreshPaymentDelays(manager, scopeTable, now, thresholds, rates),
      );
      const detected = await timed('detect', () =>
        this.detect(manager, scopeTable, thresholds, now),
      );
      const merged = await timed('merge', () => this.merge(manager, scopeTable));
      // Fold the per-statement count changes the anomaly triggers appended (migration 0900).
      await manager.query('SELECT anomaly_count_compact()');
      const [run] = await manager.query<{ id: string }[]>(
        `INSERT INTO reconciliation_run (trigger, scope, ended_at, invoices, matched, detected, opened, reopened, resolved, duration_ms, steps)
         VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
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
          JSON.stringify(steps),
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
    this.logger.log({ msg: 'reconciliation done', trigger, ...result, steps });
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
    // The matches are computed into a temp table, then only the differences are written: a run
    // that finds the pairs the last one found writes nothing, and a pair keeps its matched_at.
    await manager.query(`
      CREATE TEMP TABLE recon_match (
        id_facture bigint PRIMARY KEY,
        astre_row_key varchar(300) NOT NULL,
        method varchar(30) NOT NULL,
        astre_budget_code varchar(2),
        astre_etat varchar(40),
        astre_amount_ttc numeric(15,2)
      ) ON COMMIT DROP`);
    await manager.query(
      `INSERT INTO recon_match (id_facture, astre_row_key, method, astre_budget_code, astre_etat, astre_amount_ttc)
       SELECT DISTINCT ON (c.id_facture) c.id_facture, a.row_key, 'chorus_id', a.budget_code, a.etat, a.amount_ttc
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
         SELECT a.row_key, c.id_facture, a.budget_code, a.etat, a.amount_ttc,
                abs(a.amount_ttc - c.montant_ttc) < 0.005 AS same_amount,
                count(*) OVER (PARTITION BY a.row_key) AS candidates,
                count(*) FILTER (WHERE abs(a.amount_ttc - c.montant_ttc) < 0.005) OVER (PARTITION BY a.row_key) AS same_amount_candidates
           FROM astre_invoice a
           JOIN chorus_invoice c ON c.code_fournisseur = a.supplier_siret
                                AND upper(btrim(c.numero_facture)) = a.invoice_number_norm
          WHERE a.chorus_invoice_id IS NULL ${inScope}
            AND NOT EXISTS (SELECT 1 FROM recon_match m WHERE m.id_facture = c.id_facture)
       )
       INSERT INTO recon_match (id_facture, astre_row_key, method, astre_budget_code, astre_etat, astre_amount_ttc)
       SELECT DISTINCT ON (id_facture) id_facture, row_key,
              CASE WHEN candidates = 1 THEN 'supplier_number' ELSE 'supplier_number_amount' END,
              budget_code, etat, amount_ttc
         FROM candidate
        WHERE candidates = 1 OR (same_amount AND same_amount_candidates = 1)
        ORDER BY id_facture, candidates, row_key`,
    );
    await manager.query('ANALYZE recon_match');
    const pair = `(m.astre_row_key, m.method, m.astre_budget_code, m.astre_etat, m.astre_amount_ttc)`;
    const newPair = `(n.astre_row_key, n.method, n.astre_budget_code, n.astre_etat, n.astre_amount_ttc)`;
    await manager.query(
      `DELETE FROM invoice_match m
        WHERE ${scopeTable ? `m.id_facture IN (SELECT id FROM ${scopeTable}) AND` : ''}
              NOT EXISTS (SELECT 1 FROM recon_match n
                           WHERE n.id_facture = m.id_facture AND ${newPair} IS NOT DISTINCT FROM ${pair})`,
    );
    await manager.query(
      `INSERT INTO invoice_match (id_facture, astre_row_key, method, astre_budget_code, astre_etat, astre_amount_ttc)
       SELECT n.id_facture, n.astre_row_key, n.method, n.astre_budget_code, n.astre_etat, n.astre_amount_ttc
         FROM recon_match n
        WHERE NOT EXISTS (SELECT 1 FROM invoice_match m WHERE m.id_facture = n.id_facture)
        ORDER BY n.id_facture`,
    );
    return count(manager, 'SELECT count(*) FROM recon_match');
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
    // Where the invoice's engagement is engaged in ASTRE (normalised number → budgets).
    await manager.query(`
      CREATE TEMP TABLE recon_engagement ON COMMIT DROP AS
      SELECT engagement_norm, array_agg(DISTINCT budget_code ORDER BY budget_code) AS budgets
        FROM astre_engagement GROUP BY engagement_norm`);
    await manager.query('ANALYZE recon_engagement');
    // One row per invoice with what every rule needs, each pattern evaluated once; rejected
    // invoices carry no anomaly.
    const engagement = 'c.numero_bon_commande';
    await manager.query(
      `CREATE TEMP TABLE recon_invoice ON COMMIT DROP AS
       SELECT c.id_facture, c.budget_id, b.code AS budget_code, c.statut, c.type_facture,
              c.code_fournisseur, upper(btrim(c.numero_facture)) AS numero_norm, c.numero_bon_commande,
              c.code_service_executant, c.montant_ttc,
              ($1::date - (c.date_heure_etat_courant AT TIME ZONE 'Europe/Paris')::date) AS days_in_status,
              m.astre_row_key, m.astre_budget_code AS astre_budget, m.astre_etat, m.astre_amount_ttc AS astre_amount,
              t.mad_non_integree_days, t.mad_en_traitement_days, t.a_recycler_days, t.tolerance_cents,
              CASE WHEN ${engagementAbsentSql(engagement)} THEN 'ABSENT'
                   WHEN ${engagementMalformedSql(engagement)} THEN 'MAL_FORME'
                   ELSE 'BIEN_FORME' END AS engagement_kind,
              e.budgets AS engagement_budgets
         FROM chorus_invoice c
         JOIN budget b ON b.id = c.budget_id
         JOIN recon_threshold t ON t.budget_id = c.budget_id
         LEFT JOIN invoice_match m ON m.id_facture = c.id_facture
         LEFT JOIN recon_engagement e ON e.engagement_norm = c.numero_bon_commande
        WHERE c.statut <> 'REJETEE' ${inScope}`,
      [parisCalendarDate(now)],
    );
    await manager.query('ANALYZE recon_invoice');

    const insert = async (sql: string): Promise<void> => {
      const ruleStarted = Date.now();
      await manager.query(`INSERT INTO detected (code, subject_key, id_facture, astre_row_key, budget_id, details)
                     ${sql}
                     ON CONFLICT (code, subject_key) DO UPDATE SET details = detected.details || excluded.details`);
      this.logger.debug(
        `rule ${/'([A-Z_]+)'/.exec(sql)?.[1] ?? '?'}: ${Date.now() - ruleStarted} ms`,
      );
    };
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

    // Engagements: absent, malformed, unknown to ASTRE, or engaged on another budget. A well-formed
    // number is already in its normal form (the pattern has no space and no lower case).
    await insert(`
      SELECT 'ENGAGEMENT_ABSENT', ${subject}, r.id_facture, NULL, r.budget_id, '{}'::jsonb
        FROM recon_invoice r WHERE r.engagement_kind = 'ABSENT'`);
    await insert(`
      SELECT 'ENGAGEMENT_MAL_FORME', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('value', r.numero_bon_commande)
        FROM recon_invoice r WHERE r.engagement_kind = 'MAL_FORME'`);
    await insert(`
      SELECT 'ENGAGEMENT_INCONNU', ${subject}, r.id_facture, NULL, r.budget_id, jsonb_build_object('value', r.numero_bon_commande)
        FROM recon_invoice r
       WHERE r.engagement_kind = 'BIEN_FORME' AND r.engagement_budgets IS NULL
         AND EXISTS (SELECT 1 FROM astre_engagement)`);
    await insert(`
      SELECT 'BUDGET_INCOHERENT', ${subject}, r.id_facture, NULL, r.budget_id,
             jsonb_build_object('engagement', r.numero_bon_commande, 'engagementBudgets', to_jsonb(r.engagement_budgets),
                                'expectedSiret', eb.siret)
        FROM recon_invoice r LEFT JOIN budget eb ON eb.code = r.engagement_budgets[1]
       WHERE r.engagement_kind = 'BIEN_FORME' AND NOT (r.budget_code = ANY(r.engagement_budgets))`);

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

    // Duplicates: other live invoices of the same supplier with the same number. A full run finds
    // the keys seen twice among its invoices (all the live ones), then gathers their ids; a scoped
    // run looks up its few invoices' groups by index.
    await manager.query(
      scopeTable
        ? `CREATE TEMP TABLE recon_duplicate ON COMMIT DROP AS
           SELECT o.code_fournisseur, upper(btrim(o.numero_facture)) AS numero_norm,
                  array_agg(o.id_facture ORDER BY o.id_facture) AS ids
             FROM chorus_invoice o
            WHERE o.statut <> 'REJETEE'
              AND (o.code_fournisseur, upper(btrim(o.numero_facture))) IN
                  (SELECT r.code_fournisseur, r.numero_norm FROM recon_invoice r)
            GROUP BY 1, 2 HAVING count(*) > 1`
        : `CREATE TEMP TABLE recon_duplicate ON COMMIT DROP AS
           WITH twice AS MATERIALIZED (
             SELECT code_fournisseur, numero_norm FROM recon_invoice
              GROUP BY 1, 2 HAVING count(*) > 1
           )
           SELECT r.code_fournisseur, r.numero_norm, array_agg(r.id_facture ORDER BY r.id_facture) AS ids
             FROM recon_invoice r JOIN twice t USING (code_fournisseur, numero_norm)
            GROUP BY 1, 2`,
    );
    await insert(`
      SELECT 'DOUBLON', ${subject}, r.id_facture, NULL, r.budget_id,
             jsonb_build_object('others', to_jsonb(array_remove(d.ids, r.id_facture)))
        FROM recon_invoice r
        JOIN recon_duplicate d ON d.code_fournisseur = r.code_fournisseur AND d.numero_norm = r.numero_norm`);
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

  /**
   * The first fill of an empty anomaly table (a new installation, hundreds of thousands of
   * anomalies at once): its indexes are built once the rows are in (see dropIndexesForFirstFill).
   */
  private async suspendIndexesForFirstFill(manager: EntityManager): Promise<() => Promise<void>> {
    const [plan] = await manager.query<{ incoming: number }[]>(
      `SELECT count(*)::int AS incoming FROM merge_plan WHERE anomaly_id IS NULL`,
    );
    const incoming = plan?.incoming ?? 0;
    if (incoming < this.firstFillMinRows || !(await isEmpty(manager, 'anomaly'))) {
      return () => Promise.resolve();
    }
    const { rebuild } = await dropIndexesForFirstFill(manager, 'anomaly');
    return async () => {
      const built = await rebuild();
      this.logger.log(`first fill: ${built} indexes built on ${incoming} anomalies`);
    };
  }

  private async merge(
    manager: EntityManager,
    scopeTable: string | null,
  ): Promise<{ opened: number; reopened: number; resolved: number }> {
    // Rows are written only when something changed: a run that finds what the last one found
    // writes nothing. The plan pairs each detection with its anomaly, if any, once.
    await manager.query(`
      CREATE TEMP TABLE merge_plan ON COMMIT DROP AS
      WITH catalogue (code, severity, actor, reason) AS (VALUES ${CATALOGUE_VALUES})
      SELECT d.code, d.subject_key, d.id_facture, d.astre_row_key, d.budget_id, k.severity, k.actor, d.details,
             ${LIST_COLUMN_VALUES},
             a.id AS anomaly_id,
             a.id IS NOT NULL AND a.condition_present
               AND (a.details, a.budget_id, a.astre_row_key, a.severity, a.actor, ${LIST_COLUMN_NAMES.map((c) => `a.${c}`).join(', ')})
                   IS NOT DISTINCT FROM
                   (d.details, d.budget_id, d.astre_row_key, k.severity, k.actor, ${LIST_COLUMNS.map(([, value]) => value).join(', ')})
               AS unchanged
        FROM detected d
        JOIN catalogue k ON k.code = d.code
        ${listColumnJoins('d')}
        LEFT JOIN anomaly a ON a.code = d.code AND a.subject_key = d.subject_key`);
    const rebuild = await this.suspendIndexesForFirstFill(manager);
    const [inserted] = await manager.query<{ opened: number }[]>(`
      WITH inserted AS (
        INSERT INTO anomaly (code, subject_key, id_facture, astre_row_key, budget_id, severity, actor, details,
                             ${LIST_COLUMN_NAMES.join(', ')})
        SELECT code, subject_key, id_facture, astre_row_key, budget_id, severity, actor, details,
               ${LIST_COLUMN_NAMES.join(', ')}
          FROM merge_plan WHERE anomaly_id IS NULL
        ON CONFLICT (code, subject_key) DO NOTHING
        RETURNING id, state
      ),
      events AS (
        INSERT INTO anomaly_event (anomaly_id, kind, from_state, to_state)
        SELECT id, 'detected', NULL, state FROM inserted
        RETURNING 1
      )
      SELECT count(*)::int AS opened FROM events`);
    const [updated] = await manager.query<{ reopened: number }[]>(`
      WITH changed AS (
        SELECT p.*, a.state AS old_state, a.condition_present AS was_present
          FROM merge_plan p JOIN anomaly a ON a.id = p.anomaly_id
         WHERE NOT p.unchanged
           FOR UPDATE OF a
      ),
      updated AS (
        UPDATE anomaly a SET
          details = c.details,
          budget_id = c.budget_id,
          astre_row_key = c.astre_row_key,
          severity = c.severity,
          actor = c.actor,
          ${LIST_COLUMN_NAMES.map((n) => `${n} = c.${n}`).join(',\n          ')},
          last_detected_at = now(),
          condition_present = true,
          state = CASE WHEN NOT c.was_present AND c.old_state = 'RESOLUE' THEN 'OUVERTE' ELSE a.state END,
          resolved_at = CASE WHEN NOT c.was_present AND c.old_state = 'RESOLUE' THEN NULL ELSE a.resolved_at END,
          resolution_reason = CASE WHEN NOT c.was_present AND c.old_state = 'RESOLUE' THEN NULL ELSE a.resolution_reason END,
          resolved_automatically = CASE WHEN NOT c.was_present AND c.old_state = 'RESOLUE' THEN false ELSE a.resolved_automatically END,
          updated_at = CASE WHEN NOT c.was_present AND c.old_state = 'RESOLUE' THEN now() ELSE a.updated_at END
          FROM changed c
         WHERE a.id = c.anomaly_id
        RETURNING a.id, c.old_state, a.state
      ),
      events AS (
        INSERT INTO anomaly_event (anomaly_id, kind, from_state, to_state)
        SELECT id, 'reopened', old_state, state FROM updated
         WHERE old_state = 'RESOLUE' AND state = 'OUVERTE'
        RETURNING 1
      )
      SELECT count(*)::int AS reopened FROM events`);
    await rebuild();
    const upsert = { opened: inserted?.opened ?? 0, reopened: updated?.reopened ?? 0 };

    // Anomalies of the scope not detected this time: the condition is gone (open ones resolve
    // themselves, with the reason), and the list's copy of their invoice follows the invoice.
    const inScope = scopeTable
      ? `AND (x.id_facture IN (SELECT id FROM ${scopeTable}) OR x.code = 'ABSENTE_CHORUS')`
      : '';
    const [gone] = await manager.query<{ resolved: number }[]>(`
      WITH catalogue (code, severity, actor, reason) AS (VALUES ${CATALOGUE_VALUES}),
      undetected AS (
        SELECT x.id, x.state AS old_state, x.condition_present AS was_present,
               CASE WHEN lc.statut = 'REJETEE' THEN 'La facture a été rejetée.' ELSE k.reason END AS reason,
               ${LIST_COLUMN_VALUES}
          FROM anomaly x
          JOIN catalogue k ON k.code = x.code
          ${listColumnJoins('x')}
         WHERE NOT EXISTS (SELECT 1 FROM detected d WHERE d.code = x.code AND d.subject_key = x.subject_key)
           ${inScope}
      ),
      updated AS (
        UPDATE anomaly a SET
          condition_present = false,
          state = CASE WHEN a.condition_present AND a.state IN ('OUVERTE', 'EN_COURS') THEN 'RESOLUE' ELSE a.state END,
          resolved_at = CASE WHEN a.condition_present AND a.state IN ('OUVERTE', 'EN_COURS') THEN now() ELSE a.resolved_at END,
          resolution_reason = CASE WHEN a.condition_present AND a.state IN ('OUVERTE', 'EN_COURS') THEN v.reason ELSE a.resolution_reason END,
          resolved_automatically = CASE WHEN a.condition_present AND a.state IN ('OUVERTE', 'EN_COURS') THEN true ELSE a.resolved_automatically END,
          updated_at = CASE WHEN a.condition_present THEN now() ELSE a.updated_at END,
          ${LIST_COLUMN_NAMES.map((c) => `${c} = v.${c}`).join(',\n          ')}
          FROM undetected v
         WHERE a.id = v.id
           AND (v.was_present
                OR (${LIST_COLUMN_NAMES.map((c) => `a.${c}`).join(', ')})
                   IS DISTINCT FROM (${LIST_COLUMN_NAMES.map((c) => `v.${c}`).join(', ')}))
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

/**
 * The list's copy of an anomaly's invoice (migration 1764000700000): Chorus Pro data, else the
 * ASTRE row's for an anomaly without Chorus invoice, and the payment-delay clock.
 */
const LIST_COLUMNS: readonly (readonly [name: string, value: string])[] = [
  ['budget_code', 'lb.code'],
  ['invoice_number', `coalesce(lc.numero_facture, la.invoice_number, '')`],
  ['supplier_siret', 'coalesce(lc.code_fournisseur, la.supplier_siret)'],
  ['supplier_name', `coalesce(lc.designation_fournisseur, la.supplier_name, '')`],
  ['amount_ttc', 'coalesce(lc.montant_ttc, la.amount_ttc)'],
  ['chorus_status', 'lc.statut'],
  ['engagement', 'lc.numero_bon_commande'],
  ['status_at', 'lc.date_heure_etat_courant'],
  ['dgp_due_date', 'lp.due_date'],
  ['dgp_days_left', 'lp.days_left'],
  ['dgp_days_late', 'lp.days_late'],
  ['euros_at_risk', 'coalesce(lp.euros_at_risk, 0)'],
];
const LIST_COLUMN_NAMES = LIST_COLUMNS.map(([name]) => name);
const LIST_COLUMN_VALUES = LIST_COLUMNS.map(([name, value]) => `${value} AS ${name}`).join(', ');

function listColumnJoins(alias: string): string {
  return `JOIN budget lb ON lb.id = ${alias}.budget_id
          LEFT JOIN chorus_invoice lc ON lc.id_facture = ${alias}.id_facture
          LEFT JOIN LATERAL (
            -- Only anomalies without a Chorus invoice read their ASTRE row: looked up one at a
            -- time (row_key is the key) rather than hashing a million rows for a few.
            SELECT lx.invoice_number, lx.supplier_siret, lx.supplier_name, lx.amount_ttc FROM astre_invoice lx
             WHERE lx.row_key = ${alias}.astre_row_key AND ${alias}.id_facture IS NULL LIMIT 1
          ) la ON true
          LEFT JOIN invoice_payment_delay lp ON lp.id_facture = ${alias}.id_facture`;
}

async function count(manager: EntityManager, sql: string): Promise<number> {
  const [row] = await manager.query<{ count: string }[]>(sql);
  return Number(row?.count ?? 0);
}
