import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatNumber } from './util';

export type Comparator = '<' | '<=' | '>' | '>=';

export interface Target {
  readonly comparator: Comparator;
  readonly value: number;
}

/** One reported figure; a target makes it count in the PASS/MISS summary. */
export interface Figure {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly target?: Target;
  readonly note?: string;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export type PartName = 'sync' | 'import' | 'reconcile' | 'list' | 'export';
export const PART_NAMES: readonly PartName[] = ['sync', 'import', 'reconcile', 'list', 'export'];

export interface PartResult {
  readonly part: PartName;
  readonly status: 'done' | 'pending' | 'failed';
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
  /** Raw material (per-query timings, run records…), written to the JSON file only. */
  readonly details: Record<string, unknown>;
  readonly durationMs: number;
}

export function verdict(figure: Figure): Verdict {
  const target = figure.target;
  if (!target || figure.value === null) {
    return 'n/a';
  }
  const v = figure.value;
  const ok =
    target.comparator === '<'
      ? v < target.value
      : target.comparator === '<='
        ? v <= target.value
        : target.comparator === '>'
          ? v > target.value
          : v >= target.value;
  return ok ? 'PASS' : 'MISS';
}

function targetText(figure: Figure): string {
  return figure.target ? `${figure.target.comparator} ${formatNumber(figure.target.value)}` : '';
}

function valueText(figure: Figure): string {
  return figure.value === null ? '—' : `${formatNumber(figure.value)} ${figure.unit}`.trim();
}

/** A plain-text table (monospace), with the part name in front when several parts are shown. */
export function renderTable(results: readonly PartResult[], withPart: boolean): string {
  const rows: string[][] = [];
  for (const result of results) {
    if (result.figures.length === 0) {
      rows.push([result.part, `(${result.status})`, '', '', '']);
    }
    for (const figure of result.figures) {
      const v = verdict(figure);
      rows.push([
        result.part,
        figure.name,
        valueText(figure),
        targetText(figure),
        v === 'n/a' ? '' : v,
      ]);
    }
  }
  const header = ['part', 'figure', 'value', 'target', 'verdict'];
  const columns = withPart ? [0, 1, 2, 3, 4] : [1, 2, 3, 4];
  const widths = columns.map((c) =>
    Math.max((header[c] ?? '').length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[c] ?? '';
        const width = widths[i] ?? 0;
        return c === 2 ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(' | ')
      .trimEnd();
  const separator = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), separator, ...rows.map(line)].join('\n');
}

export function printPart(result: PartResult): void {
  console.log(`\n== ${result.part} (${result.status}, ${Math.round(result.durationMs / 1000)} s)`);
  console.log(renderTable([result], false));
  for (const note of result.notes) {
    console.log(`  • ${note}`);
  }
}

export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round(os.totalmem() / 1e9),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export async function writePartJson(
  dir: string,
  result: PartResult,
  context: Record<string, unknown>,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${result.part}.json`);
  const figures = result.figures.map((figure) => ({ ...figure, verdict: verdict(figure) }));
  await writeFile(
    file,
    `${JSON.stringify(
      { ...result, figures, writtenAt: new Date().toISOString(), machine: machine(), ...context },
      null,
      2,
    )}\n`,
  );
  return file;
}
