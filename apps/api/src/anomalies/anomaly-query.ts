import { ANOMALY_CODES, ANOMALY_SEVERITIES, ANOMALY_STATES, parisCalendarDate } from '@cd31/domain';
import { ANOMALY_SORT_FIELDS, type AnomalyListQuery, type AnomalySortField } from '@cd31/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type { AuthenticatedUser } from '../auth/authenticated-user';

const asArray = ({ value }: { value: unknown }): unknown =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];
const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** The filters and sort of the anomaly list, from the query string (arrays as repeated keys). */
export class AnomalyListQueryParams implements AnomalyListQuery {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(asArray)
  @Matches(/^\d{2}$/, { each: true, message: 'Code budget invalide : 2 chiffres attendus.' })
  budget?: string[];

  @ApiPropertyOptional({ type: [String], enum: ANOMALY_CODES })
  @IsOptional()
  @Transform(asArray)
  @IsIn(ANOMALY_CODES, { each: true, message: 'Code d’anomalie inconnu.' })
  code?: (typeof ANOMALY_CODES)[number][];

  @ApiPropertyOptional({ type: [String], enum: ANOMALY_SEVERITIES })
  @IsOptional()
  @Transform(asArray)
  @IsIn(ANOMALY_SEVERITIES, { each: true, message: 'Gravité inconnue.' })
  severity?: (typeof ANOMALY_SEVERITIES)[number][];

  @ApiPropertyOptional({ type: [String], enum: ANOMALY_STATES })
  @IsOptional()
  @Transform(asArray)
  @IsIn(ANOMALY_STATES, { each: true, message: 'État d’anomalie inconnu.' })
  state?: (typeof ANOMALY_STATES)[number][];

  @ApiPropertyOptional({ description: 'Identifiant d’utilisateur, « me » ou « none »' })
  @IsOptional()
  @Matches(/^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: 'Responsable invalide : « me », « none » ou un identifiant d’utilisateur.',
  })
  assignee?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(120, { message: 'Le fournisseur recherché est trop long.' })
  supplier?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(asArray)
  @Matches(/^[A-Z_]{2,60}$/, { each: true, message: 'Statut Chorus Pro invalide.' })
  chorusStatus?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'L’âge minimal doit être un nombre entier de jours.' })
  @Min(0, { message: 'L’âge minimal doit être positif.' })
  minAgeDays?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'L’âge maximal doit être un nombre entier de jours.' })
  @Min(0, { message: 'L’âge maximal doit être positif.' })
  maxAgeDays?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'Le montant minimal doit être un nombre.' })
  minAmount?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'Le montant maximal doit être un nombre.' })
  maxAmount?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'Le montant à risque minimal doit être un nombre.' })
  minEurosAtRisk?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(120, { message: 'La recherche est limitée à 120 caractères.' })
  q?: string;

  @ApiPropertyOptional({ enum: ANOMALY_SORT_FIELDS })
  @IsOptional()
  @IsIn(ANOMALY_SORT_FIELDS, { message: 'Tri inconnu.' })
  sort?: AnomalySortField;

  @ApiPropertyOptional({ enum: ['asc', 'desc'] })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'Sens de tri : asc ou desc.' })
  dir?: 'asc' | 'desc';

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Le décalage doit être un entier.' })
  @Min(0, { message: 'Le décalage doit être positif.' })
  offset?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'La taille de page doit être un entier.' })
  @Min(1, { message: 'La taille de page doit être au moins 1.' })
  @Max(500, { message: 'La taille de page est limitée à 500.' })
  limit?: number;
}

const SORT_COLUMNS: Readonly<Record<AnomalySortField, string>> = {
  budget: 'b.code',
  code: 'a.code',
  severity: `CASE a.severity WHEN 'CRITIQUE' THEN 1 WHEN 'MAJEURE' THEN 2 ELSE 3 END`,
  invoiceNumber: `coalesce(c.numero_facture, a.details->>'invoiceNumber')`,
  supplier: 'c.designation_fournisseur',
  amountTtc: 'coalesce(c.montant_ttc, ai.amount_ttc)',
  chorusStatus: 'c.statut',
  daysInStatus: 'c.date_heure_etat_courant',
  dgpDaysLeft: 'p.days_left',
  eurosAtRisk: 'coalesce(p.euros_at_risk, 0)',
  state: 'a.state',
  assignee: 'u.display_name',
  firstDetectedAt: 'a.first_detected_at',
};

