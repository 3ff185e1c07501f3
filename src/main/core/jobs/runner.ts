// The job runner: each job's next action (submit, poll, download), run when the provider-agnostic scheduler
// (scheduling/scheduler.ts) says it is due; every status change comes from the lifecycle (jobs/lifecycle.ts).
// The runner never knows which provider it speaks to: only the adapter interface.
//
// Every state change is written (with its history row) before it is acted on. A submit is recorded as
// intent before the request goes out, so a job found in `submitting` at start-up was maybe sent: it goes to
// the user as needs-attention instead of being paid for twice.
import { existsSync } from 'node:fs'
import type { ProviderId } from '../../../shared/catalogue'
import { modelInfo, providerInfo } from '../../../shared/catalogue'
import { checkResultFiles, DownloadError, downloadFile, removeStaleParts, slug, type DownloadOptions, DEFAULT_DOWNLOAD_OPTIONS } from './downloader'
import { ProviderError, responseCapture, type ResponseCapture } from '../providers/http'
import { describeInput } from './inputs'
import * as life from './lifecycle'
import type { InputFile, PollResult, ProviderAdapter, ProviderRef, ResultFile } from '../providers/types'
import type { Clock } from '../scheduling/clock'
import { backoff, Scheduler, type Lane, type ProviderLimits, type SchedulerStats, type Task, type Unreachable } from '../scheduling/scheduler'
import type { PollStrategy } from '../scheduling/strategies'
import { jobRef, jobResult, type JobPatch, type JobRow, type Store } from '../storage/store'
import { stepInputs } from './pipeline'

export type { ProviderLimits, Unreachable } from '../scheduling/scheduler'

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
  /** Queued jobs read per tick at start-up (default 500). */
  startSlice?: number
  download?: DownloadOptions
  random?: () => number
  /**
   * Budgets (budgets.ts): runs the submit intent (`intent`) in the transaction that checks and reserves the
   * job's cost; answers whether it was written, or the cap that holds the job back.
   */
  reserve?: (
    row: JobRow,
    now: number,
    intent: () => boolean
  ) => boolean | { capped: string; budget: { scope: 'batch' | 'provider' | 'day' }; retryAt?: number; unschedule?: number[] }
  /** A budget cap held a job back (the reason), for the UI. */
  onBudgetHold?: (provider: ProviderId, reason: string) => void
}

/** Queued jobs read at start-up per tick: a few ms of work, so polls and the UI go on between slices. */
const START_SLICE = 500

/** How often a probe write checks whether the library can be written again. */
const STORAGE_PROBE_MS = 5000

/** An error from SQLite (disk full, I/O error, busy, read-only): the library, not the job, is at fault. */
export function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && code.startsWith('SQLITE_')
}

export type PollerStats = SchedulerStats

function lastResponse(capture: ResponseCapture): string | null {
  return capture.last && `HTTP ${capture.last.status} ${capture.last.url}\n${capture.last.body}`
}

export class Poller {
  private readonly scheduler: Scheduler
  private readonly clock: Clock
  private readonly random: () => number
  /** Set while the library cannot be written: nothing is launched until a probe write works. */
  private storageDown: string | null = null
  private cancelProbe: (() => void) | null = null
  /** Cancels the reading of the queue at start-up while slices of it are still to come. */
  private loadingQueue: (() => void) | null = null
  /** Tasks cut short by a storage error, to run again once it can write. */
  private readonly redo: { id: number; provider: ProviderId; task: Task }[] = []
  /** Acceptances the provider gave that could not be stored yet: written first when storage is back. */
  private readonly unwritten: (() => void)[] = []
  /** Jobs whose expired result URL was already exchanged once for a fresh one. */
  private readonly refreshed = new Set<number>()

  constructor(private readonly o: PollerOptions) {
    this.scheduler = new Scheduler({
      run: (lane, id, task) => this.run(lane, id, task),
      limits: o.limits,
      globalConcurrency: o.globalConcurrency,
      onPaused: o.onProviderPaused,
      clock: o.clock,
      random: o.random
    })
    this.clock = this.scheduler.clock
    this.random = this.scheduler.random
  }

