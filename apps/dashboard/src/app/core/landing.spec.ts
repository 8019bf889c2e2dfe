import { ROLE_PERMISSIONS, type Permission, type Role } from '@cd31/domain';
import { landingPath } from './landing';

const as = (role: Role) => (permission: Permission) => ROLE_PERMISSIONS[role].includes(permission);

describe('landingPath', () => {
  it('sends agents and administrators to the anomaly list', () => {
    expect(landingPath(as('agent'))).toBe('/anomalies');
    expect(landingPath(as('admin'))).toBe('/anomalies');
  });

  it('sends managers to the budgets dashboard', () => {
    expect(landingPath(as('gestionnaire'))).toBe('/budgets');
  });
});
