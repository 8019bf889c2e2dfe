import { BUDGET_LABEL_MAX_LENGTH } from '@cd31/domain';
import type { CreateBudgetRequest, UpdateBudgetRequest } from '@cd31/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsSiret } from '../../common/validators';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
const stripSpaces = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.replace(/[\s\u00a0\u202f]/g, '') : value;

export class CreateBudgetBody implements CreateBudgetRequest {
  @ApiProperty({ example: '70', description: 'Code ASTRE du budget, 2 chiffres' })
  @Transform(trim)
  @IsString({ message: 'Le code budget doit être une chaîne de caractères.' })
  @Matches(/^\d{2}$/, { message: 'Le code budget doit comporter exactement 2 chiffres.' })
  code!: string;

  @ApiProperty({ example: 'Budget annexe' })
  @Transform(trim)
  @IsString({ message: 'Le libellé doit être une chaîne de caractères.' })
  @Length(1, BUDGET_LABEL_MAX_LENGTH, {
    message: `Le libellé doit comporter entre 1 et ${BUDGET_LABEL_MAX_LENGTH} caractères.`,
  })
  label!: string;

  @ApiProperty({ example: '22310001700423', description: 'SIRET Chorus Pro, 14 chiffres' })
  @Transform(stripSpaces)
  @IsString({ message: 'Le SIRET doit être une chaîne de caractères.' })
  @IsSiret()
  siret!: string;
}

export class UpdateBudgetBody implements UpdateBudgetRequest {
  @ApiPropertyOptional({ example: 'Principal' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'Le libellé doit être une chaîne de caractères.' })
  @Length(1, BUDGET_LABEL_MAX_LENGTH, {
    message: `Le libellé doit comporter entre 1 et ${BUDGET_LABEL_MAX_LENGTH} caractères.`,
  })
  label?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'Le champ « actif » doit valoir true ou false.' })
  active?: boolean;
}

export class BudgetResponse {
  @ApiProperty() code!: string;
  @ApiProperty() label!: string;
  @ApiProperty() siret!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() updatedAt!: string;
}
