// When to look at a running job again. The docs' recipes are here exactly as the providers describe them,
// and the learned strategy (the default) uses this model's own history and the provider's progress field
// to poll rarely while a job cannot be done yet and densely around when it will be.
import type { ModelTiming } from '../../../shared/catalogue'

export interface PollContext {
  /** Status requests already made for this job. */
  polls: number
  /** Time since the provider accepted the job (ms). */
  sinceSubmitMs: number
  /** 0–1 as last reported, or null. */
  progress: number | null
  /** The provider's common status at the last poll ('queued' | 'running'). */
  phase: 'queued' | 'running'
  /** The model's timing from its docs. */
  timing: ModelTiming
  /** Recent submit→ready durations of this model (ms), newest first. */
  history: readonly number[]
  random: () => number
}

export interface PollStrategy {
  readonly name: string
  firstDelayMs(ctx: PollContext): number
  nextDelayMs(ctx: PollContext): number
}

export const STRATEGY_NAMES = ['learned', 'fixed', 'exponential', 'adaptive', 'per-status'] as const
export type StrategyName = (typeof STRATEGY_NAMES)[number]

export function fixed(intervalMs: number): PollStrategy {
  return { name: `fixed ${intervalMs / 1000}s`, firstDelayMs: () => intervalMs, nextDelayMs: () => intervalMs }
}

/**
 * initial × factor^polls, capped (BFL, Wondercat and APIXO guides' recipes). `jitter` is BFL's: a random
 * 0–jitter share of the delay is added (`delay + random.uniform(0, delay * 0.1)`), never taken off.
 */
export function exponential(o: { initialMs: number; factor: number; capMs: number; jitter?: number }): PollStrategy {
  const delay = (polls: number, random: () => number) => {
    const base = Math.min(o.capMs, o.initialMs * o.factor ** polls)
    return o.jitter ? base * (1 + o.jitter * random()) : base
  }
  return {
    name: `exponential ${o.initialMs / 1000}s ×${o.factor} cap ${o.capMs / 1000}s${o.jitter ? ` +${o.jitter * 100}% jitter` : ''}`,
    firstDelayMs: (ctx) => delay(0, ctx.random),
    nextDelayMs: (ctx) => delay(ctx.polls, ctx.random)
  }
}

/** The APIXO table: wait the model's initial time, then poll at its interval. */
export const adaptive: PollStrategy = {
  name: 'adaptive per model',
  firstDelayMs: (ctx) => ctx.timing.initial * 1000,
  nextDelayMs: (ctx) => ctx.timing.interval * 1000
}

/** UMRGEN's guide: queued → 3 s, running → 2 s. */
export function perStatus(o: { queuedMs: number; runningMs: number }): PollStrategy {
  return {
    name: `per status ${o.queuedMs / 1000}s/${o.runningMs / 1000}s`,
    firstDelayMs: () => o.queuedMs,
    nextDelayMs: (ctx) => (ctx.phase === 'queued' ? o.queuedMs : o.runningMs)
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo)
}

export interface LearnedOptions {
  /** Completed jobs of a model needed before its history is trusted. */
  minHistory: number
  /** Shortest gap between two polls of one job. */
  minGapMs: number
  /** Docs strategy used until there is enough history; its interval also bounds the gaps without progress. */
  fallback: PollStrategy
  /** The first poll comes at this quantile of the model's history… (default 0.05) */
  firstQuantile?: number
  /** …times this factor (default 0.95). */
  firstFactor?: number
  /** Share of the estimated time left to wait while the estimate is still far off (default 0.7). */
  approach?: number
  /** Estimates of the time left up to this many docs intervals are trusted: the next poll lands just after (default 1.5). */
  landIntervals?: number
  /** Added to a landing poll (default 100 ms). */
  landMarginMs?: number
  /** No gap is longer than max(this many docs intervals, `ageShare` × the job's age) (default 4). */
  capIntervals?: number
  /** (default 0.5) */
  ageShare?: number
}

/**
 * Learned from this model's completed jobs and the provider's progress field.
 *
 * First poll: just before the fastest twentieth of this model's recent jobs would have finished (nothing is
 * to be found earlier, so nothing is asked).
 *
 * With progress p after t of waiting: if progress grew linearly from some moment after the submit, at most
 * t·(1−p)/p is left (an upper bound: time spent queued makes the true rest shorter). When that bound is
 * within `landIntervals` docs intervals, the next poll lands just after it; otherwise it waits `approach` of
 * it and measures again, when the bound is tighter. Progress is read as its lower edge (providers round it
 * to whole percent). A gap is never longer than max(`capIntervals` docs intervals, half the job's age), so
 * progress that misleads costs at most what a ×1.5 backoff would.
 *
 * Without progress (or while queued), after the first poll it asks at the docs' interval: history alone
 * tells when the earliest jobs can finish, not which job finishes when, so denser or sparser polling would
 * buy latency with requests or the reverse.
 */
export function learned(o: LearnedOptions): PollStrategy {
  const firstQ = o.firstQuantile ?? 0.05
  const firstF = o.firstFactor ?? 0.95
  const approach = o.approach ?? 0.7
  const landIntervals = o.landIntervals ?? 1.5
  const margin = o.landMarginMs ?? 100
  const capIntervals = o.capIntervals ?? 4
  const ageShare = o.ageShare ?? 0.5
  // The poller reads the history afresh for every poll; it changes only when a job of the model becomes
  // ready, so the sorted copy is kept by content (a few models share one strategy at most).
  const sortedHistory = new Map<string, number[]>()
  const sorted = (h: readonly number[]) => {
    let sum = 0
    for (const d of h) sum += d
    const key = `${h.length}:${h[0]}:${sum}`
    let s = sortedHistory.get(key)
    if (!s) {
      s = h.filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b)
      if (sortedHistory.size >= 16) sortedHistory.clear()
      sortedHistory.set(key, s)
    }
    return s
  }
  /** Whatever goes wrong in the arithmetic, a job is never left without a next poll. */
  const safe = (ms: number, fallback: number) => (Number.isFinite(ms) && ms > 0 ? Math.max(o.minGapMs, ms) : Math.max(o.minGapMs, fallback))
  return {
    name: 'learned',
    firstDelayMs(ctx) {
      const s = sorted(ctx.history)
      const docs = o.fallback.firstDelayMs(ctx)
      if (s.length < o.minHistory) return safe(docs, 3000)
      return safe(quantile(s, firstQ) * firstF, docs)
    },
    nextDelayMs(ctx) {
      const interval = safe(o.fallback.nextDelayMs(ctx), 3000)
      const cap = Math.max(capIntervals * interval, ageShare * ctx.sinceSubmitMs)
      const p = ctx.progress
      if (ctx.phase === 'running' && p !== null && p > 0 && p < 1) {
        const low = Math.max(0.001, p - 0.005)
        const leftAtMost = (ctx.sinceSubmitMs * (1 - low)) / low
        if (leftAtMost <= landIntervals * interval) return safe(Math.min(cap, leftAtMost + margin), interval)
        return safe(Math.min(cap, approach * leftAtMost), interval)
      }
      return interval
    }
  }
}
