import { BUDGET_AGEING_BUCKETS, type BudgetStatsDto } from '@cd31/contracts';
import { parisCalendarDate } from '@cd31/domain';
import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { isStatsPeriod, resolveStatsPeriod } from './stats-period';
import {
  AGEING_STATUSES,
  AGEING_UPPER_BOUNDS,
  familyRank,
  statusFamilySql,
  STUCK_ANOMALY_CODES,
} from './status-families';

export interface BudgetStatsQuery {
  readonly from?: string;
  readonly to?: string;
  readonly budget?: string;
}

interface ScopeBudgetRow {
  id: number;
  code: string;
  label: string;
  active: boolean;
}

interface ReceivedRow {
  budget_id: number;
  month: string;
  family: string;
  n: number;
}

interface SnapshotRow {
  budget_id: number;
  stuck: number;
  late: number;
  at_risk: number;
  euros_at_risk: string;
}

interface AgeingRow {
  bucket: number;
  n: number;
}

/** The anomaly states the list shows by default: still to be dealt with. */
const ACTIVE_ANOMALY_STATES = ['OUVERTE', 'EN_COURS'];

/**
 * The managers' figures (domain.md §10): invoices received per month and status family, stuck,
 * late and threatened invoices, euros at risk, and the age of open invoices, per budget. Four
 * set-based queries, the last three in one read-only snapshot.
 */
@Injectable()
export class StatsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async budgetStats(
    query: BudgetStatsQuery,
    user: AuthenticatedUser,
    now = new Date(),
  ): Promise<BudgetStatsDto> {
    const period = resolveStatsPeriod(query, now);
    if (!isStatsPeriod(period)) {
      throw new BadRequestException({ message: period.message, details: [period] });
    }
    const budgets = await this.budgetsInScope(query.budget ?? null, user);
    const ids = budgets.map((b) => b.id);
    const today = parisCalendarDate(now);

    const { received, snapshot, ageing } = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (manager) => {
        await manager.query('SET TRANSACTION READ ONLY');
        // Received: by deposit date, a calendar date already; without one, by the first status
        // Chorus Pro reported, an instant taken as a Paris date.
        const receivedRows = await manager.query<ReceivedRow[]>(
          `WITH received AS (
             SELECT c.budget_id, c.date_depot AS day, c.statut
               FROM chorus_invoice c
              WHERE c.budget_id = ANY($1::smallint[]) AND c.date_depot >= $2::date AND c.date_depot < $3::date
             UNION ALL
             SELECT c.budget_id,
                    (coalesce(least(f.at, c.first_mad_at, c.date_heure_etat_courant), c.first_seen_at)
                      AT TIME ZONE 'Europe/Paris')::date,
                    c.statut
               FROM chorus_invoice c
               LEFT JOIN LATERAL (
                 SELECT min(e.at) AS at FROM invoice_status_event e WHERE e.id_facture = c.id_facture
               ) f ON true
              WHERE c.budget_id = ANY($1::smallint[]) AND c.date_depot IS NULL
           )
           SELECT budget_id, to_char(day, 'YYYY-MM') AS month, ${statusFamilySql('statut')} AS family,
                  count(*)::int AS n
             FROM received
            WHERE day >= $2::date AND day < $3::date
            GROUP BY 1, 2, 3`,
          [ids, period.startDate, period.endDateExclusive],
        );
        // Stuck: as the anomaly list counts them (anomaly budget, active states, the MAD codes).
        // Late / threatened / euros: the payment-delay clocks of the last reconciliation, read
        // the way the list reads them.
        const snapshotRows = await manager.query<SnapshotRow[]>(
          `SELECT s.budget_id,
                  coalesce(st.stuck, 0) AS stuck,
                  coalesce(d.late, 0) AS late,
                  coalesce(d.at_risk, 0) AS at_risk,
                  round(coalesce(d.euros, 0), 2)::text AS euros_at_risk
             FROM unnest($1::smallint[]) AS s(budget_id)
             LEFT JOIN (
               SELECT a.budget_id, count(DISTINCT coalesce(a.id_facture::text, a.subject_key))::int AS stuck
                 FROM anomaly a
                WHERE a.budget_id = ANY($1::smallint[]) AND a.code = ANY($2::text[]) AND a.state = ANY($3::text[])
                GROUP BY a.budget_id
             ) st ON st.budget_id = s.budget_id
             LEFT JOIN (
               SELECT c.budget_id,
                      count(*) FILTER (WHERE p.days_late > 0)::int AS late,
                      count(*) FILTER (WHERE p.days_late = 0 AND p.due_date IS NOT NULL
                                         AND p.days_left BETWEEN 0 AND 5)::int AS at_risk,
                      sum(p.euros_at_risk) AS euros
                 FROM invoice_payment_delay p
                 JOIN chorus_invoice c ON c.id_facture = p.id_facture
                WHERE c.budget_id = ANY($1::smallint[])
                GROUP BY c.budget_id
             ) d ON d.budget_id = s.budget_id`,
          [ids, STUCK_ANOMALY_CODES, ACTIVE_ANOMALY_STATES],
        );
        // Age of open invoices: Paris calendar days since the first mise à disposition (the
        // current status date stands in for it while the history is not read yet).
        const bucketIndex = `CASE ${AGEING_UPPER_BOUNDS.map((bound, i) => `WHEN age <= ${bound} THEN ${i}`).join(' ')} ELSE ${AGEING_UPPER_BOUNDS.length} END`;
        const ageingRows = await manager.query<AgeingRow[]>(
          `SELECT ${bucketIndex} AS bucket, count(*)::int AS n
             FROM (
               SELECT $2::date - (coalesce(c.first_mad_at,
                                           CASE WHEN c.statut = 'MISE_A_DISPOSITION' THEN c.date_heure_etat_courant END)
                                  AT TIME ZONE 'Europe/Paris')::date AS age
                 FROM chorus_invoice c
                WHERE c.budget_id = ANY($1::smallint[]) AND c.statut = ANY($3::text[])
             ) open_invoice
            WHERE age IS NOT NULL
            GROUP BY 1`,
          [ids, today, AGEING_STATUSES],
        );
        return { received: receivedRows, snapshot: snapshotRows, ageing: ageingRows };
      },
    );

    return assemble(
      period.from,
      period.to,
      budgets,
      query.budget ?? null,
      received,
      snapshot,
      ageing,
    );
  }

  /** The budgets the caller may see, narrowed to the one asked for. */
  private async budgetsInScope(
    budget: string | null,
    user: AuthenticatedUser,
  ): Promise<ScopeBudgetRow[]> {
    if (budget !== null && user.budgetCodes && !user.budgetCodes.includes(budget)) {
      throw new ForbiddenException('Vous n’avez pas accès à ce budget.');
    }
    const rows = await this.dataSource.query<ScopeBudgetRow[]>(
      `SELECT id, code, label, active FROM budget
        WHERE ($1::text[] IS NULL OR code = ANY($1::text[])) AND ($2::text IS NULL OR code = $2::text)
        ORDER BY code`,
      [user.budgetCodes ? [...user.budgetCodes] : null, budget],
    );
    if (budget !== null && rows.length === 0) {
      throw new NotFoundException(`Le budget ${budget} n’existe pas.`);
    }
    return rows;
  }
}

