// Time for the scheduler and the simulator. Production uses the wall clock; benchmarks run a compressed
// clock (bench/lib.ts) so that hours of provider time pass in minutes, and unit tests a fake one they move.

export interface Clock {
  now(): number
  /** Calls `fn` after `ms` of this clock's time; returns a canceller. */
  setTimer(fn: () => void, ms: number): () => void
}

/** setTimeout's longest delay; a longer one overflows and fires at once, so waits are clamped to it (the poller re-checks what is due when it fires). */
export const MAX_TIMER_MS = 2 ** 31 - 1

export function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(MAX_TIMER_MS, Math.max(0, ms)) : MAX_TIMER_MS
}

export const wallClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, clampDelay(ms))
    return () => clearTimeout(t)
  }
}
