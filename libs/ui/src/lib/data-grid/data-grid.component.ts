import {
  ChangeDetectionStrategy,
  Component,
  computed,
  CSP_NONCE,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  ViewEncapsulation,
} from '@angular/core';
import { AgGridAngular } from 'ag-grid-angular';
import {
  CellStyleModule,
  ColumnApiModule,
  InfiniteRowModelModule,
  LocaleModule,
  ModuleRegistry,
  RowSelectionModule,
  themeQuartz,
  type CellClickedEvent,
  type CellKeyDownEvent,
  type FullWidthCellKeyDownEvent,
  type ColDef,
  type GetRowIdParams,
  type GridApi,
  type GridOptions,
  type GridReadyEvent,
  type IDatasource,
  type IGetRowsParams,
  type Module,
  type RowSelectionOptions,
  type SortChangedEvent,
} from 'ag-grid-community';
import {
  GRID_LOCALE_TEXT_FR,
  sameSort,
  toGridSort,
  toPageRequest,
  type GridDatasource,
  type GridSort,
} from './data-grid-model';

/**
 * Only what this grid uses: the infinite row model, checkbox selection, French texts, column state
 * (to apply a sort from the URL) and cell classes. Sorting, keyboard navigation and function cell
 * renderers are in ag-grid's core. Registered on first use, so importing `@cd31/ui` for a pipe
 * does not pull ag-grid into a page that has no grid.
 */
const GRID_MODULES: readonly Module[] = [
  InfiniteRowModelModule,
  RowSelectionModule,
  LocaleModule,
  ColumnApiModule,
  CellStyleModule,
];
let modulesRegistered = false;

function registerGridModules(): void {
  if (!modulesRegistered) {
    ModuleRegistry.registerModules([...GRID_MODULES]);
    modulesRegistered = true;
  }
}

/** The selection column ag-grid adds for checkboxes: clicks there select, they do not open. */
const SELECTION_COLUMN_ID = 'ag-Grid-SelectionColumn';

/**
 * Quartz with the dashboard's palette: dark text on white, brand accent, amber focus. Marked pure
 * so that a page importing only pipes from `@cd31/ui` does not keep ag-grid in its chunk.
 */
const CD31_GRID_THEME = /* @__PURE__ */ themeQuartz.withParams({
  accentColor: '#1d4f91',
  foregroundColor: '#1f2933',
  backgroundColor: '#ffffff',
  borderColor: '#d3dae3',
  headerBackgroundColor: '#eef2f7',
  headerTextColor: '#3e4c59',
  headerFontWeight: 600,
  fontFamily: 'inherit',
  fontSize: 14,
  rowHoverColor: '#f3f6fb',
  selectedRowBackgroundColor: '#e3ecf8',
  rangeSelectionBorderColor: '#b45309',
  focusShadow: { radius: 0, spread: 3, color: '#f59e0b' },
  wrapperBorderRadius: 8,
  browserColorScheme: 'light',
});

/**
 * A server-side data grid: ag-grid's infinite row model fed by a datasource that receives
 * `{ offset, limit, sort }` and returns `{ rows, total }`. Filtering and sorting happen on the
 * server; a new datasource (new filters) reloads from the top. Keyboard navigation is ag-grid's:
 * arrows move between cells, Enter on a row opens it (`rowClicked`), Space ticks its checkbox.
 */
@Component({
  selector: 'cd31-data-grid',
  imports: [AgGridAngular],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // The cell renderers a page provides build plain DOM: these classes must reach them.
  encapsulation: ViewEncapsulation.None,
  host: { role: 'region', '[attr.aria-label]': 'label()' },
  template: `
    <ag-grid-angular
      class="cd31-data-grid"
      [style.height]="height()"
      [gridOptions]="gridOptions"
      [columnDefs]="columnDefs()"
      [datasource]="agDatasource()"
      [rowSelection]="rowSelection()"
      [getRowId]="getRowId"
      (gridReady)="onGridReady($event)"
      (cellClicked)="onCellClicked($event)"
      (cellKeyDown)="onCellKeyDown($event)"
      (selectionChanged)="onSelectionChanged()"
      (sortChanged)="onSortChanged($event)"
    />
  `,
  styles: `
    cd31-data-grid {
      display: block;
    }
    .cd31-data-grid .ag-row {
      cursor: pointer;
    }
    .cd31-data-grid .cd31-chip {
      display: inline-block;
      padding: 0 0.5rem;
      border-radius: 999px;
      background: var(--chip-color, #52606d);
      color: #fff;
      font-size: 0.75rem;
      font-weight: 600;
      line-height: 1.4rem;
      margin-right: 0.4rem;
    }
    .cd31-data-grid .cd31-late {
      color: #b42318;
      font-weight: 600;
    }
    .cd31-data-grid .cd31-muted {
      color: #52606d;
    }
  `,
})
export class DataGridComponent<T> {
  readonly columns = input.required<readonly ColDef<T>[]>();
  readonly datasource = input.required<GridDatasource<T>>();
  /** A stable id per row: selection survives a refresh. */
  readonly rowId = input.required<(row: T) => string>();
  /** Accessible name of the grid. */
  readonly label = input.required<string>();
  /** Checkbox column for multi-row selection. */
  readonly selectable = input(false);
  /** The server sort to show (e.g. from the URL); the user's sort comes back in `sortChanged`. */
  readonly sort = input<GridSort | null>(null);
  readonly height = input('32rem');
  readonly localeText = input<Readonly<Record<string, string>>>(GRID_LOCALE_TEXT_FR);
  /** Rows per request. */
  readonly pageSize = input(100);