function assemble(
  from: string,
  to: string,
  budgets: readonly ScopeBudgetRow[],
  requestedBudget: string | null,
  received: readonly ReceivedRow[],
  snapshot: readonly SnapshotRow[],
  ageing: readonly AgeingRow[],
): BudgetStatsDto {
  const receivedByBudget = new Map<number, number>();
  const monthly = new Map<string, { month: string; statusFamily: string; count: number }>();
  for (const row of received) {
    receivedByBudget.set(row.budget_id, (receivedByBudget.get(row.budget_id) ?? 0) + row.n);
    const key = `${row.month}|${row.family}`;
    const entry = monthly.get(key) ?? { month: row.month, statusFamily: row.family, count: 0 };
    entry.count += row.n;
    monthly.set(key, entry);
  }
  const snapshotByBudget = new Map(snapshot.map((row) => [row.budget_id, row]));

  const figures = budgets.map((budget) => {
    const now = snapshotByBudget.get(budget.id);
    return {
      active: budget.active,
      budgetCode: budget.code,
      budgetLabel: budget.label,
      received: receivedByBudget.get(budget.id) ?? 0,
      stuck: now?.stuck ?? 0,
      late: now?.late ?? 0,
      atRiskNext5Days: now?.at_risk ?? 0,
      eurosAtRisk: now?.euros_at_risk ?? '0.00',
    };
  });
  // An inactive budget is listed when asked for, or while it still has something to show.
  const perBudget = figures
    .filter(
      (f) =>
        f.active ||
        f.budgetCode === requestedBudget ||
        f.received + f.stuck + f.late + f.atRiskNext5Days > 0 ||
        toCents(f.eurosAtRisk) !== 0n,
    )
    .map(({ active: _active, ...entry }) => entry);

  const bucketCounts = BUDGET_AGEING_BUCKETS.map(() => 0);
  for (const row of ageing) {
    bucketCounts[row.bucket] = (bucketCounts[row.bucket] ?? 0) + row.n;
  }

  return {
    from,
    to,
    tiles: {
      received: sum(perBudget.map((f) => f.received)),
      stuck: sum(perBudget.map((f) => f.stuck)),
      late: sum(perBudget.map((f) => f.late)),
      atRiskNext5Days: sum(perBudget.map((f) => f.atRiskNext5Days)),
      eurosAtRisk: fromCents(perBudget.reduce((total, f) => total + toCents(f.eurosAtRisk), 0n)),
    },
    monthly: [...monthly.values()].sort(
      (a, b) =>
        a.month.localeCompare(b.month) || familyRank(a.statusFamily) - familyRank(b.statusFamily),
    ),
    perBudget,
    ageing: BUDGET_AGEING_BUCKETS.map((bucket, i) => ({ bucket, count: bucketCounts[i] ?? 0 })),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Exact decimal arithmetic on PostgreSQL numeric text (`1234.56`, `-0.5`). */
function toCents(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) {
    return 0n;
  }
  const cents = BigInt(match[2] ?? '0') * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
