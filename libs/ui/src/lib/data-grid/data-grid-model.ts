/**
 * The framework-free half of `cd31-data-grid`: what a page's datasource receives and returns, and
 * the translation between ag-grid's block requests and the API's `offset` / `limit` / `sort`.
 */

export type SortDirection = 'asc' | 'desc';

/** One server-side sort: a column id (the API's sort field) and a direction. */
export interface GridSort {
  readonly field: string;
  readonly dir: SortDirection;
}

/** What the grid asks the page for: a block of rows, sorted by the server. */
export interface GridPageRequest {
  readonly offset: number;
  readonly limit: number;
  readonly sort: GridSort | null;
}

/**
 * A block of rows and the size of the whole result (so the scroll bar is right). A datasource may
 * leave the total out (null) of blocks after the first: the grid keeps the one it knows.
 */
export interface GridPage<T> {
  readonly rows: readonly T[];
  readonly total: number | null;
}

export type GridDatasource<T> = (request: GridPageRequest) => Promise<GridPage<T>>;

/** ag-grid's sort model entry, reduced to what the infinite row model sends. */
export interface SortModelEntry {
  readonly colId: string;
  /** 'asc' | 'desc' | null (ag-grid types it more widely). */
  readonly sort: string | null | undefined;
}

/** The API sorts by one column: the first entry of ag-grid's sort model wins. */
export function toGridSort(
  sortModel: readonly SortModelEntry[] | null | undefined,
): GridSort | null {
  const first = sortModel?.find((entry) => entry.sort === 'asc' || entry.sort === 'desc');
  return first ? { field: first.colId, dir: first.sort as SortDirection } : null;
}

/** ag-grid asks for rows [startRow, endRow): the API wants offset + limit. */
export function toPageRequest(
  startRow: number,
  endRow: number,
  sortModel: readonly SortModelEntry[] | null | undefined,
): GridPageRequest {
  const offset = Math.max(0, Math.floor(startRow));
  return { offset, limit: Math.max(0, Math.floor(endRow) - offset), sort: toGridSort(sortModel) };
}

export function sameSort(a: GridSort | null, b: GridSort | null): boolean {
  return a === b || (a !== null && b !== null && a.field === b.field && a.dir === b.dir);
}

/**
 * The French strings the grid shows or announces for the features we use (the
 * `@ag-grid-community/locale` package is not installed; these are the keys ag-grid 36 looks up).
 */
export const GRID_LOCALE_TEXT_FR: Readonly<Record<string, string>> = {
  loadingOoo: 'Chargement…',
  loadingError: 'Erreur',
  noRowsToShow: 'Aucune ligne à afficher',
  noMatchingRows: 'Aucune ligne ne correspond',
  thousandSeparator: '\u202f',
  decimalSeparator: ',',
  ariaChecked: 'coché',
  ariaUnchecked: 'non coché',
  ariaIndeterminate: 'partiellement coché',
  ariaRowToggleSelection: 'Appuyez sur Espace pour cocher ou décocher la ligne',
  ariaRowSelect: 'Appuyez sur Espace pour cocher cette ligne',
  ariaRowDeselect: 'Appuyez sur Espace pour décocher cette ligne',
  ariaRowSelectAll: 'Appuyez sur Espace pour cocher ou décocher toutes les lignes',
  ariaRowSelectionDisabled: 'Cette ligne ne peut pas être cochée',
  ariaHeaderSelection: 'Colonne de sélection',
  ariaSortableColumn: 'Appuyez sur Entrée pour trier',
  ariaSkeletonCellLoading: 'Chargement de la ligne',
  ariaSkeletonCellLoadingFailed: 'La ligne n’a pas pu être chargée',
  ariaDeferSkeletonCellLoading: 'Chargement de la cellule',
  ariaLabelTooltip: 'Info-bulle',
};
