import type { UserDto } from '@cd31/contracts';
import { ROLES, type Role } from '@cd31/domain';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators';
import { auditActor, type AuthenticatedUser } from '../auth/authenticated-user';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { UsersService } from './users.service';

const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

class CreateUserBody {
  @Transform(trimmed)
  @IsEmail({}, { message: 'L’adresse e-mail est invalide.' })
  email!: string;

  @Transform(trimmed)
  @IsString()
  @Length(1, 120, { message: 'Le nom doit comporter entre 1 et 120 caractères.' })
  displayName!: string;

  @IsIn(ROLES, { message: 'Rôle inconnu : agent, gestionnaire ou admin.' })
  role!: Role;

  @IsString()
  @Length(MIN_PASSWORD_LENGTH, 256, {
    message: `Le mot de passe doit comporter au moins ${MIN_PASSWORD_LENGTH} caractères.`,
  })
  password!: string;

  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsArray({ message: 'Les budgets doivent être une liste de codes.' })
  @Matches(/^\d{2}$/, { each: true, message: 'Code budget invalide : 2 chiffres attendus.' })
  budgetCodes?: string[] | null;
}

class UpdateUserBody {
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 120, { message: 'Le nom doit comporter entre 1 et 120 caractères.' })
  displayName?: string;

  @IsOptional()
  @IsIn(ROLES, { message: 'Rôle inconnu : agent, gestionnaire ou admin.' })
  role?: Role;

  @IsOptional()
  @IsBoolean({ message: 'Le champ « actif » doit valoir true ou false.' })
  active?: boolean;

  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsArray({ message: 'Les budgets doivent être une liste de codes.' })
  @Matches(/^\d{2}$/, { each: true, message: 'Code budget invalide : 2 chiffres attendus.' })
  budgetCodes?: string[] | null;

  @IsOptional()
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, 256, {
    message: `Le mot de passe doit comporter au moins ${MIN_PASSWORD_LENGTH} caractères.`,
  })
  password?: string;
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  budget_codes: string[] | null;
  active: boolean;
  last_sign_in_at: Date | null;
  created_at: Date;
}

const toDto = (row: UserRow): UserDto => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  role: row.role,
  budgetCodes: row.budget_codes,
  active: row.active,
  lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @RequirePermission('users:manage')
  async list(): Promise<UserDto[]> {
    const rows = await this.dataSource.query<UserRow[]>(
      `SELECT id, email, display_name, role, budget_codes, active, last_sign_in_at, created_at FROM app_user ORDER BY email`,
    );
    return rows.map(toDto);
  }

  @Post()
  @RequirePermission('users:manage')
  async create(
    @Body() body: CreateUserBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<UserDto> {
    const created = await this.users.create({ ...body, budgetCodes: body.budgetCodes ?? null });
    await this.audit.record(auditActor(user), {
      action: 'user.create',
      targetType: 'user',
      targetId: created.id,
      after: { email: created.email, role: created.role, budgetCodes: created.budgetCodes },
    });
    return this.get(created.id);
  }

  @Patch(':id')
  @RequirePermission('users:manage')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<UserDto> {
    if (
      id === user.id &&
      (body.active === false || (body.role !== undefined && body.role !== 'admin'))
    ) {
      throw new BadRequestException(
        'Vous ne pouvez pas retirer vos propres droits d’administrateur.',
      );
    }
    const before = await this.get(id);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE app_user SET
           display_name = coalesce($2, display_name),
           role = coalesce($3, role),
           active = coalesce($4, active),
           budget_codes = CASE WHEN $5 THEN $6::char(2)[] ELSE budget_codes END,
           password_hash = coalesce($7, password_hash),
           updated_at = now()
         WHERE id = $1`,
        [
          id,
          body.displayName ?? null,
          body.role ?? null,
          body.active ?? null,
          body.budgetCodes !== undefined,
          body.budgetCodes ?? null,
          body.password ? await hashPassword(body.password) : null,
        ],
      );
      if (body.active === false || body.password || body.role) {
        // Rights changed: the person signs in again.
        await manager.query(`DELETE FROM user_session WHERE user_id = $1`, [id]);
      }
      await this.audit.record(
        auditActor(user),
        {
          action: 'user.update',
          targetType: 'user',
          targetId: id,
          before,
          after: { ...body, password: body.password ? '[modifié]' : undefined },
        },
        manager,
      );
    });
    return this.get(id);
  }

  private async get(id: string): Promise<UserDto> {
    const [row] = await this.dataSource.query<UserRow[]>(
      `SELECT id, email, display_name, role, budget_codes, active, last_sign_in_at, created_at FROM app_user WHERE id = $1`,
      [id],
    );
    if (!row) {
      throw new NotFoundException('Utilisateur introuvable.');
    }
    return toDto(row);
  }
}