/** daysInStatus grows as the status date goes back: sorting it ascending is the date descending. */
const INVERTED: ReadonlySet<AnomalySortField> = new Set(['daysInStatus']);

/**
 * Sort keys that are never NULL: `NULLS LAST` is left out for them (it changes nothing), so that
 * an index on the column can give the order, in either direction.
 */
const NEVER_NULL: ReadonlySet<AnomalySortField> = new Set([
  'budget',
  'code',
  'severity',
  'eurosAtRisk',
  'state',
  'firstDetectedAt',
]);

/** The tables the list can read besides `anomaly a`, by alias (none depends on another). */
const JOINS: readonly (readonly [alias: string, sql: string])[] = [
  ['b', 'JOIN budget b ON b.id = a.budget_id'],
  ['c', 'LEFT JOIN chorus_invoice c ON c.id_facture = a.id_facture'],
  ['ai', 'LEFT JOIN astre_invoice ai ON ai.row_key = a.astre_row_key AND a.id_facture IS NULL'],
  ['p', 'LEFT JOIN invoice_payment_delay p ON p.id_facture = a.id_facture'],
  ['u', 'LEFT JOIN app_user u ON u.id = a.assignee_id'],
];

/** Every join of the list, to follow `FROM anomaly a` (or `… JOIN anomaly a ON …`). */
export const ANOMALY_JOINS = JOINS.map(([, sql]) => sql).join('\n  ');

export const ANOMALY_FROM = `
  FROM anomaly a
  ${ANOMALY_JOINS}`;

/**
 * In the narrow queries below, an anomaly's ASTRE row is looked up one at a time (only the few
 * anomalies without a Chorus invoice have one). Joined plainly, the planner may hash ~400 000
 * mostly-NULL astre_row_key values into a parallel hash right join, seen running for minutes;
 * LIMIT 1 (row_key is the primary key: it changes nothing) keeps this subquery from being turned
 * back into that join.
 */
const NARROW_ASTRE_JOIN = `LEFT JOIN LATERAL (
    SELECT x.invoice_number, x.supplier_siret, x.supplier_name, x.amount_ttc FROM astre_invoice x
     WHERE x.row_key = a.astre_row_key AND a.id_facture IS NULL LIMIT 1) ai ON true`;

/**
 * `FROM anomaly a` with only the joins the given SQL (a WHERE, an ORDER BY) reads, for counting
 * and for sorting narrow rows. Leaving the others out changes no result: the left joins are on
 * unique keys, and every anomaly has its budget (budget_id NOT NULL REFERENCES budget).
 */
export function anomalyFrom(...sql: readonly string[]): string {
  const text = sql.join(' ');
  const used = JOINS.filter(([alias]) => new RegExp(`(^|[^\\w.])${alias}\\.`).test(text));
  return `
  FROM anomaly a${used.map(([alias, join]) => `\n  ${alias === 'ai' ? NARROW_ASTRE_JOIN : join}`).join('')}`;
}

export const ANOMALY_COLUMNS = `
  a.id, a.code, a.severity, a.actor, a.state, b.code AS budget_code, b.label AS budget_label, a.id_facture,
  coalesce(c.numero_facture, ai.invoice_number) AS invoice_number,
  coalesce(c.code_fournisseur, ai.supplier_siret) AS supplier_siret,
  coalesce(c.designation_fournisseur, ai.supplier_name) AS supplier_name,
  coalesce(c.montant_ttc, ai.amount_ttc) AS amount_ttc,
  c.statut AS chorus_status, c.numero_bon_commande,
  ($1::date - (c.date_heure_etat_courant AT TIME ZONE 'Europe/Paris')::date) AS days_in_status,
  CASE WHEN p.due_date IS NOT NULL AND p.days_late = 0 THEN p.days_left END AS dgp_days_left,
  p.days_late AS dgp_days_late,
  coalesce(p.euros_at_risk, 0) AS euros_at_risk,
  u.id AS assignee_id, u.display_name AS assignee_name,
  a.first_detected_at, a.last_detected_at, a.resolved_at, a.resolution_reason,
  (SELECT count(*) FROM anomaly_note n WHERE n.anomaly_id = a.id)::int AS notes_count,
  a.details`;

export interface BuiltQuery {
  readonly where: string;
  readonly params: unknown[];
  readonly orderBy: string;
}

