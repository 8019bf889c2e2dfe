import type { OidcErrorCode } from '@cd31/contracts';
import type { Role } from '@cd31/domain';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, type AuditActor } from '../audit/audit.service';
import type { AppConfig, OidcConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import {
  pkcePair,
  PendingSignInSealer,
  randomToken,
  roleFromClaims,
  safeReturnPath,
  sameSecret,
} from './oidc-flow';
import { IdTokenError } from './oidc-id-token';
import { OidcProviderClient, OidcProviderError } from './oidc-provider-client';

/** How long the browser has to come back from the provider. */
export const PENDING_SIGN_IN_MINUTES = 10;

export type OidcStart =
  | { readonly ok: true; readonly redirectUrl: string; readonly pendingCookie: string }
  | OidcRefusal;

export type OidcOutcome =
  | {
      readonly ok: true;
      readonly session: { token: string; csrfToken: string; expiresAt: Date };
      readonly returnPath: string;
    }
  | OidcRefusal;

export interface OidcRefusal {
  readonly ok: false;
  readonly code: OidcErrorCode;
  readonly returnPath: string;
}

/** The query string of the provider's redirect back to us. */
export interface OidcCallbackParams {
  readonly code?: unknown;
  readonly state?: unknown;
  readonly error?: unknown;
  readonly iss?: unknown;
}

/** A refusal on the way: its code for the user, its reason (fixed words) for the audit trail. */
class Refusal extends Error {
  constructor(
    readonly code: OidcErrorCode,
    readonly reason: string,
    readonly actor: { id: string | null; email: string | null } = { id: null, email: null },
  ) {
    super(reason);
  }
}

interface ExistingUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly active: boolean;
}

const AUDIT_ACTION = 'auth.oidc_sign_in';
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

/**
 * Sign-in with CD31's OpenID Connect provider (authorization code + PKCE S256, state, nonce):
 * `begin` sends the browser to the provider, `complete` checks what comes back, finds or creates
 * the user and opens the usual session. Every outcome goes to the audit trail, without tokens.
 */
@Injectable()
export class OidcSignInService {
  private readonly logger = new Logger(OidcSignInService.name);
  private readonly sealer: PendingSignInSealer | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly provider: OidcProviderClient,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {
    this.sealer = config.oidc
      ? new PendingSignInSealer(config.oidc.clientSecret, config.oidc.clientId)
      : null;
  }

  get enabled(): boolean {
    return this.config.oidc !== null;
  }

  async begin(retour: unknown, ip: string | null): Promise<OidcStart> {
    const returnPath = safeReturnPath(retour);
    try {
      if (!this.sealer) {
        throw new Refusal('oidc_desactive', 'not configured');
      }
      const state = randomToken();
      const nonce = randomToken();
      const pkce = pkcePair();
      const redirectUrl = await this.provider.authorizationUrl({
        state,
        nonce,
        codeChallenge: pkce.challenge,
      });
      const pendingCookie = this.sealer.seal({
        state,
        nonce,
        codeVerifier: pkce.verifier,
        returnPath,
        expiresAt: Date.now() + PENDING_SIGN_IN_MINUTES * 60_000,
      });
      return { ok: true, redirectUrl, pendingCookie };
    } catch (error) {
      return this.refuse(error, returnPath, ip);
    }
  }

  async complete(
    params: OidcCallbackParams,
    pendingCookie: unknown,
    ip: string | null,
    userAgent: string | null,
  ): Promise<OidcOutcome> {
    let returnPath = '/';
    try {
      const settings = this.settings();
      const pending = this.sealer?.open(pendingCookie) ?? null;
      if (!pending) {
        throw new Refusal('oidc_expire', 'no pending sign-in (cookie missing, altered or expired)');
      }
      returnPath = pending.returnPath;
      if (typeof params.state !== 'string' || !sameSecret(params.state, pending.state)) {
        throw new Refusal('oidc_expire', 'state mismatch');
      }
      const metadata = await this.provider.metadata();
      // RFC 9207: the response comes from the provider we sent the browser to.
      if (
        params.iss !== undefined
          ? params.iss !== metadata.issuer
          : metadata.issInAuthorizationResponse
      ) {
        throw new Refusal('oidc_invalide', 'issuer of the authorization response mismatch');
      }
      if (params.error !== undefined) {
        const error =
          typeof params.error === 'string' && /^[\w.-]{1,64}$/.test(params.error)
            ? params.error
            : 'unknown';
        throw new Refusal('oidc_annule', `provider error: ${error}`);
      }
      if (typeof params.code !== 'string' || params.code === '' || params.code.length > 4096) {
        throw new Refusal('oidc_invalide', 'no authorization code');
      }

      const tokens = await this.provider.exchangeCode(params.code, pending.codeVerifier);
      const idClaims = await this.provider.validateIdToken(tokens.idToken, pending.nonce);
      let claims: Record<string, unknown> = idClaims;
      const roleMissing =
        settings.roleClaim !== null && roleFromClaims(claims, settings.roleClaim) === null;
      if ((claims['email'] === undefined || roleMissing) && tokens.accessToken) {
        const userinfo = await this.provider.userinfo(tokens.accessToken, idClaims.sub);
        claims = { ...userinfo, ...idClaims };
      }

      const email = typeof claims['email'] === 'string' ? claims['email'].trim().toLowerCase() : '';
      if (!EMAIL.test(email) || email.length > 254) {
        throw new Refusal('oidc_email', 'no usable email claim');
      }
      if (claims['email_verified'] === false || claims['email_verified'] === 'false') {
        throw new Refusal('oidc_email', 'email not verified', { id: null, email });
      }
      const claimRole = settings.roleClaim ? roleFromClaims(claims, settings.roleClaim) : null;
      const user = await this.findOrCreateUser(email, displayName(claims, email), claimRole, ip);

      const session = await this.auth.openSession(user.id, ip, userAgent);
      await this.users.markSignedIn(user.id);
      await this.audit.record(
        { id: user.id, email: user.email, ip },
        {
          action: AUDIT_ACTION,
          after: { role: user.role, created: user.created, roleFromClaim: claimRole !== null },
        },
      );
      return { ok: true, session, returnPath };
    } catch (error) {
      return this.refuse(error, returnPath, ip);
    }
  }

