/** A CD31 budget as the API returns it. */
export interface BudgetDto {
  readonly code: string;
  readonly label: string;
  readonly siret: string;
  readonly active: boolean;
  readonly updatedAt: string;
}

export interface CreateBudgetRequest {
  readonly code: string;
  readonly label: string;
  readonly siret: string;
}

export interface UpdateBudgetRequest {
  readonly label?: string;
  readonly active?: boolean;
}
