import type { BudgetDto } from '@cd31/contracts';
import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BudgetCodeParam } from '../common/params';
import { BudgetResponse, CreateBudgetBody, UpdateBudgetBody } from './dto/budget.dto';
import { BudgetsService } from './budgets.service';

@ApiTags('budgets')
@Controller('budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Get()
  @ApiOkResponse({ type: [BudgetResponse] })
  list(): Promise<BudgetDto[]> {
    return this.budgets.list();
  }

  @Get(':code')
  @ApiOkResponse({ type: BudgetResponse })
  get(@Param() params: BudgetCodeParam): Promise<BudgetDto> {
    return this.budgets.get(params.code);
  }

  @Post()
  @HttpCode(201)
  @ApiOkResponse({ type: BudgetResponse })
  @ApiConflictResponse({ description: 'Code ou SIRET déjà utilisé' })
  create(@Body() body: CreateBudgetBody): Promise<BudgetDto> {
    return this.budgets.create(body);
  }

  @Patch(':code')
  @ApiOkResponse({ type: BudgetResponse })
  update(@Param() params: BudgetCodeParam, @Body() body: UpdateBudgetBody): Promise<BudgetDto> {
    return this.budgets.update(params.code, body);
  }
}
