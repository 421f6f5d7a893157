/**
 * The one clock every process of a benchmark reads. `process.hrtime` is libuv's `uv_hrtime`, which
 * on Linux is `clock_gettime(CLOCK_MONOTONIC)`: a single system-wide clock, so a timestamp taken in
 * the coordinator (before a request is written) and one taken in a load process (when a frame is
 * handled) are directly comparable, with no offset to estimate and no wall-clock step to fear.
 * (`performance.now()` is relative to each process's own start, so it would need one.)
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
