import type { Routes } from '@angular/router';
import { permissionGuard, signedInGuard } from './core/auth.guard';
import { landingRedirect } from './core/landing';

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
      { path: '', pathMatch: 'full', redirectTo: landingRedirect },
      {
        path: 'budgets',
        title: 'Budgets — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/budgets/budgets-page.component').then((m) => m.BudgetsPageComponent),
      },
      {
        path: 'anomalies',
        title: 'Anomalies — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/anomalies/anomalies-page.component').then(
            (m) => m.AnomaliesPageComponent,
          ),
      },
      {
        path: 'factures',
        title: 'Factures — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/invoices/invoice-search-page.component').then(
            (m) => m.InvoiceSearchPageComponent,
          ),
      },
      {
        path: 'factures/:idFacture',
        title: 'Facture — Suivi Chorus Pro',
        loadComponent: () =>
          import('./pages/invoice/invoice-page.component').then((m) => m.InvoicePageComponent),
      },
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
        path: 'administration',
        title: 'Administration — Suivi Chorus Pro',
        canActivate: [permissionGuard('settings:write')],
        loadComponent: () =>
          import('./pages/admin/admin-page.component').then((m) => m.AdminPageComponent),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
