import type { Role } from '@cd31/domain';

/**
 * Accounts created in simulator mode only (no Chorus Pro credentials), shown on the sign-in page
 * next to the "Données simulées" banner. A real deployment has no default password.
 */
export const DEMO_ACCOUNTS: readonly {
  email: string;
  password: string;
  role: Role;
  displayName: string;
}[] = [
  {
    email: 'agent@demo.cd31.fr',
    password: 'demo-agent-31',
    role: 'agent',
    displayName: 'Agnès Martin (agent SIF)',
  },
  {
    email: 'gestionnaire@demo.cd31.fr',
    password: 'demo-gestion-31',
    role: 'gestionnaire',
    displayName: 'Gérard Dupuy (gestionnaire)',
  },
  {
    email: 'admin@demo.cd31.fr',
    password: 'demo-admin-31',
    role: 'admin',
    displayName: 'Adèle Roux (administratrice)',
  },
];
