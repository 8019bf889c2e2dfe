import type { BudgetStatsDto } from '@cd31/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { BudgetStatsQueryParams } from './stats-query';
import { StatsService } from './stats.service';

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  /** The managers' Budgets page: volumes per month, stuck and late invoices, ageing. */
  @Get('budgets')
  @RequirePermission('budgets:read')
  budgets(
    @Query() query: BudgetStatsQueryParams,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<BudgetStatsDto> {
    return this.stats.budgetStats(query, user);
  }
}
