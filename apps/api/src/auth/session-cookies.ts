import type { CookieOptions, Request, Response } from 'express';
import type { AuthConfig } from '../config/app-config';

export const SESSION_COOKIE = 'cd31_session';
/** Angular's HttpClient reads this cookie and echoes it in the X-XSRF-TOKEN header. */
export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'x-xsrf-token';

export function isSecure(config: AuthConfig, request: Request): boolean {
  switch (config.cookieSecure) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'auto':
      return (
        request.secure ||
        !/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(request.headers.host ?? '')
      );
  }
}

function options(config: AuthConfig, request: Request, httpOnly: boolean): CookieOptions {
  return { httpOnly, secure: isSecure(config, request), sameSite: 'strict', path: '/' };
}

export function setSessionCookies(
  config: AuthConfig,
  request: Request,
  response: Response,
  sessionToken: string,
  csrfToken: string,
): void {
  response.cookie(SESSION_COOKIE, sessionToken, options(config, request, true));
  response.cookie(CSRF_COOKIE, csrfToken, options(config, request, false));
}

export function clearSessionCookies(
  config: AuthConfig,
  request: Request,
  response: Response,
): void {
  response.clearCookie(SESSION_COOKIE, options(config, request, true));
  response.clearCookie(CSRF_COOKIE, options(config, request, false));
}

export function readSessionCookie(request: Request): string | null {
  const cookies = request.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && /^[a-f0-9]{64}$/.test(value) ? value : null;
}
