import type { ChorusAccountHealthDto, SyncRequestResultDto, SyncRunDto } from '@cd31/contracts';
import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Max, Min, IsInt, IsOptional } from 'class-validator';
import { Type } from 'class-transformer';
import { AuditService } from '../audit/audit.service';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { ChorusSyncService } from './chorus-sync.service';

class ListRunsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Le nombre de synchronisations doit être un entier.' })
  @Min(1, { message: 'Le nombre de synchronisations doit être au moins 1.' })
  @Max(200, { message: 'Le nombre de synchronisations est limité à 200.' })
  limit?: number;
}

@ApiTags('sync')
@Controller('sync')
export class ChorusSyncController {
  constructor(
    private readonly sync: ChorusSyncService,
    private readonly audit: AuditService,
  ) {}

  /** "Synchroniser maintenant": 202 with the new run, or 200 with the one already running. */
  @Post('runs')
  @RequirePermission('sync:run')
  @HttpCode(202)
  async requestSync(
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SyncRequestResultDto> {
    const result = await this.sync.requestSync('manual', user.id);
    if (result.started) {
      await this.audit.record(auditActor(user), {
        action: 'sync.request',
        targetType: 'sync_run',
        targetId: String(result.run.id),
      });
    } else {
      response.status(200);
    }
    return result;
  }

  @Get('runs')
  @RequirePermission('sync:read')
  listRuns(@Query() query: ListRunsQuery): Promise<SyncRunDto[]> {
    return this.sync.listRuns(query.limit ?? 20);
  }

  @Get('runs/:id')
  @RequirePermission('sync:read')
  getRun(
    @Param('id', new ParseIntPipe({ errorHttpStatusCode: 400 })) id: number,
  ): Promise<SyncRunDto> {
    return this.sync.getRun(id);
  }

  @Get('account')
  @RequirePermission('sync:read')
  account(): Promise<ChorusAccountHealthDto> {
    return this.sync.accountHealth();
  }
}
