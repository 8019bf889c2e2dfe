import type {
  AnomalyBulkUpdateRequest,
  AnomalyBulkUpdateResultDto,
  AnomalyCountsDto,
  AnomalyDetailDto,
  AnomalyFilters,
  AnomalyListQuery,
  AnomalyNoteDto,
  AnomalyPageDto,
  AnomalyUpdateRequest,
  AstreImportDto,
  AstreImportKind,
  AstreImportLineErrorDto,
  AstreImportMode,
  BudgetDto,
  BudgetStatsDto,
  ChorusAccountHealthDto,
  InvoiceDetailDto,
  InvoiceSearchPageDto,
  RecycleRequest,
  RecycleResultDto,
  SyncRequestResultDto,
  SyncRunDto,
  UpdateBudgetRequest,
  UserRefDto,
} from '@cd31/contracts';
import { HttpClient, HttpEventType, type HttpEvent } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { filter, firstValueFrom, map, type Observable } from 'rxjs';
import {
  toQueryParams,
  toQueryString,
  type AnomalyExportFormat,
  type AnomalyExportQuery,
  type BudgetStatsQuery,
  type InvoiceSearchQuery,
} from './api-queries';

const BASE = '/api/v1';

/** The one typed gateway to the API; pages never build URLs themselves. */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly http = inject(HttpClient);

  fetchBudgets(): Promise<BudgetDto[]> {
    return firstValueFrom(this.http.get<BudgetDto[]>(`${BASE}/budgets`));
  }

  updateBudget(code: string, request: UpdateBudgetRequest): Promise<BudgetDto> {
    return firstValueFrom(this.http.patch<BudgetDto>(`${BASE}/budgets/${code}`, request));
  }

  fetchSyncRuns(limit = 20): Promise<SyncRunDto[]> {
    return firstValueFrom(this.http.get<SyncRunDto[]>(`${BASE}/sync/runs`, { params: { limit } }));
  }

  fetchSyncRun(id: number): Promise<SyncRunDto> {
    return firstValueFrom(this.http.get<SyncRunDto>(`${BASE}/sync/runs/${id}`));
  }

  requestSync(): Promise<SyncRequestResultDto> {
    return firstValueFrom(this.http.post<SyncRequestResultDto>(`${BASE}/sync/runs`, {}));
  }

  fetchChorusAccount(): Promise<ChorusAccountHealthDto> {
    return firstValueFrom(this.http.get<ChorusAccountHealthDto>(`${BASE}/sync/account`));
  }

  /** Uploads an ASTRE export as raw bytes; emits upload progress (0–1) then the preview. */
  uploadAstreExport(
    file: File,
    kind: AstreImportKind | null,
  ): Observable<{ progress: number } | { preview: AstreImportDto }> {
    return this.http
      .post<AstreImportDto>(`${BASE}/astre-imports`, file, {
        headers: {
          'Content-Type': 'application/octet-stream',
          'X-File-Name': encodeURIComponent(file.name),
        },
        params: kind ? { kind } : {},
        reportProgress: true,
        observe: 'events',
      })
      .pipe(
        filter(
          (event: HttpEvent<AstreImportDto>) =>
            event.type === HttpEventType.UploadProgress || event.type === HttpEventType.Response,
        ),
        map((event) => {
          if (event.type === HttpEventType.UploadProgress) {
            return { progress: event.total ? event.loaded / event.total : 0 };
          }
          if (event.type === HttpEventType.Response && event.body) {
            return { preview: event.body };
          }
          return { progress: 1 };
        }),
      );
  }

  fetchAstreImports(limit = 50): Promise<AstreImportDto[]> {
    return firstValueFrom(
      this.http.get<AstreImportDto[]>(`${BASE}/astre-imports`, { params: { limit } }),
    );
  }

  fetchAstreImport(id: string): Promise<AstreImportDto> {
    return firstValueFrom(this.http.get<AstreImportDto>(`${BASE}/astre-imports/${id}`));
  }

  fetchAstreImportErrors(
    id: string,
    offset: number,
    limit: number,
  ): Promise<AstreImportLineErrorDto[]> {
    return firstValueFrom(
      this.http.get<AstreImportLineErrorDto[]>(`${BASE}/astre-imports/${id}/errors`, {
        params: { offset, limit },
      }),
    );
  }

  confirmAstreImport(id: string, mode: AstreImportMode): Promise<AstreImportDto> {
    return firstValueFrom(
      this.http.post<AstreImportDto>(`${BASE}/astre-imports/${id}/confirm`, { mode }),
    );
  }

  cancelAstreImport(id: string): Promise<AstreImportDto> {
    return firstValueFrom(this.http.post<AstreImportDto>(`${BASE}/astre-imports/${id}/cancel`, {}));
  }

  fetchAnomalies(query: AnomalyListQuery): Promise<AnomalyPageDto> {
    return firstValueFrom(
      this.http.get<AnomalyPageDto>(`${BASE}/anomalies`, { params: toQueryParams(query) }),
    );
  }

  fetchAnomalyCounts(filters: AnomalyFilters): Promise<AnomalyCountsDto> {
    return firstValueFrom(
      this.http.get<AnomalyCountsDto>(`${BASE}/anomalies/counts`, {
        params: toQueryParams(filters),
      }),
    );
  }

  updateAnomaly(id: number, request: AnomalyUpdateRequest): Promise<AnomalyDetailDto> {
    return firstValueFrom(this.http.patch<AnomalyDetailDto>(`${BASE}/anomalies/${id}`, request));
  }

  bulkUpdateAnomalies(request: AnomalyBulkUpdateRequest): Promise<AnomalyBulkUpdateResultDto> {
    return firstValueFrom(
      this.http.post<AnomalyBulkUpdateResultDto>(`${BASE}/anomalies/bulk`, request),
    );
  }

  addAnomalyNote(id: number, text: string): Promise<AnomalyNoteDto> {
    return firstValueFrom(
      this.http.post<AnomalyNoteDto>(`${BASE}/anomalies/${id}/notes`, { text }),
    );
  }

  /**
   * The address of an export of exactly the current view (filters and sort). The browser follows
   * it as a plain link and streams the file to disk: nothing is held in memory here.
   */
  anomaliesExportUrl(format: AnomalyExportFormat, query: AnomalyExportQuery): string {
    const search = toQueryString(query);
    return `${BASE}/anomalies/export.${format}${search ? `?${search}` : ''}`;
  }

  fetchAssignableUsers(): Promise<UserRefDto[]> {
    return firstValueFrom(this.http.get<UserRefDto[]>(`${BASE}/users/assignable`));
  }

  fetchInvoice(idFacture: number): Promise<InvoiceDetailDto> {
    return firstValueFrom(this.http.get<InvoiceDetailDto>(`${BASE}/invoices/${idFacture}`));
  }

  recycleInvoice(idFacture: number, request: RecycleRequest): Promise<RecycleResultDto> {
    return firstValueFrom(
      this.http.post<RecycleResultDto>(`${BASE}/invoices/${idFacture}/recycle`, request),
    );
  }

  searchInvoices(query: InvoiceSearchQuery): Promise<InvoiceSearchPageDto> {
    return firstValueFrom(
      this.http.get<InvoiceSearchPageDto>(`${BASE}/invoices`, { params: toQueryParams(query) }),
    );
  }

  fetchBudgetStats(query: BudgetStatsQuery): Promise<BudgetStatsDto> {
    return firstValueFrom(
      this.http.get<BudgetStatsDto>(`${BASE}/stats/budgets`, { params: toQueryParams(query) }),
    );
  }
}
