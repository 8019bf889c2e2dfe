import type {
  AnomalyBulkUpdateResultDto,
  AnomalyCountsDto,
  AnomalyDetailDto,
  AnomalyNoteDto,
  AnomalyPageDto,
  UserRefDto,
} from '@cd31/contracts';
import { ANOMALY_STATES } from '@cd31/domain';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AnomalyListQueryParams } from './anomaly-query';
import { AnomaliesService } from './anomalies.service';

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;
const ID_PIPE = new ParseIntPipe({ errorHttpStatusCode: 400 });

class AnomalyUpdateBody {
  @IsOptional()
  @IsIn(ANOMALY_STATES, { message: 'État d’anomalie inconnu.' })
  state?: (typeof ANOMALY_STATES)[number];

  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: 'Responsable invalide : « me », null ou un identifiant d’utilisateur.',
  })
  assigneeId?: string | null;

  @IsOptional()
  @Transform(trimmed)
  @IsString({ message: 'Le commentaire doit être un texte.' })
  @Length(1, 4000, { message: 'Le commentaire doit comporter entre 1 et 4000 caractères.' })
  comment?: string;
}

class AnomalyBulkBody extends AnomalyUpdateBody {
  @IsArray({ message: 'Indiquez les anomalies à modifier.' })
  @ArrayMinSize(1, { message: 'Sélectionnez au moins une anomalie.' })
  @ArrayMaxSize(1000, { message: 'Au plus 1000 anomalies à la fois.' })
  @IsInt({ each: true, message: 'Identifiant d’anomalie invalide.' })
  ids!: number[];
}

class NoteBody {
  @Transform(trimmed)
  @IsString({ message: 'La note doit être un texte.' })
  @Length(1, 4000, { message: 'La note doit comporter entre 1 et 4000 caractères.' })
  text!: string;
}

@ApiTags('anomalies')
@Controller()
export class AnomaliesController {
  constructor(private readonly anomalies: AnomaliesService) {}

  /** A page of the anomaly list, filtered and sorted by the server (ag-grid's infinite model). */
  @Get('anomalies')
  @RequirePermission('anomalies:read')
  list(
    @Query() query: AnomalyListQueryParams,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AnomalyPageDto> {
    return this.anomalies.list(query, user);
  }

  @Get('anomalies/counts')
  @RequirePermission('anomalies:read')
  counts(
    @Query() query: AnomalyListQueryParams,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AnomalyCountsDto> {
    return this.anomalies.counts(query, user);
  }

  @Get('anomalies/:id')
  @RequirePermission('anomalies:read')
  detail(
    @Param('id', ID_PIPE) id: number,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AnomalyDetailDto> {
    return this.anomalies.detail(id, user);
  }

  @Patch('anomalies/:id')
  @RequirePermission('anomalies:triage')
  update(
    @Param('id', ID_PIPE) id: number,
    @Body() body: AnomalyUpdateBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AnomalyDetailDto> {
    return this.anomalies.update(id, body, user);
  }

  @Post('anomalies/bulk')
  @RequirePermission('anomalies:triage')
  @HttpCode(200)
  bulk(
    @Body() body: AnomalyBulkBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AnomalyBulkUpdateResultDto> {
    const { ids, ...request } = body;
    return this.anomalies.bulkUpdate(ids, request, user);
  }

  @Post('anomalies/:id/notes')
  @RequirePermission('anomalies:triage')
  @HttpCode(201)
  addNote(
    @Param('id', ID_PIPE) id: number,
    @Body() body: NoteBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AnomalyNoteDto> {
    return this.anomalies.addNote(id, body.text, user);
  }

  @Get('users/assignable')
  @RequirePermission('anomalies:read')
  assignable(): Promise<UserRefDto[]> {
    return this.anomalies.assignableUsers();
  }
}
