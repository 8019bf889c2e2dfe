import type { AstreImportStatus } from '@cd31/contracts';

export const IMPORT_STATUS_LABELS: Readonly<Record<AstreImportStatus, string>> = {
  preview: 'En attente de confirmation',
  confirmed: 'Importé',
  cancelled: 'Annulé',
  refused: 'Refusé',
  expired: 'Expiré',
};

export const SEPARATOR_LABELS: Readonly<Record<string, string>> = {
  ';': 'point-virgule',
  ',': 'virgule',
  '\t': 'tabulation',
};

/** "12,4 Mo", "850 ko": a file size as French users read it. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} o`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} ko`;
  }
  return `${(bytes / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}
