import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class BudgetCodeParam {
  @ApiProperty({ example: '62' })
  @Matches(/^\d{2}$/, { message: 'Le code budget doit comporter exactement 2 chiffres.' })
  code!: string;
}
