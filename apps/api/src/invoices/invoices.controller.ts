import type { InvoiceDetailDto, InvoiceSearchPageDto, RecycleResultDto } from '@cd31/contracts';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { InvoicesService } from './invoices.service';

const ID_PIPE = new ParseIntPipe({ errorHttpStatusCode: 400 });

class InvoiceSearchQuery {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(120, { message: 'La recherche est limitée à 120 caractères.' })
  q?: string;

  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Code budget invalide : 2 chiffres attendus.' })
  budget?: string;

  @IsOptional()
  @Matches(/^[A-Z_]{2,60}$/, { message: 'Statut Chorus Pro invalide.' })
  status?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Le décalage doit être un entier.' })
  @Min(0, { message: 'Le décalage doit être positif.' })
  offset?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'La taille de page doit être un entier.' })
  @Min(1, { message: 'La taille de page doit être au moins 1.' })
  @Max(200, { message: 'La taille de page est limitée à 200.' })
  limit?: number;
}

class RecycleBody {
  @IsString({ message: 'Le commentaire de recyclage est obligatoire.' })
  @Length(1, 1000, { message: 'Le commentaire de recyclage est obligatoire.' })
  comment!: string;
}

@ApiTags('invoices')
@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  @RequirePermission('invoices:read')
  search(
    @Query() query: InvoiceSearchQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<InvoiceSearchPageDto> {
    return this.invoices.search(query, user);
  }

  /** Chorus data beside ASTRE's, status history, anomalies, payment-delay clock, drafted comment. */
  @Get(':idFacture')
  @RequirePermission('invoices:read')
  detail(
    @Param('idFacture', ID_PIPE) idFacture: number,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<InvoiceDetailDto> {
    return this.invoices.detail(idFacture, user);
  }

  /** "Envoyer à recycler": A_RECYCLER with the comment as motif (dry-run unless enabled). */
  @Post(':idFacture/recycle')
  @RequirePermission('recycle:send')
  @HttpCode(200)
  recycle(
    @Param('idFacture', ID_PIPE) idFacture: number,
    @Body() body: RecycleBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RecycleResultDto> {
    return this.invoices.recycle(idFacture, body.comment, user);
  }
}
