import type { ChorusInvoiceSummary } from '@cd31/chorus-client';

/**
 * The sync's write path as SQL and parameters, without a database driver: the API's InvoiceStore
 * runs it through TypeORM, the benchmark replays it through node-postgres — one text for both.
 */

export interface PageWriteResult {
  readonly seen: number;
  readonly inserted: number;
  readonly changed: number;
  readonly events: number;
}

type Value = string | number | boolean | null;

/**
 * Columns written from a recipient-search item, in the order of the unnest() below, each with
 * the value it takes from the item.
 */
const COLUMNS: readonly (readonly [
  name: string,
  type: string,
  read: (invoice: ChorusInvoiceSummary) => Value,
])[] = [
  ['id_facture', 'bigint', (i) => i.idFacture],
  ['numero_facture', 'text', (i) => i.numeroFacture ?? ''],
  ['type_demande_paiement', 'text', (i) => i.typeDemandePaiement],
  ['type_facture', 'text', (i) => i.typeFacture],
  ['code_fournisseur', 'text', (i) => i.codeFournisseur],
  ['type_identifiant_fournisseur', 'text', (i) => i.typeIdentifiantFournisseur],
  ['designation_fournisseur', 'text', (i) => i.designationFournisseur],
  ['id_destinataire', 'bigint', (i) => i.idDestinataire],
  ['code_destinataire', 'text', (i) => i.codeDestinataire],
  ['id_service_executant', 'bigint', (i) => i.idServiceExecutant],
  ['code_service_executant', 'text', (i) => i.codeServiceExecutant],
  ['nom_service_executant', 'text', (i) => i.nomServiceExecutant],
  ['date_facture', 'date', (i) => i.dateFacture],
  ['date_depot', 'date', (i) => i.dateDepot],
  ['montant_ht', 'numeric', (i) => i.montantHT],
  ['montant_ttc', 'numeric', (i) => i.montantTTC],
  ['montant_a_payer', 'numeric', (i) => i.montantAPayer],
  ['devise', 'text', (i) => i.devise],
  ['statut', 'text', (i) => i.statut ?? 'INCONNU'],
  ['numero_marche', 'text', (i) => i.numeroMarche],
  ['numero_bon_commande', 'text', (i) => i.numeroBonCommande],
  ['facture_telechargee', 'boolean', (i) => i.factureTelechargeeParDestinataire],
  ['date_heure_etat_courant', 'timestamptz', (i) => i.dateHeureEtatCourant?.toISOString() ?? null],
  ['commentaire_etat_courant', 'text', (i) => i.commentaireEtatCourant],
];

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

function arrayElement(value: Value): string {
  if (value === null) {
    return 'NULL';
  }
  if (typeof value === 'string') {
    return `"${NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, '\\$&') : value}"`;
  }
  if (typeof value === 'boolean') {
    return value ? 't' : 'f';
  }
  return String(value);
}

/**
 * A PostgreSQL array literal (`{1,"a\"b",NULL}`) of one column. node-postgres would build the same
 * text from a JS array, through a slower generic path, and only when the statement is sent.
 * Joined rather than concatenated: one flat string, not a rope of a thousand pieces to keep alive
 * while the page waits for its turn.
 */
function arrayLiteral(
  invoices: readonly ChorusInvoiceSummary[],
  read: (invoice: ChorusInvoiceSummary) => Value,
): string {
  return `{${invoices.map((invoice) => arrayElement(read(invoice))).join(',')}}`;
}

/**
 * Invoices ready to be written: one array-literal parameter per column. Encoding is plain CPU
 * work, so the sync does it while the database is still busy with the previous page.
 */
export interface EncodedInvoices {
  readonly count: number;
  readonly columns: readonly string[];
}

export function encodeInvoices(invoices: readonly ChorusInvoiceSummary[]): EncodedInvoices {
  return {
    count: invoices.length,
    columns: COLUMNS.map(([, , read]) => arrayLiteral(invoices, read)),
  };
}

