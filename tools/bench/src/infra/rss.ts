import { readFileSync, writeFileSync } from 'node:fs';

export interface RssSummary {
  /** Highest VmRSS seen by sampling /proc/<pid>/status every interval. */
  readonly peakSampledMB: number;
  /** VmHWM after a reset at start: the kernel's own peak, between two samples included. */
  readonly peakHwmMB: number | null;
  readonly startMB: number;
  readonly endMB: number;
  readonly samples: number;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function rssMB(pid: number): number {
  return Math.round(statusField(pid, 'VmRSS') ?? 0);
}

/** Samples a process's resident memory every `intervalMs` (default 100 ms) between start and stop. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private peak = 0;
  private samples = 0;
  private startMB = 0;
  private hwmReset = false;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    // "5" resets the peak resident set size (VmHWM) to the current one (Linux ≥ 4.0).
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.startMB = statusField(this.pid, 'VmRSS') ?? 0;
    this.peak = this.startMB;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  private sample(): void {
    const rss = statusField(this.pid, 'VmRSS');
    if (rss !== null) {
      this.samples++;
      this.peak = Math.max(this.peak, rss);
    }
  }

  stop(): RssSummary {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.sample();
    const hwm = this.hwmReset ? statusField(this.pid, 'VmHWM') : null;
    return {
      peakSampledMB: Math.round(this.peak),
      peakHwmMB: hwm === null ? null : Math.round(hwm),
      startMB: Math.round(this.startMB),
      endMB: Math.round(statusField(this.pid, 'VmRSS') ?? 0),
      samples: this.samples,
    };
  }
}

/** The figure to report: the larger of the sampled peak and the kernel's high-water mark. */
export function peakMB(summary: RssSummary): number {
  return Math.max(summary.peakSampledMB, summary.peakHwmMB ?? 0);
}
