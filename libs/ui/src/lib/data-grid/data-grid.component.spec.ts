import { Component, signal, viewChild } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ModuleRegistry, ValidationModule, type ColDef } from 'ag-grid-community';
import { DataGridComponent } from './data-grid.component';
import type { GridDatasource, GridPageRequest, GridSort } from './data-grid-model';

interface Row {
  readonly id: number;
  readonly name: string;
}

@Component({
  imports: [DataGridComponent],
  template: `
    <cd31-data-grid
      label="Fournisseurs"
      [columns]="columns"
      [datasource]="datasource()"
      [rowId]="rowId"
      [selectable]="true"
      [sort]="sort()"
      (rowClicked)="clicked.push($event)"
      (sortChanged)="sorts.push($event)"
      (pageLoaded)="total = $event.total"
      (loadFailed)="failures = failures + 1"
    />
  `,
})
class HostComponent {
  readonly grid = viewChild.required(DataGridComponent<Row>);
  readonly columns: ColDef<Row>[] = [
    { colId: 'id', field: 'id', headerName: 'N°' },
    { colId: 'name', field: 'name', headerName: 'Nom' },
  ];
  readonly requests: GridPageRequest[] = [];
  readonly sort = signal<GridSort | null>({ field: 'name', dir: 'desc' });
  readonly datasource = signal<GridDatasource<Row>>((request) => {
    this.requests.push(request);
    return Promise.resolve({
      rows: [
        { id: 1, name: 'Alpha' },
        { id: 2, name: 'Bêta' },
      ],
      total: 2,
    });
  });
  readonly rowId = (row: Row): string => String(row.id);
  readonly clicked: Row[] = [];
  readonly sorts: (GridSort | null)[] = [];
  total = -1;
  failures = 0;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 120));

async function render(): Promise<{ host: HostComponent; element: HTMLElement }> {
  const fixture = TestBed.createComponent(HostComponent);
  fixture.detectChanges();
  await fixture.whenStable();
  const element = fixture.nativeElement as HTMLElement;
  // The first block and the cells arrive asynchronously: wait for them (bounded) on slow machines.
  const deadline = Date.now() + 5000;
  do {
    await settle();
    fixture.detectChanges();
  } while (element.querySelectorAll('.ag-cell').length === 0 && Date.now() < deadline);
  return { host: fixture.componentInstance, element };
}

describe('DataGridComponent', () => {
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;

  beforeAll(() => {
    // Verbose errors for anything used without its module.
    ModuleRegistry.registerModules([ValidationModule]);
  });

  beforeEach(() => {
    errors = jest.spyOn(console, 'error');
    warnings = jest.spyOn(console, 'warn');
  });

  afterEach(() => {
    errors.mockRestore();
    warnings.mockRestore();
  });

  it('asks the datasource for the first block, sorted as the URL says', async () => {
    const { host } = await render();
    expect(host.requests[0]).toEqual({
      offset: 0,
      limit: 100,
      sort: { field: 'name', dir: 'desc' },
    });
    expect(host.total).toBe(2);
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
  });

  it('renders the rows with French aria texts, and a click opens the row', async () => {
    const { host, element } = await render();
    const cells = Array.from(element.querySelectorAll<HTMLElement>('[col-id="name"].ag-cell'));
    expect(cells.map((cell) => cell.textContent)).toEqual(['Alpha', 'Bêta']);
    expect(element.querySelector('.ag-selection-checkbox input')?.getAttribute('aria-label')).toBe(
      'Appuyez sur Espace pour cocher ou décocher la ligne (non coché)',
    );
    expect(
      element.querySelector('[role="grid"], [role="treegrid"]')?.getAttribute('aria-label'),
    ).toBe('Fournisseurs');
    cells[1]?.click();
    await settle();
    expect(host.clicked).toEqual([{ id: 2, name: 'Bêta' }]);
  });

  it('applies a sort set from outside without echoing it back', async () => {
    const { host } = await render();
    host.sort.set({ field: 'id', dir: 'asc' });
    TestBed.tick();
    await settle();
    expect(host.requests.at(-1)?.sort).toEqual({ field: 'id', dir: 'asc' });
    expect(host.sorts).toEqual([]);
  });

  it("reports the user's sort (a click on a header)", async () => {
    const { host, element } = await render();
    element.querySelector<HTMLElement>('[col-id="id"] .ag-header-cell-label')?.click();
    await settle();
    expect(host.sorts).toEqual([{ field: 'id', dir: 'asc' }]);
    expect(host.requests.at(-1)?.sort).toEqual({ field: 'id', dir: 'asc' });
  });

  it('reloads from the top with a new datasource', async () => {
    const { host } = await render();
    const before = host.requests.length;
    host.datasource.set(() => Promise.resolve({ rows: [], total: 0 }));
    TestBed.tick();
    await settle();
    expect(host.total).toBe(0);
    expect(host.requests.length).toBe(before);
  });

  it('keeps the total it knows when a block comes without one', async () => {
    const { host, element } = await render();
    host.datasource.set(() => Promise.resolve({ rows: [{ id: 3, name: 'Gamma' }], total: null }));
    TestBed.tick();
    await settle();
    const cells = Array.from(element.querySelectorAll<HTMLElement>('[col-id="name"].ag-cell'));
    expect(cells.map((cell) => cell.textContent)).toContain('Gamma');
    expect(host.total).toBe(2);
  });

  it('reports a failed load', async () => {
    const { host } = await render();
    host.datasource.set(() => Promise.reject(new Error('boom')));
    TestBed.tick();
    await settle();
    expect(host.failures).toBe(1);
  });
});
