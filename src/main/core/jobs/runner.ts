// The one scheduler of every job's next action (submit, poll, download). Each job's next time lives in
// SQLite as `next_poll_at` and in one in-memory min-heap; due jobs move to their provider's ready queues,
// which drain as that provider's token bucket, concurrency limit, 429 holds and pauses allow. One timer for
// the earliest thing that can happen; no timer or loop per job.
//
// Every state change is written (with its history row) before it is acted on. A submit is recorded as
// intent before the request goes out, so a job found in `submitting` at start-up was maybe sent: it goes to
// the user as needs-attention instead of being paid for twice.
import { existsSync } from 'node:fs'
import type { ProviderId } from '../../../shared/catalogue'
import type { JobStatus } from '../../../shared/contract'
import { modelInfo, providerInfo } from '../../../shared/catalogue'
import { checkResultFiles, DownloadError, downloadFile, removeStaleParts, slug, type DownloadOptions, DEFAULT_DOWNLOAD_OPTIONS } from './downloader'
import { ProviderError, responseCapture, type ResponseCapture } from '../providers/http'
import { describeInput } from './inputs'
import type { InputFile, PollResult, ProviderAdapter, ProviderRef, ResultFile } from '../providers/types'
import { wallClock, type Clock } from '../scheduling/clock'
import { MinHeap } from '../scheduling/heap'
import type { PollStrategy } from '../scheduling/strategies'
import { TokenBucket } from '../scheduling/token-bucket'
import { jobInputs, jobRef, jobResult, type JobPatch, type JobRow, type Store } from '../storage/store'

type Task = 'submit' | 'poll' | 'download'

export interface ProviderLimits {
  /** Requests per second to the API: submits, status requests and downloads from the API host. */
  rate: number
  burst: number
  /** Requests in flight at once. */
  concurrency: number
  /** Jobs at the provider at once (BFL's active-task cap, UMRGEN's one job per key); no new submit beyond it. */
  maxActive?: number
}

export interface PollerOptions {
  store: Store
  adapter: (provider: ProviderId) => ProviderAdapter
  strategy: (provider: ProviderId, model: string) => PollStrategy
  limits?: (provider: ProviderId) => ProviderLimits
  /** Requests in flight at once over all providers. */
  globalConcurrency?: number
  /** Whether a URL is on the provider's API host, whose request budget a download from it must respect. */
  isApiUrl?: (provider: ProviderId, url: string) => boolean
  /** How long a job may run at its provider before it goes to the user; default: the model's documented max. */
  maxWaitMs?: (provider: ProviderId, model: string) => number | undefined
  /** Consecutive transient failures of one job before it goes to the user. */
  maxTransientErrors?: number
  /** Called with the ids of jobs whose row changed (batched by the caller). */
  onChange: (jobIds: number[]) => void
  /** Called after a file is saved (thumbnails). */
  onAsset?: (assetId: number, path: string) => void
  onProviderPaused?: (provider: ProviderId, reason: string | null) => void
  /** The provider's host could not be reached (since when, which host), or answers again (null). */
  onReachability?: (provider: ProviderId, unreachable: Unreachable | null) => void
  /** The library could not be written (the reason), or can be again (null). */
  onStorage?: (reason: string | null) => void
  clock?: Clock
  download?: DownloadOptions
  random?: () => number
}

/** How often a probe write checks whether the library can be written again. */
const STORAGE_PROBE_MS = 5000

/** An error from SQLite (disk full, I/O error, busy, read-only): the library, not the job, is at fault. */
export function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && code.startsWith('SQLITE_')
}

const DEFAULT_LIMITS: ProviderLimits = { rate: 10, burst: 20, concurrency: 16 }

