import { ANOMALY_CATALOGUE, ANOMALY_CODES, type AnomalyCode } from '@cd31/domain';
import type { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { dropIndexesForFirstFill, isEmpty } from '../database/bulk-fill';

export interface MergeOptions {
  /** New anomalies from which an empty table is filled before its indexes are built. */
  readonly firstFillMinRows: number;
  readonly logger: Logger;
}

export interface MergeResult {
  readonly opened: number;
  readonly reopened: number;
  readonly resolved: number;
}

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

const CATALOGUE_VALUES = ANOMALY_CODES.map(
  (code) =>
    `('${code}', '${ANOMALY_CATALOGUE[code].severity}', '${ANOMALY_CATALOGUE[code].actor}', '${RESOLUTION_REASONS[code].replace(/'/g, "''")}')`,
).join(', ');

/**
 * Merges the temp table `detected` into `anomaly`: new detections open, returning ones reopen,
 * vanished ones resolve themselves with their reason; what people set is never overwritten.
 */
export async function mergeAnomalies(
  manager: EntityManager,
  scopeTable: string | null,
  options: MergeOptions,
): Promise<MergeResult> {
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
  const rebuild = await suspendIndexesForFirstFill(manager, options);
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

/**
 * The first fill of an empty anomaly table (a new installation, hundreds of thousands of
 * anomalies at once): its indexes are built once the rows are in (see dropIndexesForFirstFill).
 */
async function suspendIndexesForFirstFill(
  manager: EntityManager,
  options: MergeOptions,
): Promise<() => Promise<void>> {
  const [plan] = await manager.query<{ incoming: number }[]>(
    `SELECT count(*)::int AS incoming FROM merge_plan WHERE anomaly_id IS NULL`,
  );
  const incoming = plan?.incoming ?? 0;
  if (incoming < options.firstFillMinRows || !(await isEmpty(manager, 'anomaly'))) {
    return () => Promise.resolve();
  }
  const { rebuild } = await dropIndexesForFirstFill(manager, 'anomaly');
  return async () => {
    const built = await rebuild();
    options.logger.log(`first fill: ${built} indexes built on ${incoming} anomalies`);
  };
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
