import { Writable } from 'node:stream';
import {
  ASTRE_ENGAGEMENTS_HEADERS,
  ASTRE_FACTURES_HEADERS,
  writeAstreEngagementsCsv,
  writeAstreFacturesCsv,
} from './astre-csv';
import { generateDataset, type Dataset } from './dataset';

/** A slow sink (tiny buffer, asynchronous writes) that forces the writer to wait for `drain`. */
function slowSink(): { sink: Writable; text: () => string; drains: () => number } {
  const chunks: Buffer[] = [];
  let drains = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      setImmediate(callback);
    },
  });
  sink.on('drain', () => drains++);
  return { sink, text: () => Buffer.concat(chunks).toString('utf8'), drains: () => drains };
}

/** Splits one CSV line on `;` outside quotes. */
function cells(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        current += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ';') {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

describe('ASTRE CSV writers', () => {
  let dataset: Dataset;
  let text: string;
  let lines: string[];
  let rows: number;

  beforeAll(async () => {
    dataset = generateDataset({ invoiceCount: 1000 });
    const { sink, text: read, drains } = slowSink();
    const summary = await writeAstreFacturesCsv(dataset, sink);
    expect(drains()).toBeGreaterThan(0);
    text = read();
    lines = text.split('\r\n');
    rows = summary.rows;
  });

  it('starts with a UTF-8 BOM and the exact headers, ends lines with CRLF', () => {
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe(`\uFEFF${ASTRE_FACTURES_HEADERS.join(';')}`);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
  });

  it('writes one line per row, then a Total line with the sum', () => {
    expect(lines.length).toBe(rows + 3);
    expect(rows).toBe([...dataset.astreFactureRows()].length);
    const total = cells(lines[lines.length - 2] ?? '');
    expect(total[0]).toBe('Total');
    expect(total[3]).toBe('');
    const sum = [...dataset.astreFactureRows()].reduce((acc, r) => acc + r.montantTTCCents, 0);
    expect(total[8]?.replace(/ /g, '')).toBe(
      `${Math.floor(sum / 100)},${String(sum % 100).padStart(2, '0')}`,
    );
  });

  it('prints French amounts and dates, 2-digit budgets with some `1` for `01`', () => {
    const data = lines.slice(1, -2).map(cells);
    for (const row of data) {
      expect(row).toHaveLength(14);
      expect(row[8]).toMatch(/^-?\d{1,3}([ \u00a0]?\d{3})*,\d{2}$/);
      expect(row[7]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(row[0]).toMatch(/^(\d{2}|1)$/);
      expect([
        'Intégrée',
        'Service fait',
        'Mandatée',
        'Payée',
        'Suspendue',
        'Rejetée',
        'A recycler',
      ]).toContain(row[11]);
    }
    expect(data.some((row) => row[0] === '1')).toBe(true);
    expect(data.some((row) => row[8]?.includes('\u00a0'))).toBe(true);
    expect(data.some((row) => /^\d{1,3} \d{3},\d{2}$/.test(row[8] ?? ''))).toBe(true);
    expect(data.some((row) => row[2] === '')).toBe(true);
    expect(data.some((row) => row[12] !== '' && /^\d{2}\/\d{2}\/\d{4}$/.test(row[13] ?? ''))).toBe(
      true,
    );
  });

  it('quotes supplier names that hold quotes or semicolons', () => {
    const awkward = dataset.suppliers.filter((s) => /[;"]/.test(s.name)).map((s) => s.name);
    expect(awkward.length).toBeGreaterThan(0);
    const names = new Set(lines.slice(1, -2).map((line) => cells(line)[5]));
    expect(awkward.some((name) => names.has(name))).toBe(true);
  });

  it('writes the engagements reference list the same way', async () => {
    const { sink, text: read } = slowSink();
    const summary = await writeAstreEngagementsCsv(dataset, sink);
    const out = read().split('\r\n');
    expect(out[0]).toBe(`\uFEFF${ASTRE_ENGAGEMENTS_HEADERS.join(';')}`);
    expect(summary.rows).toBe(dataset.engagements.length);
    expect(out).toHaveLength(dataset.engagements.length + 3);
    expect(cells(out[1] ?? '')[1]).toBe(dataset.engagements[0]?.numero);
    expect(cells(out[out.length - 2] ?? '')[0]).toBe('Total');
  });
});
