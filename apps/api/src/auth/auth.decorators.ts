import type { Permission } from '@cd31/domain';
import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user';

export const PUBLIC_ROUTE = 'cd31:public';
export const REQUIRED_PERMISSION = 'cd31:permission';

/** Reachable without a session (health, sign-in). Every other route needs @RequirePermission. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** `signed-in`: any live session, whatever the role (e.g. reading one's own profile). */
export type RoutePermission = Permission | 'signed-in';

/** The permission a route needs; a route with neither this nor @Public is refused to everyone. */
export const RequirePermission = (permission: RoutePermission): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

/** The signed-in user of the request (routes behind @RequirePermission only). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.user) {
      throw new Error('CurrentUser used on a route without a session');
    }
    return request.user;
  },
);
