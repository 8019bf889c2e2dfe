import { isRole, type Role } from '@cd31/domain';
import { ConflictException, Injectable, BadRequestException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { AppUser } from './user.entity';

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string | null;
  readonly budgetCodes?: readonly string[] | null;
  readonly demo?: boolean;
}

@Injectable()
export class UsersService {
  constructor(@InjectRepository(AppUser) private readonly users: Repository<AppUser>) {}

  findByEmailWithHash(email: string): Promise<AppUser | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }

  async create(user: NewUser): Promise<AppUser> {
    if (!isRole(user.role)) {
      throw new BadRequestException('Rôle inconnu : agent, gestionnaire ou admin.');
    }
    if (user.password !== null && user.password.length < MIN_PASSWORD_LENGTH) {
      throw new BadRequestException(
        `Le mot de passe doit comporter au moins ${MIN_PASSWORD_LENGTH} caractères.`,
      );
    }
    if (await this.findByEmailWithHash(user.email)) {
      throw new ConflictException('Un utilisateur utilise déjà cette adresse e-mail.');
    }
    return this.users.save(
      this.users.create({
        email: user.email.trim().toLowerCase(),
        displayName: user.displayName.trim(),
        role: user.role,
        passwordHash: user.password === null ? null : await hashPassword(user.password),
        budgetCodes: user.budgetCodes ? [...user.budgetCodes] : null,
        demo: user.demo ?? false,
      }),
    );
  }

  /** Creates the account unless it exists: used for the simulator's demo accounts. */
  async ensure(user: NewUser): Promise<void> {
    if (!(await this.findByEmailWithHash(user.email))) {
      await this.create(user);
    }
  }

  async markSignedIn(id: string): Promise<void> {
    await this.users.update({ id }, { lastSignInAt: new Date() });
  }
}
