// The contract's job methods: queue prompts (and re-queue jobs on another model), list and open jobs, cancel,
// retry and delete them, pause a batch, the run's counts and stats. Status changes go through the
// lifecycle (jobs/lifecycle.ts); the runner (jobs/runner.ts) carries the jobs on from there.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PROVIDER_IDS, modelInfo, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { ACTIVE_STATUSES, MAX_INPUT_BYTES, canRetry, type Api, type QueueRequest } from '../../../shared/contract'
import { etaBook, type EventHub, type JobChanges } from '../events'
import type { Connections } from '../providers/connections'
import { jobInputs, toJob, type NewJob, type Store } from '../storage/store'
import { safeJoin, slug } from './downloader'
import { checkModelInputs, describeInput, keepInputFile, resolveInputs } from './inputs'
import * as life from './lifecycle'
import type { Poller } from './runner'
import type { Costs } from './costs'
import { failOrphanSteps, planSteps, pushSteps, requeueSteps } from './pipeline'
import { planSendTo } from './sendTo'
import { lineageOf } from '../storage/lineage'
import { saveAxes } from '../storage/sheets'
import type { ActiveGroup } from './eta'

type JobMethods =
  | 'queuePrompts'
  | 'listJobs'
  | 'getJob'
  | 'cancelJobs'
  | 'retryJobs'
  | 'deleteJobs'
  | 'requeueJobs'
  | 'listBatches'
  | 'getStatusCounts'
  | 'getStats'
  | 'pauseBatch'
  | 'addInputFile'
  | 'sendTo'
  | 'getLineage'
  | 'getCosts'

export interface JobServiceDeps {
  store: Store
  runner: Poller
  costs: Costs
  connections: Connections
  changes: JobChanges
  events: EventHub
  dataDir: string
  /** The output root and default provider, as settings say now. */
  settings: () => { outputRoot: string; defaultProvider: ProviderId }
  /** Work that outlives the call that started it (a remote cancel): the core waits for it before closing. */
  inBackground: (work: Promise<unknown>) => void
}

export class JobService {
  readonly api: Pick<Api, JobMethods>
  private groups: { value: ActiveGroup[]; until: number } | null = null

  constructor(private readonly d: JobServiceDeps) {
    this.api = this.methods()
  }

  private batchDir(name: string, id: number): string {
    return safeJoin(this.d.settings().outputRoot, `${slug(name, 60)}-${id}`)
  }

  /** Stores a batch (or adds to one: `into`, a queue action sent in several calls) and its jobs in one
   *  transaction, then hands them to the runner. */
  private queue(jobs: NewJob[], batchName?: string, into?: number, budget?: QueueRequest['budget']): { batchId: number; jobIds: number[] } {
    const name = batchName?.trim() || `Batch ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`
    // The jobs, their estimates and the batch's budget commit together, before the runner can send any of them.
    const { batchId, jobIds } = this.d.store.addBatchJobs(jobs, {
      name,
      into,
      outputDir: (id) => this.batchDir(name, id),
      within: (added) => this.d.costs.queued(added, jobs, budget)
    })
    this.d.changes.batchActive(batchId)
    // Chained steps are scheduled by their parent's completion, not now.
    for (const provider of new Set(jobs.map((j) => j.provider)))
      this.d.runner.enqueue(
        jobIds.filter((_, i) => jobs[i].provider === provider && jobs[i].after === undefined),
        provider
      )
    this.d.changes.jobsChanged(jobIds)
    return { batchId, jobIds }
  }

  /** Steps still queued behind a parent that ended badly before a crash: ended now, with the reason (the core's start). */
  failOrphanSteps(): void {
    const changed = failOrphanSteps(this.d.store)
    if (changed.length) this.d.changes.jobsChanged(changed)
  }

  /**
   * Unfinished jobs per batch and model, for the status bar's estimates. Its GROUP BY reads every unfinished
   * job (about 50 ms at 100,000): when it is that slow, the 2-second refresh reuses the answer for up to 10 s
   * rather than block the event loop every time.
   */
  private activeGroups(): ActiveGroup[] {
    const now = Date.now()
    if (this.groups && now < this.groups.until) return this.groups.value
    const started = performance.now()
    const value = this.d.store.activeGroups()
    this.groups = { value, until: performance.now() - started > 20 ? now + 10_000 : 0 }
    return value
  }

