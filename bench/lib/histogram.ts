/**
 * A latency histogram with 0.1 ms bins, for millions of samples: load processes fill one each and
 * send it over IPC (a few hundred entries), the coordinator merges them. Percentiles are
 * nearest-rank over the bins (each reported value is a bin's lower edge, ≤ 0.1 ms below the true
 * sample); min and max are exact.
 */
import type { Summary } from './stats.ts';

export interface HistogramJson {
  bins: [number, number][];
  n: number;
  sum: number;
  min: number;
  max: number;
}

export class Histogram {
  private readonly bins = new Map<number, number>();
  n = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(ms: number): void {
    const bin = Math.max(0, Math.floor(ms * 10));
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + 1);
    this.n++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramJson): this {
    for (const [bin, count] of other.bins) this.bins.set(bin, (this.bins.get(bin) ?? 0) + count);
    this.n += other.n;
    this.sum += other.sum;
    if (other.n) {
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
    }
    return this;
  }

  toJSON(): HistogramJson {
    return { bins: [...this.bins], n: this.n, sum: this.sum, min: this.min, max: this.max };
  }

  percentile(p: number): number {
    if (!this.n) return Number.NaN;
    const rank = Math.min(this.n, Math.max(1, Math.ceil((p / 100) * this.n)));
    let seen = 0;
    for (const bin of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(bin) ?? 0;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bin / 10));
    }
    return this.max;
  }

  summary(): Summary {
    return {
      n: this.n,
      min: this.n ? this.min : Number.NaN,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.n ? this.max : Number.NaN,
      mean: this.n ? this.sum / this.n : Number.NaN,
    };
  }
}
