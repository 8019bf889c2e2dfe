import type { BudgetDto } from '@cd31/contracts';
import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { BudgetCodeParam } from '../common/params';
import { BudgetResponse, CreateBudgetBody, UpdateBudgetBody } from './dto/budget.dto';
import { BudgetsService } from './budgets.service';

@ApiTags('budgets')
@Controller('budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Get()
  @RequirePermission('budgets:read')
  @ApiOkResponse({ type: [BudgetResponse] })
  list(): Promise<BudgetDto[]> {
    return this.budgets.list();
  }

  @Get(':code')
  @RequirePermission('budgets:read')
  @ApiOkResponse({ type: BudgetResponse })
  get(@Param() params: BudgetCodeParam): Promise<BudgetDto> {
    return this.budgets.get(params.code);
  }

  @Post()
  @RequirePermission('budgets:write')
  @HttpCode(201)
  @ApiOkResponse({ type: BudgetResponse })
  @ApiConflictResponse({ description: 'Code ou SIRET déjà utilisé' })
  create(
    @Body() body: CreateBudgetBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<BudgetDto> {
    return this.budgets.create(body, user);
  }

  @Patch(':code')
  @RequirePermission('budgets:write')
  @ApiOkResponse({ type: BudgetResponse })
  update(
    @Param() params: BudgetCodeParam,
    @Body() body: UpdateBudgetBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<BudgetDto> {
    return this.budgets.update(params.code, body, user);
  }
}
