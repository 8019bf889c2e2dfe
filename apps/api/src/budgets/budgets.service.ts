import type { BudgetDto, CreateBudgetRequest, UpdateBudgetRequest } from '@cd31/contracts';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { Budget } from './budget.entity';

@Injectable()
export class BudgetsService {
  constructor(@InjectRepository(Budget) private readonly budgets: Repository<Budget>) {}

  async list(): Promise<BudgetDto[]> {
    const rows = await this.budgets.find({ order: { code: 'ASC' } });
    return rows.map(toDto);
  }

  async get(code: string): Promise<BudgetDto> {
    return toDto(await this.findOrFail(code));
  }

  async create(request: CreateBudgetRequest): Promise<BudgetDto> {
    try {
      const saved = await this.budgets.save(
        this.budgets.create({ code: request.code, label: request.label, siret: request.siret }),
      );
      return toDto(await this.findOrFail(saved.code));
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }

  async update(code: string, request: UpdateBudgetRequest): Promise<BudgetDto> {
    const budget = await this.findOrFail(code);
    if (request.label !== undefined) {
      budget.label = request.label;
    }
    if (request.active !== undefined) {
      budget.active = request.active;
    }
    budget.updatedAt = new Date();
    await this.budgets.save(budget);
    return toDto(budget);
  }

  private async findOrFail(code: string): Promise<Budget> {
    const budget = await this.budgets.findOneBy({ code });
    if (!budget) {
      throw new NotFoundException(`Le budget ${code} n'existe pas.`);
    }
    return budget;
  }
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
