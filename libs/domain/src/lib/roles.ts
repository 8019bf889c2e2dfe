/**
 * Who may do what (issue "Users, roles, audit trail"). The server enforces it on every route;
 * the dashboard only hides what a role cannot do.
 */
export const ROLES = ['agent', 'gestionnaire', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'budgets:read',
  'budgets:write',
  'invoices:read',
  'anomalies:read',
  'anomalies:triage',
  'recycle:send',
  'exports:read',
  'imports:read',
  'imports:write',
  'sync:read',
  'sync:run',
  'settings:read',
  'settings:write',
  'users:manage',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_EVERYTHING: readonly Permission[] = [
  'budgets:read',
  'invoices:read',
  'anomalies:read',
  'exports:read',
  'imports:read',
  'sync:read',
  'settings:read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  gestionnaire: READ_EVERYTHING,
  agent: [...READ_EVERYTHING, 'anomalies:triage', 'recycle:send', 'imports:write', 'sync:run'],
  admin: PERMISSIONS,
};

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  agent: 'Agent SIF',
  gestionnaire: 'Gestionnaire',
  admin: 'Administrateur',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Local accounts: passwords shorter than this are refused (OIDC accounts have none). */
export const MIN_PASSWORD_LENGTH = 12;