interface ProviderState {
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

/** A provider whose host gave no answer at all (no such name, refused, timed out), from the first such failure on. */
export interface Unreachable {
  host: string
  since: number
}

export interface PollerStats {
  inFlight: number
  scheduled: number
  providers: Partial<
    Record<ProviderId, { rate: number; inFlight: number; ready: number; pausedReason: string | null; rateLimitWaits: number; requestsLastMinute: number; unreachable: Unreachable | null }>
  >
}

function lastResponse(capture: ResponseCapture): string | null {
  return capture.last && `HTTP ${capture.last.status} ${capture.last.url}\n${capture.last.body}`
}

function backoff(attempt: number, random: () => number, baseMs = 1000, capMs = 60_000): number {
  const d = Math.min(capMs, baseMs * 2 ** attempt)
  return d / 2 + (random() * d) / 2
}

export class Poller {
  private readonly heap = new MinHeap<{ id: number; task: Task; seq: number }>()
  /** The live schedule entry of each job; heap entries with another seq are stale. */
  private readonly current = new Map<number, { seq: number; provider: ProviderId }>()
  private readonly providers = new Map<ProviderId, ProviderState>()
  private seq = 0
  private inFlight = 0
  private cancelTimer: (() => void) | null = null
  private timerAt = Infinity
  private running = false
  private readonly clock: Clock
  private readonly random: () => number
  private readonly idleWaiters: (() => void)[] = []
  private readonly tasks = new Set<Promise<void>>()
  /** Set while the library cannot be written: nothing is launched until a probe write works. */
  private storageDown: string | null = null
  private cancelProbe: (() => void) | null = null
  /** Tasks cut short by a storage error, to run again once it can write. */
  private readonly redo: { id: number; provider: ProviderId; task: Task }[] = []
  /** Acceptances the provider gave that could not be stored yet: written first when storage is back. */
  private readonly unwritten: (() => void)[] = []
  /** Jobs whose expired result URL was already exchanged once for a fresh one. */
  private readonly refreshed = new Set<number>()

  constructor(private readonly o: PollerOptions) {
    this.clock = o.clock ?? wallClock
    this.random = o.random ?? Math.random
  }

  /** Picks up every unfinished job from the database where it stopped. */
  start(unfinished = this.o.store.unfinishedSchedule()): void {
    this.running = true
    const now = this.clock.now()
    const changed: number[] = []
    for (const row of unfinished) {
      switch (row.status) {
        case 'queued':
          this.schedule(row.id, row.provider, 'submit', row.next_poll_at ?? now)
          break
        case 'submitting':
          this.o.store.transition(row.id, { status: 'needs_attention', error: 'Submitted? Unknown: the app stopped while sending this job. Check the provider, then retry or cancel.', next_poll_at: null }, {
            type: 'needs_attention',
            message: 'The app stopped between sending the job and storing its id; it was not sent again so it cannot be paid for twice'
          })
          changed.push(row.id)
          break
        case 'running':
          this.state(row.provider).active.add(row.id)
          this.schedule(row.id, row.provider, 'poll', Math.min(row.next_poll_at ?? now, now + 60_000))
          break
        case 'downloading':
          this.schedule(row.id, row.provider, 'download', now)
          break
      }
    }
    if (changed.length) this.o.onChange(changed)
    this.pump()
  }

  /** Stops scheduling and waits for requests in flight to settle (their results are stored). */
  async stop(): Promise<void> {
    this.running = false
    this.cancelProbe?.()
    this.cancelTimer?.()
    this.cancelTimer = null
    this.timerAt = Infinity
    await Promise.allSettled([...this.tasks])
  }

  /** Resolves when nothing is scheduled or in flight (tests, CLI). */
  whenIdle(): Promise<void> {
    if (this.current.size === 0 && this.inFlight === 0) return Promise.resolve()
    return new Promise((r) => this.idleWaiters.push(r))
  }

  /** Queues newly inserted jobs. */
  enqueue(ids: number[], provider: ProviderId): void {
    const now = this.clock.now()
    for (const id of ids) this.schedule(id, provider, 'submit', now)
    this.pump()
  }

  /** Takes a job out of the schedule (cancel). */
  forget(id: number): void {
    const provider = this.current.get(id)?.provider
    this.current.delete(id)
    for (const p of this.providers.values()) p.active.delete(id)
    if (provider) this.pump()
    this.checkIdle()
  }

  /** Re-reads a job that was changed outside the poller (retry) and schedules what it needs next. */
  reschedule(row: JobRow): void {
    const task: Task | null = row.status === 'queued' ? 'submit' : row.status === 'running' ? 'poll' : row.status === 'downloading' ? 'download' : null
    if (task) this.schedule(row.id, row.provider, task, this.clock.now())
    this.pump()
  }

  resumeProvider(provider: ProviderId): void {
    const p = this.state(provider)
    if (p.pausedReason === null) return
    p.pausedReason = null
    this.o.onProviderPaused?.(provider, null)
    this.pump()
  }

  /** New limits from settings, applied to the next requests. */
  configure(provider: ProviderId, limits: ProviderLimits): void {
    const p = this.state(provider)
    p.limits = limits
    p.bucket.configure(limits.rate, limits.burst)
    this.pump()
  }

