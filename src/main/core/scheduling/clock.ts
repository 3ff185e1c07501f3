// Time for the poller and the simulator. Production uses the wall clock; benchmarks run a compressed
// clock so that hours of provider time pass in minutes while every delay keeps its proportions.

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

/** A clock running `scale` times faster than real time, starting at the real time of its creation. */
export function scaledClock(scale: number): Clock {
  const origin = Date.now()
  return {
    now: () => origin + (Date.now() - origin) * scale,
    setTimer(fn, ms) {
      const t = setTimeout(fn, clampDelay(ms / scale))
      return () => clearTimeout(t)
    }
  }
}
