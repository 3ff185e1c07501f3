// Folder src/main/core/scheduling/ — when things happen, for any provider: the scheduler (this file), its
// min-heap (heap.ts) and token buckets (token-bucket.ts), the clock it runs on (clock.ts) and the polling
// strategies (strategies.ts). Pure logic over a Clock: it may import src/shared only, never the store,
// adapters, electron or anything above it.
//
// The provider-agnostic scheduler of every job's next task (submit, poll, download). Each job's next time
// lives in one in-memory min-heap; due jobs move to their provider's lane, whose ready queues drain as that
// provider's token bucket, concurrency limit, active cap, 429 holds and pause allow, under one limit over all
// providers. One timer for the earliest thing that can happen; no timer or loop per job. It knows nothing of
// jobs' rows, statuses or adapters: the job runner (jobs/runner.ts) says what a task does.
import type { ProviderId } from '../../../shared/catalogue'
import { wallClock, type Clock } from './clock'
import { MinHeap } from './heap'
import { TokenBucket } from './token-bucket'

export type Task = 'submit' | 'poll' | 'download'

export interface ProviderLimits {
  /** Requests per second to the API: submits, status requests and downloads from the API host. */
  rate: number
  burst: number
  /** Requests in flight at once. */
  concurrency: number
  /** Jobs at the provider at once (BFL's active-task cap, UMRGEN's one job per key); no new submit beyond it. */
  maxActive?: number
}

/** A provider whose host gave no answer at all (no such name, refused, timed out), from the first such failure on. */
export interface Unreachable {
  host: string
  since: number
}

/** One provider's budget and queues. */
export interface Lane {
  readonly provider: ProviderId
  bucket: TokenBucket
  limits: ProviderLimits
  inFlight: number
  /** Polls and downloads first: they finish work already paid for. */
  readyWork: { id: number; task: Task }[]
  readySubmits: number[]
  /** 429: no request to this provider before this time. */
  holdUntil: number
  /** 429 on submit (BFL: too many active tasks): no submit before this time or a job ending. */
  submitHoldUntil: number
  pausedReason: string | null
  /** Jobs at the provider or being sent to it, against `limits.maxActive`. */
  active: Set<number>
  rateLimitWaits: number
  unreachable: Unreachable | null
  /** Start times of this provider's requests in the last minute, oldest first. */
  recentRequests: number[]
}

export interface SchedulerStats {
  inFlight: number
  scheduled: number
  providers: Partial<
    Record<
      ProviderId,
      {
        rate: number
        inFlight: number
        ready: number
        pausedReason: string | null
        rateLimitWaits: number
        requestsLastMinute: number
        unreachable: Unreachable | null
      }
    >
  >
}

export interface SchedulerOptions {
  /** Runs one task; it counts as in flight until the promise settles. */
  run: (lane: Lane, id: number, task: Task) => Promise<void>
  limits?: (provider: ProviderId) => ProviderLimits
  /** Requests in flight at once over all providers. */
  globalConcurrency?: number
  onPaused?: (provider: ProviderId, reason: string | null) => void
  clock?: Clock
  random?: () => number
}

const DEFAULT_LIMITS: ProviderLimits = { rate: 10, burst: 20, concurrency: 16 }
const DEFAULT_GLOBAL_CONCURRENCY = 64

/** Exponential backoff with jitter: between half and all of `base·2^attempt`, capped. */
export function backoff(attempt: number, random: () => number, baseMs = 1000, capMs = 60_000): number {
  const d = Math.min(capMs, baseMs * 2 ** attempt)
  return d / 2 + (random() * d) / 2
}

export class Scheduler {
  private readonly heap = new MinHeap<{ id: number; task: Task; seq: number }>()
  /** The live schedule entry of each job; heap entries with another seq are stale. */
  private readonly current = new Map<number, { seq: number; provider: ProviderId }>()
  private readonly lanes = new Map<ProviderId, Lane>()
  private seq = 0
  private inFlight = 0
  private cancelTimer: (() => void) | null = null
  private timerAt = Infinity
  private running = false
  /** Set while nothing may be launched (the library cannot be written). */
  private held = false
  /** Set while work is still being handed in (the queue read at start-up, a slice per tick): not idle before it is all in. */
  private loading = false
  private readonly idleWaiters: (() => void)[] = []
  private readonly tasks = new Set<Promise<void>>()
  readonly clock: Clock
  readonly random: () => number

  constructor(private readonly o: SchedulerOptions) {
    this.clock = o.clock ?? wallClock
    this.random = o.random ?? Math.random
  }

