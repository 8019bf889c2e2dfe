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
  AstreImportProfileDto,
  AuditPageDto,
  BudgetDto,
  BudgetStatsDto,
  ChorusAccountHealthDto,
  CreateBudgetRequest,
  CreateUserRequest,
  InterestRatesDto,
  InvoiceDetailDto,
  InvoiceSearchPageDto,
  RecyclePreviewDto,
  RecyclePreviewRequest,
  RecycleRequest,
  RecycleResultDto,
  RecycleTemplatesDto,
  SyncRequestResultDto,
  SyncRunDto,
  ThresholdSettingsDto,
  UpdateBudgetRequest,
  UpdateThresholdsRequest,
  UpdateUserRequest,
  UserDto,
  UserRefDto,
} from '@cd31/contracts';
import type { InterestRateRow, RecycleCommentTemplates } from '@cd31/domain';
import { HttpClient, HttpEventType, type HttpEvent } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { filter, firstValueFrom, map, type Observable } from 'rxjs';
import {
  toQueryParams,
  toQueryString,
  type AnomalyExportFormat,
  type AnomalyExportQuery,
  type AstreImportProfileUpdate,
  type AuditQuery,
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

  createBudget(request: CreateBudgetRequest): Promise<BudgetDto> {
    return firstValueFrom(this.http.post<BudgetDto>(`${BASE}/budgets`, request));
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

  fetchThresholds(): Promise<ThresholdSettingsDto> {
    return firstValueFrom(this.http.get<ThresholdSettingsDto>(`${BASE}/settings/thresholds`));
  }

  /** Saving re-evaluates every anomaly before answering. */
  updateThresholds(request: UpdateThresholdsRequest): Promise<ThresholdSettingsDto> {
    return firstValueFrom(
      this.http.put<ThresholdSettingsDto>(`${BASE}/settings/thresholds`, request),
    );
  }

  fetchInterestRates(): Promise<InterestRatesDto> {
    return firstValueFrom(this.http.get<InterestRatesDto>(`${BASE}/settings/interest-rates`));
  }

  /** Replaces the whole table. */
  replaceInterestRates(rows: readonly InterestRateRow[]): Promise<InterestRatesDto> {
    return firstValueFrom(
      this.http.put<InterestRatesDto>(`${BASE}/settings/interest-rates`, { rows }),
    );
  }

  fetchRecycleTemplates(): Promise<RecycleTemplatesDto> {
    return firstValueFrom(this.http.get<RecycleTemplatesDto>(`${BASE}/settings/recycle-templates`));
  }

  updateRecycleTemplates(templates: RecycleCommentTemplates): Promise<RecycleTemplatesDto> {
    return firstValueFrom(
      this.http.put<RecycleTemplatesDto>(`${BASE}/settings/recycle-templates`, { templates }),
    );
  }

  previewRecycleComment(request: RecyclePreviewRequest): Promise<RecyclePreviewDto> {
    return firstValueFrom(
      this.http.post<RecyclePreviewDto>(`${BASE}/settings/recycle-templates/preview`, request),
    );
  }

  fetchAstreImportProfiles(): Promise<AstreImportProfileDto[]> {
    return firstValueFrom(this.http.get<AstreImportProfileDto[]>(`${BASE}/astre-import-profiles`));
  }

  /** Answers with both profiles as saved. */
  updateAstreImportProfile(
    kind: AstreImportKind,
    profile: AstreImportProfileUpdate,
  ): Promise<AstreImportProfileDto[]> {
    return firstValueFrom(
      this.http.put<AstreImportProfileDto[]>(`${BASE}/astre-import-profiles/${kind}`, profile),
    );
  }

  fetchUsers(): Promise<UserDto[]> {
    return firstValueFrom(this.http.get<UserDto[]>(`${BASE}/users`));
  }

  createUser(request: CreateUserRequest): Promise<UserDto> {
    return firstValueFrom(this.http.post<UserDto>(`${BASE}/users`, request));
  }

  updateUser(id: string, request: UpdateUserRequest): Promise<UserDto> {
    return firstValueFrom(this.http.patch<UserDto>(`${BASE}/users/${id}`, request));
  }

  fetchAuditEvents(query: AuditQuery): Promise<AuditPageDto> {
    return firstValueFrom(
      this.http.get<AuditPageDto>(`${BASE}/audit`, { params: toQueryParams(query) }),
    );
  }

  /** The audit trail's CSV with the same filters (no page window), followed as a plain link. */
  auditExportUrl(query: Omit<AuditQuery, 'offset' | 'limit'>): string {
    const search = toQueryString(query);
    return `${BASE}/audit/export.csv${search ? `?${search}` : ''}`;
  }
}
