// When to look at a running job again. The docs' recipes are built from these (providers/registry.ts says which is whose),
// and the learned strategy (the default) keeps a latency promise with as few requests as the model's history
// and the provider's progress field (when its shape has proved readable) allow.
import type { ModelTiming, PollStrategyName } from '../../../shared/catalogue'

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
  /** The poll at `ctx.sinceSubmitMs` found the job ready (a strategy that learns from its jobs' ends). */
  jobReady?(ctx: PollContext): void
}

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
  /** The promise: a finished job is noticed within this long (ms). Default: the model's documented interval. */
  latencyMs?: number
  /**
   * The poller's clock. The strategy remembers each job's progress readings by its submit moment (now −
   * sinceSubmitMs), which a rate needs; without a clock every reading stands alone.
   */
  now?: () => number
  /** A job can plausibly be finished from this quantile of the model's history… (default 0.02) */
  plausibleQuantile?: number
  /** …times this factor (default 0.95). */
  plausibleFactor?: number
  /** Share of the promise used as the gap once a job can be finished: the rest is for the request's own time and a late timer (default 0.92). */
  gapShare?: number
  /** Progress may run this much faster than measured and the promise still holds (default 1.15). */
  rateSlack?: number
}

/** One job's readings that matter: the first that proves it runs, the one before the last, the last. */
interface JobReadings {
  anchor: Reading | null
  prev: Reading | null
  last: Reading | null
  /** Its progress fell once: never trusted again. */
  fell: boolean
  /** When it was last seen not ready, and first seen running (ms since submit). */
  seenAt: number
  runSeenAt: number | null
  /** Its last few progress steps (whole percent): when each was first seen, and the reading before that. */
  steps: Step[]
}
type Reading = { t: number; p: number }
/** A progress value first seen at `at`; the job reached it after `from`, the reading before. */
type Step = { percent: number; from: number; at: number }

/** Steps kept per job: the plateaus near the end (99 %, a coarse 50 %) are what the tails are for. */
const STEPS_KEPT = 8
/** Tails kept per progress step (and for the queue): the latest this many jobs. */
const TAILS_KEPT = 400
/**
 * A next job is shorter than the shortest of n seen with chance 1/(n+1): tails are used only from 50 on, and
 * at 0.8 of the shortest, which on durations bounded below (every provider's) covers the room left between
 * the shortest seen and the true minimum.
 */
const TAILS_TRUSTED = 50
const TAIL_FACTOR = 0.8

/**
 * How long a model's jobs still took after a reading, learned as they end: for each progress step (whole
 * percent), the time from its first sighting to the last poll that found the job not ready; for the queue,
 * the same from the first reading in 'running'. Each is a lower bound of what the job really took from
 * that point (it reached the step before it was seen there, and it ended after the last poll that found it
 * running), so a job now at that step, which reached it after its reading before, cannot end before that
 * reading plus the tail, and a job still queued now cannot end before now plus the run.
 * Only jobs that got there no sooner are compared: a model's 1–5 s jobs say nothing about what a job still
 * queued at 8 s, or at 99 % after 20 s, has left.
 */
class Tails {
  private readonly bySteps = new Map<number, Tail[]>()
  private readonly runs: Tail[] = []

  learn(job: JobReadings): void {
    for (const step of job.steps) {
      let list = this.bySteps.get(step.percent)
      if (!list) this.bySteps.set(step.percent, (list = []))
      keepLatest(list, { at: step.at, left: job.seenAt - step.at })
    }
    if (job.runSeenAt !== null) keepLatest(this.runs, { at: job.runSeenAt, left: job.seenAt - job.runSeenAt })
  }

  /** The shortest tail after a step among jobs that reached it at `age` or later, or null with fewer than `min` of them. */
  afterStep(percent: number, age: number, min: number): number | null {
    return shortestFrom(this.bySteps.get(percent) ?? [], age, min)
  }

  /** The shortest run among jobs still queued at `age`, or null with fewer than `min` of them. */
  run(age: number, min: number): number | null {
    return shortestFrom(this.runs, age, min)
  }
}
/** A job reached a point `at` ms after its submit and still had `left` ms to go (at least). */
type Tail = { at: number; left: number }