  /**
   * Picks up every unfinished job from the database where it stopped: first the jobs at a provider (their
   * polls go out at once), then the queue, a slice per tick, so that a queue of 100,000 delays neither the
   * first poll nor the event loop. Reading a queued job twice is harmless: its submit sends only from
   * 'queued' (a compare-and-set write), and its schedule entry is replaced, not added to.
   */
  start(): void {
    const now = this.clock.now()
    const changed: number[] = []
    for (const row of this.o.store.resumableSchedule()) {
      switch (row.status) {
        case 'submitting':
          this.o.store.transition(row.id, life.interruptedWhileSending())
          changed.push(row.id)
          break
        case 'running':
          this.scheduler.lane(row.provider).active.add(row.id)
          this.schedule(row.id, row.provider, 'poll', Math.min(row.next_poll_at ?? now, now + 60_000))
          break
        case 'downloading':
          this.schedule(row.id, row.provider, 'download', now)
          break
      }
    }
    if (changed.length) this.o.onChange(changed)
    this.scheduler.setLoading(true)
    this.scheduler.start()
    this.loadQueued(0)
  }

  /** Schedules the next slice of the queue read at start-up, and the one after it on a later tick. */
  private loadQueued(afterId: number): void {
    this.loadingQueue = null
    if (!this.scheduler.isRunning) return this.scheduler.setLoading(false)
    const slice = this.o.startSlice ?? START_SLICE
    const rows = this.o.store.queuedSchedule(afterId, slice)
    const now = this.clock.now()
    for (const row of rows) this.schedule(row.id, row.provider, 'submit', row.next_poll_at ?? now)
    const more = rows.length === slice
    if (more) {
      const next = setImmediate(() => this.loadQueued(rows[rows.length - 1].id))
      this.loadingQueue = () => clearImmediate(next)
    }
    this.scheduler.setLoading(more)
    this.scheduler.pump()
  }

  /** Stops scheduling and waits for requests in flight to settle (their results are stored). */
  async stop(): Promise<void> {
    this.loadingQueue?.()
    this.loadingQueue = null
    this.cancelProbe?.()
    await this.scheduler.stop()
  }

