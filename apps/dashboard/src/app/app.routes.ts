import type { Routes } from '@angular/router';
import { permissionGuard, signedInGuard } from './core/auth.guard';

const comingSoon = (path: string, label: string, purpose: string) => ({
  path,
  title: `${label} — Suivi Chorus Pro`,
  data: { label, purpose },
  loadComponent: () =>
    import('./pages/coming-soon/coming-soon-page.component').then((m) => m.ComingSoonPageComponent),
});

/** Every page is lazy-loaded: the initial bundle holds the shell and the session only. */
export const routes: Routes = [
  {
    path: 'connexion',
    title: 'Connexion — Suivi Chorus Pro',
    loadComponent: () =>
      import('./pages/sign-in/sign-in-page.component').then((m) => m.SignInPageComponent),
  },
  {
    path: '',
    canActivateChild: [signedInGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'budgets' },
      {
        path: 'budgets',
        title: 'Budgets — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/budgets/budgets-page.component').then((m) => m.BudgetsPageComponent),
      },
      comingSoon(
        'anomalies',
        'Anomalies',
        'Les anomalies à traiter, filtrables par budget, code, âge et responsable.',
      ),
      comingSoon(
        'factures',
        'Factures',
        'Chaque facture reçue : données Chorus Pro, ligne ASTRE, historique des statuts et délai de paiement.',
      ),
      {
        path: 'imports',
        title: 'Imports ASTRE — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/imports/imports-page.component').then((m) => m.ImportsPageComponent),
      },
      {
        path: 'synchronisation',
        title: 'Synchronisation — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/sync/sync-page.component').then((m) => m.SyncPageComponent),
      },
      {
        ...comingSoon(
          'administration',
          'Administration',
          'Budgets, seuils, modèles de commentaires, profils d’import et taux d’intérêt.',
        ),
        canActivate: [permissionGuard('settings:write')],
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
