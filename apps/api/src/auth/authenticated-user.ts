import type { Role } from '@cd31/domain';
import type { Request } from 'express';
import type { AuditActor } from '../audit/audit.service';

export interface AuthenticatedUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly budgetCodes: readonly string[] | null;
  readonly sessionTokenHash: string;
  readonly csrfToken: string;
  readonly ip: string | null;
}

export type AuthenticatedRequest = Request & { user?: AuthenticatedUser };

export function auditActor(user: AuthenticatedUser): AuditActor {
  return { id: user.id, email: user.email, ip: user.ip };
}
