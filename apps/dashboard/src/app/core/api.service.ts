import type {
  AstreImportDto,
  AstreImportKind,
  AstreImportLineErrorDto,
  AstreImportMode,
  BudgetDto,
  ChorusAccountHealthDto,
  SyncRequestResultDto,
  SyncRunDto,
  UpdateBudgetRequest,
} from '@cd31/contracts';
import { HttpClient, HttpEventType, type HttpEvent } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { filter, firstValueFrom, map, type Observable } from 'rxjs';

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
}
