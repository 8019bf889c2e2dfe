/** Something that waits for a confirmation in the section's dialog. */
export interface PendingAction {
  readonly heading: string;
  readonly lines: readonly string[];
  readonly confirmLabel: string;
  readonly danger: boolean;
  readonly run: () => Promise<void>;
}

/** The value of the input, select or textarea an event came from. */
export function fieldValue(event: Event): string {
  const target = event.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;
  return target?.value ?? '';
}

export function fieldChecked(event: Event): boolean {
  return (event.target as HTMLInputElement | null)?.checked ?? false;
}