  pauseProvider(provider: ProviderId, reason: string): void {
    this.pause(provider, this.state(provider), reason)
  }

  pausedReason(provider: ProviderId): string | null {
    return this.providers.get(provider)?.pausedReason ?? null
  }

  unreachable(provider: ProviderId): Unreachable | null {
    return this.providers.get(provider)?.unreachable ?? null
  }

  /**
   * What a request to the provider showed about its host: no answer at all (`unreachableHost`) marks it
   * unreachable from now, any answer (even an error status) marks it reachable. Also fed by Test connection.
   */
  noteReachability(provider: ProviderId, err: unknown): void {
    const p = this.state(provider)
    const host = err instanceof ProviderError ? err.details.unreachableHost : undefined
    const answered = err === null || (err instanceof ProviderError && err.details.httpStatus !== undefined)
    if (host && p.unreachable?.host !== host) p.unreachable = { host, since: this.clock.now() }
    else if (answered && p.unreachable) p.unreachable = null
    else return
    this.o.onReachability?.(provider, p.unreachable)
  }

  stats(): PollerStats {
    const providers: PollerStats['providers'] = {}
    const minuteAgo = this.clock.now() - 60_000
    for (const [id, p] of this.providers) {
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

  private state(provider: ProviderId): ProviderState {
    let p = this.providers.get(provider)
    if (!p) {
      const limits = this.o.limits?.(provider) ?? DEFAULT_LIMITS
      p = {
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
      this.providers.set(provider, p)
    }
    return p
  }

  private schedule(id: number, provider: ProviderId, task: Task, due: number): void {
    const seq = ++this.seq
    this.current.set(id, { seq, provider })
    this.heap.push(due, { id, task, seq })
    if (due < this.timerAt) this.armTimer(due)
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

  private pump(): void {
    if (!this.running || this.storageDown !== null) return
    const now = this.clock.now()
    for (let top = this.heap.peek(); top && top.due <= now; top = this.heap.peek()) {
      this.heap.pop()
      const { id, task, seq } = top.value
      const live = this.current.get(id)
      if (!live || live.seq !== seq) continue
      const p = this.state(live.provider)
      if (task === 'submit') p.readySubmits.push(id)
      // Result URLs can expire within minutes: downloads go before polls.
      else if (task === 'download') p.readyWork.unshift({ id, task })
      else p.readyWork.push({ id, task })
    }
    let wake = this.heap.peek()?.due ?? Infinity
    const globalLimit = this.o.globalConcurrency ?? 64
    for (const [provider, p] of this.providers) {
      if (p.pausedReason) continue
      while (this.inFlight < globalLimit && p.inFlight < p.limits.concurrency) {
        const canSubmit = p.submitHoldUntil <= now && p.active.size < (p.limits.maxActive ?? Infinity)
        const hasWork = p.readyWork.length > 0 || (canSubmit && p.readySubmits.length > 0)
        if (!hasWork) {
          if (p.readySubmits.length > 0) wake = Math.min(wake, p.submitHoldUntil)
          break
        }
        // A download's file usually lives on a delivery host the API's limit does not cover: it starts
        // at once, and takes a token itself only when it goes to the API host (download()).
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
        this.launch(provider, p, item.id, item.task)
      }
    }
    if (wake < Infinity && wake < this.timerAt) this.armTimer(wake)
    this.checkIdle()
  }

  private launch(provider: ProviderId, p: ProviderState, id: number, task: Task): void {
    const now = this.clock.now()
    p.recentRequests.push(now)
    if (p.recentRequests.length > 10_000 || p.recentRequests[0] < now - 60_000) {
      while (p.recentRequests.length > 0 && p.recentRequests[0] < now - 60_000) p.recentRequests.shift()
    }
    p.inFlight++
    this.inFlight++
    const run = (async () => {
      try {
        if (task === 'submit') await this.submit(id, p)
        else if (task === 'poll') await this.poll(id, p)
        else await this.download(id, p)
      } catch (err) {
        this.taskFailed(provider, id, task, err)
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

  /** A bug or an unexpected error must not stop the loop or lose the job: record it and look again. */
  private taskFailed(provider: ProviderId, id: number, task: Task, err: unknown): void {
    if (isStorageError(err)) return this.storageFailed(provider, id, task, err)
    try {
      const row = this.o.store.job(id)
      if (!row) return
      this.o.store.addEvent(id, 'error', `Internal error during ${task}: ${(err as Error).message}`)
      this.schedule(id, provider, task === 'submit' && row.status === 'queued' ? 'submit' : task, this.clock.now() + 5000)
    } catch (again) {
      if (isStorageError(again)) return this.storageFailed(provider, id, task, again)
      // Neither the task nor its record could be written, for a reason that is not the disk: look again later.
      this.schedule(id, provider, task, this.clock.now() + 5000)
    }
  }

  /**
   * The library cannot be written (disk full, I/O error, locked by another program): every request stops,
   * since each is written before it is acted on, and the user is told; a probe write every few seconds
   * resumes the work as it was. A job whose acceptance could not be stored keeps its provider id here, to be
   * written first, so it is never sent twice.
   */
  private storageFailed(provider: ProviderId, id: number, task: Task, err: unknown): void {
    this.redo.push({ id, provider, task })
    if (this.storageDown !== null) return
    this.storageDown = `${(err as Error).message} (${(err as { code?: string }).code ?? 'storage error'})`
    this.o.onStorage?.(this.storageDown)
    const probe = () => {
      if (!this.running) return
      try {
        this.o.store.probeWrite(this.clock.now())
        for (const write of this.unwritten.splice(0)) write()
      } catch {
        this.cancelProbe = this.clock.setTimer(probe, STORAGE_PROBE_MS)
        return
      }
      this.cancelProbe = null
      this.storageDown = null
      this.o.onStorage?.(null)
      const now = this.clock.now()
      for (const r of this.redo.splice(0)) if (!this.current.has(r.id)) this.schedule(r.id, r.provider, r.task, now)
      this.pump()
    }
    this.cancelProbe = this.clock.setTimer(probe, STORAGE_PROBE_MS)
  }

  private checkIdle(): void {
    if (this.current.size === 0 && this.inFlight === 0) for (const r of this.idleWaiters.splice(0)) r()
  }

  /** Stores a transition if the job is still in `expect`; false when the user changed it meanwhile. */
  private write(id: number, expect: JobStatus, patch: JobPatch, event?: { type: string; message: string }): boolean {
    const written = this.o.store.transition(id, patch, event, this.clock.now(), expect)
    if (written) {
      // A job counts against its provider's active cap from its submit until it leaves `running`.
      if (patch.status && patch.status !== 'submitting' && patch.status !== 'running') for (const p of this.providers.values()) p.active.delete(id)
      this.o.onChange([id])
      if (patch.status === 'failed' || patch.status === 'canceled' || patch.status === 'needs_attention') this.failChildren(id, patch.status === 'needs_attention' ? 'needs attention' : patch.status)
    }
    return written
  }

  private pause(provider: ProviderId, p: ProviderState, reason: string): void {
    if (p.pausedReason === reason) return
    p.pausedReason = reason
    this.o.onProviderPaused?.(provider, reason)
  }

  private rateLimited(p: ProviderState, err: ProviderError, now: number, submit: boolean): number {
    p.rateLimitWaits++
    p.bucket.onRateLimited(now)
    const wait = err.details.retryAfterMs ?? backoff(Math.min(p.rateLimitWaits, 6), this.random, 2000)
    if (submit) p.submitHoldUntil = Math.max(p.submitHoldUntil, now + wait)
    else p.holdUntil = Math.max(p.holdUntil, now + wait)
    return now + wait
  }

  /** A job that will never be done takes the steps chained after it down with it. */
  private failChildren(parentId: number, why: string): void {
    for (const child of this.o.store.waitingChildren(parentId)) {
      if (this.write(child.id, 'queued', { status: 'failed', error: `The step it starts from ${why}`, finished_at: this.clock.now() }, { type: 'failed', message: `Job ${parentId}, which this step starts from, ${why}` })) {
        this.failChildren(child.id, why)
      }
    }
  }

  private jobEnded(p: ProviderState): void {
    // BFL-style caps: a finished task frees a slot, so held submits may go again.
    p.submitHoldUntil = 0
  }

  private async submit(id: number, p: ProviderState): Promise<void> {
    const row = this.o.store.job(id)
    // A paused batch's jobs wait unscheduled; resuming the batch schedules them again. A chained step waits
    // for its parent's files; the parent's completion schedules it.
    if (!row || row.status !== 'queued' || row.batch_paused) return
    if (row.parent_job_id && this.o.store.job(row.parent_job_id)?.status !== 'done') return
    const now = this.clock.now()
    // Built before anything is written: a provider that cannot be spoken to (a bad base URL, a key that
    // cannot be decrypted) pauses with the reason, and its jobs wait queued, never marked as maybe sent.
    const adapter = this.adapterOrPause(row.provider, p)
    if (!adapter) return this.schedule(id, row.provider, 'submit', now)
    if (!this.write(id, 'queued', { status: 'submitting', attempts: row.attempts + 1, claimed_at: now, error: null, next_poll_at: null }, {
      type: 'submit',
      message: `Sending to ${providerInfo(row.provider).label} (attempt ${row.attempts + 1}${row.transient_errors > 0 ? `, try ${row.transient_errors + 1}` : ''})`
    }))
      return
    p.active.add(id)
    let ref: ProviderRef
    try {
      const inputFiles = await this.inputFiles(row)
      if (inputFiles === null) return
      ref = await adapter.submit({ kind: row.kind, model: row.model, prompt: row.prompt, params: JSON.parse(row.params_json), inputMedia: this.inputMedia(row), ...(inputFiles.length ? { inputFiles } : {}) })
    } catch (err) {
      return this.submitFailed(row, p, err)
    }
    p.bucket.onSuccess()
    this.noteReachability(row.provider, null)
    const at = this.clock.now()
    const due = at + this.o.strategy(row.provider, row.model).firstDelayMs(this.context(row, at, at, null, 'queued'))
    const accept = () => this.write(id, 'submitting', { status: 'running', provider_job_id: ref.id, provider_ref_json: JSON.stringify(ref), submitted_at: at, next_poll_at: Math.round(due), transient_errors: 0 }, { type: 'submitted', message: `Accepted as ${ref.id}` })
    let accepted: boolean
    try {
      accepted = accept()
    } catch (err) {
      // The provider has the job; only our record of it failed. Keep the id and write it first when the
      // library can be written again (then poll it), so it is never sent twice.
      if (isStorageError(err)) this.unwritten.push(() => void (accept() && this.schedule(id, row.provider, 'poll', this.clock.now())))
      throw err
    }
    if (accepted) this.schedule(id, row.provider, 'poll', due)
    else await this.cancelledWhileSending(row, adapter, ref)
  }

  /** The provider's adapter, or null after pausing the provider with the reason it cannot be built. */
  private adapterOrPause(provider: ProviderId, p: ProviderState): ProviderAdapter | null {
    try {
      return this.o.adapter(provider)
    } catch (err) {
      this.pause(provider, p, `${providerInfo(provider).label} cannot be used: ${(err as Error).message}`)
      return null
    }
  }

  /** The user canceled while the submit was in flight: keep the provider's id and stop it there too. */
  private async cancelledWhileSending(row: JobRow, adapter: ProviderAdapter, ref: ProviderRef): Promise<void> {
    this.o.store.transition(row.id, { provider_job_id: ref.id, provider_ref_json: JSON.stringify(ref) }, {
      type: 'canceled',
      message: `The provider accepted it as ${ref.id} after it was canceled; ${adapter.cancel ? 'canceling it there too' : 'the provider may still finish (and bill) it'}`
    }, this.clock.now())
    this.o.onChange([row.id])
    await adapter.cancel?.(ref).catch((err: Error) => this.o.store.addEvent(row.id, 'error', `Remote cancel failed: ${err.message}`))
  }

  private submitFailed(row: JobRow, p: ProviderState, err: unknown): void {
    const now = this.clock.now()
    const e = err instanceof ProviderError ? err : new ProviderError('unknown_outcome', (err as Error).message)
    this.noteReachability(row.provider, e)
    const requeue = (due: number, type: string, message: string, extra: JobPatch = {}, scheduleAt = due) => {
      // The provider did not take the job, so this attempt does not count.
      if (this.write(row.id, 'submitting', { status: 'queued', attempts: row.attempts, next_poll_at: Math.round(due), ...extra }, { type, message })) {
        this.schedule(row.id, row.provider, 'submit', scheduleAt)
      }
    }
    switch (e.kind) {
      case 'rate_limited': {
        const due = this.rateLimited(p, e, now, true)
        // Ready now but behind the provider's submit hold, which a finishing task lifts early (BFL caps
        // active tasks: one ending frees a slot before Retry-After runs out).
        return requeue(due, 'rate_limited', `${e.message}: holding submits for up to ${Math.round((due - now) / 1000)} s`, {}, now)
      }
      case 'auth':
      case 'credits':
        this.pause(row.provider, p, e.message)
        return requeue(now, 'paused', `${e.message}. The ${providerInfo(row.provider).label} queue is paused until the key or account is fixed`)
      case 'transient': {
        const errors = row.transient_errors + 1
        if (errors > (this.o.maxTransientErrors ?? 6)) {
          return void this.write(row.id, 'submitting', { status: 'failed', attempts: row.attempts, error: `${e.message} (gave up after ${errors} tries)`, finished_at: now, transient_errors: errors }, { type: 'failed', message: e.message })
        }
        const due = now + backoff(errors, this.random)
        const tries = `${errors} ${errors === 1 ? 'try' : 'tries'} so far`
        // The row says why it waits and how often it was tried (attempts stay flat: nothing was accepted).
        return requeue(due, 'retry', `${e.message}; not accepted, will send again in ${Math.round((due - now) / 1000)} s (${tries})`, { transient_errors: errors, error: `${e.message} (${tries}; trying again)` })
      }
      case 'rejected':
        return void this.write(row.id, 'submitting', { status: 'failed', error: e.message, finished_at: now }, { type: 'failed', message: e.message })
      default:
        // Sent, but no id came back (timeout, dropped connection, a 200 without an id): maybe billed.
        return void this.write(row.id, 'submitting', { status: 'needs_attention', error: `Submitted? Unknown: ${e.message}`, finished_at: now }, {
          type: 'needs_attention',
          message: `${e.message}${e.details.body ? ` — body: ${e.details.body}` : ''}. Not sent again automatically: the provider may have accepted (and billed) it`
        })
    }
  }

  /** The job's input files as they are on disk now; null after failing the job when one is gone or changed type. */
  private async inputFiles(row: JobRow): Promise<InputFile[] | null> {
    try {
      return await Promise.all(jobInputs(row).map(describeInput))
    } catch (err) {
      const message = (err as Error).message
      // Nothing was sent: the attempt does not count.
      this.write(row.id, 'submitting', { status: 'failed', attempts: row.attempts, error: message, finished_at: this.clock.now() }, { type: 'failed', message: `${message}; nothing was sent` })
      return null
    }
  }

  private inputMedia(row: JobRow): { url?: string; mediaId?: string }[] | undefined {
    if (!row.parent_job_id) return undefined
    const parent = this.o.store.job(row.parent_job_id)
    return parent ? jobResult(parent).map((f) => ({ url: f.url, mediaId: f.mediaId })) : undefined
  }

  private context(row: JobRow, now: number, submittedAt: number, progress: number | null, phase: 'queued' | 'running') {
    return {
      polls: row.polls,
      sinceSubmitMs: now - submittedAt,
      progress,
      phase,
      timing: modelInfo(row.provider, row.model)?.timing ?? providerInfo(row.provider).genericTiming,
      history: this.o.store.recentDurations(row.provider, row.model),
      random: this.random
    }
  }

  private async poll(id: number, p: ProviderState): Promise<void> {
    const row = this.o.store.job(id)
    if (!row || row.status !== 'running') return
    const ref = jobRef(row)
    if (!ref) return void this.write(id, 'running', { status: 'needs_attention', error: 'Running without a provider job id' }, { type: 'needs_attention', message: 'No provider job id stored' })
    const submittedAt = row.submitted_at ?? row.created_at
    let result: PollResult
    const capture: ResponseCapture = { last: null }
    const adapter = this.adapterOrPause(row.provider, p)
    if (!adapter) return this.schedule(id, row.provider, 'poll', this.clock.now())
    try {
      result = await responseCapture.run(capture, () => adapter.poll(ref, { sinceSubmitMs: this.clock.now() - submittedAt }))
    } catch (err) {
      return this.pollFailed(row, p, err, lastResponse(capture))
    }
    p.bucket.onSuccess()
    this.noteReachability(row.provider, null)
    const now = this.clock.now()
    const polls = row.polls + 1
    const base: JobPatch = { polls, raw_status: result.rawStatus, transient_errors: 0, last_response: lastResponse(capture) }
    switch (result.status) {
      case 'succeeded': {
        this.jobEnded(p)
        const files = result.files ?? []
        this.write(id, 'running', { ...base, status: 'downloading', progress: 1, result_json: JSON.stringify(files), ready_at: now, next_poll_at: now }, {
          type: 'ready',
          message: `Ready (${result.rawStatus}); downloading ${files.length} file${files.length === 1 ? '' : 's'}`
        })
        return this.schedule(id, row.provider, 'download', now)
      }
      case 'failed':
        this.jobEnded(p)
        return void this.write(id, 'running', { ...base, status: 'failed', error: result.error ?? 'The provider reported a failure', finished_at: now, next_poll_at: null }, {
          type: 'failed',
          message: `${result.error ?? 'Failed'} (${result.rawStatus})${result.retryable === false ? '; retrying will not help' : ''}`
        })
      case 'canceled':
        this.jobEnded(p)
        return void this.write(id, 'running', { ...base, status: 'canceled', finished_at: now, next_poll_at: null }, { type: 'canceled', message: `The provider canceled the job (${result.rawStatus})` })
    }
    const maxWaitMs = this.o.maxWaitMs?.(row.provider, row.model) ?? (modelInfo(row.provider, row.model)?.timing ?? providerInfo(row.provider).genericTiming).max * 1000
    if (result.stalled || now - submittedAt > maxWaitMs) {
      const reason = result.stalled ?? `No result after ${Math.round((now - submittedAt) / 1000)} s (limit ${maxWaitMs / 1000} s)`
      return void this.write(id, 'running', { ...base, status: 'needs_attention', error: reason, next_poll_at: null }, { type: 'needs_attention', message: `${reason}; offered for resubmission` })
    }
    const progress = result.progress ?? row.progress
    const strategy = this.o.strategy(row.provider, row.model)
    const ctx = { ...this.context({ ...row, polls }, now, submittedAt, progress, result.status), polls }
    const due = now + strategy.nextDelayMs(ctx)
    let event: { type: string; message: string } | undefined
    if (!result.known && result.rawStatus !== row.raw_status) event = { type: 'unknown_status', message: `Unknown status "${result.rawStatus}" from the provider; still polling` }
    else if (result.rawStatus !== row.raw_status) event = { type: 'status', message: `Provider says "${result.rawStatus}"` }
    this.write(id, 'running', { ...base, progress, next_poll_at: Math.round(due) }, event)
    this.schedule(id, row.provider, 'poll', due)
  }

  private pollFailed(row: JobRow, p: ProviderState, err: unknown, response: string | null): void {
    const now = this.clock.now()
    const e = err instanceof ProviderError ? err : new ProviderError('malformed', (err as Error).message)
    this.noteReachability(row.provider, e)
    const again = (due: number, patch: JobPatch, event: { type: string; message: string }) => {
      if (this.write(row.id, 'running', { ...patch, last_response: response ?? row.last_response, next_poll_at: Math.round(due) }, event)) this.schedule(row.id, row.provider, 'poll', due)
    }
    switch (e.kind) {
      case 'rate_limited': {
        const due = this.rateLimited(p, e, now, false)
        return again(due, {}, { type: 'rate_limited', message: `${e.message}: waiting ${Math.round((due - now) / 1000)} s` })
      }
      case 'auth':
      case 'credits':
        this.pause(row.provider, p, e.message)
        return again(now, {}, { type: 'paused', message: `${e.message}. Polling is paused until the key or account is fixed` })
      case 'not_found':
        this.jobEnded(p)
        return void this.write(row.id, 'running', { status: 'failed', error: `The provider lost this job: ${e.message}`, finished_at: now, next_poll_at: null }, { type: 'failed', message: e.message })
      default: {
        const errors = row.transient_errors + 1
        const detail = `${e.message}${e.details.body && !e.message.includes(e.details.body) ? ` — body: ${e.details.body}` : ''}`
        if (errors > (this.o.maxTransientErrors ?? 6)) {
          return void this.write(row.id, 'running', { status: 'needs_attention', error: `Provider unreachable: ${e.message} (${errors} tries)`, transient_errors: errors, next_poll_at: null }, { type: 'needs_attention', message: detail })
        }
        return again(now + backoff(errors, this.random), { transient_errors: errors, polls: row.polls + 1 }, { type: 'retry', message: `${detail}; will ask again` })
      }
    }
  }

  /** Waits for the provider's budget and any 429 hold (downloads from the API host itself). */
  private async token(p: ProviderState): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      if (p.holdUntil <= now && p.bucket.tryTake(now)) return
      const at = Math.max(p.holdUntil, p.bucket.nextTokenAt(now))
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, at - now))
    }
  }

  private async download(id: number, p: ProviderState): Promise<void> {
    const row = this.o.store.job(id)
    if (!row || row.status !== 'downloading') return
    const dir = row.output_dir
    await removeStaleParts(dir, id)
    const files = jobResult(row)
    if (files.length === 0) {
      return void this.write(id, 'downloading', { status: 'failed', error: 'The provider reported success without any file', finished_at: this.clock.now() }, { type: 'failed', message: 'No output files' })
    }
    const saved = this.o.store.savedFiles(id)
    try {
      checkResultFiles(files)
      for (const [idx, file] of files.entries()) {
        const done = saved.get(idx)
        if (done && existsSync(done)) continue
        if (this.o.isApiUrl?.(row.provider, file.url)) await this.token(p)
        const stem = `${slug(row.prompt)}-${id}${files.length > 1 ? `-${idx + 1}` : ''}`
        const got = await downloadFile(file.url, dir, stem, id, this.o.download ?? DEFAULT_DOWNLOAD_OPTIONS)
        const assetId = this.o.store.insertAsset({ jobId: id, idx, path: got.path, sourceUrl: file.url, mime: got.mime, size: got.size, sha256: got.sha256, width: got.width, height: got.height }, this.clock.now())
        this.o.onAsset?.(assetId, got.path)
      }
    } catch (err) {
      return this.downloadFailed(row, err, files)
    }
    const now = this.clock.now()
    if (this.write(id, 'downloading', { status: 'done', finished_at: now, next_poll_at: null, transient_errors: 0 }, { type: 'done', message: `Saved ${files.length} file${files.length === 1 ? '' : 's'} to ${dir}` })) {
      // Chained steps (generate → trim) start from this job's output now that it exists.
      for (const child of this.o.store.waitingChildren(id)) this.schedule(child.id, child.provider, 'submit', now)
    }
  }

  private async downloadFailed(row: JobRow, err: unknown, files: ResultFile[]): Promise<void> {
    const now = this.clock.now()
    const e = err instanceof DownloadError ? err : new DownloadError('transient', (err as Error).message)
    if (e.kind === 'expired') {
      // BFL's URLs expire after 10 minutes: the status endpoint hands out a fresh one. If it gives the
      // same URL back (UMRGEN's session-bound paths), asking again will not help.
      const ref = jobRef(row)
      let fresh: ResultFile[] = []
      let refreshError: string | null = null
      try {
        if (ref) fresh = (await this.o.adapter(row.provider).poll(ref, { sinceSubmitMs: now - (row.submitted_at ?? now) })).files ?? []
      } catch (pollErr) {
        refreshError = (pollErr as Error).message
      }
      const changed = fresh.length > 0 && JSON.stringify(fresh.map((f) => f.url)) !== JSON.stringify(files.map((f) => f.url))
      if (changed && !this.refreshed.has(row.id)) {
        this.refreshed.add(row.id)
        this.write(row.id, 'downloading', { result_json: JSON.stringify(fresh) }, { type: 'retry', message: `${e.message}; got a fresh URL from the provider` })
        return this.schedule(row.id, row.provider, 'download', this.clock.now())
      }
      if (!changed && refreshError === null) {
        return void this.write(row.id, 'downloading', { status: 'failed', error: e.message, finished_at: now, next_poll_at: null }, { type: 'failed', message: `${e.message}; the provider has no other URL for it` })
      }
      // The result exists at the provider but cannot be fetched: the user decides (the files may be in
      // the provider's dashboard), rather than paying for it again.
      const why = refreshError ? `could not get a fresh URL: ${refreshError}` : 'the refreshed URL failed too'
      return void this.write(row.id, 'downloading', { status: 'needs_attention', error: `${e.message}; ${why}`, next_poll_at: null }, { type: 'needs_attention', message: `${e.message}; ${why}` })
    }
    if (e.kind === 'transient') {
      const errors = row.transient_errors + 1
      if (errors <= (this.o.maxTransientErrors ?? 6)) {
        const due = now + backoff(errors, this.random)
        this.write(row.id, 'downloading', { transient_errors: errors, next_poll_at: Math.round(due) }, { type: 'retry', message: `${e.message}; will download again` })
        return this.schedule(row.id, row.provider, 'download', due)
      }
    }
    // Disk and content problems end the attempt; the result stays stored so Retry downloads again.
    this.write(row.id, 'downloading', { status: 'failed', error: e.message, finished_at: now, next_poll_at: null }, { type: 'failed', message: e.message })
  }
}
