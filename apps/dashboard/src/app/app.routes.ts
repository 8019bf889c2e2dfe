import type { Routes } from '@angular/router';

/** Every page is lazy-loaded: the initial bundle holds the shell only. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'budgets' },
  {
    path: 'budgets',
    title: 'Budgets — Suivi Chorus Pro',
    loadComponent: () =>
      import('./pages/budgets/budgets-page.component').then((m) => m.BudgetsPageComponent),
  },
  ...(
    [
      [
        'anomalies',
        'Anomalies',
        'Les anomalies à traiter, filtrables par budget, code, âge et responsable.',
      ],
      [
        'factures',
        'Factures',
        'Chaque facture reçue : données Chorus Pro, ligne ASTRE, historique des statuts et délai de paiement.',
      ],
      [
        'imports',
        'Imports ASTRE',
        'Le dépôt des exports ASTRE, leur aperçu avant import et l’historique des imports.',
      ],
      [
        'synchronisation',
        'Synchronisation',
        'Les synchronisations avec Chorus Pro, budget par budget.',
      ],
      [
        'administration',
        'Administration',
        'Budgets, seuils, modèles de commentaires, profils d’import et taux d’intérêt.',
      ],
    ] as const
  ).map(([path, label, purpose]) => ({
    path,
    title: `${label} — Suivi Chorus Pro`,
    data: { label, purpose },
    loadComponent: () =>
      import('./pages/coming-soon/coming-soon-page.component').then(
        (m) => m.ComingSoonPageComponent,
      ),
  })),
  { path: '**', redirectTo: 'budgets' },
];
