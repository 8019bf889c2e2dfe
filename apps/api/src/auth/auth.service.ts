import { ROLE_PERMISSIONS, type Role } from '@cd31/domain';
import type { CurrentUserDto } from '@cd31/contracts';
import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../users/users.service';
import type { AuthenticatedUser } from './authenticated-user';
import { dummyPasswordHash, verifyPassword } from './passwords';

export interface OpenedSession {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly user: CurrentUserDto;
}

interface SessionRow {
  token_hash: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_id: string;
  email: string;
  display_name: string;
  role: Role;
  budget_codes: string[] | null;
  active: boolean;
}

const INVALID_CREDENTIALS = 'Identifiant ou mot de passe incorrect.';
/** last_seen_at is written at most this often, so that reads do not all become writes. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function toCurrentUserDto(user: {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  budgetCodes: readonly string[] | null;
}): CurrentUserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    permissions: ROLE_PERMISSIONS[user.role],
    budgetCodes: user.budgetCodes,
  };
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async signIn(
    email: string,
    password: string,
    ip: string | null,
    userAgent: string | null,
  ): Promise<OpenedSession> {
    const normalisedEmail = email.trim().toLowerCase();
    const keys = [`account:${normalisedEmail}`, `address:${ip ?? 'unknown'}`];
    await this.assertNotThrottled(keys, normalisedEmail, ip);

    const user = await this.users.findByEmailWithHash(normalisedEmail);
    const valid = user?.active
      ? await verifyPassword(user.passwordHash, password)
      : await verifyPassword(await dummyPasswordHash(), `${password}x`).then(() => false);
    if (!user || !valid) {
      await this.recordFailure(keys);
      await this.audit.record(
        { id: user?.id ?? null, email: normalisedEmail, ip },
        { action: 'auth.sign_in', outcome: 'failure' },
      );
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }

    await this.dataSource.query('DELETE FROM sign_in_throttle WHERE key = $1', [keys[0]]);
    const session = await this.openSession(user.id, ip, userAgent);
    await this.users.markSignedIn(user.id);
    await this.audit.record({ id: user.id, email: user.email, ip }, { action: 'auth.sign_in' });
    return { ...session, user: toCurrentUserDto(user) };
  }

  async openSession(
    userId: string,
    ip: string | null,
    userAgent: string | null,
  ): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('hex');
    const csrfToken = randomBytes(32).toString('hex');
    const expiresAt = new Date(Date.now() + this.config.auth.sessionAbsoluteHours * 3_600_000);
    await this.dataSource.query(
      `INSERT INTO user_session (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [hashToken(token), userId, csrfToken, expiresAt, ip, userAgent?.slice(0, 300) ?? null],
    );
    // Expired sessions of anyone are swept opportunistically.
    await this.dataSource.query(
      `DELETE FROM user_session WHERE expires_at < now() OR last_seen_at < now() - make_interval(mins => $1)`,
      [this.config.auth.sessionIdleMinutes],
    );
    return { token, csrfToken, expiresAt };
  }

  /** The user behind a session cookie, or null when the session is unknown, idle or expired. */
  async authenticate(token: string, ip: string | null): Promise<AuthenticatedUser | null> {
    const tokenHash = hashToken(token);
    const rows = await this.dataSource.query<SessionRow[]>(
      `SELECT s.token_hash, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
              u.id AS user_id, u.email, u.display_name, u.role, u.budget_codes, u.active
         FROM user_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) {
      return null;
    }
    const now = Date.now();
    const idleLimit = row.last_seen_at.getTime() + this.config.auth.sessionIdleMinutes * 60_000;
    if (!row.active || row.expires_at.getTime() <= now || idleLimit <= now) {
      await this.dataSource.query('DELETE FROM user_session WHERE token_hash = $1', [tokenHash]);
      return null;
    }
    if (now - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
      await this.dataSource.query(
        'UPDATE user_session SET last_seen_at = now() WHERE token_hash = $1',
        [tokenHash],
      );
    }
    return {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      budgetCodes: row.budget_codes,
      sessionTokenHash: row.token_hash,
      csrfToken: row.csrf_token,
      ip,
    };
  }

  async signOut(user: AuthenticatedUser): Promise<void> {
    await this.dataSource.query('DELETE FROM user_session WHERE token_hash = $1', [
      user.sessionTokenHash,
    ]);
    await this.audit.record(
      { id: user.id, email: user.email, ip: user.ip },
      { action: 'auth.sign_out' },
    );
  }

  private async assertNotThrottled(
    keys: string[],
    email: string,
    ip: string | null,
  ): Promise<void> {
    const locked = await this.dataSource.query<{ key: string }[]>(
      'SELECT key FROM sign_in_throttle WHERE key = ANY($1) AND locked_until > now()',
      [keys],
    );
    if (locked.length > 0) {
      await this.audit.record(
        { id: null, email, ip },
        { action: 'auth.sign_in', outcome: 'denied' },
      );
      throw new HttpException(
        `Trop de tentatives de connexion échouées : réessayez dans ${this.config.auth.signInLockMinutes} minutes.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  /** Counts a failure per account and per address; the address gets 4× the account's allowance. */
  private async recordFailure(keys: string[]): Promise<void> {
    const { maxFailedSignIns, signInLockMinutes } = this.config.auth;
    for (const key of keys) {
      const limit = key.startsWith('address:') ? maxFailedSignIns * 4 : maxFailedSignIns;
      await this.dataSource.query(
        `INSERT INTO sign_in_throttle AS t (key, failures, window_started_at)
         VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.window_started_at < now() - make_interval(mins => $3) THEN 1 ELSE t.failures + 1 END,
           window_started_at = CASE WHEN t.window_started_at < now() - make_interval(mins => $3) THEN now() ELSE t.window_started_at END,
           locked_until = CASE
             WHEN t.window_started_at >= now() - make_interval(mins => $3) AND t.failures + 1 >= $2
             THEN now() + make_interval(mins => $3) ELSE t.locked_until END`,
        [key, limit, signInLockMinutes],
      );
    }
  }
}
