import {
  CD31_STRUCTURES,
  ID_FACTURE_BASE,
  S_MISE_A_DISPOSITION,
  parisDayNumber,
  statusCode,
  statusFromCode,
  type ChorusInvoice,
  type ChorusStatus,
  type Dataset,
  type StatusTransition,
} from '@cd31/dataset';

/** One status change as the store keeps it. */
export interface TimelineEntry {
  readonly status: number;
  readonly atMs: number;
  readonly commentaire: string | null;
}

export type SortColumn = 'IdFacture' | 'NumeroFacture' | 'DateDepot' | 'DateHeureEtatCourant';

/** A recipient search, validated and resolved to compact codes. */
export interface InvoiceQuery {
  /** Budget indices to search; null = every structure. */
  readonly budgets: readonly number[] | null;
  /** 0 FACTURE, 1 FACTURE_TRAVAUX. */
  readonly typeDemande: number;
  readonly statuses: ReadonlySet<number> | null;
  /** Inclusive bounds on the current status instant. */
  readonly windowFromMs: number | null;
  readonly windowToMs: number | null;
  /** Inclusive bounds on the Paris calendar day of deposit. */
  readonly depotFromDay: number | null;
  readonly depotToDay: number | null;
  /** 0 FACTURE, 1 AVOIR. */
  readonly typesFacture: ReadonlySet<number> | null;
  readonly downloaded: boolean | null;
  /** Compared trimmed and case-insensitively. */
  readonly numeroFacture: string | null;
  readonly sort: SortColumn;
  readonly descending: boolean;
}

/** Fields an admin may change on an invoice (`/__admin/invoices/:id`). */
export interface InvoicePatch {
  readonly numeroFacture?: string;
  readonly numeroBonCommande?: string | null;
  readonly codeServiceExecutant?: string | null;
  readonly numeroMarche?: string | null;
  readonly montantHT?: number;
  readonly montantTVA?: number;
  readonly montantTTC?: number;
  readonly montantAPayer?: number;
  readonly typeFacture?: 'FACTURE' | 'AVOIR';
  readonly typeDemandePaiement?: 'FACTURE' | 'FACTURE_TRAVAUX';
  readonly codeFournisseur?: string;
  readonly designationFournisseur?: string;
  readonly dateFacture?: string;
  /** Moves the invoice to another budget (by its SIRET). */
  readonly codeDestinataire?: string;
  readonly factureTelechargeeParDestinataire?: boolean;
  /** Records this status at the simulated now (planned future transitions are dropped). */
  readonly statut?: ChorusStatus;
  readonly commentaire?: string | null;
}

type MutableInvoice = { -readonly [K in keyof ChorusInvoice]: ChorusInvoice[K] };

const NONE = 255;

function growUint8(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(a);
  return b;
}

