import type { OidcErrorCode } from '@cd31/contracts';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Public } from './auth.decorators';
import { OidcSignInService, PENDING_SIGN_IN_MINUTES } from './oidc-sign-in.service';
import { isSecure, setSessionCookies } from './session-cookies';

/** The pending sign-in (state, nonce, PKCE verifier, return path), sealed; see oidc-flow.ts. */
export const OIDC_PENDING_COOKIE = 'cd31_oidc';

/**
 * Sign-in with the CD31 account (OpenID Connect). Both routes are browser navigations, public by
 * nature: they answer with redirects, never with JSON.
 */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  /** The pending-sign-in cookie goes to the callback only. */
  private readonly cookiePath: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly oidc: OidcSignInService,
  ) {
    // The callback's folder as the browser sees it (`/api/v1/auth/oidc`, or under a proxy's prefix).
    const redirectPath = config.oidc ? new URL(config.oidc.redirectUrl).pathname : '';
    this.cookiePath = redirectPath.slice(0, redirectPath.lastIndexOf('/')) || '/api/v1/auth/oidc';
  }

  /** Sends the browser to the provider; `retour`: the dashboard path to come back to. */
  @Public()
  @Get('login')
  async login(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const start = await this.oidc.begin(query['retour'], request.ip ?? null);
    response.setHeader('Cache-Control', 'no-store');
    if (!start.ok) {
      response.redirect(302, signInPage(start.code, start.returnPath));
      return;
    }
    response.cookie(OIDC_PENDING_COOKIE, start.pendingCookie, {
      ...this.pendingCookieOptions(request),
      maxAge: PENDING_SIGN_IN_MINUTES * 60_000,
    });
    response.redirect(302, start.redirectUrl);
  }

  /** Where the provider sends the browser back: opens the session, or says why not. */
  @Public()
  @Get('callback')
  async callback(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const cookies = request.cookies as Record<string, unknown> | undefined;
    const outcome = await this.oidc.complete(
      { code: query['code'], state: query['state'], error: query['error'], iss: query['iss'] },
      cookies?.[OIDC_PENDING_COOKIE],
      request.ip ?? null,
      request.header('user-agent') ?? null,
    );
    response.setHeader('Cache-Control', 'no-store');
    // Single use, whatever the outcome.
    response.clearCookie(OIDC_PENDING_COOKIE, this.pendingCookieOptions(request));
    if (!outcome.ok) {
      response.redirect(302, signInPage(outcome.code, outcome.returnPath));
      return;
    }
    const { token, csrfToken } = outcome.session;
    setSessionCookies(this.config.auth, request, response, token, csrfToken);
    response.redirect(302, outcome.returnPath);
  }

  /**
   * SameSite=Lax, not Strict: the provider's redirect back is a cross-site navigation, on which
   * a strict cookie would not be sent. Only the OIDC routes ever receive it.
   */
  private pendingCookieOptions(request: Request): CookieOptions {
    return {
      httpOnly: true,
      secure: isSecure(this.config.auth, request),
      sameSite: 'lax',
      path: this.cookiePath,
    };
  }
}

/** The dashboard's sign-in page with a known error code (and where to go after, if anywhere). */
function signInPage(code: OidcErrorCode, returnPath: string): string {
  const query = new URLSearchParams({ erreur: code });
  if (returnPath !== '/') {
    query.set('retour', returnPath);
  }
  return `/connexion?${query.toString()}`;
}
