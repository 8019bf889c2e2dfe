import { ANOMALY_CODES, type InterestRateRow, type RecycleCommentTemplates } from '@cd31/domain';
import type {
  InterestRatesDto,
  RecyclePreviewDto,
  RecycleTemplatesDto,
  ThresholdSettingsDto,
} from '@cd31/contracts';
import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  Matches,
  ValidateNested,
} from 'class-validator';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { SettingsService } from './settings.service';

class ThresholdsBody {
  @Matches(/^(global|\d{2})$/, { message: 'Portée invalide : « global » ou un code budget.' })
  scope!: string;

  @IsObject({ message: 'Les seuils doivent être un objet (seuil → valeur).' })
  values!: Record<string, number | null>;
}

class InterestRateRowBody implements InterestRateRow {
  @Matches(/^\d{4}-(01|07)-01$/, { message: 'Semestre invalide : AAAA-01-01 ou AAAA-07-01.' })
  halfYearStart!: InterestRateRow['halfYearStart'];

  // Bounds are the domain's (interestRateErrors), checked by the service with a French message.
  @IsNumber({}, { message: 'Le taux BCE doit être un nombre.' })
  ecbRate!: number;
}

class InterestRatesBody {
  @IsArray({ message: 'Les taux doivent être une liste.' })
  @ArrayMaxSize(200, { message: 'Trop de lignes de taux.' })
  @ValidateNested({ each: true })
  @Type(() => InterestRateRowBody)
  rows!: InterestRateRowBody[];
}

class TemplatesBody {
  @IsObject({ message: 'Les modèles doivent être un objet.' })
  templates!: RecycleCommentTemplates;
}

class PreviewBody extends TemplatesBody {
  @IsArray({ message: 'Indiquez les anomalies de l’exemple.' })
  @IsIn(ANOMALY_CODES, { each: true, message: 'Code d’anomalie inconnu.' })
  anomalies!: string[];
}

@ApiTags('settings')
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('thresholds')
  @RequirePermission('settings:read')
  thresholds(): Promise<ThresholdSettingsDto> {
    return this.settings.thresholds();
  }

  @Put('thresholds')
  @RequirePermission('settings:write')
  updateThresholds(
    @Body() body: ThresholdsBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ThresholdSettingsDto> {
    return this.settings.updateThresholds(body, auditActor(user));
  }

  @Get('interest-rates')
  @RequirePermission('settings:read')
  interestRates(): Promise<InterestRatesDto> {
    return this.settings.interestRates();
  }

  @Put('interest-rates')
  @RequirePermission('settings:write')
  replaceInterestRates(
    @Body() body: InterestRatesBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<InterestRatesDto> {
    return this.settings.replaceInterestRates(body.rows, auditActor(user));
  }

  @Get('recycle-templates')
  @RequirePermission('settings:read')
  recycleTemplates(): Promise<RecycleTemplatesDto> {
    return this.settings.recycleTemplates();
  }

  @Put('recycle-templates')
  @RequirePermission('settings:write')
  updateRecycleTemplates(
    @Body() body: TemplatesBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RecycleTemplatesDto> {
    return this.settings.updateRecycleTemplates(body.templates, auditActor(user));
  }

  @Post('recycle-templates/preview')
  @RequirePermission('settings:read')
  @HttpCode(200)
  preview(@Body() body: PreviewBody): RecyclePreviewDto {
    return this.settings.previewRecycleComment(body.templates, body.anomalies);
  }
}