  start(): void {
    this.running = true
    this.pump()
  }

  get isRunning(): boolean {
    return this.running
  }

  /** Stops launching and waits for tasks in flight to settle. */
  async stop(): Promise<void> {
    this.running = false
    this.cancelTimer?.()
    this.cancelTimer = null
    this.timerAt = Infinity
    await Promise.allSettled([...this.tasks])
  }

  /** Nothing is launched until `release` (work already due waits in its queue). */
  hold(): void {
    this.held = true
  }

  release(): void {
    this.held = false
    this.pump()
  }

  setLoading(loading: boolean): void {
    this.loading = loading
    if (!loading) this.checkIdle()
  }

  /** Resolves when nothing is scheduled or in flight. */
  whenIdle(): Promise<void> {
    if (this.current.size === 0 && this.inFlight === 0 && !this.loading) return Promise.resolve()
    return new Promise((r) => this.idleWaiters.push(r))
  }

  /** Schedules a job's next task (replacing any it had); call `pump` after a burst of these. */
  schedule(id: number, provider: ProviderId, task: Task, due: number): void {
    const seq = ++this.seq
    this.current.set(id, { seq, provider })
    this.heap.push(due, { id, task, seq })
    if (due < this.timerAt) this.armTimer(due)
  }

  isScheduled(id: number): boolean {
    return this.current.has(id)
  }

  /** Takes a job out of the schedule and its provider's active count. */
  forget(id: number): void {
    const provider = this.current.get(id)?.provider
    this.current.delete(id)
    this.leave(id)
    if (provider) this.pump()
    this.checkIdle()
  }

  /** Takes waiting jobs out of the schedule (held back by a budget): they stay where they are, unscheduled. */
  unschedule(ids: readonly number[]): void {
    for (const id of ids) this.current.delete(id)
    this.checkIdle()
  }

  /** Held submits (a budget, a provider's active-task cap) may look again. */
  releaseSubmitHolds(): void {
    for (const lane of this.lanes.values()) lane.submitHoldUntil = 0
    this.pump()
  }

  /** The job no longer counts against its provider's active cap. */
  leave(id: number): void {
    for (const lane of this.lanes.values()) lane.active.delete(id)
  }

  lane(provider: ProviderId): Lane {
    let lane = this.lanes.get(provider)
    if (!lane) {
      const limits = this.o.limits?.(provider) ?? DEFAULT_LIMITS
      lane = {
        provider,
        bucket: new TokenBucket(limits.rate, limits.burst, this.clock.now()),
        limits,
        inFlight: 0,
        readyWork: [],
        readySubmits: [],
        holdUntil: 0,
        submitHoldUntil: 0,
        pausedReason: null,
        active: new Set(),
        rateLimitWaits: 0,
        unreachable: null,
        recentRequests: []
      }
      this.lanes.set(provider, lane)
    }
    return lane
  }

  /** The lane if this provider was used since the start (no lane is made to answer). */
  peekLane(provider: ProviderId): Lane | undefined {
    return this.lanes.get(provider)
  }

  /** New limits, applied to the next requests. */
  configure(provider: ProviderId, limits: ProviderLimits): void {
    const lane = this.lane(provider)
    lane.limits = limits
    lane.bucket.configure(limits.rate, limits.burst)
    this.pump()
  }

  pause(provider: ProviderId, reason: string): void {
    const lane = this.lane(provider)
    if (lane.pausedReason === reason) return
    lane.pausedReason = reason
    this.o.onPaused?.(provider, reason)
  }

  resume(provider: ProviderId): void {
    const lane = this.lane(provider)
    if (lane.pausedReason === null) return
    lane.pausedReason = null
    this.o.onPaused?.(provider, null)
    this.pump()
  }

  /** A 429: holds the provider's requests (or only its submits) for the wait it asked for, or a backoff. */
  rateLimited(lane: Lane, retryAfterMs: number | undefined, now: number, submit: boolean): number {
    lane.rateLimitWaits++
    lane.bucket.onRateLimited(now)
    const wait = retryAfterMs ?? backoff(Math.min(lane.rateLimitWaits, 6), this.random, 2000)
    if (submit) lane.submitHoldUntil = Math.max(lane.submitHoldUntil, now + wait)
    else lane.holdUntil = Math.max(lane.holdUntil, now + wait)
    return now + wait
  }

  /** A job ended at the provider: BFL-style caps free a slot, so held submits may go again. */
  jobEnded(lane: Lane): void {
    lane.submitHoldUntil = 0
  }

