import type { BudgetDto, CreateBudgetRequest, UpdateBudgetRequest } from '@cd31/contracts';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { Budget } from './budget.entity';

@Injectable()
export class BudgetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<BudgetDto[]> {
    const rows = await this.dataSource.getRepository(Budget).find({ order: { code: 'ASC' } });
    return rows.map(toDto);
  }

  async get(code: string): Promise<BudgetDto> {
    return toDto(await findOrFail(this.dataSource.manager, code));
  }

  async create(request: CreateBudgetRequest, actor: AuthenticatedUser): Promise<BudgetDto> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const repository = manager.getRepository(Budget);
        await repository.insert({ code: request.code, label: request.label, siret: request.siret });
        const created = toDto(await findOrFail(manager, request.code));
        await this.audit.record(
          auditActor(actor),
          { action: 'budget.create', targetType: 'budget', targetId: created.code, after: created },
          manager,
        );
        return created;
      });
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }

  async update(
    code: string,
    request: UpdateBudgetRequest,
    actor: AuthenticatedUser,
  ): Promise<BudgetDto> {
    return this.dataSource.transaction(async (manager) => {
      const budget = await findOrFail(manager, code, true);
      const before = toDto(budget);
      if (request.label !== undefined) {
        budget.label = request.label;
      }
      if (request.active !== undefined) {
        budget.active = request.active;
      }
      budget.updatedAt = new Date();
      await manager.getRepository(Budget).save(budget);
      const after = toDto(budget);
      await this.audit.record(
        auditActor(actor),
        { action: 'budget.update', targetType: 'budget', targetId: code, before, after },
        manager,
      );
      return after;
    });
  }
}

async function findOrFail(
  manager: EntityManager,
  code: string,
  forUpdate = false,
): Promise<Budget> {
  const budget = await manager.getRepository(Budget).findOne({
    where: { code },
    ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!budget) {
    throw new NotFoundException(`Le budget ${code} n'existe pas.`);
  }
  return budget;
}

function toDto(budget: Budget): BudgetDto {
  return {
    code: budget.code,
    label: budget.label,
    siret: budget.siret,
    active: budget.active,
    updatedAt: budget.updatedAt.toISOString(),
  };
}

function translateUniqueViolation(error: unknown): unknown {
  if (error instanceof QueryFailedError) {
    const { code, constraint } = error.driverError as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'budget_code_unique') {
      return new ConflictException('Un budget porte déjà ce code.');
    }
    if (code === '23505' && constraint === 'budget_siret_unique') {
      return new ConflictException('Un budget porte déjà ce SIRET.');
    }
  }
  return error;
}
