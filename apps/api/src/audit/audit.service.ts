import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface AuditActor {
  readonly id: string | null;
  readonly email: string | null;
  readonly ip: string | null;
}

export interface AuditEntry {
  readonly action: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly outcome?: 'success' | 'failure' | 'denied';
}

/** Appends to the audit trail (the table refuses updates and deletes). */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Pass the transaction's manager so the entry commits or rolls back with the change it records. */
  async record(actor: AuditActor, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_event (actor_id, actor_email, action, target_type, target_id, before, after, ip, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        actor.id,
        actor.email,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
        actor.ip,
        entry.outcome ?? 'success',
      ],
    );
  }
}
