import type { AnomalyDetailDto, InvoiceDetailDto } from '@cd31/contracts';
import { chorusStatusLabel } from '@cd31/domain';
import { EuroPipe, FrDatePipe, FrDateTimePipe } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { AnomalyCardComponent } from './anomaly-card.component';
import {
  astreFacts,
  comparisonRows,
  formatRate,
  paymentDelaySummary,
  STATUS_SOURCE_LABELS,
  statusTimeline,
} from './invoice-view';
import { RecyclePanelComponent } from './recycle-panel.component';

/** One invoice: Chorus Pro beside ASTRE, the payment-delay clock, anomalies, recycle comment. */
@Component({
  selector: 'cd31-invoice-page',
  imports: [
    RouterLink,
    EuroPipe,
    FrDatePipe,
    FrDateTimePipe,
    AnomalyCardComponent,
    RecyclePanelComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="crumbs" aria-label="Fil d'Ariane">
      <a routerLink="/anomalies">Anomalies</a> › <a routerLink="/factures">Factures</a> ›
      <span aria-current="page">Facture</span>
    </nav>

    @if (!invoice()) {
      <h1>Facture</h1>
    }
    @if (error(); as message) {
      <div class="alert alert-error" role="alert">
        {{ message }}
        @if (numericId() !== null) {
          <button type="button" class="btn" (click)="load(true)">Réessayer</button>
        }
      </div>
      @if (!invoice()) {
        <p class="empty">
          Retrouvez la facture depuis la <a routerLink="/factures">recherche de factures</a>.
        </p>
      }
    }
    @if (invoice(); as inv) {
      <header class="invoice-header">
        <h1>Facture n° {{ inv.chorus.numeroFacture }}</h1>
        <p class="lead">
          {{ inv.chorus.supplierName ?? inv.chorus.supplierSiret ?? 'Fournisseur inconnu' }} ·
          budget {{ inv.chorus.budgetCode }} — {{ inv.chorus.budgetLabel }} ·
          {{ inv.chorus.amountTtc | euro }} TTC ·
          <span class="status">{{ statusLabel(inv.chorus.status) }}</span>
          @if (inv.chorus.statusAt) {
            depuis le {{ inv.chorus.statusAt | frDate }}
          }
          · n° Chorus Pro {{ inv.chorus.idFacture }}
        </p>
      </header>

      <div class="layout">
        <div class="main">
          <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">Chorus Pro et ASTRE</h2>
            @if (!inv.astre) {
              <p class="alert alert-info">
                Aucune ligne ASTRE ne correspond à cette facture : elle n'a pas été intégrée, ou
                l'export ASTRE importé est antérieur.
              </p>
            } @else if (inv.differences.length > 0) {
              <p class="diff-note">
                {{ inv.differences.length }} différence(s) entre Chorus Pro et ASTRE, signalée(s)
                ci-dessous.
              </p>
            }
            <table class="compare">
              <thead>
                <tr>
                  <th scope="col">Donnée</th>
                  <th scope="col">Chorus Pro</th>
                  <th scope="col">ASTRE</th>
                </tr>
              </thead>
              <tbody>
                @for (row of comparison(); track row.label) {
                  <tr [class.differs]="row.differs">
                    <th scope="row">
                      {{ row.label }}
                      @if (row.differs) {
                        <span class="diff-badge">Différent</span>
                      }
                    </th>
                    <td>{{ row.chorus }}</td>
                    <td [class.na]="row.astre === null">{{ row.astre ?? '' }}</td>
                  </tr>
                }
              </tbody>
            </table>
            @if (inv.astre; as astre) {
              <dl class="astre-facts">
                @for (fact of astreFacts(astre); track fact.label) {
                  <div>
                    <dt>{{ fact.label }}</dt>
                    <dd>{{ fact.value }}</dd>
                  </div>
                }
              </dl>
            }
          </section>

          <section aria-labelledby="anomalies-title">
            <h2 id="anomalies-title">Anomalies ({{ inv.anomalies.length }})</h2>
            @for (anomaly of inv.anomalies; track anomaly.id) {
              <cd31-anomaly-card
                [anomaly]="anomaly"
                [canTriage]="canTriage"
                [currentUserId]="currentUserId()"
                (updated)="replaceAnomaly($event)"
              />
            } @empty {
              <p class="empty">Aucune anomalie sur cette facture.</p>
            }
          </section>

          <cd31-recycle-panel
            [idFacture]="inv.chorus.idFacture"
            [draft]="inv.recycle"
            [canSend]="canRecycle"
            (sent)="load(true)"
          />
        </div>

        <aside class="side">
          <section class="card" aria-labelledby="dgp-title">
            <h2 id="dgp-title">Délai de paiement</h2>
            @let delay = inv.paymentDelay;
            <p class="dgp-summary" [class.late]="delay.daysLate > 0">{{ delaySummary() }}</p>
            <dl class="dgp">
              <div class="big" [class.late]="delay.daysLate > 0">
                <dt>{{ delay.daysLate > 0 ? 'Jours de retard' : 'Jours restants' }}</dt>
                <dd>{{ delay.daysLate > 0 ? delay.daysLate : (delay.daysLeft ?? '—') }}</dd>
              </div>
              <div class="big" [class.late]="delay.daysLate > 0">
                <dt>Euros à risque</dt>
                <dd>{{ delay.eurosAtRisk | euro }}</dd>
              </div>
              <div>
                <dt>Début du délai</dt>
                <dd>{{ (delay.startDate | frDate) || '—' }}</dd>
              </div>
              <div>
                <dt>Échéance (30 jours)</dt>
                <dd>{{ (delay.dueDate | frDate) || '—' }}</dd>
              </div>
              <div>
                <dt>Fin de la part de l'ordonnateur</dt>
                <dd>
                  {{ (delay.ordonnateurDueDate | frDate) || '—' }}
                  @if (delay.ordonnateurDaysLeft !== null) {
                    ({{ daysText(delay.ordonnateurDaysLeft) }})
                  }
                </dd>
              </div>
              <div>
                <dt>Taux des intérêts moratoires</dt>
                <dd>{{ rate(delay.interestRate) }}</dd>
              </div>
              <div>
                <dt>Intérêts dus</dt>
                <dd>{{ delay.interest | euro }}</dd>
              </div>
              <div>
                <dt>Indemnité forfaitaire</dt>
                <dd>{{ delay.indemnity | euro }}</dd>
              </div>
            </dl>
          </section>

          <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Historique des statuts Chorus Pro</h2>
            @if (timeline().length === 0) {
              <p class="empty">Aucun statut reçu pour l'instant.</p>
            } @else {
              <ol class="timeline">
                @for (event of timeline(); track $index; let last = $last) {
                  <li [class.current]="last">
                    <time [attr.datetime]="event.at">{{ event.at | frDateTime }}</time>
                    <strong>{{ statusLabel(event.status) }}</strong>
                    @if (last) {
                      <span class="now">statut actuel</span>
                    }
                    @if (event.comment) {
                      <q>{{ event.comment }}</q>
                    }
                    <small>{{ sourceLabels[event.source] ?? event.source }}</small>
                  </li>
                }
              </ol>
            }
          </section>
        </aside>
      </div>
    } @else if (!error()) {
      <p class="loading" role="status">Chargement de la facture…</p>
    }
  `,
  styles: `
    .crumbs {
      font-size: 0.85rem;
      color: var(--muted);
      margin-bottom: 0.75rem;
    }
    .crumbs a {
      color: var(--brand);
    }
    .status {
      font-weight: 600;
      color: var(--text);
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 2fr) minmax(18rem, 1fr);
      gap: 1.25rem;
      align-items: start;
    }
    @media (max-width: 960px) {
      .layout {
        grid-template-columns: 1fr;
      }
    }
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 1rem 1.25rem;
      margin-bottom: 1.25rem;
    }
    h2 {
      font-size: 1.15rem;
      margin: 0 0 0.6rem;
    }
    .compare {
      width: 100%;
      border-collapse: collapse;
    }
    .compare th,
    .compare td {
      text-align: left;
      padding: 0.4rem 0.6rem;
      border-bottom: 1px solid var(--border);
      vertical-align: top;
    }
    .compare thead th {
      font-size: 0.8rem;
      text-transform: uppercase;
      color: var(--muted);
      background: #eef2f7;
    }
    .compare tbody th {
      font-weight: 600;
      width: 30%;
    }
    .compare tr.differs {
      background: #fffaeb;
    }
    .compare tr.differs td {
      color: #93370d;
      font-weight: 600;
    }
    .compare td.na::after {
      content: '—';
      color: var(--muted);
    }
    .diff-badge {
      display: inline-block;
      margin-left: 0.35rem;
      font-size: 0.7rem;
      font-weight: 700;
      color: #93370d;
      border: 1px solid #f79009;
      border-radius: 999px;
      padding: 0 0.4rem;
    }
    .diff-note {
      color: #93370d;
    }
    .astre-facts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      margin: 0.75rem 0 0;
    }
    dt {
      font-size: 0.8rem;
      color: var(--muted);
    }
    dd {
      margin: 0;
    }
    .dgp {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.6rem;
      margin: 0;
    }
    .dgp .big dd {
      font-size: 1.4rem;
      font-weight: 700;
    }
    .late,
    .late dd {
      color: var(--danger);
    }
    .dgp-summary {
      margin-top: 0;
    }
    .timeline {
      list-style: none;
      margin: 0;
      padding: 0 0 0 1rem;
      border-left: 3px solid var(--border);
    }
    .timeline li {
      position: relative;
      padding: 0 0 0.8rem 0.75rem;
      display: flex;
      flex-direction: column;
      gap: 0.1rem;
    }
    .timeline li::before {
      content: '';
      position: absolute;
      left: -1.55rem;
      top: 0.3rem;
      width: 0.7rem;
      height: 0.7rem;
      border-radius: 50%;
      background: #fff;
      border: 3px solid var(--brand);
    }
    .timeline li.current::before {
      background: var(--brand);
    }
    .timeline time {
      font-size: 0.8rem;
      color: var(--muted);
      font-variant-numeric: tabular-nums;
    }
    .timeline small {
      color: var(--muted);
    }
    .now {
      font-size: 0.75rem;
      font-weight: 700;
      color: var(--brand);
    }
  `,
})
export class InvoicePageComponent {
  private readonly api = inject(ApiService);
  private readonly session = inject(SessionService);

  /** From the route `factures/:idFacture`. */
  readonly idFacture = input.required<string>();

  protected readonly canTriage = this.session.can('anomalies:triage');
  protected readonly canRecycle = this.session.can('recycle:send');
  protected readonly sourceLabels = STATUS_SOURCE_LABELS;
  protected readonly currentUserId = computed(() => this.session.user()?.id ?? null);

  protected readonly invoice = signal<InvoiceDetailDto | null>(null);
  protected readonly error = signal<string | null>(null);

  protected readonly numericId = computed(() => {
    const id = this.idFacture();
    return /^\d{1,15}$/.test(id) ? Number(id) : null;
  });
  protected readonly comparison = computed(() => {
    const invoice = this.invoice();
    return invoice ? comparisonRows(invoice) : [];
  });
  protected readonly timeline = computed(() => statusTimeline(this.invoice()?.statusHistory ?? []));
  protected readonly delaySummary = computed(() => {
    const invoice = this.invoice();
    return invoice ? paymentDelaySummary(invoice.paymentDelay) : '';
  });

  private request = 0;

  constructor() {
    effect(() => {
      this.numericId();
      untracked(() => void this.load());
    });
  }

  protected statusLabel(status: string): string {
    return chorusStatusLabel(status);
  }

  protected daysText(days: number): string {
    return days < 0 ? `dépassée de ${-days} j` : `encore ${days} j`;
  }

  protected rate(rate: number | null): string {
    return formatRate(rate);
  }

  protected astreFacts = astreFacts;

  /** Loads (or, after a change, reloads in place: the page stays on screen meanwhile). */
  async load(inPlace = false): Promise<void> {
    const id = this.numericId();
    const request = ++this.request;
    this.error.set(null);
    if (!inPlace) {
      this.invoice.set(null);
    }
    if (id === null) {
      this.error.set(`« ${this.idFacture()} » n'est pas un numéro de facture Chorus Pro.`);
      return;
    }
    try {
      const invoice = await this.api.fetchInvoice(id);
      if (request === this.request) {
        this.invoice.set(invoice);
      }
    } catch (error) {
      if (request === this.request) {
        this.error.set(apiErrorMessage(error));
      }
    }
  }

  protected replaceAnomaly(updated: AnomalyDetailDto): void {
    this.invoice.update((invoice) =>
      invoice
        ? {
            ...invoice,
            anomalies: invoice.anomalies.map((a) => (a.id === updated.id ? updated : a)),
          }
        : invoice,
    );
  }
}
