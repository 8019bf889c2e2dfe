/**
 * The sync's database write path, replayed outside the API to measure it alone.
 *
 * COPIED from apps/api/src/chorus-sync/invoice-store.ts (COLUMNS, toRow, UPSERT_PAGE_SQL) and
 * apps/api/src/chorus-sync/sync-run.repository.ts (SyncRunRepository.recordPage): tools must not
 * import app code. Keep in step with those files when they change.
 */
import type { ChorusInvoiceSummary } from '@cd31/chorus-client';
import type { Client } from 'pg';

const COLUMNS = [
  ['id_facture', 'bigint'],
  ['numero_facture', 'text'],
  ['type_demande_paiement', 'text'],
  ['type_facture', 'text'],
  ['code_fournisseur', 'text'],
  ['type_identifiant_fournisseur', 'text'],
  ['designation_fournisseur', 'text'],
  ['id_destinataire', 'bigint'],
  ['code_destinataire', 'text'],
  ['id_service_executant', 'bigint'],
  ['code_service_executant', 'text'],
  ['nom_service_executant', 'text'],
  ['date_facture', 'date'],
  ['date_depot', 'date'],
  ['montant_ht', 'numeric'],
  ['montant_ttc', 'numeric'],
  ['montant_a_payer', 'numeric'],
  ['devise', 'text'],
  ['statut', 'text'],
  ['numero_marche', 'text'],
  ['numero_bon_commande', 'text'],
  ['facture_telechargee', 'boolean'],
  ['date_heure_etat_courant', 'timestamptz'],
  ['commentaire_etat_courant', 'text'],
] as const;

type Row = readonly unknown[];

function toRow(invoice: ChorusInvoiceSummary): Row {
  return [
    invoice.idFacture,
    invoice.numeroFacture ?? '',
    invoice.typeDemandePaiement,
    invoice.typeFacture,
    invoice.codeFournisseur,
    invoice.typeIdentifiantFournisseur,
    invoice.designationFournisseur,
    invoice.idDestinataire,
    invoice.codeDestinataire,
    invoice.idServiceExecutant,
    invoice.codeServiceExecutant,
    invoice.nomServiceExecutant,
    invoice.dateFacture,
    invoice.dateDepot,
    invoice.montantHT,
    invoice.montantTTC,
    invoice.montantAPayer,
    invoice.devise,
    invoice.statut ?? 'INCONNU',
    invoice.numeroMarche,
    invoice.numeroBonCommande,
    invoice.factureTelechargeeParDestinataire,
    invoice.dateHeureEtatCourant,
    invoice.commentaireEtatCourant,
  ];
}

const names = COLUMNS.map(([name]) => name);
const unnestArgs = COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
const updatedColumns = names.filter((name) => name !== 'id_facture');

const UPSERT_PAGE_SQL = `
WITH incoming AS (
  SELECT DISTINCT ON (id_facture) *
    FROM unnest(${unnestArgs}) AS t(${names.join(', ')})
   ORDER BY id_facture, date_heure_etat_courant DESC NULLS LAST
),
previous AS (
  SELECT c.id_facture, c.statut, c.date_heure_etat_courant
    FROM chorus_invoice c JOIN incoming i USING (id_facture)
),
upserted AS (
  INSERT INTO chorus_invoice AS c (budget_id, ${names.join(', ')}, first_mad_at, first_mad_source)
  SELECT $${COLUMNS.length + 1}, ${names.map((n) => `i.${n}`).join(', ')},
         CASE WHEN i.statut = 'MISE_A_DISPOSITION' THEN i.date_heure_etat_courant END,
         CASE WHEN i.statut = 'MISE_A_DISPOSITION' AND i.date_heure_etat_courant IS NOT NULL THEN 'event' END
    FROM incoming i
  ON CONFLICT (id_facture) DO UPDATE SET
    budget_id = excluded.budget_id,
    ${updatedColumns.map((n) => `${n} = excluded.${n}`).join(',\n    ')},
    first_mad_at = LEAST(c.first_mad_at, excluded.first_mad_at),
    first_mad_source = CASE
      WHEN excluded.first_mad_at IS NOT NULL AND (c.first_mad_at IS NULL OR excluded.first_mad_at < c.first_mad_at)
      THEN excluded.first_mad_source ELSE c.first_mad_source END,
    changed_at = now()
  WHERE (c.budget_id, ${updatedColumns.map((n) => `c.${n}`).join(', ')})
        IS DISTINCT FROM (excluded.budget_id, ${updatedColumns.map((n) => `excluded.${n}`).join(', ')})
  RETURNING c.id_facture, (xmax = 0) AS inserted
),
events AS (
  INSERT INTO invoice_status_event (id_facture, statut, at, commentaire, source)
  SELECT i.id_facture, i.statut, i.date_heure_etat_courant, i.commentaire_etat_courant, 'sync'
    FROM incoming i LEFT JOIN previous p USING (id_facture)
   WHERE i.date_heure_etat_courant IS NOT NULL
     AND (p.id_facture IS NULL
          OR p.statut IS DISTINCT FROM i.statut
          OR p.date_heure_etat_courant IS DISTINCT FROM i.date_heure_etat_courant)
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM incoming)::int AS seen,
       (SELECT count(*) FROM upserted WHERE inserted)::int AS inserted,
       (SELECT count(*) FROM upserted WHERE NOT inserted)::int AS changed,
       (SELECT count(*) FROM events)::int AS events`;

/** SyncRunRepository.recordPage: progress written in the page's own transaction. */
const RECORD_PAGE_SQL = `UPDATE sync_budget_run SET
         pages_declared = pages_declared + coalesce($2, 0),
         invoices_declared = invoices_declared + coalesce($3, 0),
         pages_read = pages_read + $4,
         invoices_seen = invoices_seen + $5,
         invoices_new = invoices_new + $6,
         invoices_changed = invoices_changed + $7,
         events_created = events_created + $8
       WHERE id = $1`;

export interface PageWrite {
  readonly seen: number;
  readonly inserted: number;
  readonly changed: number;
  readonly events: number;
}

/** One page, as the sync stores it: one transaction, the set-based upsert, the progress row. */
export async function storePage(
  client: Client,
  budgetId: number,
  budgetRunId: number,
  invoices: readonly ChorusInvoiceSummary[],
  declared: { pages: number | null; invoices: number | null; counted: boolean },
): Promise<PageWrite> {
  await client.query('BEGIN');
  try {
    let written: PageWrite = { seen: 0, inserted: 0, changed: 0, events: 0 };
    if (invoices.length > 0) {
      const rows = invoices.map(toRow);
      const columns = COLUMNS.map((_, index) => rows.map((row) => row[index]));
      const result = await client.query<PageWrite>(UPSERT_PAGE_SQL, [...columns, budgetId]);
      written = result.rows[0] ?? written;
    }
    await client.query(RECORD_PAGE_SQL, [
      budgetRunId,
      declared.pages,
      declared.invoices,
      declared.counted ? 1 : 0,
      written.seen,
      written.inserted,
      written.changed,
      written.events,
    ]);
    await client.query('COMMIT');
    return written;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