/** Where a sync page stands in its budget's run: recorded by the statement that stores it. */
export interface PageProgress {
  readonly budgetRunId: number;
  /** pages / total the search declared, on the first page of each payment type only. */
  readonly declaredPagesForType: number | null;
  readonly declaredInvoicesForType: number | null;
  /** false for the empty answer of a search that found nothing: no page was read. */
  readonly counted: boolean;
}

const names = COLUMNS.map(([name]) => name);
const unnestArgs = COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
const updatedColumns = names.filter((name) => name !== 'id_facture');
const BUDGET_PARAM = `$${COLUMNS.length + 1}`;
/** $26…$29 of the sync's statement: sync_budget_run id, declared pages, declared invoices, read. */
const PROGRESS_PARAMS = [2, 3, 4, 5].map((offset) => `$${COLUMNS.length + offset}`);

/**
 * One set-based statement per page: upsert the invoices (only rows whose content changed are
 * rewritten) and record a status event for every invoice whose status or status time changed.
 * The CTEs all read the table as it was before the statement, so `previous` is the old state;
 * it is looked up by primary key (= ANY of the page's ids), whatever the table's statistics say.
 * With progress, the same statement adds the page to its sync_budget_run counters: one
 * statement, so the data and the progress commit together or not at all.
 */
function upsertSql(withProgress: boolean): string {
  const [budgetRunId, declaredPages, declaredInvoices, read] = PROGRESS_PARAMS;
  return `
WITH incoming AS (
  SELECT DISTINCT ON (id_facture) *
    FROM unnest(${unnestArgs}) AS t(${names.join(', ')})
   ORDER BY id_facture, date_heure_etat_courant DESC NULLS LAST
),
previous AS (
  SELECT c.id_facture, c.statut, c.date_heure_etat_courant
    FROM chorus_invoice c
   WHERE c.id_facture = ANY($1::bigint[])
),
upserted AS (
  INSERT INTO chorus_invoice AS c (budget_id, ${names.join(', ')}, first_mad_at, first_mad_source)
  SELECT ${BUDGET_PARAM}, ${names.map((n) => `i.${n}`).join(', ')},
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
),
written AS (
  SELECT (SELECT count(*) FROM incoming)::int AS seen,
         (SELECT count(*) FROM upserted WHERE inserted)::int AS inserted,
         (SELECT count(*) FROM upserted WHERE NOT inserted)::int AS changed,
         (SELECT count(*) FROM events)::int AS events
)${
    withProgress
      ? `,
progress AS (
  UPDATE sync_budget_run r SET
    pages_declared = r.pages_declared + coalesce(${declaredPages}::int, 0),
    invoices_declared = r.invoices_declared + coalesce(${declaredInvoices}::int, 0),
    pages_read = r.pages_read + ${read}::int,
    invoices_seen = r.invoices_seen + w.seen,
    invoices_new = r.invoices_new + w.inserted,
    invoices_changed = r.invoices_changed + w.changed,
    events_created = r.events_created + w.events
    FROM written w
   WHERE r.id = ${budgetRunId}::bigint
)`
      : ''
  }
SELECT seen, inserted, changed, events FROM written`;
}

/** Stores invoices read outside the sync: parameters = the encoded columns, then the budget id. */
export const UPSERT_PAGE_SQL = upsertSql(false);
/** Stores one page of the sync and its progress: parameters from `syncPageParams`. */
export const SYNC_PAGE_SQL = upsertSql(true);

export const NOTHING_WRITTEN: PageWriteResult = { seen: 0, inserted: 0, changed: 0, events: 0 };

/** The parameters of SYNC_PAGE_SQL, in order. */
export function syncPageParams(
  budgetId: number,
  invoices: EncodedInvoices,
  progress: PageProgress,
): unknown[] {
  return [
    ...invoices.columns,
    budgetId,
    progress.budgetRunId,
    progress.declaredPagesForType,
    progress.declaredInvoicesForType,
    progress.counted ? 1 : 0,
  ];
}