function keepLatest(list: Tail[], tail: Tail): void {
  if (!(tail.left >= 0)) return
  list.push(tail)
  if (list.length > TAILS_KEPT) list.shift()
}

function shortestFrom(tails: readonly Tail[], age: number, min: number): number | null {
  let n = 0
  let shortest = Infinity
  for (const t of tails) {
    if (t.at < age) continue
    n++
    if (t.left < shortest) shortest = t.left
  }
  return n < min ? null : shortest
}

/** How a model's progress behaves, from every job's readings (the shape, see `ProgressShape.trusted`). */
export class ProgressShape {
  /** Distinct readings seen strictly between 0 and 1, in thousandths. */
  private readonly values = new Set<number>()
  /** The smallest step between two distinct readings: whole percent → 0.01, 0/50/100 → 0.5. */
  quantum = 1
  /** Readings since progress last fell in a job or ran faster than a straight line allows. */
  sinceMisfit = 0
  misfits = 0
  /** Jobs whose start, from two readings, was at the submit (linear from submit) or not. */
  fromSubmit = 0
  notFromSubmit = 0

  observe(p: number): void {
    this.sinceMisfit++
    const v = Math.round(p * 1000)
    if (v <= 0 || v >= 1000 || this.values.has(v) || this.values.size >= 1000) return
    this.values.add(v)
    const sorted = [...this.values].sort((a, b) => a - b)
    let q = 1000
    for (let i = 1; i < sorted.length; i++) q = Math.min(q, sorted[i] - sorted[i - 1])
    // Until three distinct values are seen, nothing says how fine the steps are.
    this.quantum = sorted.length >= 3 ? q / 1000 : 1
  }

  misfit(): void {
    this.misfits++
    this.sinceMisfit = 0
  }

  /** Progress is read at all: steps known to be fine, and no misfit in the last 500 readings. */
  get trusted(): boolean {
    return this.quantum <= 0.05 && (this.misfits === 0 || this.sinceMisfit >= 500)
  }

  /** A single reading extrapolates to the submit only when nearly every job seen so far started there. */
  get linearFromSubmit(): boolean {
    return this.fromSubmit >= 5 && this.notFromSubmit <= this.fromSubmit / 50
  }
}

/**
 * The app's default: as few status requests as the latency promise allows.
 *
 * The promise: once a job can plausibly be finished, it is looked at again within `latencyMs`. Before
 * that, nothing is to be found, so nothing is asked. A job can plausibly be finished from
 *   - the model's history: its `plausibleQuantile` (× `plausibleFactor`) of recent submit→ready times;
 *     with no history, at once;
 *   - and, when the model's progress has proved readable (see `ProgressShape`), the job's own readings:
 *     with progress p₁ at t₁ and p₂ at t₂ on a straight line, the job cannot finish before
 *     t₂ + (1 − p₂)·(t₂ − t₁)/(p₂ − p₁), widened by the steps the provider rounds to and by `rateSlack`.
 *     One reading extrapolates to the submit only if the model's jobs have been seen to start there.
 *   - and the model's ended jobs (`Tails`, told by `jobReady`): a job still queued cannot end before now plus
 *     the shortest run of the jobs that were queued as long; a job at a step (99 %, a coarse 50 %) not
 *     before it reached that step plus the shortest time the jobs that got there no sooner still took.
 * The next poll comes `gapShare` × the promise after the later of now and that moment, and never later
 * than the job's age from now (an estimate that misleads costs at most what a ×2 backoff would) unless the
 * tails, which are lower bounds, say so.
 *
 * Shape detection is what keeps the promise on progress the estimate does not fit: steps coarser than 5 %
 * (0 → 50 → 100), progress that falls (stages that start again from 0) or that runs faster than a line
 * allows make the model's progress untrusted, and the strategy falls back to the history alone, i.e. the
 * promise's interval from the earliest plausible finish. A job stuck at 99 % is close to done by its
 * progress, so it is polled at the promise's interval: it costs requests, never latency.
 */
