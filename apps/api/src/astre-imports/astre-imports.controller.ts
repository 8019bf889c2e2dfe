import type {
  AstreImportDto,
  AstreImportLineErrorDto,
  AstreImportProfileDto,
} from '@cd31/contracts';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AstreImportsService } from './astre-imports.service';
import { storeUpload, validateFileName } from './upload-sink';

class UploadQuery {
  @IsOptional()
  @IsIn(['factures', 'engagements'], {
    message: 'Le type de fichier doit être « factures » ou « engagements ».',
  })
  kind?: 'factures' | 'engagements';
}

class ConfirmBody {
  @IsIn(['all-or-nothing', 'valid-only'], {
    message:
      'Le mode doit être « all-or-nothing » (tout ou rien) ou « valid-only » (lignes valides seulement).',
  })
  mode!: 'all-or-nothing' | 'valid-only';
}

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Le décalage doit être un entier.' })
  @Min(0, { message: 'Le décalage doit être positif.' })
  offset?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'La taille de page doit être un entier.' })
  @Min(1, { message: 'La taille de page doit être au moins 1.' })
  @Max(1000, { message: 'La taille de page est limitée à 1000.' })
  limit?: number;
}

class ProfileParam {
  @IsIn(['factures', 'engagements'], {
    message: 'Profil inconnu : « factures » ou « engagements ».',
  })
  kind!: 'factures' | 'engagements';
}

class ProfileBody {
  @IsIn(['auto', ';', ',', '\t'], {
    message: 'Séparateur invalide : auto, « ; », « , » ou tabulation.',
  })
  separator!: 'auto' | ';' | ',' | '\t';

  @IsIn(['auto', 'utf-8', 'windows-1252'], {
    message: 'Encodage invalide : auto, utf-8 ou windows-1252.',
  })
  encoding!: 'auto' | 'utf-8' | 'windows-1252';

  @IsObject({ message: 'Les alias d’en-têtes doivent être un objet (champ → liste de libellés).' })
  headerAliases!: Record<string, string[]>;
}

const JSON_TYPES = /^(application\/json|application\/x-www-form-urlencoded|multipart\/form-data)/i;

@ApiTags('astre-imports')
@Controller()
export class AstreImportsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly imports: AstreImportsService,
  ) {}

  /**
   * Upload an export as the raw request body (the file's own bytes), its name in `X-File-Name`
   * (URI-encoded). Answers with the preview: nothing is imported before confirmation.
   */
  @Post('astre-imports')
  @RequirePermission('imports:write')
  @HttpCode(201)
  @ApiConsumes('application/octet-stream', 'text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  async upload(
    @Req() request: Request,
    @Query() query: UploadQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AstreImportDto> {
    if (JSON_TYPES.test(request.header('content-type') ?? '')) {
      throw new UnsupportedMediaTypeException(
        'Envoyez le fichier lui-même comme corps de la requête (application/octet-stream).',
      );
    }
    const fileName = validateFileName(request.header('x-file-name'));
    if (!fileName) {
      throw new BadRequestException(
        'Nom de fichier absent ou invalide : un simple nom, sans chemin ni caractère de contrôle (en-tête X-File-Name).',
      );
    }
    const upload = await storeUpload(request, this.config.astre.maxUploadBytes);
    try {
      return await this.imports.preview(upload, fileName, query.kind, auditActor(user));
    } finally {
      await upload.remove();
    }
  }

  @Get('astre-imports')
  @RequirePermission('imports:read')
  list(@Query() query: PageQuery): Promise<AstreImportDto[]> {
    return this.imports.list(query.limit ?? 50);
  }

  @Get('astre-imports/:id')
  @RequirePermission('imports:read')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<AstreImportDto> {
    return this.imports.get(id);
  }

  @Get('astre-imports/:id/errors')
  @RequirePermission('imports:read')
  errors(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: PageQuery,
  ): Promise<AstreImportLineErrorDto[]> {
    return this.imports.lineErrors(id, query.offset ?? 0, query.limit ?? 200);
  }

  @Post('astre-imports/:id/confirm')
  @RequirePermission('imports:write')
  @HttpCode(200)
  confirm(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ConfirmBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AstreImportDto> {
    return this.imports.confirm(id, body.mode, auditActor(user));
  }

  @Post('astre-imports/:id/cancel')
  @RequirePermission('imports:write')
  @HttpCode(200)
  cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AstreImportDto> {
    return this.imports.cancel(id, auditActor(user));
  }

  @Get('astre-import-profiles')
  @RequirePermission('settings:read')
  profiles(): Promise<AstreImportProfileDto[]> {
    return this.imports.profileDtos();
  }

  @Put('astre-import-profiles/:kind')
  @RequirePermission('settings:write')
  updateProfile(
    @Param() params: ProfileParam,
    @Body() body: ProfileBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AstreImportProfileDto[]> {
    return this.imports.updateProfile(params.kind, body, auditActor(user));
  }
}
