import type { AnomalyListQuery } from '@cd31/contracts';
import { parisCalendarDate } from '@cd31/domain';
import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ANOMALY_COLUMNS, ANOMALY_FROM, buildAnomalyQuery } from '../anomalies/anomaly-query';
import type { AnomalyRow } from '../anomalies/anomaly-rows';
import { AuditService } from '../audit/audit.service';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import {
  createExportWriter,
  EXPORT_CONTENT_TYPES,
  type ExportFormat,
} from './anomaly-export-writers';
import { ExportAbortedError } from './back-pressure';
import { ReadOnlyCursor, type PgPool } from './read-only-cursor';

/** Rows per FETCH: big enough to keep round trips cheap, small enough to stay a few hundred kB. */
const BATCH_SIZE = 1000;
/**
 * An export holds a pooled connection for as long as its client takes to download it: a few slow
 * downloads must not take the pool the rest of the API needs.
 */
export const MAX_CONCURRENT_EXPORTS = 3;

/**
 * Streams the anomaly list — exactly the view: the list's own filters and sort, every page — as
 * CSV or XLSX. Rows come from a server-side cursor and go to the socket a batch at a time, paced by
 * the client, so an export of any size holds one batch in memory.
 *
 * Everything that can fail cheaply happens before the first byte (validation, permission, the
 * query and its first batch, the audit entry) and gets the usual French JSON error; a failure
 * after the first byte can only abort the download.
 */
@Injectable()
export class AnomalyExportService {
  private readonly logger = new Logger(AnomalyExportService.name);
  private running = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async export(
    format: ExportFormat,
    query: AnomalyListQuery,
    user: AuthenticatedUser,
    response: Response,
    now = new Date(),
  ): Promise<void> {
    if (this.running >= MAX_CONCURRENT_EXPORTS) {
      throw new HttpException(
        'Trop d’exports en cours : réessayez dans quelques instants.',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.running++;
    try {
      await this.stream(format, query, user, response, now);
    } finally {
      this.running--;
    }
  }

  private async stream(
    format: ExportFormat,
    query: AnomalyListQuery,
    user: AuthenticatedUser,
    response: Response,
    now: Date,
  ): Promise<void> {
    const { offset: _offset, limit: _limit, ...view } = query;
    const built = buildAnomalyQuery(view, user, now);
    const cursor = await ReadOnlyCursor.open<AnomalyRow>(
      this.pool(),
      `SELECT ${ANOMALY_COLUMNS} ${ANOMALY_FROM} ${built.where} ORDER BY ${built.orderBy}`,
      built.params,
      BATCH_SIZE,
    );
    let rows: AnomalyRow[];
    try {
      rows = await cursor.fetch();
      await this.audit.record(auditActor(user), {
        action: 'anomaly.export',
        targetType: 'anomaly',
        after: { format, filters: view },
      });
    } catch (error) {
      await cursor.close();
      throw error;
    }

    const fileName = `anomalies-${parisCalendarDate(now)}.${format}`;
    response.status(200);
    response.setHeader('Content-Type', EXPORT_CONTENT_TYPES[format]);
    response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    // A reverse proxy must pass the stream on, not buffer it.
    response.setHeader('X-Accel-Buffering', 'no');

    const writer = createExportWriter(format, response);
    let written = 0;
    try {
      writer.writeHeader();
      while (rows.length > 0) {
        await writer.writeRows(rows);
        written += rows.length;
        rows = await cursor.fetch();
      }
      await cursor.close();
      await writer.end();
    } catch (error) {
      await cursor.close();
      if (error instanceof ExportAbortedError) {
        this.logger.warn(`Export ${format} interrompu par le client après ${written} lignes.`);
      } else {
        this.logger.error(
          `Export ${format} échoué après ${written} lignes : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      // Headers are gone: the only honest signal left is a truncated, aborted response.
      response.destroy();
    }
  }

  private pool(): PgPool {
    const driver = this.dataSource.driver as PostgresDriver;
    return driver.master as PgPool;
  }
}