export function learned(o: LearnedOptions): PollStrategy {
  const plausibleQ = o.plausibleQuantile ?? 0.02
  const plausibleF = o.plausibleFactor ?? 0.95
  const gapShare = o.gapShare ?? 0.92
  const slack = o.rateSlack ?? 1.15
  const shape = new ProgressShape()
  const tails = new Tails()
  // The poller reads the history afresh for every poll; it changes only when a job of the model becomes
  // ready, so the sorted copy is kept by content (one strategy per model).
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
  /** Jobs' readings by submit moment, oldest touched first; bounded (the oldest are forgotten). */
  const jobs = new Map<number, JobReadings>()
  const promise = (ctx: PollContext) => o.latencyMs ?? ctx.timing.interval * 1000
  const gap = (ctx: PollContext) => Math.max(o.minGapMs, gapShare * promise(ctx))
  /**
   * The earliest a job still running at its age can plausibly finish, by the history: from the submit, its
   * `plausibleQuantile`; later, the shortest job that took longer than this age, if it is more than a gap
   * away and far longer than chance leaves between durations (a model whose jobs take 1–5 s or 10–30 s is
   * not asked between 5 and 10 s). Only such empty stretches are skipped, so the chances of a miss do not
   * add up over a job's polls. The history holds when jobs were *seen* ready, up to a promise after they
   * were: a promise is taken off every duration, or the first poll would creep later with every job it
   * finds already done.
   */
  const plausibleFromHistory = (ctx: PollContext, g: number) => {
    const s = sorted(ctx.history)
    const t = ctx.sinceSubmitMs
    if (s.length < o.minHistory) return t
    const seenLate = promise(ctx)
    const first = Math.max(0, quantile(s, plausibleQ) - seenLate) * plausibleF
    if (t < first) return first
    let lo = 0
    let hi = s.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (s[mid] <= t) lo = mid + 1
      else hi = mid
    }
    if (lo >= s.length) return t
    // Empty only by chance? Among n durations spread evenly, no gap is ten times their mean spacing.
    const spacing = (s[s.length - 1] - s[0]) / (s.length - 1)
    const next = t + (s[lo] - seenLate - t) * plausibleF
    return next - t > Math.max(g, 10 * spacing) ? next : t
  }

  /** Whatever goes wrong in the arithmetic, a job is never left without a next poll within the promise. */
  const safe = (ms: number, fallback: number) => (Number.isFinite(ms) && ms > 0 ? Math.max(o.minGapMs, ms) : Math.max(o.minGapMs, fallback))

  /** Records this reading; returns the job's readings (null without a clock). */
  const remember = (ctx: PollContext): JobReadings | null => {
    if (!o.now) return null
    const key = Math.round(o.now() - ctx.sinceSubmitMs)
    let job = jobs.get(key)
    if (job) jobs.delete(key)
    else job = { anchor: null, prev: null, last: null, fell: false, seenAt: 0, runSeenAt: null, steps: [] }
    jobs.set(key, job)
    if (jobs.size > 20_000) jobs.delete(jobs.keys().next().value!)
    const before = job.seenAt
    job.seenAt = ctx.sinceSubmitMs
    if (ctx.phase === 'running') job.runSeenAt ??= ctx.sinceSubmitMs
    const p = ctx.progress
    if (ctx.phase !== 'running' || p === null || !Number.isFinite(p)) return job
    const percent = Math.round(p * 100)
    if (!job.steps.some((s) => s.percent === percent)) {
      job.steps.push({ percent, from: before, at: ctx.sinceSubmitMs })
      if (job.steps.length > STEPS_KEPT) job.steps.shift()
    }
    shape.observe(p)
    const r = { t: ctx.sinceSubmitMs, p }
    if (job.last && p < job.last.p - 1e-9) {
      if (!job.fell) shape.misfit()
      job.fell = true
    }
    // Faster than the line through the anchor and the reading before allows (rounding aside): not linear.
    if (job.anchor && job.last && job.last !== job.anchor && !job.fell) {
      const before = (job.last.p - job.anchor.p + 2 * shape.quantum) / (job.last.t - job.anchor.t)
      const now = (p - job.last.p - 2 * shape.quantum) / (r.t - job.last.t)
      if (now > before * slack) {
        shape.misfit()
        job.fell = true
      }
    }
    job.prev = job.last
    job.last = r
    if (!job.anchor && p >= 2 * shape.quantum) job.anchor = r
    else if (job.anchor && job.anchor !== r && !job.fell && r.t - job.anchor.t > 0 && p - job.anchor.p > 4 * shape.quantum && p < 0.9) {
      // Where the line through the two readings meets 0: at the submit, or later (a queue, a start-up).
      const start = r.t - (p * (r.t - job.anchor.t)) / (p - job.anchor.p)
      if (Math.abs(start) <= 0.05 * r.t + 250) shape.fromSubmit++
      else shape.notFromSubmit++
    }
    return job
  }

  /** The earliest the job can finish by its own progress (ms since submit), or 0 when progress says nothing safe. */
  const plausibleFromProgress = (ctx: PollContext, job: JobReadings | null): number => {
    const p = ctx.progress
    const t = ctx.sinceSubmitMs
    if (ctx.phase === 'queued') return 0
    if (!job || job.fell || !shape.trusted || p === null || !job.last) return 0
    const q = shape.quantum
    const left = Math.max(0, 1 - p - q)
    const anchor = job.anchor
    if (anchor && anchor !== job.last && t - anchor.t > 0) {
      // The fastest the readings allow: each may be off by a step, and the job may speed up by `slack`.
      let rate = (p - anchor.p + 2 * q) / (t - anchor.t)
      if (job.prev && job.prev !== anchor && job.prev.p >= 2 * q && t - job.prev.t > 0) rate = Math.max(rate, (p - job.prev.p + 2 * q) / (t - job.prev.t))
      return t + left / (rate * slack)
    }
    if (shape.linearFromSubmit && p + q > 0) return t + (0.95 * t * left) / ((p + q) * slack)
    return 0
  }

  /**
   * The earliest the job can end by the tails of the model's ended jobs (see `Tails`), or 0 without enough
   * of them: queued now → now + the run; at a step → the reading before it was reached + that step's tail.
   */
  const plausibleFromTails = (ctx: PollContext, job: JobReadings | null): number => {
    if (!job) return 0
    const t = ctx.sinceSubmitMs
    if (ctx.phase === 'queued') {
      const run = tails.run(t, TAILS_TRUSTED)
      return run === null ? 0 : t + run * TAIL_FACTOR
    }
    const p = ctx.progress
    if (p === null || !Number.isFinite(p)) return 0
    const step = job.steps.find((s) => s.percent === Math.round(p * 100))
    const tail = step ? tails.afterStep(step.percent, step.at, TAILS_TRUSTED) : null
    return step && tail !== null ? step.from + tail * TAIL_FACTOR : 0
  }

  return {
    name: 'learned',
    jobReady(ctx) {
      if (!o.now) return
      const key = Math.round(o.now() - ctx.sinceSubmitMs)
      const job = jobs.get(key)
      if (!job) return
      jobs.delete(key)
      tails.learn(job)
    },
    firstDelayMs(ctx) {
      const g = gap(ctx)
      return safe(plausibleFromHistory(ctx, g) + g, g)
    },
    nextDelayMs(ctx) {
      const g = gap(ctx)
      const job = remember(ctx)
      const t = ctx.sinceSubmitMs
      const byTails = plausibleFromTails(ctx, job)
      const plausible = Math.max(plausibleFromHistory(ctx, g), plausibleFromProgress(ctx, job))
      // The tails are lower bounds learned from this model's own ends: they may wait past the ×2 cap.
      const wait = Math.max(Math.min(Math.max(0, plausible - t), Math.max(0, t - g)), byTails - t)
      return safe(wait + g, g)
    }
  }
}

/** The learned strategy: `latencyMs` is the provider's promise (default each model's documented interval); `now` is the runner's clock. */
export function defaultStrategy(o: { latencyMs?: number; now?: () => number } = {}): PollStrategy {
  return learned({ minHistory: 5, minGapMs: 500, ...o })
}

/** The strategy a provider's settings name; `docs` is the provider's own recipe (providers/registry.ts). */
export function strategyByName(
  name: PollStrategyName,
  docs: () => PollStrategy,
  learnedOptions: { latencyMs?: number; now?: () => number } = {}
): PollStrategy {
  switch (name) {
    case 'learned':
      return defaultStrategy(learnedOptions)
    case 'docs':
      return docs()
    case 'fixed':
      return fixed(3000)
    case 'exponential':
      return exponential({ initialMs: 1000, factor: 1.5, capMs: 10_000, jitter: 0.1 })
    case 'adaptive':
      return adaptive
    case 'per-status':
      return perStatus({ queuedMs: 3000, runningMs: 2000 })
  }
}
