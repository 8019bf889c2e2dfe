import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AnomalyListQueryParams } from '../anomalies/anomaly-query';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { EXPORT_CONTENT_TYPES } from './anomaly-export-writers';
import { AnomalyExportService } from './anomaly-export.service';

/**
 * Exports of the anomaly list: the same query parameters as `GET /anomalies` (offset and limit
 * aside: the whole filtered view, in its sort order). Registered before the anomalies module so
 * that `anomalies/export.csv` is not taken for `anomalies/:id`.
 */
@ApiTags('exports')
@Controller('anomalies')
export class ExportsController {
  constructor(private readonly exports: AnomalyExportService) {}

  @Get('export.csv')
  @RequirePermission('exports:read')
  @ApiProduces(EXPORT_CONTENT_TYPES.csv)
  csv(
    @Query() query: AnomalyListQueryParams,
    @CurrentUser() user: AuthenticatedUser,
    @Res() response: Response,
  ): Promise<void> {
    return this.exports.export('csv', query, user, response);
  }

  @Get('export.xlsx')
  @RequirePermission('exports:read')
  @ApiProduces(EXPORT_CONTENT_TYPES.xlsx)
  xlsx(
    @Query() query: AnomalyListQueryParams,
    @CurrentUser() user: AuthenticatedUser,
    @Res() response: Response,
  ): Promise<void> {
    return this.exports.export('xlsx', query, user, response);
  }
}
