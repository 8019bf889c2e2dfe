import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { BudgetStatsQuery } from './stats.service';
import { MONTH_PATTERN } from './stats-period';

/** `GET /stats/budgets` query: a period of months (at most 36) and, optionally, one budget. */
export class BudgetStatsQueryParams implements BudgetStatsQuery {
  @ApiPropertyOptional({ example: '2025-01', description: 'Premier mois (AAAA-MM), inclus' })
  @IsOptional()
  @Matches(MONTH_PATTERN, {
    message: 'Le mois de début doit être au format AAAA-MM (par exemple 2025-01).',
  })
  from?: string;

  @ApiPropertyOptional({ example: '2025-12', description: 'Dernier mois (AAAA-MM), inclus' })
  @IsOptional()
  @Matches(MONTH_PATTERN, {
    message: 'Le mois de fin doit être au format AAAA-MM (par exemple 2025-12).',
  })
  to?: string;

  @ApiPropertyOptional({ example: '62', description: 'Code du budget ; tous ceux visibles sinon' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Code budget invalide : 2 chiffres attendus.' })
  budget?: string;
}
