import { manualTransitionError, type AnomalyState } from '@cd31/domain';
import type {
  AnomalyBulkUpdateResultDto,
  AnomalyCountsDto,
  AnomalyDetailDto,
  AnomalyListQuery,
  AnomalyNoteDto,
  AnomalyPageDto,
  AnomalyUpdateRequest,
  UserRefDto,
} from '@cd31/contracts';
import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { ANOMALY_COLUMNS, ANOMALY_FROM, buildAnomalyQuery, type BuiltQuery } from './anomaly-query';
import {
  toAnomalyRowDto,
  toHistoryEntry,
  type AnomalyEventRow,
  type AnomalyRow,
} from './anomaly-rows';

interface LockedAnomaly {
  id: string;
  state: AnomalyState;
  assignee_id: string | null;
  budget_code: string;
}

/** The anomaly list, counts and triage (assign, state, notes) with its history. */
@Injectable()
export class AnomaliesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: AnomalyListQuery, user: AuthenticatedUser): Promise<AnomalyPageDto> {
    const built = buildAnomalyQuery(query, user);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    // Two steps in one statement: the page's ids, read from `anomaly` alone (in the order of the
    // sort's index when the filters allow it); then every column, the notes count included, for
    // those ids only, in the same order.
    const rows = await this.dataSource.query<AnomalyRow[]>(
      `WITH page AS (
         SELECT page.id, page.ord
           FROM unnest(ARRAY(
                  SELECT a.id FROM anomaly a ${built.where}
                   ORDER BY ${built.orderBy} OFFSET ${offset} LIMIT ${limit}
                )) WITH ORDINALITY AS page (id, ord)
       )
       SELECT ${ANOMALY_COLUMNS}
         FROM page
         JOIN anomaly a ON a.id = page.id
         JOIN budget b ON b.id = a.budget_id
        ORDER BY page.ord`,
      built.params,
    );
    // A short page is the last one: its end is the total, no count needed.
    const total =
      rows.length < limit && (rows.length > 0 || offset === 0)
        ? offset + rows.length
        : query.withTotal === false
          ? null
          : await this.countWhere(built);
    return { rows: rows.map(toAnomalyRowDto), total };
  }

  async counts(query: AnomalyListQuery, user: AuthenticatedUser): Promise<AnomalyCountsDto> {
    const built = buildAnomalyQuery(query, user);
    const rows = await this.dataSource.query<{ code: string; budget_code: string; n: number }[]>(
      built.countable
        ? `SELECT a.code, a.budget_code, sum(a.n)::int AS n FROM anomaly_count a ${built.where}
            GROUP BY a.code, a.budget_code HAVING sum(a.n) <> 0`
        : `SELECT a.code, a.budget_code, count(*)::int AS n FROM anomaly a ${built.where}
            GROUP BY a.code, a.budget_code`,
      built.params,
    );
    const byCode = new Map<string, number>();
    const byBudget = new Map<string, number>();
    let total = 0;
    for (const row of rows) {
      byCode.set(row.code, (byCode.get(row.code) ?? 0) + row.n);
      byBudget.set(row.budget_code, (byBudget.get(row.budget_code) ?? 0) + row.n);
      total += row.n;
    }
    return {
      byCode: [...byCode].map(([code, count]) => ({
        code: code as AnomalyCountsDto['byCode'][number]['code'],
        count,
      })),
      byBudget: [...byBudget].sort().map(([budgetCode, count]) => ({ budgetCode, count })),
      total,
    };
  }

  async detail(id: number, user: AuthenticatedUser): Promise<AnomalyDetailDto> {
    const [detail] = await this.details([id], user);
    if (!detail) {
      throw new NotFoundException(`L’anomalie ${id} n’existe pas.`);
    }
    return detail;
  }

  /** Full anomalies (notes and history included), in the order of `ids`. */
  async details(ids: readonly number[], user: AuthenticatedUser): Promise<AnomalyDetailDto[]> {
    if (ids.length === 0) {
      return [];
    }
    const built = buildAnomalyQuery({ state: ['OUVERTE', 'EN_COURS', 'RESOLUE', 'IGNOREE'] }, user);
    const rows = await this.dataSource.query<AnomalyRow[]>(
      `SELECT ${ANOMALY_COLUMNS} ${ANOMALY_FROM} ${built.where} AND a.id = ANY($${built.params.length + 1}::bigint[])`,
      [...built.params, ids],
    );
    const notes = await this.dataSource.query<
      {
        id: string;
        anomaly_id: string;
        author_id: string | null;
        author_name: string | null;
        at: Date;
        text: string;
      }[]
    >(
      `SELECT n.id, n.anomaly_id, n.author_id, u.display_name AS author_name, n.at, n.text
         FROM anomaly_note n LEFT JOIN app_user u ON u.id = n.author_id
        WHERE n.anomaly_id = ANY($1::bigint[]) ORDER BY n.at, n.id`,
      [ids],
    );
    const events = await this.dataSource.query<(AnomalyEventRow & { anomaly_id: string })[]>(
      `SELECT e.anomaly_id, e.at, e.actor_id, u.display_name AS actor_name, e.kind, e.from_state, e.to_state, e.details
         FROM anomaly_event e LEFT JOIN app_user u ON u.id = e.actor_id
        WHERE e.anomaly_id = ANY($1::bigint[]) ORDER BY e.at, e.id`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) {
        return [];
      }
      return [
        {
          ...toAnomalyRowDto(row),
          notes: notes
            .filter((n) => Number(n.anomaly_id) === id)
            .map((n) => ({
              id: Number(n.id),
              author: n.author_id ? { id: n.author_id, displayName: n.author_name ?? '' } : null,
              at: n.at.toISOString(),
              text: n.text,
            })),
          history: events.filter((e) => Number(e.anomaly_id) === id).map(toHistoryEntry),
        },
      ];
    });
  }

  async update(
    id: number,
    request: AnomalyUpdateRequest,
    user: AuthenticatedUser,
  ): Promise<AnomalyDetailDto> {
    await this.dataSource.transaction(async (manager) => {
      const [anomaly] = await this.lock(manager, [id], user);
      if (!anomaly) {
        throw new NotFoundException(`L’anomalie ${id} n’existe pas.`);
      }
      const refusal = await this.apply(manager, anomaly, request, user);
      if (refusal) {
        throw new BadRequestException(refusal);
      }
    });
    return this.detail(id, user);
  }

  async bulkUpdate(
    ids: readonly number[],
    request: AnomalyUpdateRequest,
    user: AuthenticatedUser,
  ): Promise<AnomalyBulkUpdateResultDto> {
    const refused: { id: number; reason: string }[] = [];
    let updated = 0;
    await this.dataSource.transaction(async (manager) => {
      const anomalies = await this.lock(manager, ids, user);
      const found = new Set(anomalies.map((a) => Number(a.id)));
      for (const id of ids) {
        if (!found.has(id)) {
          refused.push({ id, reason: 'Anomalie introuvable.' });
        }
      }
      for (const anomaly of anomalies) {
        const refusal = await this.apply(manager, anomaly, request, user);
        if (refusal) {
          refused.push({ id: Number(anomaly.id), reason: refusal });
        } else {
          updated++;
        }
      }
    });
    return { updated, refused };
  }

  async addNote(id: number, text: string, user: AuthenticatedUser): Promise<AnomalyNoteDto> {
    return this.dataSource.transaction(async (manager) => {
      const [anomaly] = await this.lock(manager, [id], user);
      if (!anomaly) {
        throw new NotFoundException(`L’anomalie ${id} n’existe pas.`);
      }
      return this.insertNote(manager, anomaly.id, text, user);
    });
  }

  assignableUsers(): Promise<UserRefDto[]> {
    return this.dataSource.query<UserRefDto[]>(
      `SELECT id, display_name AS "displayName" FROM app_user
        WHERE active AND role IN ('agent', 'admin') ORDER BY display_name`,
    );
  }

  private async lock(
    manager: EntityManager,
    ids: readonly number[],
    user: AuthenticatedUser,
  ): Promise<LockedAnomaly[]> {
    const anomalies = await manager.query<LockedAnomaly[]>(
      `SELECT a.id, a.state, a.assignee_id, b.code AS budget_code
         FROM anomaly a JOIN budget b ON b.id = a.budget_id
        WHERE a.id = ANY($1::bigint[]) ORDER BY a.id FOR UPDATE OF a`,
      [ids],
    );
    if (user.budgetCodes && anomalies.some((a) => !user.budgetCodes?.includes(a.budget_code))) {
      throw new ForbiddenException('Vous n’avez pas accès à ce budget.');
    }
    return anomalies;
  }

  /** Applies one triage request to one locked anomaly; returns a French refusal or null. */
  private async apply(
    manager: EntityManager,
    anomaly: LockedAnomaly,
    request: AnomalyUpdateRequest,
    user: AuthenticatedUser,
  ): Promise<string | null> {
    const before = { state: anomaly.state, assigneeId: anomaly.assignee_id };
    let assigneeId = anomaly.assignee_id;
    let assigneeName: string | null = null;
    if (request.assigneeId !== undefined) {
      assigneeId = request.assigneeId === 'me' ? user.id : request.assigneeId;
      if (assigneeId !== null) {
        const [assignee] = await manager.query<
          { display_name: string; role: string; active: boolean }[]
        >(`SELECT display_name, role, active FROM app_user WHERE id = $1`, [assigneeId]);
        if (!assignee?.active || !['agent', 'admin'].includes(assignee.role)) {
          return 'Cette personne ne peut pas se voir attribuer une anomalie.';
        }
        assigneeName = assignee.display_name;
      }
    }
    // Taking an open anomaly puts it "en cours" unless another state is asked.
    let state = request.state ?? anomaly.state;
    if (
      request.state === undefined &&
      assigneeId !== null &&
      assigneeId !== anomaly.assignee_id &&
      anomaly.state === 'OUVERTE'
    ) {
      state = 'EN_COURS';
    }
    if (state !== anomaly.state) {
      const refusal = manualTransitionError(anomaly.state, state, request.comment);
      if (refusal) {
        return refusal;
      }
    }
    if (state === anomaly.state && assigneeId === anomaly.assignee_id && !request.comment?.trim()) {
      return null;
    }
    const resolvingNow = state === 'RESOLUE' && anomaly.state !== 'RESOLUE';
    await manager.query(
      `UPDATE anomaly SET state = $2::text, assignee_id = $3::uuid, updated_at = now(),
              resolved_at = CASE WHEN $4::boolean THEN now() WHEN $2::text = 'RESOLUE' THEN resolved_at ELSE NULL END,
              resolution_reason = CASE WHEN $4::boolean THEN $5::text WHEN $2::text = 'RESOLUE' THEN resolution_reason ELSE NULL END,
              resolved_automatically = CASE WHEN $4::boolean THEN false ELSE resolved_automatically END
        WHERE id = $1`,
      [
        anomaly.id,
        state,
        assigneeId,
        resolvingNow,
        request.comment?.trim() || `Résolue par ${user.displayName}.`,
      ],
    );
    if (state !== anomaly.state) {
      await manager.query(
        `INSERT INTO anomaly_event (anomaly_id, actor_id, kind, from_state, to_state) VALUES ($1, $2, 'state', $3, $4)`,
        [anomaly.id, user.id, anomaly.state, state],
      );
    }
    if (assigneeId !== anomaly.assignee_id) {
      await manager.query(
        `INSERT INTO anomaly_event (anomaly_id, actor_id, kind, details) VALUES ($1, $2, 'assigned', $3)`,
        [anomaly.id, user.id, JSON.stringify({ assigneeId, assigneeName })],
      );
    }
    if (request.comment?.trim()) {
      await this.insertNote(manager, anomaly.id, request.comment, user);
    }
    await this.audit.record(
      auditActor(user),
      {
        action: 'anomaly.update',
        targetType: 'anomaly',
        targetId: anomaly.id,
        before,
        after: { state, assigneeId },
      },
      manager,
    );
    return null;
  }

  private async insertNote(
    manager: EntityManager,
    anomalyId: string,
    text: string,
    user: AuthenticatedUser,
  ): Promise<AnomalyNoteDto> {
    const trimmed = text.trim();
    const [note] = await manager.query<{ id: string; at: Date }[]>(
      `INSERT INTO anomaly_note (anomaly_id, author_id, text) VALUES ($1, $2, $3) RETURNING id, at`,
      [anomalyId, user.id, trimmed],
    );
    await manager.query(
      `INSERT INTO anomaly_event (anomaly_id, actor_id, kind) VALUES ($1, $2, 'note')`,
      [anomalyId, user.id],
    );
    await this.audit.record(
      auditActor(user),
      {
        action: 'anomaly.note',
        targetType: 'anomaly',
        targetId: anomalyId,
        after: { text: trimmed },
      },
      manager,
    );
    return {
      id: Number(note?.id),
      author: { id: user.id, displayName: user.displayName },
      at: (note?.at ?? new Date()).toISOString(),
      text: trimmed,
    };
  }

  private async countWhere(built: BuiltQuery): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      built.countable
        ? `SELECT coalesce(sum(a.n), 0)::int AS n FROM anomaly_count a ${built.where}`
        : `SELECT count(*)::int AS n FROM anomaly a ${built.where}`,
      built.params,
    );
    return row?.n ?? 0;
  }
}
