/** The body of every error the API returns; `message` is French and meant for the user. */
export interface ApiErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly details?: readonly ApiFieldError[];
}

export interface ApiFieldError {
  readonly field: string;
  readonly message: string;
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string' &&
    typeof (value as { statusCode?: unknown }).statusCode === 'number'
  );
}