  readonly rowClicked = output<T>();
  readonly selectionChanged = output<T[]>();
  readonly sortChanged = output<GridSort | null>();
  readonly pageLoaded = output<{ readonly total: number }>();
  readonly loadFailed = output<unknown>();

  private readonly api = signal<GridApi<T> | null>(null);

  protected readonly gridOptions: GridOptions<T>;

  /** The column definitions, with the URL's sort as the initial one (before the first request). */
  protected readonly columnDefs = computed<ColDef<T>[]>(() => {
    const initial = untracked(() => this.sort());
    return this.columns().map((column) =>
      initial && column.colId === initial.field ? { ...column, initialSort: initial.dir } : column,
    );
  });

  protected readonly rowSelection = computed<RowSelectionOptions<T> | undefined>(() =>
    this.selectable()
      ? {
          mode: 'multiRow',
          checkboxes: true,
          // The infinite row model cannot select rows it has not loaded: no "select all".
          headerCheckbox: false,
          enableClickSelection: false,
        }
      : undefined,
  );

  /** A new IDatasource for each datasource input: ag-grid then reloads from the first row. */
  protected readonly agDatasource = computed<IDatasource>(() => {
    const source = this.datasource();
    return { getRows: (params: IGetRowsParams<T>) => void this.load(source, params) };
  });

  protected readonly getRowId = (params: GetRowIdParams<T>): string => this.rowId()(params.data);

  constructor() {
    registerGridModules();
    const styleNonce = inject(CSP_NONCE, { optional: true }) ?? undefined;
    this.gridOptions = {
      theme: CD31_GRID_THEME,
      // ag-grid injects its theme as <style> elements: they carry the page's CSP nonce.
      ...(styleNonce ? { styleNonce } : {}),
      rowModelType: 'infinite',
      localeText: { ...this.localeText() },
      cacheBlockSize: this.pageSize(),
      maxConcurrentDatasourceRequests: 2,
      infiniteInitialRowCount: 1,
      blockLoadDebounceMillis: 50,
      suppressMultiSort: true,
      ensureDomOrder: true,
      suppressDragLeaveHidesColumns: true,
      defaultColDef: {
        sortable: true,
        resizable: true,
        suppressMovable: true,
        sortingOrder: ['asc', 'desc', null],
        // Long French headers wrap instead of being cut (« Statut Chorus… »).
        wrapHeaderText: true,
        autoHeaderHeight: true,
      },
    };

    // A sort set from outside (back button, shared link) is applied to the columns.
    effect(() => {
      const api = this.api();
      const wanted = this.sort();
      if (!api || sameSort(wanted, this.currentSort(api))) {
        return;
      }
      api.applyColumnState({
        state: wanted ? [{ colId: wanted.field, sort: wanted.dir }] : [],
        defaultState: { sort: null },
      });
    });

    // New filters: what was ticked may not be in the new result.
    effect(() => {
      this.agDatasource();
      untracked(() => this.api())?.deselectAll();
    });
  }

  /** Reloads the rows in place (e.g. after a bulk update), keeping the scroll position. */
  refresh(): void {
    this.api()?.refreshInfiniteCache();
  }

  clearSelection(): void {
    this.api()?.deselectAll();
  }

  protected onGridReady(event: GridReadyEvent<T>): void {
    this.api.set(event.api);
    event.api
      .getGridElement()
      ?.querySelector('[role="grid"], [role="treegrid"]')
      ?.setAttribute('aria-label', this.label());
  }

  protected onCellClicked(event: CellClickedEvent<T>): void {
    if (event.column.getColId() !== SELECTION_COLUMN_ID && event.data !== undefined) {
      this.rowClicked.emit(event.data);
    }
  }

  /** Enter opens the row from any of its cells (Space, ag-grid's own, ticks it). */
  protected onCellKeyDown(event: CellKeyDownEvent<T> | FullWidthCellKeyDownEvent<T>): void {
    const key = (event.event as KeyboardEvent | null | undefined)?.key;
    if (key === 'Enter' && event.data) {
      this.rowClicked.emit(event.data);
    }
  }

  protected onSelectionChanged(): void {
    this.selectionChanged.emit(this.api()?.getSelectedRows() ?? []);
  }

  protected onSortChanged(event: SortChangedEvent<T>): void {
    const sort = this.currentSort(event.api);
    if (!sameSort(sort, this.sort())) {
      this.sortChanged.emit(sort);
    }
  }

  private currentSort(api: GridApi<T>): GridSort | null {
    return toGridSort(
      api
        .getColumnState()
        .filter((column) => column.sort)
        .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
        .map((column) => ({ colId: column.colId, sort: column.sort })),
    );
  }

  private async load(source: GridDatasource<T>, params: IGetRowsParams<T>): Promise<void> {
    try {
      const page = await source(toPageRequest(params.startRow, params.endRow, params.sortModel));
      // -1: "not told"; ag-grid then keeps the row count a previous block gave.
      params.successCallback([...page.rows], page.total ?? -1);
      if (page.total !== null) {
        this.pageLoaded.emit({ total: page.total });
      }
    } catch (error: unknown) {
      params.failCallback();
      this.loadFailed.emit(error);
    }
  }
}
