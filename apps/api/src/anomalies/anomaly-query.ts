import { ANOMALY_CODES, ANOMALY_SEVERITIES, ANOMALY_STATES, parisCalendarDate } from '@cd31/domain';
import { ANOMALY_SORT_FIELDS, type AnomalyListQuery, type AnomalySortField } from '@cd31/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
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

  @ApiPropertyOptional({ description: 'false : pas de total pour une page pleine' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'withTotal : true ou false.' })
  withTotal?: boolean;
}

/**
 * What each sort orders by: columns of `anomaly` itself (the list's copy of the invoice data), each
 * with an index ending in `id` (migration 1764000700000). Empty values come last both ways; the
 * nullable columns have an index per direction for that.
 */
const SORTS: Readonly<
  Record<AnomalySortField, { readonly sql: string; readonly nullable: boolean }>
> = {
  budget: { sql: 'a.budget_code', nullable: false },
  code: { sql: 'a.code', nullable: false },
  severity: {
    sql: `CASE a.severity WHEN 'CRITIQUE' THEN 1 WHEN 'MAJEURE' THEN 2 ELSE 3 END`,
    nullable: false,
  },
  invoiceNumber: { sql: 'a.invoice_number', nullable: false },
  supplier: { sql: 'a.supplier_name', nullable: false },
  amountTtc: { sql: 'a.amount_ttc', nullable: true },
  chorusStatus: { sql: 'a.chorus_status', nullable: true },
  daysInStatus: { sql: 'a.status_at', nullable: true },
  dgpDaysLeft: { sql: 'a.dgp_days_left', nullable: true },
  eurosAtRisk: { sql: 'a.euros_at_risk', nullable: false },
  state: { sql: 'a.state', nullable: false },
  assignee: { sql: 'a.assignee_name', nullable: true },
  firstDetectedAt: { sql: 'a.first_detected_at', nullable: false },
};

/** daysInStatus grows as the status date goes back: sorting it ascending is the date descending. */
const INVERTED: ReadonlySet<AnomalySortField> = new Set(['daysInStatus']);

/**
 * `FROM anomaly a` plus what the displayed columns need besides the anomaly row: its budget's
 * label. Filters, sorts and counts read `anomaly` alone.
 */
export const ANOMALY_FROM = `
  FROM anomaly a
  JOIN budget b ON b.id = a.budget_id`;

export const ANOMALY_COLUMNS = `
  a.id, a.code, a.severity, a.actor, a.state, a.budget_code, b.label AS budget_label, a.id_facture,
  a.invoice_number, a.supplier_siret, a.supplier_name, a.amount_ttc,
  a.chorus_status, a.engagement AS numero_bon_commande,
  ($1::date - (a.status_at AT TIME ZONE 'Europe/Paris')::date) AS days_in_status,
  CASE WHEN a.dgp_due_date IS NOT NULL AND a.dgp_days_late = 0 THEN a.dgp_days_left END AS dgp_days_left,
  a.dgp_days_late, a.euros_at_risk,
  a.assignee_id, a.assignee_name,
  a.first_detected_at, a.last_detected_at, a.resolved_at, a.resolution_reason,
  (SELECT count(*) FROM anomaly_note n WHERE n.anomaly_id = a.id)::int AS notes_count,
  a.details`;

export interface BuiltQuery {
  readonly where: string;
  readonly params: unknown[];
  readonly orderBy: string;
  /**
   * The WHERE reads only state, code, severity, budget_code and assignee_id: it applies as it is
   * to `anomaly_count a`, whose sums give the counts without counting rows.
   */
  readonly countable: boolean;
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

  if (user.budgetCodes) {
    conditions.push(`a.budget_code = ANY(${param(user.budgetCodes)}::text[])`);
  }
  if (query.budget?.length) {
    conditions.push(`a.budget_code = ANY(${param(query.budget)}::text[])`);
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
        ? `a.supplier_siret = ${param(digits)}`
        : // search_text (trigram-indexed) holds the name: it narrows, the name decides.
          `(a.search_text ILIKE ${param(`%${escapeLike(query.supplier)}%`)} AND a.supplier_name ILIKE $${params.length})`,
    );
  }
  if (query.chorusStatus?.length) {
    conditions.push(`a.chorus_status = ANY(${param(query.chorusStatus)}::text[])`);
  }
  const age = `($1::date - (a.first_detected_at AT TIME ZONE 'Europe/Paris')::date)`;
  if (query.minAgeDays !== undefined) {
    conditions.push(`${age} >= ${param(query.minAgeDays)}`);
  }
  if (query.maxAgeDays !== undefined) {
    conditions.push(`${age} <= ${param(query.maxAgeDays)}`);
  }
  if (query.minAmount !== undefined) {
    conditions.push(`a.amount_ttc >= ${param(query.minAmount)}`);
  }
  if (query.maxAmount !== undefined) {
    conditions.push(`a.amount_ttc <= ${param(query.maxAmount)}`);
  }
  if (query.minEurosAtRisk !== undefined) {
    conditions.push(`a.euros_at_risk >= ${param(query.minEurosAtRisk)}`);
  }
  if (query.q) {
    // search_text = invoice number, supplier name and engagement joined by a control character
    // nobody types: one trigram-indexed ILIKE finds the text in any of them, never across two.
    conditions.push(
      `(a.search_text ILIKE ${param(`%${escapeLike(query.q)}%`)}
        OR a.supplier_siret LIKE ${param(`${escapeLike(query.q.replace(/\s/g, ''))}%`)})`,
    );
  }

  const sort = query.sort ?? 'eurosAtRisk';
  const descending = (query.dir ?? (query.sort ? 'asc' : 'desc')) === 'desc';
  const direction = (INVERTED.has(sort) ? !descending : descending) ? 'DESC' : 'ASC';
  const { sql, nullable } = SORTS[sort];
  const orderBy = `${sql} ${direction}${nullable ? ' NULLS LAST' : ''}, a.id ${direction}`;
  const countable =
    !query.supplier &&
    !query.chorusStatus?.length &&
    query.minAgeDays === undefined &&
    query.maxAgeDays === undefined &&
    query.minAmount === undefined &&
    query.maxAmount === undefined &&
    query.minEurosAtRisk === undefined &&
    !query.q;
  return { where: `WHERE ${conditions.join(' AND ')}`, params, orderBy, countable };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
