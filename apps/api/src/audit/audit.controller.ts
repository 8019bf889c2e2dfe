import type { AuditPageDto } from '@cd31/contracts';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';

class AuditQuery {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(60)
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  actor?: string;

  @IsOptional()
  @IsDateString({}, { message: 'Date de début invalide (AAAA-MM-JJ).' })
  from?: string;

  @IsOptional()
  @IsDateString({}, { message: 'Date de fin invalide (AAAA-MM-JJ).' })
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500, { message: 'La taille de page est limitée à 500.' })
  limit?: number;
}

/** Cells that a spreadsheet would run as a formula get a leading quote. */
export function neutraliseCsvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @RequirePermission('audit:read')
  async search(@Query() query: AuditQuery): Promise<AuditPageDto> {
    const { where, params } = this.where(query);
    const rows = await this.dataSource.query<AuditPageDto['rows'][number][]>(
      `SELECT id::int, at, actor_email AS "actorEmail", action, target_type AS "targetType", target_id AS "targetId",
              before, after, ip, outcome
         FROM audit_event ${where} ORDER BY id DESC OFFSET ${query.offset ?? 0} LIMIT ${query.limit ?? 100}`,
      params,
    );
    const [total] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_event ${where}`,
      params,
    );
    return { rows, total: total?.n ?? 0 };
  }

  /** The audit trail as CSV for French Excel (streamed by pages of 1000). */
  @Get('export.csv')
  @RequirePermission('audit:read')
  async exportCsv(@Query() query: AuditQuery, @Res() response: Response): Promise<void> {
    const { where, params } = this.where(query);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="journal-audit.csv"');
    response.write(
      '\uFEFFDate;Utilisateur;Action;Objet;Identifiant;Adresse;Résultat;Avant;Après\r\n',
    );
    let lastId = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.dataSource.query<
        {
          id: string;
          at: Date;
          actor_email: string | null;
          action: string;
          target_type: string | null;
          target_id: string | null;
          ip: string | null;
          outcome: string;
          before: unknown;
          after: unknown;
        }[]
      >(
        `SELECT * FROM audit_event ${where} ${where ? 'AND' : 'WHERE'} id < $${params.length + 1} ORDER BY id DESC LIMIT 1000`,
        [...params, lastId],
      );
      if (rows.length === 0) {
        break;
      }
      const lines = rows.map((r) =>
        [
          new Intl.DateTimeFormat('fr-FR', {
            timeZone: 'Europe/Paris',
            dateStyle: 'short',
            timeStyle: 'medium',
          }).format(r.at),
          r.actor_email ?? '',
          r.action,
          r.target_type ?? '',
          r.target_id ?? '',
          r.ip ?? '',
          r.outcome,
          r.before === null ? '' : JSON.stringify(r.before),
          r.after === null ? '' : JSON.stringify(r.after),
        ]
          .map(neutraliseCsvCell)
          .join(';'),
      );
      if (!response.write(`${lines.join('\r\n')}\r\n`)) {
        await new Promise((resolve) => response.once('drain', resolve));
      }
      lastId = Number(rows[rows.length - 1]?.id);
    }
    response.end();
  }

  private where(query: AuditQuery): { where: string; params: unknown[] } {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.action) {
      params.push(`${query.action}%`);
      conditions.push(`action LIKE $${params.length}`);
    }
    if (query.actor) {
      params.push(`%${query.actor}%`);
      conditions.push(`actor_email ILIKE $${params.length}`);
    }
    if (query.from) {
      params.push(query.from);
      conditions.push(`at >= ($${params.length}::date AT TIME ZONE 'Europe/Paris')`);
    }
    if (query.to) {
      params.push(query.to);
      conditions.push(`at < (($${params.length}::date + 1) AT TIME ZONE 'Europe/Paris')`);
    }
    return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
  }
}