function growFloat64(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

function growInt32(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

export class InvoiceError extends Error {}

/**
 * The simulator's invoices: the dataset's compact columns, plus what admins and `traiter/recue`
 * changed, plus added invoices; and, for the current simulated instant, each invoice's current
 * status and per-structure indexes (by id, and by current-status instant for window searches).
 */
export class InvoiceStore {
  private readonly baseCount: number;
  private size: number;
  private budget: Uint8Array;
  private typeDemande: Uint8Array;
  private typeFacture: Uint8Array;
  private downloadedAt: Float64Array;
  private depotAt: Float64Array;
  private depotDay: Int32Array;
  private firstMad: Float64Array;
  private curPos: Int32Array;
  private curStatus: Uint8Array;
  private curAt: Float64Array;
  private nextAt: Float64Array;
  private computedAt = Number.NaN;
  private readonly explicit = new Map<number, TimelineEntry[]>();
  private readonly overrides = new Map<number, Partial<MutableInvoice>>();
  private readonly added: ChorusInvoice[] = [];
  private byId: Uint32Array[];
  private byTime: Uint32Array[] = [];
  private numeros: string[] | null = null;
  private readonly cache = new Map<string, Uint32Array>();
  /** Bumped on every change of data or of the computed instant. */
  private version = 0;

  constructor(
    readonly dataset: Dataset,
    nowMs: number,
  ) {
    const n = dataset.invoiceCount;
    const c = dataset.columns;
    this.baseCount = n;
    this.size = n;
    const capacity = n + 64;
    this.budget = growUint8(c.budgetIndex, capacity);
    this.typeDemande = growUint8(c.typeDemande, capacity);
    this.typeFacture = growUint8(c.typeFacture, capacity);
    this.downloadedAt = growFloat64(c.downloadedAtMs, capacity);
    this.firstMad = growFloat64(c.firstMadMs, capacity);
    this.depotAt = new Float64Array(capacity);
    this.depotDay = new Int32Array(capacity);
    for (let i = 0; i < n; i++) {
      const at = c.timelineAtMs[c.timelineOffsets[i]] ?? 0;
      this.depotAt[i] = at;
      this.depotDay[i] = parisDayNumber(at);
    }
    this.curPos = new Int32Array(capacity);
    this.curStatus = new Uint8Array(capacity);
    this.curAt = new Float64Array(capacity);
    this.nextAt = new Float64Array(capacity);
    this.byId = CD31_STRUCTURES.map((_, b) => {
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (this.budget[i] === b) {
          count++;
        }
      }
      const list = new Uint32Array(count);
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (this.budget[i] === b) {
          list[k++] = i;
        }
      }
      return list;
    });
    this.recomputeAll(nowMs);
  }

  get count(): number {
    return this.size;
  }

  indexOfId(idFacture: number): number {
    const index = idFacture - ID_FACTURE_BASE;
    return Number.isInteger(index) && index >= 0 && index < this.size ? index : -1;
  }

  // ---- timelines and current state ----

  private timelineLength(i: number): number {
    const explicit = this.explicit.get(i);
    if (explicit) {
      return explicit.length;
    }
    const offsets = this.dataset.columns.timelineOffsets;
    return (offsets[i + 1] ?? 0) - (offsets[i] ?? 0);
  }

  /** The effective timeline of invoice i (explicit when changed or added, else the dataset's). */
  timeline(i: number): readonly TimelineEntry[] {
    const explicit = this.explicit.get(i);
    if (explicit) {
      return explicit;
    }
    return this.dataset.invoice(i).timeline.map((t) => ({
      status: statusCode(t.statut),
      atMs: t.at.getTime(),
      commentaire: t.commentaire,
    }));
  }

  private computeState(i: number, t: number): void {
    let pos = -1;
    let next = Number.POSITIVE_INFINITY;
    const explicit = this.explicit.get(i);
    if (explicit) {
      for (let k = 0; k < explicit.length; k++) {
        const at = explicit[k]?.atMs ?? Number.POSITIVE_INFINITY;
        if (at > t) {
          next = at;
          break;
        }
        pos = k;
      }
      this.curPos[i] = pos;
      this.curStatus[i] = pos < 0 ? NONE : (explicit[pos]?.status ?? NONE);
      this.curAt[i] = pos < 0 ? Number.NaN : (explicit[pos]?.atMs ?? Number.NaN);
    } else {
      const c = this.dataset.columns;
      const from = c.timelineOffsets[i] ?? 0;
      const to = c.timelineOffsets[i + 1] ?? from;
      for (let k = from; k < to; k++) {
        const at = c.timelineAtMs[k] ?? Number.POSITIVE_INFINITY;
        if (at > t) {
          next = at;
          break;
        }
        pos = k - from;
      }
      this.curPos[i] = pos;
      this.curStatus[i] = pos < 0 ? NONE : (c.timelineStatus[from + pos] ?? NONE);
      this.curAt[i] = pos < 0 ? Number.NaN : (c.timelineAtMs[from + pos] ?? Number.NaN);
    }
    this.nextAt[i] = next;
  }

  private visibleAt(i: number, t: number): boolean {
    return this.firstMad[i] <= t;
  }

  private recomputeAll(t: number): void {
    for (let i = 0; i < this.size; i++) {
      this.computeState(i, t);
    }
    this.computedAt = t;
    this.byTime = this.byId.map((list) =>
      this.sortByTime(list.filter((i) => this.visibleAt(i, t))),
    );
    this.touch();
  }

  private sortByTime(list: Uint32Array): Uint32Array {
    const curAt = this.curAt;
    return list.sort((a, b) => curAt[a] - curAt[b] || a - b);
  }

  private touch(): void {
    this.version++;
    this.cache.clear();
  }

  /** Brings the current states to instant t: incrementally when time moved forward. */
  sync(t: number): void {
    if (t === this.computedAt) {
      return;
    }
    if (!(t > this.computedAt)) {
      this.recomputeAll(t);
      return;
    }
    const changed: number[] = [];
    const nextAt = this.nextAt;
    for (let i = 0; i < this.size; i++) {
      if (nextAt[i] <= t) {
        this.computeState(i, t);
        changed.push(i);
      }
    }
    this.computedAt = t;
    if (changed.length > 0) {
      this.reindex(changed);
      this.touch();
    }
  }

  /** Moves changed invoices to their place in the by-time lists (they are the newest ones). */
  private reindex(changed: readonly number[]): void {
    const t = this.computedAt;
    const byBudget = new Map<number, number[]>();
    for (const i of changed) {
      const b = this.budget[i];
      const list = byBudget.get(b) ?? [];
      list.push(i);
      byBudget.set(b, list);
    }
    const marker = new Uint8Array(this.size);
    for (const i of changed) {
      marker[i] = 1;
    }
    for (const [b, indices] of byBudget) {
      const kept = (this.byTime[b] ?? new Uint32Array(0)).filter((i) => marker[i] === 0);
      const moved = this.sortByTime(Uint32Array.from(indices.filter((i) => this.visibleAt(i, t))));
      if (moved.length === 0) {
        this.byTime[b] = kept;
        continue;
      }
      const from = this.curAt[moved[0]];
      const cut = lowerBound(kept, this.curAt, from);
      const tail = this.sortByTime(Uint32Array.from([...kept.subarray(cut), ...moved]));
      const merged = new Uint32Array(kept.length + moved.length);
      merged.set(kept.subarray(0, cut));
      merged.set(tail, cut);
      this.byTime[b] = merged;
    }
  }

  /** Position of the current status in the effective timeline (-1 before the first one). */
  currentPosition(i: number): number {
    return this.curPos[i];
  }

  currentStatusCode(i: number): number {
    return this.curStatus[i];
  }

  currentStatus(i: number): ChorusStatus | null {
    const code = this.curStatus[i];
    return code === NONE ? null : statusFromCode(code);
  }

  currentAtMs(i: number): number {
    return this.curAt[i];
  }

  currentComment(i: number): string | null {
    const pos = this.curPos[i];
    if (pos < 0) {
      return null;
    }
    return this.timeline(i)[pos]?.commentaire ?? null;
  }

  isVisible(i: number, t: number): boolean {
    return i >= 0 && i < this.size && this.visibleAt(i, t);
  }

  isDownloaded(i: number, t: number): boolean {
    return this.downloadedAt[i] <= t;
  }

  // ---- records ----

  /** The invoice with every change applied (timeline: the effective one, past and future). */
  record(i: number): ChorusInvoice {
    const base = i < this.baseCount ? this.dataset.invoice(i) : this.added[i - this.baseCount];
    if (!base) {
      throw new InvoiceError(`No invoice at index ${i}`);
    }
    const override = this.overrides.get(i);
    const explicit = this.explicit.get(i);
    const merged: ChorusInvoice = override ? { ...base, ...override } : base;
    if (!explicit) {
      return merged;
    }
    return {
      ...merged,
      timeline: explicit.map(
        (e): StatusTransition => ({
          statut: statusFromCode(e.status),
          at: new Date(e.atMs),
          commentaire: e.commentaire,
        }),
      ),
    };
  }

  private numeroOf(i: number): string {
    if (!this.numeros) {
      const numeros = new Array<string>(this.size);
      for (let k = 0; k < this.baseCount; k++) {
        numeros[k] = this.overrides.get(k)?.numeroFacture ?? this.dataset.draft(k).numeroFacture;
      }
      for (let k = this.baseCount; k < this.size; k++) {
        numeros[k] = this.record(k).numeroFacture;
      }
      this.numeros = numeros;
    }
    return this.numeros[i] ?? '';
  }

  // ---- search ----

  search(query: InvoiceQuery, t: number): Uint32Array {
    this.sync(t);
    // The downloaded filter depends on the instant itself, not only on the status changes.
    const key = JSON.stringify({
      at: query.downloaded === null ? null : t,
      ...query,
      statuses: query.statuses && [...query.statuses],
      typesFacture: query.typesFacture && [...query.typesFacture],
    });
    const cached = this.cache.get(key);
    if (cached) {
      return cached;
    }
    const budgets = query.budgets ?? CD31_STRUCTURES.map((_, b) => b);
    const windowed = query.windowFromMs !== null || query.windowToMs !== null;
    const parts: Uint32Array[] = [];
    const wanted = query.numeroFacture?.trim().toUpperCase() ?? null;
    for (const b of budgets) {
      let candidates: Uint32Array;
      if (windowed) {
        const list = this.byTime[b] ?? new Uint32Array(0);
        const lo =
          query.windowFromMs === null ? 0 : lowerBound(list, this.curAt, query.windowFromMs);
        const hi =
          query.windowToMs === null ? list.length : upperBound(list, this.curAt, query.windowToMs);
        candidates = list.subarray(lo, Math.max(lo, hi));
      } else {
        candidates = this.byId[b] ?? new Uint32Array(0);
      }
      const out = new Uint32Array(candidates.length);
      let n = 0;
      for (let k = 0; k < candidates.length; k++) {
        const i = candidates[k];
        if (!(this.firstMad[i] <= t)) continue;
        if (this.typeDemande[i] !== query.typeDemande) continue;
        if (query.statuses && !query.statuses.has(this.curStatus[i])) continue;
        if (query.depotFromDay !== null && this.depotDay[i] < query.depotFromDay) continue;
        if (query.depotToDay !== null && this.depotDay[i] > query.depotToDay) continue;
        if (query.typesFacture && !query.typesFacture.has(this.typeFacture[i])) continue;
        if (query.downloaded !== null && this.downloadedAt[i] <= t !== query.downloaded) continue;
        if (wanted !== null && this.numeroOf(i).trim().toUpperCase() !== wanted) continue;
        out[n++] = i;
      }
      parts.push(out.subarray(0, n));
    }
    let result: Uint32Array;
    if (parts.length === 1) {
      result = parts[0].slice();
    } else {
      result = new Uint32Array(parts.reduce((acc, p) => acc + p.length, 0));
      let offset = 0;
      for (const p of parts) {
        result.set(p, offset);
        offset += p.length;
      }
    }
    const single = parts.length === 1;
    switch (query.sort) {
      case 'IdFacture':
        if (windowed || !single) {
          result.sort();
        }
        break;
      case 'DateHeureEtatCourant':
        if (!windowed || !single) {
          this.sortByTime(result);
        }
        break;
      case 'DateDepot': {
        const depotAt = this.depotAt;
        result.sort((a, b) => depotAt[a] - depotAt[b] || a - b);
        break;
      }
      case 'NumeroFacture':
        result.sort((a, b) => {
          const x = this.numeroOf(a);
          const y = this.numeroOf(b);
          return x < y ? -1 : x > y ? 1 : a - b;
        });
        break;
    }
    if (query.descending) {
      result.reverse();
    }
    if (this.cache.size >= 8) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        this.cache.delete(oldest);
      }
    }
    this.cache.set(key, result);
    return result;
  }

  // ---- changes ----

  /**
   * Records `status` at instant t (the simulated now): past transitions stay, the planned future
   * ones are dropped — the world took another course.
   */
  applyStatus(i: number, status: ChorusStatus, commentaire: string | null, t: number): void {
    this.sync(t);
    const past = this.timeline(i).filter((e) => e.atMs <= t);
    past.push({ status: statusCode(status), atMs: t, commentaire });
    this.explicit.set(i, past);
    if (this.firstMad[i] > t && status === 'MISE_A_DISPOSITION') {
      this.firstMad[i] = t;
    }
    this.computeState(i, t);
    this.reindex([i]);
    this.touch();
  }

  patch(i: number, patch: InvoicePatch, t: number): ChorusInvoice {
    this.sync(t);
    const current = this.record(i);
    const override: Partial<MutableInvoice> = { ...this.overrides.get(i) };
    const copyKeys = [
      'numeroFacture',
      'numeroBonCommande',
      'numeroMarche',
      'montantHT',
      'montantTVA',
      'montantTTC',
      'montantAPayer',
      'codeFournisseur',
      'designationFournisseur',
      'dateFacture',
    ] as const;
    for (const key of copyKeys) {
      if (patch[key] !== undefined) {
        Object.assign(override, { [key]: patch[key] });
      }
    }
    let budgetIndex = current.budgetIndex;
    if (patch.codeDestinataire !== undefined) {
      budgetIndex = CD31_STRUCTURES.findIndex((s) => s.siret === patch.codeDestinataire);
      if (budgetIndex < 0) {
        throw new InvoiceError(`No budget with SIRET ${patch.codeDestinataire}`);
      }
      const structure = CD31_STRUCTURES[budgetIndex];
      Object.assign(override, {
        budgetIndex,
        idDestinataire: structure.idStructureCPP,
        codeDestinataire: structure.siret,
        designationDestinataire: structure.designationStructure,
      });
    }
    if (patch.codeServiceExecutant !== undefined) {
      const service = CD31_STRUCTURES[budgetIndex]?.services.find(
        (s) => s.codeService === patch.codeServiceExecutant,
      );
      Object.assign(override, {
        codeServiceExecutant: patch.codeServiceExecutant,
        idServiceExecutant: service?.idService ?? null,
        nomServiceExecutant: service?.libelleService ?? null,
      });
    }
    if (patch.typeFacture !== undefined) {
      override.typeFacture = patch.typeFacture;
      this.typeFacture[i] = patch.typeFacture === 'AVOIR' ? 1 : 0;
    }
    if (patch.typeDemandePaiement !== undefined) {
      override.typeDemandePaiement = patch.typeDemandePaiement;
      this.typeDemande[i] = patch.typeDemandePaiement === 'FACTURE_TRAVAUX' ? 1 : 0;
    }
    if (patch.factureTelechargeeParDestinataire !== undefined) {
      const downloadedAt = patch.factureTelechargeeParDestinataire
        ? Math.min(this.downloadedAt[i], t)
        : Number.NaN;
      this.downloadedAt[i] = downloadedAt;
      override.downloadedAt = Number.isNaN(downloadedAt) ? null : new Date(downloadedAt);
    }
    this.overrides.set(i, override);
    if (this.numeros && patch.numeroFacture !== undefined) {
      this.numeros[i] = patch.numeroFacture;
    }
    if (budgetIndex !== this.budget[i]) {
      const previous = this.budget[i];
      this.budget[i] = budgetIndex;
      this.byId[previous] = this.byId[previous].filter((k) => k !== i);
      this.byId[budgetIndex] = Uint32Array.from([...this.byId[budgetIndex], i]).sort();
      this.recomputeAll(t);
    }
    if (patch.statut !== undefined) {
      this.applyStatus(i, patch.statut, patch.commentaire ?? null, t);
    } else {
      this.touch();
    }
    return this.record(i);
  }

  /** Adds an invoice; its index is the next one (idFacture = ID_FACTURE_BASE + index). */
  add(build: (index: number, idFacture: number) => ChorusInvoice, t: number): ChorusInvoice {
    this.sync(t);
    const i = this.size;
    const invoice = build(i, ID_FACTURE_BASE + i);
    if (i >= this.budget.length) {
      const capacity = this.budget.length * 2;
      this.budget = growUint8(this.budget, capacity);
      this.typeDemande = growUint8(this.typeDemande, capacity);
      this.typeFacture = growUint8(this.typeFacture, capacity);
      this.downloadedAt = growFloat64(this.downloadedAt, capacity);
      this.firstMad = growFloat64(this.firstMad, capacity);
      this.depotAt = growFloat64(this.depotAt, capacity);
      this.depotDay = growInt32(this.depotDay, capacity);
      this.curPos = growInt32(this.curPos, capacity);
      this.curStatus = growUint8(this.curStatus, capacity);
      this.curAt = growFloat64(this.curAt, capacity);
      this.nextAt = growFloat64(this.nextAt, capacity);
    }
    this.added.push(invoice);
    this.size++;
    const timeline = invoice.timeline.map((s) => ({
      status: statusCode(s.statut),
      atMs: s.at.getTime(),
      commentaire: s.commentaire,
    }));
    this.explicit.set(i, timeline);
    this.budget[i] = invoice.budgetIndex;
    this.typeDemande[i] = invoice.typeDemandePaiement === 'FACTURE_TRAVAUX' ? 1 : 0;
    this.typeFacture[i] = invoice.typeFacture === 'AVOIR' ? 1 : 0;
    this.downloadedAt[i] = invoice.downloadedAt?.getTime() ?? Number.NaN;
    this.firstMad[i] = timeline.find((e) => e.status === S_MISE_A_DISPOSITION)?.atMs ?? Number.NaN;
    this.depotAt[i] = timeline[0]?.atMs ?? t;
    this.depotDay[i] = parisDayNumber(this.depotAt[i]);
    this.byId[invoice.budgetIndex] = Uint32Array.from([...this.byId[invoice.budgetIndex], i]);
    if (this.numeros) {
      this.numeros[i] = invoice.numeroFacture;
    }
    this.computeState(i, t);
    this.reindex([i]);
    this.touch();
    return invoice;
  }

  /** Number of timeline entries of invoice i (for history ids). */
  timelineSize(i: number): number {
    return this.timelineLength(i);
  }
}

function lowerBound(list: Uint32Array, keys: Float64Array, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[list[mid]] < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function upperBound(list: Uint32Array, keys: Float64Array, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[list[mid]] <= value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
