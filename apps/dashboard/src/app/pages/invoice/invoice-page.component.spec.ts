import type {
  AnomalyDetailDto,
  AnomalyUpdateRequest,
  InvoiceDetailDto,
  RecycleRequest,
} from '@cd31/contracts';
import { ROLE_PERMISSIONS, type Permission } from '@cd31/domain';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { HttpErrorResponse } from '@angular/common/http';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { anomalyDetail, invoiceDetail, recycleDraft } from '../../../testing/invoice-test-data';
import { InvoicePageComponent } from './invoice-page.component';

const plain = (text: string | null | undefined): string =>
  (text ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The text of each child element, joined by spaces (textContent glues them together). */
const words = (element: Element | null | undefined): string =>
  Array.from(element?.children ?? [])
    .map((child) => plain(child.textContent))
    .join(' ');

/** A description list as « term: value » pairs. */
const facts = (root: Element | null | undefined): Record<string, string> =>
  Object.fromEntries(
    Array.from(root?.querySelectorAll('dt') ?? []).map((dt) => [
      plain(dt.textContent),
      plain(dt.nextElementSibling?.textContent),
    ]),
  );

interface Setup {
  readonly invoice?: InvoiceDetailDto;
  readonly permissions?: readonly Permission[];
  readonly recycleError?: Error;
}

async function render(url: string, setup: Setup = {}) {
  const invoice = setup.invoice ?? invoiceDetail();
  const api = {
    fetchInvoice: jest.fn((_id: number) => Promise.resolve(invoice)),
    updateAnomaly: jest.fn((id: number, request: AnomalyUpdateRequest) =>
      Promise.resolve<AnomalyDetailDto>(
        anomalyDetail({
          id,
          ...(request.assigneeId === 'me'
            ? { assignee: { id: 'u1', displayName: 'Agent Test' }, state: 'EN_COURS' as const }
            : {}),
          ...(request.state ? { state: request.state } : {}),
        }),
      ),
    ),
    addAnomalyNote: jest.fn((_id: number, text: string) =>
      Promise.resolve({
        id: 2,
        author: { id: 'u1', displayName: 'Agent Test' },
        at: '2025-03-07T10:00:00Z',
        text,
      }),
    ),
    recycleInvoice: jest.fn((_id: number, _request: RecycleRequest) =>
      setup.recycleError
        ? Promise.reject(setup.recycleError)
        : Promise.resolve({
            mode: 'dry-run' as const,
            sent: false,
            newStatus: null,
            message: 'Simulation enregistrée : rien n’a été envoyé à Chorus Pro.',
          }),
    ),
  };
  const permissions = setup.permissions ?? ROLE_PERMISSIONS.agent;
  TestBed.configureTestingModule({
    providers: [
      provideRouter(
        [{ path: 'factures/:idFacture', component: InvoicePageComponent }],
        withComponentInputBinding(),
      ),
      { provide: ApiService, useValue: api },
      {
        provide: SessionService,
        useValue: {
          user: signal({ id: 'u1', displayName: 'Agent Test' }),
          can: (permission: Permission) => permissions.includes(permission),
        },
      },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url, InvoicePageComponent);
  const element = harness.routeNativeElement as HTMLElement;
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    harness.detectChanges();
    await harness.fixture.whenStable();
  };
  await settle();
  const buttons = (root: ParentNode, text: string): HTMLButtonElement[] =>
    Array.from(root.querySelectorAll('button')).filter((b) => plain(b.textContent) === text);
  const button = (text: string, root: ParentNode = element): HTMLButtonElement | undefined =>
    buttons(root, text)[0];
  const type = async (field: HTMLTextAreaElement | HTMLSelectElement, value: string) => {
    field.value = value;
    field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? 'change' : 'input'));
    await settle();
  };
  return { api, element, settle, button, type };
}

