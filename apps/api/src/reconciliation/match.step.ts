import type { EntityManager } from 'typeorm';
import { count } from './sql';

/** domain.md §6: by Chorus id first, else supplier SIRET + invoice number (+ amount TTC), across budgets. */
export async function matchInvoices(
  manager: EntityManager,
  scopeTable: string | null,
): Promise<number> {
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
  // The pairs that differ from the stored ones (new, changed or gone), found in one pass, then
  // only those written (one full join: 0.8 s on 1 M pairs, against 1.5 s for two anti-joins).
  const pair = `(m.astre_row_key, m.method, m.astre_budget_code, m.astre_etat, m.astre_amount_ttc)`;
  const newPair = `(n.astre_row_key, n.method, n.astre_budget_code, n.astre_etat, n.astre_amount_ttc)`;
  const stored = scopeTable
    ? `(SELECT * FROM invoice_match WHERE id_facture IN (SELECT id FROM ${scopeTable}))`
    : 'invoice_match';
  await manager.query(
    `CREATE TEMP TABLE recon_match_change ON COMMIT DROP AS
     SELECT coalesce(n.id_facture, m.id_facture) AS id_facture, n.id_facture IS NOT NULL AS matched
       FROM recon_match n
       FULL JOIN ${stored} m ON m.id_facture = n.id_facture
      WHERE ${newPair} IS DISTINCT FROM ${pair}`,
  );
  await manager.query(
    `DELETE FROM invoice_match m USING recon_match_change x WHERE m.id_facture = x.id_facture`,
  );
  await manager.query(
    `INSERT INTO invoice_match (id_facture, astre_row_key, method, astre_budget_code, astre_etat, astre_amount_ttc)
     SELECT n.id_facture, n.astre_row_key, n.method, n.astre_budget_code, n.astre_etat, n.astre_amount_ttc
       FROM recon_match n JOIN recon_match_change x ON x.id_facture = n.id_facture AND x.matched
      ORDER BY n.id_facture`,
  );
  return count(manager, 'SELECT count(*) FROM recon_match');
}
