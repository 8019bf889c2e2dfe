import { PERMISSIONS, ROLE_PERMISSIONS, isRole, roleAllows } from './roles';

describe('roles', () => {
  it('gives the admin every permission', () => {
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('lets a gestionnaire read and export but not triage, send or administer', () => {
    expect(roleAllows('gestionnaire', 'anomalies:read')).toBe(true);
    expect(roleAllows('gestionnaire', 'exports:read')).toBe(true);
    for (const denied of [
      'anomalies:triage',
      'recycle:send',
      'imports:write',
      'sync:run',
      'settings:write',
      'users:manage',
      'budgets:write',
    ] as const) {
      expect(roleAllows('gestionnaire', denied)).toBe(false);
    }
  });

  it('lets an agent triage, send to recycle, import and sync, but not administer', () => {
    for (const allowed of [
      'anomalies:triage',
      'recycle:send',
      'imports:write',
      'sync:run',
    ] as const) {
      expect(roleAllows('agent', allowed)).toBe(true);
    }
    expect(roleAllows('agent', 'settings:write')).toBe(false);
    expect(roleAllows('agent', 'users:manage')).toBe(false);
    expect(roleAllows('agent', 'audit:read')).toBe(false);
  });

  it('recognises roles', () => {
    expect(isRole('agent')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});
