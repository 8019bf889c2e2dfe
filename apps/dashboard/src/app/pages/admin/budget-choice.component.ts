import type { BudgetDto } from '@cd31/contracts';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** The budgets a user may see, one checkbox each; none checked means every budget. */
@Component({
  selector: 'cd31-budget-choice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="budget-choice">
      <legend>Budgets visibles (aucun coché : tous les budgets)</legend>
      <div class="checks">
        @for (budget of budgets(); track budget.code) {
          <label>
            <input
              type="checkbox"
              [checked]="selected().includes(budget.code)"
              (change)="toggled.emit(budget.code)"
            />
            {{ budget.code }} {{ budget.label }}
          </label>
        }
      </div>
    </fieldset>
  `,
  styles: `
    .budget-choice {
      margin-top: 0.75rem;
    }
  `,
})
export class BudgetChoiceComponent {
  readonly budgets = input.required<readonly BudgetDto[]>();
  /** Codes of the checked budgets. */
  readonly selected = input.required<readonly string[]>();
  readonly toggled = output<string>();
}