  private methods(): Pick<Api, JobMethods> {
    const { store, runner, connections, changes } = this.d
    return {
      queuePrompts: async (arg) => {
        const provider = arg.provider ?? this.d.settings().defaultProvider
        const info = providerInfo(provider)
        // The catalogue suggests models; any id the provider accepts can be queued, and its own refusal is shown on the job.
        const known = arg.model ? modelInfo(provider, arg.model) : (info.models.find((m) => !arg.kind || m.kind === arg.kind) ?? info.models[0])
        const modelId = arg.model ?? known!.id
        const shared = arg.inputs?.length ? await resolveInputs(arg.inputs, store) : { inputs: [], files: [] }
        if (arg.promptInputs && arg.promptInputs.length !== arg.prompts.length)
          throw new Error(`${arg.promptInputs.length} input lists for ${arg.prompts.length} prompts`)
        const perPrompt = await Promise.all(
          arg.prompts.map(async (_, i) => (arg.promptInputs?.[i]?.length ? resolveInputs(arg.promptInputs[i], store) : { inputs: [], files: [] }))
        )
        const kind =
          known?.kind ??
          arg.kind ??
          (shared.inputs.length || perPrompt.some((p) => p.inputs.length) ? (info.kinds.includes('edit') ? 'edit' : info.kinds[0]) : info.kinds[0])
        if (!known && !info.kinds.includes(kind)) throw new Error(`${info.label} cannot make ${kind} jobs (it makes ${info.kinds.join(', ')})`)
        perPrompt.forEach((p, i) => {
          try {
            checkModelInputs(provider, known, modelId, [...shared.files, ...p.files])
          } catch (err) {
            throw new Error(arg.prompts.length > 1 ? `Prompt ${i + 1}: ${(err as Error).message}` : (err as Error).message, { cause: err })
          }
        })
        const then = arg.then ? modelInfo(provider, arg.then.model) : undefined
        if (arg.then && !then) throw new Error(`${info.label} has no model "${arg.then.model}" to chain`)
        const steps = arg.steps?.length ? planSteps(then?.kind ?? kind, arg.steps) : []
        await connections.ready(provider)
        const count = arg.count ?? 1
        const jobs: NewJob[] = []
        arg.prompts.forEach((prompt, i) => {
          const inputs = [...shared.inputs, ...perPrompt[i].inputs]
          for (let n = 0; n < count; n++) {
            jobs.push({ provider, model: modelId, kind, prompt: prompt.trim(), params: arg.params ?? {}, inputs })
            if (then) jobs.push({ provider, model: then.id, kind: then.kind, prompt: prompt.trim(), params: arg.then?.params ?? {}, after: jobs.length - 1 })
            if (steps.length) pushSteps(jobs, jobs.length - 1, prompt.trim(), steps)
          }
        })
        for (const step of new Set(steps.map((s) => s.provider))) await connections.ready(step)
        this.d.costs.checkQueue(arg.batchId ?? null, jobs, arg.budget, arg.allowUnknownCost ?? false)
        const queued = this.queue(jobs, arg.batchName, arg.batchId, arg.budget)
        if (arg.axes) saveAxes(store, queued.batchId, arg.axes)
        return queued
      },
      listJobs: async (arg) => {
        const { total, rows } = store.listJobs({ ...arg, offset: arg.offset ?? 0, limit: arg.limit ?? 200 })
        const etas = etaBook(store)
        return { total, jobs: rows.map((row) => toJob(row, etas.jobEta(row))) }
      },
      getJob: async ({ id }) => {
        const row = store.job(id)
        return row
          ? {
              job: toJob(row, etaBook(store).jobEta(row)),
              events: store.events(id),
              assets: store.assetsOfJob(id),
              lastResponse: row.last_response,
              cost: this.d.costs.ledger.jobCost(id)
            }
          : null
      },
      cancelJobs: async ({ ids }) => {
        let changed = 0
        for (const id of ids) {
          const row = store.job(id)
          if (!row || !ACTIVE_STATUSES.includes(row.status)) continue
          // A provider that cannot be spoken to (a bad base URL, a key that cannot be decrypted) still lets its jobs be canceled here.
          const adapter = connections.adapterOrNull(row.provider)
          const remote = Boolean(row.provider_ref_json && row.status === 'running' && adapter?.cancel)
          if (!store.transition(id, life.cancel(row, remote, Date.now()), Date.now())) continue
          runner.forget(id)
          changed++
          if (remote)
            this.d.inBackground(
              adapter!.cancel!(JSON.parse(row.provider_ref_json!)).catch((err: Error) => store.addEvent(id, 'error', `Remote cancel failed: ${err.message}`))
            )
        }
        changes.jobsChanged(ids)
        return { changed }
      },
      retryJobs: async ({ ids }) => {
        let changed = 0
        for (const id of ids) {
          const row = store.job(id)
          if (!row || !canRetry(row.status)) continue
          await connections.ready(row.provider)
          if (!store.transition(id, life.retry(row), Date.now())) continue
          runner.resumeProvider(row.provider)
          runner.reschedule(store.job(id)!)
          // Its pipeline steps that failed with it start again when it is done.
          changes.jobsChanged(requeueSteps(store, id))
          changes.batchActive(row.batch_id)
          changed++
        }
        changes.jobsChanged(ids)
        return { changed }
      },
      deleteJobs: async ({ ids, deleteFiles }) => {
        for (const id of ids) runner.forget(id)
        const { deleted, files } = store.deleteJobs(ids)
        if (deleteFiles) await Promise.all(files.map((f) => rm(f, { force: true })))
        this.d.events.emit('countsChanged', store.statusCounts())
        return { changed: deleted }
      },
      requeueJobs: async ({ ids, provider, model }) => {
        const rows = ids.map((id) => store.job(id)).filter((r) => r !== undefined)
        if (rows.length === 0) throw new Error('None of these jobs exist any more')
        const info = modelInfo(provider, model)
        const kinds = providerInfo(provider).kinds
        const jobs = rows.map((r) => {
          const params = JSON.parse(r.params_json) as Record<string, unknown>
          // A job re-queued on a model that starts from a picture (upscale, edit, video) starts from its own
          // inputs, or else from what it made; it keeps only the parameters the new model has.
          const own = jobInputs(r)
          const inputs =
            info?.input && own.length === 0
              ? store
                  .assetsOfJob(r.id)
                  .slice(0, info.input.max)
                  .map((a) => ({ path: a.path, assetId: a.id }))
              : own
          const kept = info ? Object.fromEntries(Object.entries(params).filter(([name]) => info.params?.some((p) => p.name === name))) : params
          return { provider, model, kind: info?.kind ?? (kinds.includes(r.kind) ? r.kind : kinds[0]), prompt: r.prompt, params: kept, inputs }
        })
        for (const [i, j] of jobs.entries()) {
          try {
            checkModelInputs(provider, info, model, await Promise.all(j.inputs.map(describeInput)))
          } catch (err) {
            throw new Error(jobs.length > 1 ? `Job ${rows[i].id}: ${(err as Error).message}` : (err as Error).message, { cause: err })
          }
        }
        await connections.ready(provider)
        return this.queue(jobs, `${rows[0].batch_name} → ${info?.label ?? model}`)
      },
      listBatches: async () => store.listBatches(),
      getStatusCounts: async () => store.statusCounts(),
      getStats: async () => {
        const activity = runner.stats().providers
        const errors = store.recentErrors(Date.now() - 3_600_000)
        const groups = this.activeGroups()
        const etas = etaBook(store)
        return {
          counts: store.statusCounts(),
          etaAt: etas.runEta(groups, Date.now()),
          batches: etas.batchEtas(groups, Date.now()),
          providers: PROVIDER_IDS.filter((id) => activity[id] || errors.has(id)).map((id) => ({
            provider: id,
            requestsPerMinute: activity[id]?.requestsLastMinute ?? 0,
            rateLimitWaits: activity[id]?.rateLimitWaits ?? 0,
            errorsLastHour: errors.get(id) ?? 0,
            pausedReason: activity[id]?.pausedReason ?? null,
            unreachable: activity[id]?.unreachable ?? null
          })),
          ...this.d.costs.statsPart()
        }
      },
      pauseBatch: async ({ batchId, paused }) => {
        const queued = store.setBatchPaused(batchId, paused)
        if (!paused) for (const row of queued) runner.reschedule(row)
        if (!paused && queued.length) changes.batchActive(batchId)
        return { changed: queued.length }
      },
      addInputFile: async ({ name, dataBase64 }) => {
        const bytes = Buffer.from(dataBase64, 'base64')
        if (bytes.length > MAX_INPUT_BYTES) throw new Error(`${name} is over ${MAX_INPUT_BYTES / 1024 / 1024} MB`)
        return keepInputFile(join(this.d.dataDir, 'inputs'), name, bytes)
      },
      sendTo: async (arg) => {
        const plan = await planSendTo(store, arg)
        await connections.ready(arg.provider)
        return this.queue(plan.jobs, plan.batchName)
      },
      getLineage: async ({ jobId }) => lineageOf(store, jobId),
      getCosts: async (filter) => this.d.costs.ledger.report(filter ?? {})
    }
  }
}