describe('InvoicePageComponent', () => {
  it('puts Chorus Pro beside ASTRE and highlights what differs', async () => {
    const { api, element } = await render('/factures/9001');
    expect(api.fetchInvoice).toHaveBeenCalledWith(9001);
    expect(plain(element.querySelector('h1')?.textContent)).toBe('Facture n° F-2025-001');
    const differing = Array.from(element.querySelectorAll('.compare tr.differs'));
    expect(differing.map((tr) => plain(tr.querySelector('th')?.textContent))).toEqual([
      'Budget Différent',
      'Fournisseur Différent',
    ]);
    expect(words(differing[0])).toBe('Budget Différent 62 — Laboratoire Eau Air (EVA) 01');
  });

  it('shows the status history in French, Paris time, oldest first', async () => {
    const { element } = await render('/factures/9001');
    const items = Array.from(element.querySelectorAll('.timeline li')).map(words);
    expect(items).toEqual([
      '30/01/2025 11:00 Déposée historique Chorus Pro',
      '01/02/2025 09:05 Mise à disposition statut actuel synchronisation',
    ]);
  });

  it('shows the payment-delay clock', async () => {
    const { element } = await render('/factures/9001');
    expect(facts(element.querySelector('.dgp'))).toMatchObject({
      'Jours de retard': '4',
      'Euros à risque': '41,66 €',
      'Début du délai': '01/02/2025',
      'Échéance (30 jours)': '03/03/2025',
      'Taux des intérêts moratoires': '12,25 %',
      'Indemnité forfaitaire': '40,00 €',
    });
  });

  it('offers only the allowed transitions, and « M’attribuer »', async () => {
    const { api, element, button, settle } = await render('/factures/9001');
    const options = Array.from(element.querySelectorAll<HTMLOptionElement>('#state-7 option'));
    expect(options.map((o) => plain(o.textContent))).toEqual([
      'choisir…',
      'En cours',
      'Résolue',
      'Ignorée',
    ]);
    button("M'attribuer")?.click();
    await settle();
    expect(api.updateAnomaly).toHaveBeenCalledWith(7, { assigneeId: 'me' });
    expect(facts(element.querySelector('cd31-anomaly-card .facts'))['Attribuée à']).toBe(
      'Agent Test',
    );
    expect(button("M'attribuer")).toBeUndefined();
  });

  it('asks why before ignoring an anomaly', async () => {
    const { api, element, button, type } = await render('/factures/9001');
    await type(element.querySelector<HTMLSelectElement>('#state-7')!, 'IGNOREE');
    const change = button("Changer l'état")!;
    expect(change.disabled).toBe(true);
    expect(element.querySelector('cd31-anomaly-card')?.textContent).toContain(
      'Indiquez pourquoi cette anomalie est ignorée.',
    );
    await type(element.querySelector<HTMLTextAreaElement>('#ignore-7')!, 'Facture annulée');
    expect(change.disabled).toBe(false);
    change.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.updateAnomaly).toHaveBeenCalledWith(7, {
      state: 'IGNOREE',
      comment: 'Facture annulée',
    });
  });

  it('adds a note', async () => {
    const { api, element, button, type, settle } = await render('/factures/9001');
    await type(element.querySelector<HTMLTextAreaElement>('#note-7')!, 'Relance envoyée');
    button('Ajouter la note')?.click();
    await settle();
    expect(api.addAnomalyNote).toHaveBeenCalledWith(7, 'Relance envoyée');
    expect(plain(element.querySelector('.notes')?.textContent)).toContain('Relance envoyée');
  });

  it('counts the comment live and blocks it over 255 characters', async () => {
    const { element, button, type, settle } = await render('/factures/9001');
    const text = recycleDraft().text!;
    const counter = element.querySelector('.counter')!;
    expect(plain(counter.textContent)).toBe(`${text.length} / 255`);
    const area = element.querySelector<HTMLTextAreaElement>('#recycle-comment')!;
    await type(area, 'x'.repeat(256));
    expect(plain(counter.textContent)).toBe('256 / 255');
    expect(counter.classList).toContain('over');
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect(button('Envoyer à recycler')?.disabled).toBe(true);
    expect(element.querySelector('#recycle-problem')?.textContent).toContain('dépasse 255');
    button('Rétablir le texte proposé')?.click();
    await settle();
    expect(area.value).toBe(text);
    expect(button('Envoyer à recycler')?.disabled).toBe(false);
  });

  it('confirms with exactly the text and the mode, then sends it', async () => {
    const { api, element, button, type, settle } = await render('/factures/9001');
    const area = element.querySelector<HTMLTextAreaElement>('#recycle-comment')!;
    await type(area, '  Merci d’indiquer le SIRET 22310001700423.  ');
    button('Envoyer à recycler')?.click();
    await settle();
    const dialog = element.querySelector('cd31-recycle-panel dialog')!;
    expect(dialog.hasAttribute('open')).toBe(true);
    expect(dialog.querySelector('blockquote')?.textContent).toBe(
      'Merci d’indiquer le SIRET 22310001700423.',
    );
    expect(dialog.textContent).toContain('rien ne sera envoyé à Chorus Pro');
    expect(api.recycleInvoice).not.toHaveBeenCalled();

    button('Simuler l’envoi', dialog)?.click();
    await settle();
    expect(api.recycleInvoice).toHaveBeenCalledWith(9001, {
      comment: 'Merci d’indiquer le SIRET 22310001700423.',
    });
    expect(element.querySelector('cd31-recycle-panel [role="status"]')?.textContent).toContain(
      'Simulation enregistrée',
    );
    expect(api.fetchInvoice).toHaveBeenCalledTimes(2);
  });

  it("shows the API's French message when sending fails", async () => {
    const { element, button, settle } = await render('/factures/9001', {
      recycleError: new HttpErrorResponse({
        status: 409,
        error: { statusCode: 409, error: 'Conflict', message: 'La facture n’est plus à traiter.' },
      }),
    });
    button('Envoyer à recycler')?.click();
    await settle();
    button('Simuler l’envoi', element.querySelector('dialog')!)?.click();
    await settle();
    expect(element.querySelector('cd31-recycle-panel [role="alert"]')?.textContent).toContain(
      'La facture n’est plus à traiter.',
    );
  });

  it('disables sending, with the reason, when the API says it is not possible', async () => {
    const { element, button } = await render('/factures/9001', {
      invoice: invoiceDetail({
        recycle: recycleDraft({
          allowed: false,
          mode: 'off',
          reason: 'L’envoi à recycler est désactivé par l’administrateur.',
        }),
      }),
    });
    expect(button('Envoyer à recycler')?.disabled).toBe(true);
    expect(element.querySelector('#recycle-send-reason')?.textContent).toContain(
      'désactivé par l’administrateur',
    );
  });

  it('copies the comment and says so', async () => {
    const writeText = jest.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const { element, button, settle } = await render('/factures/9001');
    button('Copier')?.click();
    await settle();
    expect(writeText).toHaveBeenCalledWith(recycleDraft().text);
    expect(element.querySelector('.notice')?.textContent).toContain('copié');
  });

  it('lets a manager read and copy, without triage or sending', async () => {
    const { element, button } = await render('/factures/9001', {
      permissions: ROLE_PERMISSIONS.gestionnaire,
    });
    expect(button("M'attribuer")).toBeUndefined();
    expect(element.querySelector('#state-7')).toBeNull();
    expect(element.querySelector('#note-7')).toBeNull();
    expect(button('Envoyer à recycler')).toBeUndefined();
    expect(button('Copier')).toBeDefined();
  });

  it('refuses an id that is not a Chorus Pro number', async () => {
    const { api, element } = await render('/factures/abc');
    expect(api.fetchInvoice).not.toHaveBeenCalled();
    expect(element.querySelector('[role="alert"]')?.textContent).toContain(
      "« abc » n'est pas un numéro de facture Chorus Pro.",
    );
  });
});