  /** Waits for the provider's budget and any 429 hold (a download from the API host itself). */
  async token(lane: Lane): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      if (lane.holdUntil <= now && lane.bucket.tryTake(now)) return
      const at = Math.max(lane.holdUntil, lane.bucket.nextTokenAt(now))
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, at - now))
    }
  }

  stats(): SchedulerStats {
    const providers: SchedulerStats['providers'] = {}
    const minuteAgo = this.clock.now() - 60_000
    for (const [id, p] of this.lanes) {
      while (p.recentRequests.length > 0 && p.recentRequests[0] < minuteAgo) p.recentRequests.shift()
      providers[id] = {
        rate: p.bucket.currentRate,
        inFlight: p.inFlight,
        ready: p.readyWork.length + p.readySubmits.length,
        pausedReason: p.pausedReason,
        rateLimitWaits: p.rateLimitWaits,
        requestsLastMinute: p.recentRequests.length,
        unreachable: p.unreachable
      }
    }
    return { inFlight: this.inFlight, scheduled: this.current.size, providers }
  }

  private armTimer(at: number): void {
    if (!this.running) return
    this.cancelTimer?.()
    this.timerAt = at
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = null
      this.timerAt = Infinity
      this.pump()
    }, at - this.clock.now())
  }

  /** Moves due jobs to their lanes and launches what the limits allow; arms the timer for the next moment. */
  pump(): void {
    if (!this.running || this.held) return
    const now = this.clock.now()
    for (let top = this.heap.peek(); top && top.due <= now; top = this.heap.peek()) {
      this.heap.pop()
      const { id, task, seq } = top.value
      const live = this.current.get(id)
      if (!live || live.seq !== seq) continue
      const p = this.lane(live.provider)
      if (task === 'submit') p.readySubmits.push(id)
      // Result URLs can expire within minutes: downloads go before polls.
      else if (task === 'download') p.readyWork.unshift({ id, task })
      else p.readyWork.push({ id, task })
    }
    let wake = this.heap.peek()?.due ?? Infinity
    const globalLimit = this.o.globalConcurrency ?? DEFAULT_GLOBAL_CONCURRENCY
    for (const p of this.lanes.values()) {
      if (p.pausedReason) continue
      while (this.inFlight < globalLimit && p.inFlight < p.limits.concurrency) {
        // Jobs taken out of the schedule since (canceled, held back by a budget) leave without using a token.
        while (p.readySubmits.length > 0 && !this.current.has(p.readySubmits[0])) p.readySubmits.shift()
        const canSubmit = p.submitHoldUntil <= now && p.active.size < (p.limits.maxActive ?? Infinity)
        const hasWork = p.readyWork.length > 0 || (canSubmit && p.readySubmits.length > 0)
        if (!hasWork) {
          if (p.readySubmits.length > 0) wake = Math.min(wake, p.submitHoldUntil)
          break
        }
        // A download's file usually lives on a delivery host the API's limit does not cover: it starts
        // at once, and takes a token itself only when it goes to the API host (token()).
        const downloadNext = p.readyWork[0]?.task === 'download'
        if (!downloadNext && p.holdUntil > now) {
          wake = Math.min(wake, p.holdUntil)
          break
        }
        if (!downloadNext && !p.bucket.tryTake(now)) {
          wake = Math.min(wake, p.bucket.nextTokenAt(now))
          break
        }
        const item = p.readyWork.length > 0 ? p.readyWork.shift()! : { id: p.readySubmits.shift()!, task: 'submit' as const }
        const live = this.current.get(item.id)
        if (!live) continue
        this.current.delete(item.id)
        this.launch(p, item.id, item.task)
      }
    }
    if (wake < Infinity && wake < this.timerAt) this.armTimer(wake)
    this.checkIdle()
  }

  private launch(p: Lane, id: number, task: Task): void {
    const now = this.clock.now()
    p.recentRequests.push(now)
    if (p.recentRequests.length > 10_000 || p.recentRequests[0] < now - 60_000) {
      while (p.recentRequests.length > 0 && p.recentRequests[0] < now - 60_000) p.recentRequests.shift()
    }
    p.inFlight++
    this.inFlight++
    const run = (async () => {
      try {
        await this.o.run(p, id, task)
      } finally {
        p.inFlight--
        this.inFlight--
      }
    })()
    this.tasks.add(run)
    void run.finally(() => {
      this.tasks.delete(run)
      this.pump()
    })
  }

  private checkIdle(): void {
    if (this.current.size === 0 && this.inFlight === 0 && !this.loading) for (const r of this.idleWaiters.splice(0)) r()
  }
}
