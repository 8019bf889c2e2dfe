import { roleAllows, type Permission } from '@cd31/domain';
import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION, type RoutePermission } from './auth.decorators';
import { AuthService } from './auth.service';
import type { AuthenticatedRequest } from './authenticated-user';
import { CSRF_HEADER, readSessionCookie } from './session-cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one gate of the API, installed globally: a route is public only when it says so; any other
 * route needs a live session, the CSRF token on state-changing calls, and the permission it
 * declares. A route that declares nothing is refused to everyone (fail closed).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      return true;
    }
    const permission = this.reflector.getAllAndOverride<RoutePermission | undefined>(
      REQUIRED_PERMISSION,
      targets,
    );
    if (!permission) {
      throw new ForbiddenException("Accès refusé : cette route ne déclare pas d'autorisation.");
    }

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = readSessionCookie(request);
    const user = token ? await this.auth.authenticate(token, request.ip ?? null) : null;
    if (!user) {
      throw new UnauthorizedException('Session absente ou expirée : reconnectez-vous.');
    }
    if (
      !SAFE_METHODS.has(request.method) &&
      !sameToken(request.header(CSRF_HEADER), user.csrfToken)
    ) {
      throw new ForbiddenException(
        'Jeton de sécurité (CSRF) absent ou invalide : rechargez la page.',
      );
    }
    if (permission !== 'signed-in' && !roleAllows(user.role, permission satisfies Permission)) {
      throw new ForbiddenException("Votre rôle ne permet pas d'effectuer cette action.");
    }
    request.user = user;
    return true;
  }
}

function sameToken(received: string | undefined, expected: string): boolean {
  if (!received || received.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(received), Buffer.from(expected));
}