  /** Resolves when nothing is scheduled or in flight (tests, CLI). */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle()
  }

  /** Queues newly inserted jobs. */
  enqueue(ids: number[], provider: ProviderId): void {
    const now = this.clock.now()
    for (const id of ids) this.schedule(id, provider, 'submit', now)
    this.scheduler.pump()
  }

  /** Takes a job out of the schedule (cancel). */
  forget(id: number): void {
    this.scheduler.forget(id)
  }

  /** Re-reads a job that was changed outside the runner (retry) and schedules what it needs next. */
  reschedule(row: JobRow): void {
    const task: Task | null = row.status === 'queued' ? 'submit' : row.status === 'running' ? 'poll' : row.status === 'downloading' ? 'download' : null
    if (task) this.schedule(row.id, row.provider, task, this.clock.now())
    this.scheduler.pump()
  }

  resumeProvider(provider: ProviderId): void {
    this.scheduler.resume(provider)
  }

  /** New limits from settings, applied to the next requests. */
  configure(provider: ProviderId, limits: ProviderLimits): void {
    this.scheduler.configure(provider, limits)
  }

  pauseProvider(provider: ProviderId, reason: string): void {
    this.scheduler.pause(provider, reason)
  }

  pausedReason(provider: ProviderId): string | null {
    return this.scheduler.peekLane(provider)?.pausedReason ?? null
  }

  unreachable(provider: ProviderId): Unreachable | null {
    return this.scheduler.peekLane(provider)?.unreachable ?? null
  }

  /**
   * What a request to the provider showed about its host: no answer at all (`unreachableHost`) marks it
   * unreachable from now, any answer (even an error status) marks it reachable. Also fed by Test connection.
   */
  noteReachability(provider: ProviderId, err: unknown): void {
    const p = this.scheduler.lane(provider)
    const host = err instanceof ProviderError ? err.details.unreachableHost : undefined
    const answered = err === null || (err instanceof ProviderError && err.details.httpStatus !== undefined)
    if (host && p.unreachable?.host !== host) p.unreachable = { host, since: this.clock.now() }
    else if (answered && p.unreachable) p.unreachable = null
    else return
    this.o.onReachability?.(provider, p.unreachable)
  }

  stats(): PollerStats {
    return this.scheduler.stats()
  }

  private schedule(id: number, provider: ProviderId, task: Task, due: number): void {
    this.scheduler.schedule(id, provider, task, due)
  }

  private async run(p: Lane, id: number, task: Task): Promise<void> {
    try {
      if (task === 'submit') await this.submit(id, p)
      else if (task === 'poll') await this.poll(id, p)
      else await this.download(id, p)
    } catch (err) {
      this.taskFailed(p.provider, id, task, err)
    }
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
    this.scheduler.hold()
    this.o.onStorage?.(this.storageDown)
    const probe = () => {
      if (!this.scheduler.isRunning) return
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
      for (const r of this.redo.splice(0)) if (!this.scheduler.isScheduled(r.id)) this.schedule(r.id, r.provider, r.task, now)
      this.scheduler.release()
    }
    this.cancelProbe = this.clock.setTimer(probe, STORAGE_PROBE_MS)
  }

  /** Stores a transition if the job is still where the transition expects; false when the user changed it meanwhile. */
  private write(id: number, t: life.Transition): boolean {
    const written = this.o.store.transition(id, t, this.clock.now())
    if (written) {
      // A job counts against its provider's active cap from its submit until it leaves `running`.
      if (life.leavesProvider(t)) this.scheduler.leave(id)
      this.o.onChange([id])
      const why = life.endsChain(t)
      if (why) this.failChildren(id, why)
    }
    return written
  }

  /** A job that will never be done takes the steps chained after it down with it. */
  private failChildren(parentId: number, why: string): void {
    for (const child of this.o.store.waitingChildren(parentId)) {
      if (this.write(child.id, life.parentEnded(parentId, why, this.clock.now()))) this.failChildren(child.id, why)
    }
  }

  private async submit(id: number, p: Lane): Promise<void> {
    const row = this.o.store.job(id)
    // A paused batch's jobs wait unscheduled; resuming the batch schedules them again. A chained step waits
    // for its parent's files; the parent's completion schedules it.
    if (!row || row.status !== 'queued' || row.batch_paused) return
    if (row.parent_job_id && this.o.store.job(row.parent_job_id)?.status !== 'done') return
    const now = this.clock.now()
    // Built before anything is written: a provider that cannot be spoken to (a bad base URL, a key that
    // cannot be decrypted) pauses with the reason, and its jobs wait queued, never marked as maybe sent.
    const adapter = this.adapterOrPause(row.provider)
    if (!adapter) return this.schedule(id, row.provider, 'submit', now)
    const intent = () => this.write(id, life.submitting(row, providerInfo(row.provider).label, now))
    const reserved = this.o.reserve ? this.o.reserve(row, now, intent) : intent()
    if (reserved !== true) return reserved === false ? undefined : this.budgetHeld(row, p, reserved)
    p.active.add(id)
    let ref: ProviderRef
    try {
      const inputFiles = await this.inputFiles(row)
      if (inputFiles === null) return
      ref = await adapter.submit({
        kind: row.kind,
        model: row.model,
        prompt: row.prompt,
        params: JSON.parse(row.params_json),
        inputMedia: this.inputMedia(row),
        ...(inputFiles.length ? { inputFiles } : {})
      })
    } catch (err) {
      return this.submitFailed(row, p, err)
    }
    p.bucket.onSuccess()
    this.noteReachability(row.provider, null)
    const at = this.clock.now()
    const due = at + this.o.strategy(row.provider, row.model).firstDelayMs(this.context(row, at, at, null, 'queued'))
    const accept = () => this.write(id, life.accepted(ref, at, due))
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

  /**
   * A budget cap holds this job back: it stays queued with the reason (once in its history), like a 402 for
   * new submits only; polls and downloads go on. A provider's or the day's cap holds that provider's submits
   * (until tomorrow for the day's; a job ending or a budget change lets them look again); a batch's cap leaves
   * the job unscheduled until its budget changes.
   */
  private budgetHeld(row: JobRow, p: Lane, hold: { capped: string; budget: { scope: string }; retryAt?: number; unschedule?: number[] }): void {
    if (row.error !== hold.capped) this.write(row.id, life.budgetHeld(hold.capped))
    this.o.onBudgetHold?.(row.provider, hold.capped)
    // The batch's other waiting jobs would be held too: they leave the schedule now, not one token each.
    if (hold.unschedule?.length) {
      this.scheduler.unschedule(hold.unschedule)
      this.o.onChange(hold.unschedule)
    }
    if (hold.budget.scope === 'batch') return
    p.submitHoldUntil = Math.max(p.submitHoldUntil, hold.retryAt ?? Infinity)
    this.schedule(row.id, row.provider, 'submit', this.clock.now())
  }

  /** Budgets changed: held submits look again. */
  releaseBudgetHolds(): void {
    this.scheduler.releaseSubmitHolds()
  }

  /** The provider's adapter, or null after pausing the provider with the reason it cannot be built. */
  private adapterOrPause(provider: ProviderId): ProviderAdapter | null {
    try {
      return this.o.adapter(provider)
    } catch (err) {
      this.scheduler.pause(provider, `${providerInfo(provider).label} cannot be used: ${(err as Error).message}`)
      return null
    }
  }

  /** The user canceled while the submit was in flight: keep the provider's id and stop it there too. */
  private async cancelledWhileSending(row: JobRow, adapter: ProviderAdapter, ref: ProviderRef): Promise<void> {
    this.o.store.transition(row.id, life.acceptedAfterCancel(ref, adapter.cancel !== undefined), this.clock.now())
    this.o.onChange([row.id])
    await adapter.cancel?.(ref).catch((err: Error) => this.o.store.addEvent(row.id, 'error', `Remote cancel failed: ${err.message}`))
  }

  private submitFailed(row: JobRow, p: Lane, err: unknown): void {
    const now = this.clock.now()
    const e = err instanceof ProviderError ? err : new ProviderError('unknown_outcome', (err as Error).message)
    this.noteReachability(row.provider, e)
    const requeue = (due: number, event: life.JobEventDraft, extra: Pick<JobPatch, 'transient_errors' | 'error'> = {}, scheduleAt = due) => {
      if (this.write(row.id, life.notAccepted(row, due, event, extra))) this.schedule(row.id, row.provider, 'submit', scheduleAt)
    }
    switch (e.kind) {
      case 'rate_limited': {
        const due = this.scheduler.rateLimited(p, e.details.retryAfterMs, now, true)
        // Ready now but behind the provider's submit hold, which a finishing task lifts early (BFL caps
        // active tasks: one ending frees a slot before Retry-After runs out).
        return requeue(due, { type: 'rate_limited', message: `${e.message}: holding submits for up to ${Math.round((due - now) / 1000)} s` }, {}, now)
      }
      case 'auth':
      case 'credits':
        this.scheduler.pause(row.provider, e.message)
        return requeue(now, {
          type: 'paused',
          message: `${e.message}. The ${providerInfo(row.provider).label} queue is paused until the key or account is fixed`
        })
      case 'transient': {
        const errors = row.transient_errors + 1
        if (errors > (this.o.maxTransientErrors ?? 6)) {
          return void this.write(
            row.id,
            life.failed('submitting', `${e.message} (gave up after ${errors} tries)`, now, e.message, { attempts: row.attempts, transient_errors: errors })
          )
        }
        const due = now + backoff(errors, this.random)
        const tries = `${errors} ${errors === 1 ? 'try' : 'tries'} so far`
        // The row says why it waits and how often it was tried (attempts stay flat: nothing was accepted).
        return requeue(
          due,
          { type: 'retry', message: `${e.message}; not accepted, will send again in ${Math.round((due - now) / 1000)} s (${tries})` },
          { transient_errors: errors, error: `${e.message} (${tries}; trying again)` }
        )
      }
      case 'rejected':
        return void this.write(row.id, life.failed('submitting', e.message, now))
      default:
        // Sent, but no id came back (timeout, dropped connection, a 200 without an id): maybe billed.
        return void this.write(
          row.id,
          life.needsAttention(
            'submitting',
            `Submitted? Unknown: ${e.message}`,
            `${e.message}${e.details.body ? ` — body: ${e.details.body}` : ''}. Not sent again automatically: the provider may have accepted (and billed) it`,
            { finished_at: now }
          )
        )
    }
  }

  /** The job's input files as they are on disk now; null after failing the job when one is gone or changed type. */
  private async inputFiles(row: JobRow): Promise<InputFile[] | null> {
    try {
      return await Promise.all(stepInputs(this.o.store, row).map(describeInput))
    } catch (err) {
      const message = (err as Error).message
      // Nothing was sent: the attempt does not count.
      this.write(row.id, life.failed('submitting', message, this.clock.now(), `${message}; nothing was sent`, { attempts: row.attempts }))
      return null
    }
  }

  private inputMedia(row: JobRow): { url?: string; mediaId?: string }[] | undefined {
    // A pipeline step starts from its parent's downloaded file (inputFiles), not the provider's copy.
    if (!row.parent_job_id || row.from_parent) return undefined
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

  private async poll(id: number, p: Lane): Promise<void> {
    const row = this.o.store.job(id)
    if (!row || row.status !== 'running') return
    const ref = jobRef(row)
    if (!ref) return void this.write(id, life.needsAttention('running', 'Running without a provider job id', 'No provider job id stored'))
    const submittedAt = row.submitted_at ?? row.created_at
    let result: PollResult
    const capture: ResponseCapture = { last: null }
    const adapter = this.adapterOrPause(row.provider)
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
        this.scheduler.jobEnded(p)
        this.o.strategy(row.provider, row.model).jobReady?.(this.context({ ...row, polls }, now, submittedAt, 1, 'running'))
        this.write(id, life.ready(base, result.files ?? [], result.rawStatus, now))
        return this.schedule(id, row.provider, 'download', now)
      }
      case 'failed':
        this.scheduler.jobEnded(p)
        return void this.write(
          id,
          life.failed(
            'running',
            result.error ?? 'The provider reported a failure',
            now,
            `${result.error ?? 'Failed'} (${result.rawStatus})${result.retryable === false ? '; retrying will not help' : ''}`,
            { ...base, next_poll_at: null }
          )
        )
      case 'canceled':
        this.scheduler.jobEnded(p)
        return void this.write(id, life.canceledByProvider(base, result.rawStatus, now))
    }
    const maxWaitMs =
      this.o.maxWaitMs?.(row.provider, row.model) ?? (modelInfo(row.provider, row.model)?.timing ?? providerInfo(row.provider).genericTiming).max * 1000
    if (result.stalled || now - submittedAt > maxWaitMs) {
      const reason = result.stalled ?? `No result after ${Math.round((now - submittedAt) / 1000)} s (limit ${maxWaitMs / 1000} s)`
      return void this.write(id, life.needsAttention('running', reason, `${reason}; offered for resubmission`, { ...base, next_poll_at: null }))
    }
    const progress = result.progress ?? row.progress
    const strategy = this.o.strategy(row.provider, row.model)
    const ctx = { ...this.context({ ...row, polls }, now, submittedAt, progress, result.status), polls }
    const due = now + strategy.nextDelayMs(ctx)
    let event: life.JobEventDraft | undefined
    if (!result.known && result.rawStatus !== row.raw_status)
      event = { type: 'unknown_status', message: `Unknown status "${result.rawStatus}" from the provider; still polling` }
    else if (result.rawStatus !== row.raw_status) event = { type: 'status', message: `Provider says "${result.rawStatus}"` }
    this.write(id, life.progressed('running', { ...base, progress, next_poll_at: Math.round(due) }, event))
    this.schedule(id, row.provider, 'poll', due)
  }

  private pollFailed(row: JobRow, p: Lane, err: unknown, response: string | null): void {
    const now = this.clock.now()
    const e = err instanceof ProviderError ? err : new ProviderError('malformed', (err as Error).message)
    this.noteReachability(row.provider, e)
    const again = (due: number, patch: JobPatch, event: life.JobEventDraft) => {
      if (this.write(row.id, life.progressed('running', { ...patch, last_response: response ?? row.last_response, next_poll_at: Math.round(due) }, event)))
        this.schedule(row.id, row.provider, 'poll', due)
    }
    switch (e.kind) {
      case 'rate_limited': {
        const due = this.scheduler.rateLimited(p, e.details.retryAfterMs, now, false)
        return again(due, {}, { type: 'rate_limited', message: `${e.message}: waiting ${Math.round((due - now) / 1000)} s` })
      }
      case 'auth':
      case 'credits':
        this.scheduler.pause(row.provider, e.message)
        return again(now, {}, { type: 'paused', message: `${e.message}. Polling is paused until the key or account is fixed` })
      case 'not_found':
        this.scheduler.jobEnded(p)
        return void this.write(row.id, life.failed('running', `The provider lost this job: ${e.message}`, now, e.message, { next_poll_at: null }))
      default: {
        const errors = row.transient_errors + 1
        const detail = `${e.message}${e.details.body && !e.message.includes(e.details.body) ? ` — body: ${e.details.body}` : ''}`
        if (errors > (this.o.maxTransientErrors ?? 6)) {
          return void this.write(
            row.id,
            life.needsAttention('running', `Provider unreachable: ${e.message} (${errors} tries)`, detail, { transient_errors: errors, next_poll_at: null })
          )
        }
        return again(
          now + backoff(errors, this.random),
          { transient_errors: errors, polls: row.polls + 1 },
          { type: 'retry', message: `${detail}; will ask again` }
        )
      }
    }
  }

  private async download(id: number, p: Lane): Promise<void> {
    const row = this.o.store.job(id)
    if (!row || row.status !== 'downloading') return
    const dir = row.output_dir
    await removeStaleParts(dir, id)
    const files = jobResult(row)
    if (files.length === 0)
      return void this.write(id, life.failed('downloading', 'The provider reported success without any file', this.clock.now(), 'No output files'))
    const saved = this.o.store.savedFiles(id)
    try {
      checkResultFiles(files)
      for (const [idx, file] of files.entries()) {
        const done = saved.get(idx)
        if (done && existsSync(done)) continue
        if (this.o.isApiUrl?.(row.provider, file.url)) await this.scheduler.token(p)
        const stem = `${slug(row.prompt)}-${id}${files.length > 1 ? `-${idx + 1}` : ''}`
        const got = await downloadFile(file.url, dir, stem, id, this.o.download ?? DEFAULT_DOWNLOAD_OPTIONS)
        const assetId = this.o.store.insertAsset(
          { jobId: id, idx, path: got.path, sourceUrl: file.url, mime: got.mime, size: got.size, sha256: got.sha256, width: got.width, height: got.height },
          this.clock.now()
        )
        this.o.onAsset?.(assetId, got.path)
      }
    } catch (err) {
      return this.downloadFailed(row, err, files)
    }
    const now = this.clock.now()
    if (this.write(id, life.downloaded(files.length, dir, now))) {
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
        this.write(
          row.id,
          life.progressed('downloading', { result_json: JSON.stringify(fresh) }, { type: 'retry', message: `${e.message}; got a fresh URL from the provider` })
        )
        return this.schedule(row.id, row.provider, 'download', this.clock.now())
      }
      if (!changed && refreshError === null) {
        return void this.write(row.id, life.failed('downloading', e.message, now, `${e.message}; the provider has no other URL for it`, { next_poll_at: null }))
      }
      // The result exists at the provider but cannot be fetched: the user decides (the files may be in
      // the provider's dashboard), rather than paying for it again.
      const why = refreshError ? `could not get a fresh URL: ${refreshError}` : 'the refreshed URL failed too'
      return void this.write(row.id, life.needsAttention('downloading', `${e.message}; ${why}`, `${e.message}; ${why}`, { next_poll_at: null }))
    }
    if (e.kind === 'transient') {
      const errors = row.transient_errors + 1
      if (errors <= (this.o.maxTransientErrors ?? 6)) {
        const due = now + backoff(errors, this.random)
        this.write(
          row.id,
          life.progressed(
            'downloading',
            { transient_errors: errors, next_poll_at: Math.round(due) },
            { type: 'retry', message: `${e.message}; will download again` }
          )
        )
        return this.schedule(row.id, row.provider, 'download', due)
      }
    }
    // Disk and content problems end the attempt; the result stays stored so Retry downloads again.
    this.write(row.id, life.failed('downloading', e.message, now, e.message, { next_poll_at: null }))
  }
}
