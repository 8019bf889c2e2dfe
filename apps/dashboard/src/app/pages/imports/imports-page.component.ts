import type {
  AstreImportDto,
  AstreImportKind,
  AstreImportLineErrorDto,
  AstreImportMode,
} from '@cd31/contracts';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ConfirmDialogComponent, FrDateTimePipe, FrIntegerPipe } from '@cd31/ui';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { formatFileSize, IMPORT_STATUS_LABELS, SEPARATOR_LABELS } from './imports-labels';

type Stage =
  | { kind: 'idle' }
  | { kind: 'uploading'; progress: number; fileName: string }
  | { kind: 'analysing'; fileName: string };

@Component({
  selector: 'cd31-imports-page',
  imports: [FormsModule, FrDateTimePipe, FrIntegerPipe, ConfirmDialogComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Imports ASTRE</h1>
    <p class="lead">
      Déposez un export ASTRE (factures intégrées ou engagements, CSV ou XLSX). Rien n'est importé
      avant votre confirmation.
    </p>

    @if (error(); as message) {
      <div class="alert alert-error" role="alert">{{ message }}</div>
    }
    @if (notice(); as message) {
      <div class="alert alert-info" role="status">{{ message }}</div>
    }

    @if (canImport && !preview()) {
      <section
        class="dropzone"
        [class.dragging]="dragging()"
        (dragover)="onDragOver($event)"
        (dragleave)="dragging.set(false)"
        (drop)="onDrop($event)"
        aria-label="Dépôt d'un export ASTRE"
      >
        @switch (stage().kind) {
          @case ('uploading') {
            <p>Envoi de {{ stageFile() }}…</p>
            <progress
              [value]="uploadProgress()"
              max="100"
              aria-label="Progression de l'envoi"
            ></progress>
          }
          @case ('analysing') {
            <p role="status">Analyse de {{ stageFile() }}…</p>
            <progress aria-label="Analyse en cours"></progress>
          }
          @default {
            <p><strong>Glissez-déposez le fichier ici</strong> ou</p>
            <label class="btn btn-primary file-button">
              Choisir un fichier
              <input type="file" accept=".csv,.txt,.xlsx" (change)="onFileChosen($event)" />
            </label>
            <label class="kind">
              Type de fichier
              <select [(ngModel)]="kind" name="kind">
                <option [ngValue]="null">Détecter automatiquement</option>
                <option ngValue="factures">Factures intégrées</option>
                <option ngValue="engagements">Engagements</option>
              </select>
            </label>
          }
        }
      </section>
    }

    @if (preview(); as p) {
      <section class="card preview" aria-labelledby="preview-title">
        <h2 id="preview-title">Aperçu de « {{ p.fileName }} »</h2>
        <p class="meta">
          {{ p.kind === 'engagements' ? 'Engagements' : 'Factures intégrées' }} ·
          {{ size(p.sizeBytes) }}
          @if (p.summary; as s) {
            · {{ s['format'] === 'xlsx' ? 'classeur XLSX' : 'CSV ' + (s['encoding'] ?? '') }}
            @if (s['separator']) {
              · séparateur {{ separatorLabel(s['separator']) }}
            }
            @if (s['skippedTotalLine']) {
              · ligne de total {{ s['skippedTotalLine'] }} ignorée
            }
          }
        </p>
        <dl class="counts">
          <div>
            <dt>Lignes lues</dt>
            <dd>{{ p.counts.rowsRead | frInteger }}</dd>
          </div>
          <div>
            <dt>Valides</dt>
            <dd>{{ p.counts.valid | frInteger }}</dd>
          </div>
          <div [class.bad]="p.counts.invalid > 0">
            <dt>Invalides</dt>
            <dd>{{ p.counts.invalid | frInteger }}</dd>
          </div>
          <div>
            <dt>Nouvelles</dt>
            <dd>{{ p.counts.new | frInteger }}</dd>
          </div>
          <div>
            <dt>Modifiées</dt>
            <dd>{{ p.counts.updated | frInteger }}</dd>
          </div>
          <div>
            <dt>Inchangées</dt>
            <dd>{{ p.counts.unchanged | frInteger }}</dd>
          </div>
        </dl>

        @if (p.counts.invalid > 0) {
          <h3>Lignes invalides ({{ p.lineErrorsTotal | frInteger }} problème(s))</h3>
          <table class="data-table errors">
            <thead>
              <tr>
                <th scope="col">Ligne</th>
                <th scope="col">Colonne</th>
                <th scope="col">Valeur</th>
                <th scope="col">Motif</th>
              </tr>
            </thead>
            <tbody>
              @for (e of errors(); track $index) {
                <tr>
                  <td>{{ e.line }}</td>
                  <td>{{ e.column ?? '—' }}</td>
                  <td class="value">{{ e.value ?? '' }}</td>
                  <td>{{ e.reason }}</td>
                </tr>
              }
            </tbody>
          </table>
          @if (errors().length < p.lineErrorsTotal) {
            <button type="button" class="btn" (click)="moreErrors(p.id)">
              Afficher plus de lignes
            </button>
          }
        }

        <div class="actions">
          <button type="button" class="btn" (click)="cancel(p.id)" [disabled]="busy()">
            Annuler l'import
          </button>
          @if (p.counts.invalid > 0 && p.counts.valid > 0) {
            <button type="button" class="btn" (click)="ask('valid-only')" [disabled]="busy()">
              Importer seulement les lignes valides ({{ p.counts.valid | frInteger }})
            </button>
          }
          <button
            type="button"
            class="btn btn-primary"
            (click)="ask('all-or-nothing')"
            [disabled]="busy() || p.counts.invalid > 0 || p.counts.valid === 0"
            [attr.aria-describedby]="p.counts.invalid > 0 ? 'why-disabled' : null"
          >
            Importer le fichier
          </button>
        </div>
        @if (p.counts.invalid > 0) {
          <p id="why-disabled" class="hint">
            Import complet impossible : corrigez les lignes invalides, ou importez seulement les
            lignes valides.
          </p>
        }
      </section>
    }

    <cd31-confirm-dialog
      [open]="pendingMode() !== null"
      heading="Confirmer l'import"
      confirmLabel="Importer"
      [busy]="busy()"
      (confirmed)="confirm()"
      (cancelled)="pendingMode.set(null)"
    >
      @if (preview(); as p) {
        <p>
          {{ (pendingMode() === 'valid-only' ? p.counts.valid : p.counts.valid) | frInteger }}
          ligne(s) de « {{ p.fileName }} » seront enregistrées :
          {{ p.counts.new | frInteger }} nouvelle(s),
          {{ p.counts.updated | frInteger }} modifiée(s).
          @if (pendingMode() === 'valid-only') {
            Les {{ p.counts.invalid | frInteger }} ligne(s) invalide(s) seront écartées et gardées
            dans le rapport.
          }
        </p>
      }
    </cd31-confirm-dialog>

    <section aria-labelledby="history-title">
      <h2 id="history-title">Historique des imports</h2>
      @if (history() === null) {
        <p class="loading" role="status">Chargement…</p>
      } @else if (history()?.length === 0) {
        <p class="empty">
          Aucun import pour l'instant.
          @if (canImport) {
            Déposez un export ASTRE ci-dessus pour commencer.
          }
        </p>
      } @else {
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Déposé le</th>
              <th scope="col">Fichier</th>
              <th scope="col">Type</th>
              <th scope="col">État</th>
              <th scope="col">Lignes lues</th>
              <th scope="col">Invalides</th>
              <th scope="col">Importées</th>
              <th scope="col">Par</th>
            </tr>
          </thead>
          <tbody>
            @for (i of history(); track i.id) {
              <tr>
                <td>{{ i.uploadedAt | frDateTime }}</td>
                <td>{{ i.fileName }}</td>
                <td>
                  {{
                    i.kind === 'engagements'
                      ? 'Engagements'
                      : i.kind === 'factures'
                        ? 'Factures'
                        : '—'
                  }}
                </td>
                <td>
                  <span class="badge status-{{ i.status }}">{{ statusLabels[i.status] }}</span>
                  @if (i.error) {
                    <span class="error-text">{{ i.error }}</span>
                  }
                </td>
                <td class="num">{{ i.counts.rowsRead | frInteger }}</td>
                <td class="num">{{ i.counts.invalid | frInteger }}</td>
                <td class="num">{{ i.counts.imported | frInteger }}</td>
                <td>{{ i.uploadedBy ?? 'système' }}</td>
              </tr>
            }
          </tbody>
        </table>
      }
    </section>
  `,
  styles: `
    .dropzone {
      border: 2px dashed #9aa5b1;
      border-radius: 10px;
      padding: 2rem;
      text-align: center;
      background: var(--surface);
      margin-bottom: 1.5rem;
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.75rem;
    }
    .dropzone.dragging {
      border-color: var(--brand);
      background: #eef3fa;
    }
    .file-button {
      position: relative;
      overflow: hidden;
    }
    .file-button input {
      position: absolute;
      inset: 0;
      opacity: 0;
      cursor: pointer;
    }
    .file-button:focus-within {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    .kind {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      color: var(--muted);
    }
    .kind select {
      font: inherit;
      padding: 0.25rem;
    }
    progress {
      width: 20rem;
      max-width: 100%;
    }
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 1rem 1.25rem;
      margin-bottom: 1.5rem;
    }
    .meta {
      color: var(--muted);
      margin-top: 0;
    }
    .counts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr));
      gap: 0.75rem;
      margin: 1rem 0;
    }
    .counts div {
      background: #f8fafc;
      border: 1px solid var(--border);
      border-radius: 6px;
      padding: 0.5rem 0.75rem;
    }
    .counts dt {
      color: var(--muted);
      font-size: 0.8rem;
    }
    .counts dd {
      margin: 0;
      font-size: 1.3rem;
      font-weight: 700;
    }
    .counts .bad {
      border-color: #fecdca;
      background: var(--danger-bg);
      color: var(--danger);
    }
    .errors .value {
      font-family: var(--mono);
      max-width: 18rem;
      overflow-wrap: anywhere;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
      margin-top: 1rem;
      flex-wrap: wrap;
    }
    .hint {
      color: var(--muted);
      text-align: right;
      font-size: 0.85rem;
    }
    h2 {
      font-size: 1.15rem;
    }
    h3 {
      font-size: 1rem;
    }
    .num {
      text-align: right;
    }
    .error-text {
      color: var(--danger);
      display: block;
      font-size: 0.85rem;
    }
    .status-refused,
    .status-expired {
      background: var(--danger-bg);
      color: var(--danger);
    }
    .status-preview {
      background: #eff8ff;
      color: #175cd3;
    }
    .status-cancelled {
      background: #f2f4f7;
      color: var(--muted);
    }
  `,
})
export class ImportsPageComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly canImport = inject(SessionService).can('imports:write');
  protected readonly statusLabels = IMPORT_STATUS_LABELS;
  protected kind: AstreImportKind | null = null;
  protected readonly stage = signal<Stage>({ kind: 'idle' });
  protected readonly dragging = signal(false);
  protected readonly preview = signal<AstreImportDto | null>(null);
  protected readonly errors = signal<AstreImportLineErrorDto[]>([]);
  protected readonly history = signal<AstreImportDto[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly pendingMode = signal<AstreImportMode | null>(null);

  ngOnInit(): void {
    void this.loadHistory();
  }

  protected uploadProgress(): number {
    const stage = this.stage();
    return stage.kind === 'uploading' ? Math.round(stage.progress * 100) : 100;
  }

  protected stageFile(): string {
    const stage = this.stage();
    return stage.kind === 'idle' ? '' : `« ${stage.fileName} »`;
  }

  protected size(bytes: number): string {
    return formatFileSize(bytes);
  }

  protected separatorLabel(separator: unknown): string {
    return typeof separator === 'string' ? (SEPARATOR_LABELS[separator] ?? separator) : '';
  }

  protected onDragOver(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(true);
  }

  protected onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    const file = event.dataTransfer?.files[0];
    if (file) {
      this.upload(file);
    }
  }

  protected onFileChosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) {
      this.upload(file);
    }
  }

  protected upload(file: File): void {
    this.error.set(null);
    this.notice.set(null);
    this.stage.set({ kind: 'uploading', progress: 0, fileName: file.name });
    this.api.uploadAstreExport(file, this.kind).subscribe({
      next: (event) => {
        if ('progress' in event) {
          this.stage.set(
            event.progress >= 1
              ? { kind: 'analysing', fileName: file.name }
              : { kind: 'uploading', progress: event.progress, fileName: file.name },
          );
        } else {
          this.preview.set(event.preview);
          this.errors.set([...event.preview.lineErrors]);
          this.stage.set({ kind: 'idle' });
        }
      },
      error: (error: unknown) => {
        this.error.set(apiErrorMessage(error));
        this.stage.set({ kind: 'idle' });
        void this.loadHistory();
      },
    });
  }

  protected async moreErrors(id: string): Promise<void> {
    const more = await this.api.fetchAstreImportErrors(id, this.errors().length, 200);
    this.errors.update((errors) => [...errors, ...more]);
  }

  protected ask(mode: AstreImportMode): void {
    this.pendingMode.set(mode);
  }

  protected async confirm(): Promise<void> {
    const preview = this.preview();
    const mode = this.pendingMode();
    if (!preview || !mode) {
      return;
    }
    this.busy.set(true);
    try {
      const done = await this.api.confirmAstreImport(preview.id, mode);
      this.notice.set(
        `Import de « ${done.fileName} » terminé : ${done.counts.imported} ligne(s) enregistrée(s).`,
      );
      this.preview.set(null);
      await this.loadHistory();
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
      this.pendingMode.set(null);
    }
  }

  protected async cancel(id: string): Promise<void> {
    this.busy.set(true);
    try {
      await this.api.cancelAstreImport(id);
      this.notice.set('Import annulé : rien n’a été modifié.');
      this.preview.set(null);
      await this.loadHistory();
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async loadHistory(): Promise<void> {
    try {
      this.history.set(await this.api.fetchAstreImports(50));
    } catch (error) {
      this.error.set(apiErrorMessage(error));
      this.history.set([]);
    }
  }
}
