// A clock that moves only when a test says so: timers fire in due order as it advances, and the test can
// count how many are armed (the scheduler promises one timer, not one per job).
import type { Clock } from '../../src/main/core/scheduling/clock'

export class FakeClock implements Clock {
  private at: number
  private timers: { at: number; seq: number; fn: () => void }[] = []
  private seq = 0

  constructor(start = 1_000_000) {
    this.at = start
  }

  now = (): number => this.at

  setTimer = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.at + Math.max(0, ms), seq: ++this.seq, fn }
    this.timers.push(timer)
    return () => {
      this.timers = this.timers.filter((t) => t !== timer)
    }
  }

  get pendingTimers(): number {
    return this.timers.length
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time (and letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    const until = this.at + ms
    for (;;) {
      await settle()
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.timers[0]
      if (!next || next.at > until) break
      this.timers.shift()
      this.at = Math.max(this.at, next.at)
      next.fn()
    }
    this.at = until
    await settle()
  }
}

/** Lets pending promise callbacks and immediates run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}
