import type {
  BudgetDto,
  ChorusAccountHealthDto,
  SyncRequestResultDto,
  SyncRunDto,
  UpdateBudgetRequest,
} from '@cd31/contracts';
import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';

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
}
