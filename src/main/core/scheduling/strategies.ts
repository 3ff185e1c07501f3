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

/** initial × factor^polls, capped, with ± jitter (BFL, Wondercat and APIXO guides' recipes). */
export function exponential(o: { initialMs: number; factor: number; capMs: number; jitter?: number }): PollStrategy {
  const delay = (polls: number, random: () => number) => {
    const base = Math.min(o.capMs, o.initialMs * o.factor ** polls)
    return base * (1 + (o.jitter ?? 0) * (2 * random() - 1))
  }
  return {
    name: `exponential ${o.initialMs / 1000}s ×${o.factor} cap ${o.capMs / 1000}s`,
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
  /** Docs strategy used until there is enough history and no progress to go by. */
  fallback: PollStrategy
}

/**
 * Learned from this model's completed jobs: the first poll comes just before the fastest tenth of them
 * would have finished. After that, a reported progress gives an estimate of the finish (elapsed /
 * progress), and the next poll lands just after it; without progress the remaining history is walked so
 * that each poll covers an equal share of the jobs still expected to finish, never a longer gap than the
 * docs' interval and never shorter than `minGapMs`.
 */
export function learned(o: LearnedOptions): PollStrategy {
  const sortedHistory = new WeakMap<readonly number[], number[]>()
  const sorted = (h: readonly number[]) => {
    let s = sortedHistory.get(h)
    if (!s) {
      s = [...h].sort((a, b) => a - b)
      sortedHistory.set(h, s)
    }
    return s
  }
  const docsInterval = (ctx: PollContext) => o.fallback.nextDelayMs(ctx)
  return {
    name: 'learned',
    firstDelayMs(ctx) {
      if (ctx.history.length < o.minHistory) return o.fallback.firstDelayMs(ctx)
      return Math.max(o.minGapMs, quantile(sorted(ctx.history), 0.1) * 0.9)
    },
    nextDelayMs(ctx) {
      const cap = Math.max(o.minGapMs, docsInterval(ctx))
      if (ctx.phase === 'running' && ctx.progress !== null && ctx.progress >= 0.05 && ctx.progress < 1) {
        const remaining = (ctx.sinceSubmitMs / ctx.progress) * (1 - ctx.progress)
        // Land just after the estimate; a late estimate costs one more short poll, not a long wait.
        return Math.min(Math.max(o.minGapMs, remaining * 1.02 + o.minGapMs / 2), cap * 4)
      }
      if (ctx.history.length < o.minHistory) return o.fallback.nextDelayMs(ctx)
      const s = sorted(ctx.history)
      const left = s.filter((d) => d > ctx.sinceSubmitMs)
      if (left.length === 0) return cap
      // Step to the next decile of the jobs still expected to finish.
      const target = quantile(left, Math.min(1, 1 / Math.max(1, Math.min(10, left.length))))
      return Math.min(cap, Math.max(o.minGapMs, target - ctx.sinceSubmitMs))
    }
  }
}