/**
 * Turns validated filters into SQL: the same WHERE for the page, the counts and the exports, so
 * that an export is exactly the view. `$1` is always today's Paris date.
 */
export function buildAnomalyQuery(
  query: AnomalyListQuery,
  user: AuthenticatedUser,
  now = new Date(),
): BuiltQuery {
  const params: unknown[] = [parisCalendarDate(now)];
  // $1 is typed here so that queries not selecting the day columns (counts) still plan.
  const conditions: string[] = ['$1::date IS NOT NULL'];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };

  // On budget_id (what the join to budget matches), so that the filter needs no join.
  if (user.budgetCodes) {
    conditions.push(
      `a.budget_id IN (SELECT id FROM budget WHERE code = ANY(${param(user.budgetCodes)}::text[]))`,
    );
  }
  if (query.budget?.length) {
    conditions.push(
      `a.budget_id IN (SELECT id FROM budget WHERE code = ANY(${param(query.budget)}::text[]))`,
    );
  }
  if (query.code?.length) {
    conditions.push(`a.code = ANY(${param(query.code)}::text[])`);
  }
  if (query.severity?.length) {
    conditions.push(`a.severity = ANY(${param(query.severity)}::text[])`);
  }
  conditions.push(
    `a.state = ANY(${param(query.state?.length ? query.state : ['OUVERTE', 'EN_COURS'])}::text[])`,
  );
  if (query.assignee === 'me') {
    conditions.push(`a.assignee_id = ${param(user.id)}::uuid`);
  } else if (query.assignee === 'none') {
    conditions.push('a.assignee_id IS NULL');
  } else if (query.assignee) {
    conditions.push(`a.assignee_id = ${param(query.assignee)}::uuid`);
  }
  if (query.supplier) {
    const digits = query.supplier.replace(/\s/g, '');
    conditions.push(
      /^\d{14}$/.test(digits)
        ? `coalesce(c.code_fournisseur, ai.supplier_siret) = ${param(digits)}`
        : `coalesce(c.designation_fournisseur, ai.supplier_name) ILIKE ${param(`%${escapeLike(query.supplier)}%`)}`,
    );
  }
  if (query.chorusStatus?.length) {
    conditions.push(`c.statut = ANY(${param(query.chorusStatus)}::text[])`);
  }
  const age = `($1::date - (a.first_detected_at AT TIME ZONE 'Europe/Paris')::date)`;
  if (query.minAgeDays !== undefined) {
    conditions.push(`${age} >= ${param(query.minAgeDays)}`);
  }
  if (query.maxAgeDays !== undefined) {
    conditions.push(`${age} <= ${param(query.maxAgeDays)}`);
  }
  if (query.minAmount !== undefined) {
    conditions.push(`coalesce(c.montant_ttc, ai.amount_ttc) >= ${param(query.minAmount)}`);
  }
  if (query.maxAmount !== undefined) {
    conditions.push(`coalesce(c.montant_ttc, ai.amount_ttc) <= ${param(query.maxAmount)}`);
  }
  if (query.minEurosAtRisk !== undefined) {
    conditions.push(`coalesce(p.euros_at_risk, 0) >= ${param(query.minEurosAtRisk)}`);
  }
  if (query.q) {
    const like = param(`%${escapeLike(query.q)}%`);
    conditions.push(
      `(coalesce(c.numero_facture, ai.invoice_number) ILIKE ${like}
        OR coalesce(c.designation_fournisseur, ai.supplier_name) ILIKE ${like}
        OR coalesce(c.code_fournisseur, ai.supplier_siret) LIKE ${param(`${query.q.replace(/\s/g, '')}%`)}
        OR c.numero_bon_commande ILIKE ${like})`,
    );
  }

  const sort = query.sort ?? 'eurosAtRisk';
  const descending = (query.dir ?? (query.sort ? 'asc' : 'desc')) === 'desc';
  const direction = INVERTED.has(sort) ? !descending : descending;
  const nulls = NEVER_NULL.has(sort) ? '' : ' NULLS LAST';
  const orderBy = `${SORT_COLUMNS[sort]} ${direction ? 'DESC' : 'ASC'}${nulls}, a.id ${descending ? 'DESC' : 'ASC'}`;
  return { where: `WHERE ${conditions.join(' AND ')}`, params, orderBy };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