  private settings(): OidcConfig {
    if (!this.config.oidc) {
      throw new Refusal('oidc_desactive', 'not configured');
    }
    return this.config.oidc;
  }

  /**
   * The known user (refused when inactive; its role follows the claim when the claim names one),
   * or a new one with the claim's role or OIDC_DEFAULT_ROLE (refused when there is neither).
   */
  private async findOrCreateUser(
    email: string,
    name: string,
    claimRole: Role | null,
    ip: string | null,
  ): Promise<ExistingUser & { created: boolean }> {
    const found = await this.users.findByEmailWithHash(email);
    if (found) {
      // Only what is needed: the password hash, loaded along, goes no further.
      const existing: ExistingUser = {
        id: found.id,
        email: found.email,
        role: found.role,
        active: found.active,
      };
      const actor = { id: existing.id, email: existing.email };
      if (!existing.active) {
        throw new Refusal('oidc_inactif', 'account deactivated', actor);
      }
      if (claimRole === null || claimRole === existing.role) {
        return { ...existing, created: false };
      }
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`UPDATE app_user SET role = $2, updated_at = now() WHERE id = $1`, [
          existing.id,
          claimRole,
        ]);
        // Rights changed: the person's other sessions end, as when an administrator changes them.
        await manager.query(`DELETE FROM user_session WHERE user_id = $1`, [existing.id]);
        await this.audit.record(
          { ...actor, ip },
          {
            action: 'user.update',
            targetType: 'user',
            targetId: existing.id,
            before: { role: existing.role },
            after: { role: claimRole, source: 'oidc_role_claim' },
          },
          manager,
        );
      });
      return { ...existing, role: claimRole, created: false };
    }

    const role = claimRole ?? this.settings().defaultRole;
    if (!role) {
      throw new Refusal('oidc_non_autorise', 'unknown user and no role', { id: null, email });
    }
    const created = await this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<{ id: string }[]>(
        `INSERT INTO app_user (email, display_name, role, password_hash)
         VALUES ($1, $2, $3, NULL) ON CONFLICT DO NOTHING RETURNING id`,
        [email, name, role],
      );
      const id = rows[0]?.id;
      if (!id) {
        return null; // created at the same moment by a concurrent sign-in
      }
      await this.audit.record(
        { id, email, ip },
        {
          action: 'user.create',
          targetType: 'user',
          targetId: id,
          after: { email, role, budgetCodes: null, source: 'oidc' },
        },
        manager,
      );
      return { id, email, role, active: true, created: true };
    });
    if (!created) {
      throw new Refusal('oidc_erreur', 'concurrent creation of the same user', { id: null, email });
    }
    return created;
  }

  private async refuse(
    error: unknown,
    returnPath: string,
    ip: string | null,
  ): Promise<OidcRefusal> {
    const refusal = asRefusal(error);
    if (refusal.code === 'oidc_erreur' && !(error instanceof Refusal)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    this.logger.warn(`OpenID Connect sign-in refused (${refusal.code}): ${refusal.reason}`);
    const actor: AuditActor = { ...refusal.actor, ip };
    try {
      await this.audit.record(actor, {
        action: AUDIT_ACTION,
        outcome: 'failure',
        after: { reason: refusal.reason, code: refusal.code },
      });
    } catch (auditError) {
      this.logger.error(`audit of a refused OpenID Connect sign-in failed: ${String(auditError)}`);
    }
    return { ok: false, code: refusal.code, returnPath };
  }
}

function asRefusal(error: unknown): Refusal {
  if (error instanceof Refusal) {
    return error;
  }
  if (error instanceof OidcProviderError) {
    return new Refusal(
      error.kind === 'unreachable' ? 'oidc_indisponible' : 'oidc_invalide',
      error.message,
    );
  }
  if (error instanceof IdTokenError) {
    return new Refusal('oidc_invalide', `ID token refused: ${error.message}`);
  }
  return new Refusal('oidc_erreur', 'internal error');
}

/** The `name` claim, else given and family names, else the part of the email before the @. */
function displayName(claims: Record<string, unknown>, email: string): string {
  const text = (value: unknown): string =>
    typeof value === 'string' ? value.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim() : '';
  const name =
    text(claims['name']) ||
    [text(claims['given_name']), text(claims['family_name'])].filter(Boolean).join(' ') ||
    email.slice(0, email.indexOf('@'));
  return [...name].slice(0, 120).join('');
}
