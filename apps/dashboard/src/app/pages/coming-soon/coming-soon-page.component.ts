import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Placeholder for a navigation entry whose page is not delivered yet: says what it will hold. */
@Component({
  selector: 'cd31-coming-soon-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ label() }}</h1>
    <p class="lead">{{ purpose() }}</p>
    <p class="empty">
      Cette page n'est pas encore disponible. En attendant, consultez les
      <a routerLink="/budgets">budgets</a>.
    </p>
  `,
})
export class ComingSoonPageComponent {
  readonly label = input.required<string>();
  readonly purpose = input.required<string>();
}
