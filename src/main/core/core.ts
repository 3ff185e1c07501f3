// The core of the main process, in plain Node: it opens the library, starts the simulator behind the Demo
// provider when the Demo is used (with a per-run key, on loopback), runs the poller, and implements the contract's `Api`. The Electron shell, the headless bridge,
// the CLI and the tests all drive this same object.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PROVIDER_IDS, modelInfo, providerInfo, type PollStrategyName, type ProviderId } from '../../shared/catalogue'
import { ACTIVE_STATUSES, MAX_INPUT_BYTES, type PathPurpose, type Api, type EventName, type Events, type Job, type Settings } from '../../shared/contract'
import { openDb } from './storage/db'
import { safeJoin, slug, sweepStaleParts } from './jobs/downloader'
import type { KeyCheck, KeySource } from './settings/keys'
import { EtaBook } from './jobs/eta'
import { lockLibrary } from './storage/lock'
import { dbPath, defaultOutputRoot, thumbsDir } from './storage/paths'
import { Poller, type PollerOptions, type ProviderLimits } from './jobs/runner'
import { checkBaseUrl, ProviderError } from './providers/http'
import { createAdapter } from './providers/registry'
import type { ProviderAdapter } from './providers/types'
import { wallClock, type Clock } from './scheduling/clock'
import { adaptive, exponential, fixed, learned, perStatus, type PollStrategy } from './scheduling/strategies'
import type { SettingsStore, StoredSettings } from './settings/settings'
import { startSimulator, type Simulator } from '../demo/server'
import type { Fault, SimOptions, SimProvider } from '../demo/engine'
import { checkModelInputs, describeInput, keepInputFile, resolveInputs } from './jobs/inputs'
import { Store, jobInputs, toJob, type NewJob } from './storage/store'
import { checkAbsolutePath, ExportRun, sweepStaleExports } from './library/export'
import { Thumbnailer } from './library/thumbnails'

/**
 * Keys, and where the app can store a new one (Electron: safeStorage; headless: a 0600 key file); what is
 * wrong with a provider's saved key (it cannot be decrypted, its file is unsafe), and whether saved keys
 * are really protected.
 */
export type KeyStore = KeySource & {
  set?(provider: ProviderId, key: string | null): void
  check?(provider: ProviderId): KeyCheck
  warning?(): string | null
}

export interface CoreOptions {
  dataDir: string
  settings: SettingsStore
  keys: KeyStore
  /** Electron passes its own build of better-sqlite3. */
  nativeBinding?: string
  /** Extra simulator options (tests, benchmarks); the demo's duration and failure rate come from settings. */
  simulator?: SimOptions
  /** A simulator owned by the caller (tests that restart the core against the same provider). */
  externalSimulator?: Simulator
  clock?: Clock
  /** Overrides for tests and benchmarks. */
  poller?: Partial<Pick<PollerOptions, 'strategy' | 'limits' | 'globalConcurrency' | 'maxTransientErrors' | 'download' | 'random'>>
  /** The desktop's file actions (Electron's shell); absent in headless mode. */
  desktop?: { openPath(path: string): Promise<string>; showItemInFolder(path: string): void; choosePath?(purpose: PathPurpose, suggested?: string): Promise<string | null> }
  /** Milliseconds between batched job-change events. */
  eventIntervalMs?: number
}

type Listener<E extends EventName> = (payload: Events[E]) => void

/** A new user's Demo jobs all succeed: failures on purpose are something to switch on in Settings, not a surprise. */
const DEFAULT_DEMO = { durationMs: 4000, failureRate: 0 }
const MAX_JOBS_PER_EVENT = 500
const USER_PAUSE = 'Paused by you'
/** Where each export in progress notes its temporary file, so a start after a crash can remove it. */
const EXPORT_JOURNAL = 'exports-in-progress'
/** Finished ZIP exports headless mode still offers for download. */
const MAX_REMEMBERED_ZIPS = 20

/** The docs' own recipe per provider: what the learned strategy starts from until it has history. */
export function docsStrategy(provider: ProviderId): PollStrategy {
  switch (providerInfo(provider).protocol) {
    case 'letzai':
      return fixed(3000)
    case 'bfl':
      return exponential({ initialMs: 500, factor: 2, capMs: 10_000, jitter: 0.1 })
    case 'wondercat':
      return exponential({ initialMs: 1000, factor: 1.5, capMs: 5000 })
    case 'apixo':
      return adaptive
    case 'umrgen':
      return perStatus({ queuedMs: 3000, runningMs: 2000 })
  }
}

/** The learned strategy: `latencyMs` is the provider's promise (default each model's documented interval); `now` is the poller's clock. */
export function defaultStrategy(_provider: ProviderId, o: { latencyMs?: number; now?: () => number } = {}): PollStrategy {
  return learned({ minHistory: 5, minGapMs: 500, ...o })
}

export function strategyByName(name: PollStrategyName, provider: ProviderId, learnedOptions: { latencyMs?: number; now?: () => number } = {}): PollStrategy {
  switch (name) {
    case 'learned':
      return defaultStrategy(provider, learnedOptions)
    case 'docs':
      return docsStrategy(provider)
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

/** The provider's documented limits (or the polite guess its catalogue file marks as one). */
export function defaultLimits(provider: ProviderId): ProviderLimits {
  return providerInfo(provider).limits
}

export class Core {
  readonly store: Store
  readonly poller: Poller
  readonly api: Api
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>()
  private readonly changed = new Set<number>()
  private flushTimer: NodeJS.Timeout | null = null
  private readonly adapters = new Map<ProviderId, ProviderAdapter>()
  private readonly thumbnailer: Thumbnailer
  private readonly exports = new Map<string, ExportRun>()
  /** Finished ZIP exports by id, newest last: headless mode offers them for download (exportedZip). */
  private readonly exportedZips = new Map<string, string>()
  private readonly strategies = new Map<string, PollStrategy>()
  /** Batches with work in progress: each is announced once when its last job ends. */
  private readonly activeBatches = new Set<number>()
  private readonly background = new Set<Promise<unknown>>()
  private unlock: () => void = () => undefined

  /** The Demo's simulator, started the first time the Demo is used (an external one is there from the start). */
  private demoSim: Simulator | null
  private demoSimStarting: Promise<Simulator> | null = null

  private constructor(
    private readonly o: CoreOptions,
    simulator: Simulator | null
  ) {
    this.demoSim = simulator
    this.store = new Store(openDb(dbPath(o.dataDir), { nativeBinding: o.nativeBinding }))
    this.thumbnailer = new Thumbnailer(thumbsDir(o.dataDir), (assetId, path) => this.store.setThumb(assetId, path))
    this.poller = new Poller({
      store: this.store,
      adapter: (provider) => this.adapter(provider),
      strategy: (provider, model) => {
        const key = `${provider}/${model}`
        let s = this.strategies.get(key)
        if (!s) this.strategies.set(key, (s = o.poller?.strategy?.(provider, model) ?? this.strategyFor(provider)))
        return s
      },
      limits: o.poller?.limits ?? ((provider) => this.pollingSettings(provider)),
      maxWaitMs: (provider) => this.pollingSettings(provider).maxWaitSeconds * 1000 || undefined,
      isApiUrl: (provider, url) => URL.canParse(url) && new URL(url).host === new URL(this.baseUrl(provider)).host,
      globalConcurrency: o.poller?.globalConcurrency,
      maxTransientErrors: o.poller?.maxTransientErrors,
      download: o.poller?.download,
      random: o.poller?.random,
      clock: o.clock,
      onChange: (ids) => this.jobsChanged(ids),
      onAsset: (assetId, path) => {
        const asset = this.store.asset(assetId)
        if (asset) this.thumbnailer.add(assetId, path, asset.mime)
      },
      onStorage: (reason) =>
        this.emit('notice', reason
          ? { level: 'error', message: `Batch Studio cannot write its library (${reason}). Nothing is sent or lost meanwhile; work resumes by itself once the disk has room again.` }
          : { level: 'info', message: 'The library can be written again: work resumed.' }),
      onProviderPaused: (provider, reason) => {
        if (reason) this.emit('notice', { level: reason === USER_PAUSE ? 'info' : 'error', message: `${providerInfo(provider).label} paused: ${reason}` })
        this.emit('settingsChanged', this.settings())
      },
      onReachability: () => this.emit('settingsChanged', this.settings())
    })
    this.api = this.createApi()
  }

  static async open(o: CoreOptions): Promise<Core> {
    mkdirSync(o.dataDir, { recursive: true })
    const unlock = lockLibrary(o.dataDir, { nativeBinding: o.nativeBinding })
    try {
      const core = await Core.start(o)
      core.unlock = unlock
      return core
    } catch (err) {
      unlock()
      throw err
    }
  }

  private static async start(o: CoreOptions): Promise<Core> {
    const core = new Core(o, o.externalSimulator ?? null)
    // The library is locked: whatever temporary files are there, a killed run left them.
    await sweepStaleParts(core.store.batchDirs())
    await sweepStaleExports(join(o.dataDir, EXPORT_JOURNAL), [join(core.settings().outputRoot, 'exports')])
    const unfinished = core.store.unfinishedSchedule()
    // Unfinished Demo jobs (or faults to inject) need the simulator before the poller looks at them.
    if (unfinished.some((r) => r.provider === 'demo') || Object.keys(o.settings.read().simulatorFaults ?? {}).length) await core.demoSimulator()
    for (const row of unfinished) core.activeBatches.add(row.batch_id)
    core.pauseMisconfigured()
    core.poller.start(unfinished)
    return core
  }

  /** A `<NAME>_BASE_URL` that cannot be used pauses its provider from the start, with the reason, rather than failing its jobs one by one. */
  private pauseMisconfigured(): void {
    for (const id of PROVIDER_IDS) {
      const name = `${providerInfo(id).envName}_BASE_URL`
      const value = process.env[name]
      if (!value) continue
      try {
        checkBaseUrl(value)
      } catch (err) {
        this.poller.pauseProvider(id, `${name} is not usable: ${(err as Error).message}`)
      }
    }
  }

  /** The Demo's simulator, which answers only this run's key and only on 127.0.0.1; started on first use. */
  async demoSimulator(): Promise<Simulator> {
    if (this.demoSim) return this.demoSim
    this.demoSimStarting ??= (async () => {
      const stored = this.o.settings.read()
      const demo = { ...DEFAULT_DEMO, ...stored.demo }
      const key = randomBytes(24).toString('base64url')
      const sim = await startSimulator({ durationMs: demo.durationMs, failureRate: demo.failureRate, persistTo: join(this.o.dataDir, 'demo-simulator.jsonl'), keys: { letzai: key }, ...this.o.simulator })
      for (const [target, faults] of Object.entries(stored.simulatorFaults ?? {}) as [SimProvider | 'files', Fault[]][]) {
        for (const fault of faults) sim.engine.inject(target, fault)
      }
      this.demoSim = sim
      this.adapters.delete('demo')
      this.emit('settingsChanged', this.settings())
      return sim
    })()
    return this.demoSimStarting
  }

  /** The running Demo simulator (tests and benchmarks look at its ledger); throws before the Demo was used. */
  get simulator(): Simulator {
    if (!this.demoSim) throw new Error('The Demo simulator has not been started: nothing used the Demo provider yet')
    return this.demoSim
  }

  async close(): Promise<void> {
    await this.poller.stop()
    await Promise.all([...this.background])
    await this.thumbnailer.whenIdle()
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    const starting = this.demoSimStarting
    if (!this.o.externalSimulator && starting) await (await starting).close()
    this.store.db.close()
    this.unlock()
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventName>)
    return () => set.delete(listener as Listener<EventName>)
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<E>)(payload)
  }

  /** Collects changed jobs and sends them in one event every `eventIntervalMs`, so a thousand transitions
   *  a second cost the renderer ten messages. */
  private jobsChanged(ids: number[]): void {
    if (!['jobsChanged', 'countsChanged', 'batchFinished'].some((e) => this.listeners.get(e as EventName)?.size)) return
    for (const id of ids) this.changed.add(id)
    this.flushTimer ??= setTimeout(() => this.flush(), this.o.eventIntervalMs ?? 100)
  }

  private flush(): void {
    this.flushTimer = null
    const ids = [...this.changed]
    this.changed.clear()
    // A bulk action can change 100,000 jobs at once: send the latest few and let views refetch the rest.
    const sent = ids.slice(-MAX_JOBS_PER_EVENT)
    const jobs: Job[] = []
    const etas = this.etaBook()
    for (const id of sent) {
      const row = this.store.job(id)
      if (row) jobs.push(toJob(row, etas.jobEta(row)))
    }
    this.emit('jobsChanged', { jobs, truncated: sent.length < ids.length })
    this.emit('countsChanged', this.store.statusCounts())
    for (const batchId of this.activeBatches) {
      const outcome = this.store.batchOutcome(batchId)
      if (outcome && outcome.active > 0) continue
      this.activeBatches.delete(batchId)
      if (outcome) this.emit('batchFinished', { batchId, name: outcome.name, done: outcome.done, failed: outcome.failed })
    }
  }

  /** Work that outlives the call that started it (a remote cancel): close() waits for it before the library closes. */
  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.background.delete(tracked))
    this.background.add(tracked)
  }

  private adapterOrNull(provider: ProviderId): ProviderAdapter | null {
    try {
      return this.adapter(provider)
    } catch {
      return null
    }
  }

  adapter(provider: ProviderId): ProviderAdapter {
    let a = this.adapters.get(provider)
    if (!a) {
      const baseUrl = this.baseUrl(provider)
      // The Demo's key is the simulator's per-run key, so nothing else on this machine can drive it.
      const apiKey = provider === 'demo' ? (this.demoSim?.engine.options.keys?.letzai ?? null) : this.o.keys.get(provider)
      // A saved key that cannot be used (it no longer decrypts, its file is unsafe) is said, not sent as none.
      const problem = provider !== 'demo' && apiKey === null ? this.o.keys.check?.(provider).problem : null
      if (problem) throw new Error(problem)
      a = createAdapter(provider, { baseUrl, apiKey })
      this.adapters.set(provider, a)
    }
    return a
  }

  private baseUrl(provider: ProviderId): string {
    const info = providerInfo(provider)
    if (provider === 'demo') return process.env.DEMO_BASE_URL || (this.demoSim?.baseUrl('letzai') ?? '')
    return process.env[`${info.envName}_BASE_URL`] || this.o.settings.read().providers?.[provider]?.baseUrl || info.defaultBaseUrl
  }

  /** The provider's chosen strategy; the learned one keeps its latency promise on the poller's clock. */
  private strategyFor(provider: ProviderId): PollStrategy {
    const { strategy, latencySeconds } = this.pollingSettings(provider)
    return strategyByName(strategy, provider, { latencyMs: latencySeconds ? latencySeconds * 1000 : undefined, now: (this.o.clock ?? wallClock).now })
  }

  private pollingSettings(provider: ProviderId): ProviderLimits & { strategy: PollStrategyName; maxWaitSeconds: number; latencySeconds: number } {
    const stored = this.o.settings.read().providers?.[provider]
    const d = defaultLimits(provider)
    return {
      strategy: stored?.strategy ?? 'learned',
      rate: stored?.rate ?? d.rate,
      burst: stored?.burst ?? d.burst,
      concurrency: stored?.concurrency ?? d.concurrency,
      maxActive: d.maxActive,
      maxWaitSeconds: stored?.maxWaitSeconds ?? 0,
      latencySeconds: stored?.latencySeconds ?? 0
    }
  }

  settings(): Settings {
    const s = this.o.settings.read()
    const providers = Object.fromEntries(
      PROVIDER_IDS.map((id) => [
        id,
        {
          baseUrl: this.baseUrl(id),
          hasKey: id === 'demo' || this.o.keys.get(id) !== null,
          keyProblem: id === 'demo' ? null : (this.o.keys.check?.(id).problem ?? null),
          pausedReason: this.poller.pausedReason(id),
          unreachable: this.poller.unreachable(id),
          ...this.pollingSettings(id)
        }
      ])
    ) as Settings['providers']
    return {
      outputRoot: s.outputRoot ?? defaultOutputRoot(),
      defaultProvider: s.defaultProvider ?? 'demo',
      demo: { ...DEFAULT_DEMO, ...s.demo },
      providers,
      keyWarning: this.o.keys.warning?.() ?? null,
      canChoosePaths: Boolean(this.o.desktop?.choosePath)
    }
  }

  /** Typical durations per model, from the same history the learned polling strategy reads. */
  private etaBook(): EtaBook {
    return new EtaBook((provider, model) => this.store.recentDurations(provider, model))
  }

  /** The ZIP a finished export wrote, for a browser's download in headless mode; null for an unknown id. */
  exportedZip(exportId: string): string | null {
    return this.exportedZips.get(exportId) ?? null
  }

  private rememberZip(exportId: string, path: string): void {
    this.exportedZips.set(exportId, path)
    // Only recent ones: a user downloads an export right after it ends.
    for (const old of this.exportedZips.keys()) if (this.exportedZips.size > MAX_REMEMBERED_ZIPS) this.exportedZips.delete(old)
  }

  /** Resolves a downloaded file (or its thumbnail) for the asset protocol; null when gone from disk. */
  assetFile(assetId: number, variant: 'file' | 'thumb'): { path: string; mime: string } | null {
    const asset = this.store.asset(assetId)
    if (!asset) return null
    if (variant === 'thumb' && asset.thumbPath && existsSync(asset.thumbPath)) return { path: asset.thumbPath, mime: 'image/webp' }
    return existsSync(asset.path) ? { path: asset.path, mime: asset.mime } : null
  }

  private batchDir(name: string, id: number): string {
    return safeJoin(this.settings().outputRoot, `${slug(name, 60)}-${id}`)
  }

  /** The Demo's simulator must run before a Demo job is handed to the poller (unless DEMO_BASE_URL points elsewhere). */
  private async ready(provider: ProviderId): Promise<void> {
    if (provider === 'demo' && !process.env.DEMO_BASE_URL) await this.demoSimulator()
  }

  /** Stores a batch (or adds to one: `into`, a queue action sent in several calls) and its jobs in one
   *  transaction, then hands them to the poller. */
  private queue(jobs: NewJob[], batchName?: string, into?: number): { batchId: number; jobIds: number[] } {
    const name = batchName?.trim() || `Batch ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`
    const { batchId, jobIds } = this.store.db.transaction(() => {
      if (into !== undefined) {
        if (!this.store.db.prepare('SELECT 1 FROM batches WHERE id = ?').get(into)) throw new Error(`Batch ${into} does not exist (deleted?); nothing more was queued`)
        return { batchId: into, jobIds: this.store.insertJobs(into, jobs) }
      }
      const batchId = this.store.createBatch(name, '')
      this.store.db.prepare('UPDATE batches SET output_dir = ? WHERE id = ?').run(this.batchDir(name, batchId), batchId)
      return { batchId, jobIds: this.store.insertJobs(batchId, jobs) }
    }).immediate()
    this.activeBatches.add(batchId)
    // Chained steps are scheduled by their parent's completion, not now.
    for (const provider of new Set(jobs.map((j) => j.provider))) this.poller.enqueue(jobIds.filter((_, i) => jobs[i].provider === provider && jobs[i].after === undefined), provider)
    this.jobsChanged(jobIds)
    return { batchId, jobIds }
  }

  private createApi(): Api {
    return {
      queuePrompts: async (arg) => {
        const settings = this.settings()
        const provider = arg.provider ?? settings.defaultProvider
        const info = providerInfo(provider)
        // The catalogue suggests models; any id the provider accepts can be queued, and its own refusal is shown on the job.
        const known = arg.model ? modelInfo(provider, arg.model) : (info.models.find((m) => !arg.kind || m.kind === arg.kind) ?? info.models[0])
        const modelId = arg.model ?? known!.id
        const shared = arg.inputs?.length ? await resolveInputs(arg.inputs, this.store) : { inputs: [], files: [] }
        if (arg.promptInputs && arg.promptInputs.length !== arg.prompts.length) throw new Error(`${arg.promptInputs.length} input lists for ${arg.prompts.length} prompts`)
        const perPrompt = await Promise.all(arg.prompts.map(async (_, i) => (arg.promptInputs?.[i]?.length ? resolveInputs(arg.promptInputs[i], this.store) : { inputs: [], files: [] })))
        const kind = known?.kind ?? arg.kind ?? (shared.inputs.length || perPrompt.some((p) => p.inputs.length) ? (info.kinds.includes('edit') ? 'edit' : info.kinds[0]) : info.kinds[0])
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
        await this.ready(provider)
        const count = arg.count ?? 1
        const jobs: NewJob[] = []
        arg.prompts.forEach((prompt, i) => {
          const inputs = [...shared.inputs, ...perPrompt[i].inputs]
          for (let n = 0; n < count; n++) {
            jobs.push({ provider, model: modelId, kind, prompt: prompt.trim(), params: arg.params ?? {}, inputs })
            if (then) jobs.push({ provider, model: then.id, kind: then.kind, prompt: prompt.trim(), params: arg.then?.params ?? {}, after: jobs.length - 1 })
          }
        })
        return this.queue(jobs, arg.batchName, arg.batchId)
      },
      listJobs: async (arg) => {
        const { total, rows } = this.store.listJobs({ ...arg, offset: arg.offset ?? 0, limit: arg.limit ?? 200 })
        const etas = this.etaBook()
        return { total, jobs: rows.map((row) => toJob(row, etas.jobEta(row))) }
      },
      getJob: async ({ id }) => {
        const row = this.store.job(id)
        return row ? { job: toJob(row, this.etaBook().jobEta(row)), events: this.store.events(id), assets: this.store.assetsOfJob(id), lastResponse: row.last_response } : null
      },
      cancelJobs: async ({ ids }) => {
        let changed = 0
        for (const id of ids) {
          const row = this.store.job(id)
          if (!row || !ACTIVE_STATUSES.includes(row.status)) continue
          // A provider that cannot be spoken to (a bad base URL, a key that cannot be decrypted) still lets its jobs be canceled here.
          const adapter = this.adapterOrNull(row.provider)
          const remote = row.provider_ref_json && row.status === 'running' && adapter?.cancel
          const message = remote
            ? 'Canceled by the user; asked the provider to stop it'
            : row.status === 'running'
              ? 'Canceled by the user; the provider has no cancel, so it may still finish (and bill) the job'
              : 'Canceled by the user'
          if (!this.store.transition(id, { status: 'canceled', finished_at: Date.now(), next_poll_at: null }, { type: 'canceled', message }, Date.now(), row.status)) continue
          this.poller.forget(id)
          changed++
          if (remote) this.inBackground(adapter!.cancel!(JSON.parse(row.provider_ref_json!)).catch((err: Error) => this.store.addEvent(id, 'error', `Remote cancel failed: ${err.message}`)))
        }
        this.jobsChanged(ids)
        return { changed }
      },
      retryJobs: async ({ ids }) => {
        let changed = 0
        for (const id of ids) {
          const row = this.store.job(id)
          if (!row || ACTIVE_STATUSES.includes(row.status) || row.status === 'done') continue
          await this.ready(row.provider)
          // A job that failed while downloading still has its result: fetch it again rather than pay twice.
          const redownload = row.status === 'failed' && row.ready_at !== null && row.result_json !== null
          const patch = redownload
            ? { status: 'downloading' as const, error: null, transient_errors: 0, finished_at: null }
            : { status: 'queued' as const, error: null, transient_errors: 0, finished_at: null, progress: null, provider_job_id: null, provider_ref_json: null, result_json: null, raw_status: null, ready_at: null, submitted_at: null }
          if (!this.store.transition(id, patch, { type: 'retry', message: redownload ? 'Retried by the user: downloading the result again' : `Retried by the user: new attempt ${row.attempts + 1}` }, Date.now(), row.status)) continue
          this.poller.resumeProvider(row.provider)
          this.poller.reschedule(this.store.job(id)!)
          this.activeBatches.add(row.batch_id)
          changed++
        }
        this.jobsChanged(ids)
        return { changed }
      },
      deleteJobs: async ({ ids, deleteFiles }) => {
        for (const id of ids) this.poller.forget(id)
        const { deleted, files } = this.store.deleteJobs(ids)
        if (deleteFiles) await Promise.all(files.map((f) => rm(f, { force: true })))
        this.emit('countsChanged', this.store.statusCounts())
        return { changed: deleted }
      },
      requeueJobs: async ({ ids, provider, model }) => {
        const rows = ids.map((id) => this.store.job(id)).filter((r) => r !== undefined)
        if (rows.length === 0) throw new Error('None of these jobs exist any more')
        const info = modelInfo(provider, model)
        const kinds = providerInfo(provider).kinds
        const jobs = rows.map((r) => {
          const params = JSON.parse(r.params_json) as Record<string, unknown>
          // A job re-queued on a model that starts from a picture (upscale, edit, video) starts from its own
          // inputs, or else from what it made; it keeps only the parameters the new model has.
          const own = jobInputs(r)
          const inputs = info?.input && own.length === 0 ? this.store.assetsOfJob(r.id).slice(0, info.input.max).map((a) => ({ path: a.path, assetId: a.id })) : own
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
        await this.ready(provider)
        return this.queue(jobs, `${rows[0].batch_name} → ${info?.label ?? model}`)
      },
      listGallery: async (arg) => {
        const page = this.store.listGallery({ ...arg, offset: arg.offset ?? 0, limit: arg.limit ?? 200 })
        // A file moved or deleted on disk shows as missing instead of a broken image.
        return { total: page.total, items: page.items.map((a) => ({ ...a, missing: !existsSync(a.path) })) }
      },
      setFavorite: async ({ assetIds, favorite }) => ({ changed: this.store.setFavorite(assetIds, favorite) }),
      setRating: async ({ assetIds, rating }) => ({ changed: this.store.setRating(assetIds, rating) }),
      rescanLibrary: async () => this.store.markMissing(existsSync),
      revealAsset: async ({ assetId, action }) => {
        // Only paths from the library, never one the caller names.
        const asset = this.store.asset(assetId)
        if (!asset) return { ok: false, message: 'No such file in the library' }
        if (!existsSync(asset.path)) return { ok: false, message: `The file is missing on disk: ${asset.path}` }
        if (!this.o.desktop) return { ok: false, message: `Opening files needs the desktop app. The file is at ${asset.path}` }
        if (action === 'show') {
          this.o.desktop.showItemInFolder(asset.path)
          return { ok: true, message: asset.path }
        }
        const problem = await this.o.desktop.openPath(asset.path)
        return problem ? { ok: false, message: problem } : { ok: true, message: asset.path }
      },
      choosePath: async ({ purpose, suggested }) => ({ path: (await this.o.desktop?.choosePath?.(purpose, suggested)) ?? null }),
      listBatches: async () => this.store.listBatches(),
      getStatusCounts: async () => this.store.statusCounts(),
      getStats: async () => {
        const activity = this.poller.stats().providers
        const errors = this.store.recentErrors(Date.now() - 3_600_000)
        const groups = this.store.activeGroups()
        const etas = this.etaBook()
        return {
          counts: this.store.statusCounts(),
          etaAt: etas.runEta(groups, Date.now()),
          batches: etas.batchEtas(groups, Date.now()),
          providers: PROVIDER_IDS.filter((id) => activity[id] || errors.has(id)).map((id) => ({
            provider: id,
            requestsPerMinute: activity[id]?.requestsLastMinute ?? 0,
            rateLimitWaits: activity[id]?.rateLimitWaits ?? 0,
            errorsLastHour: errors.get(id) ?? 0,
            pausedReason: activity[id]?.pausedReason ?? null,
            unreachable: activity[id]?.unreachable ?? null
          }))
        }
      },
      startExport: async (req) => {
        checkAbsolutePath(req.destination, 'The export destination')
        const assets = req.assetIds
          ? this.store.assetsByIds(req.assetIds)
          : req.jobIds
            ? this.store.assetsByIds(req.jobIds.flatMap((jobId) => this.store.assetsOfJob(jobId).map((a) => a.id)))
            : this.store.galleryAssets(req.filter ?? {})
        if (assets.length === 0) throw new Error('Nothing to export: the selection is empty')
        const missing = assets.filter((a) => !existsSync(a.path))
        if (missing.length > 0) throw new Error(`${missing.length} file(s) are missing on disk (first: ${missing[0].path}); rescan the library or leave them out`)
        const items = assets.map((a) => {
          const job = this.store.job(a.jobId)!
          return { ...a, params: JSON.parse(job.params_json) as Record<string, unknown>, submittedAt: job.submitted_at, finishedAt: job.finished_at, providerJobId: job.provider_job_id }
        })
        const run = new ExportRun(items, { journalDir: join(this.o.dataDir, EXPORT_JOURNAL), format: req.format, destination: req.destination, template: req.template ?? '{batch}/{prompt}-{job}', embedMetadata: req.embedMetadata ?? false }, (p) => this.emit('exportProgress', p))
        this.exports.set(run.id, run)
        void run.run().then((p) => {
          this.exports.delete(run.id)
          if (p.state === 'done' && req.format === 'zip' && p.path) this.rememberZip(run.id, p.path)
          if (p.state === 'done') this.emit('notice', { level: 'info', message: `Exported ${p.total} files to ${p.path}` })
          if (p.state === 'failed') this.emit('notice', { level: 'error', message: `Export failed: ${p.error}` })
        })
        return { exportId: run.id, total: items.length }
      },
      cancelExport: async ({ exportId }) => {
        const run = this.exports.get(exportId)
        run?.cancel()
        return { canceled: run !== undefined }
      },
      pauseBatch: async ({ batchId, paused }) => {
        const queued = this.store.setBatchPaused(batchId, paused)
        if (!paused) for (const row of queued) this.poller.reschedule(row)
        if (!paused && queued.length) this.activeBatches.add(batchId)
        return { changed: queued.length }
      },
      pauseProvider: async ({ provider, paused }) => {
        if (paused) this.poller.pauseProvider(provider, USER_PAUSE)
        else this.poller.resumeProvider(provider)
        return this.settings()
      },
      setApiKey: async ({ provider, key }) => {
        if (!this.o.keys.set) throw new Error('Keys cannot be stored in this mode: set the environment variable instead')
        this.o.keys.set(provider, key || null)
        this.adapters.delete(provider)
        this.poller.resumeProvider(provider)
        const settings = this.settings()
        this.emit('settingsChanged', settings)
        return settings
      },
      testConnection: async ({ provider }) => {
        try {
          await this.ready(provider)
          const message = await this.adapter(provider).testConnection()
          this.poller.noteReachability(provider, null)
          return { ok: true, message }
        } catch (err) {
          this.poller.noteReachability(provider, err)
          // No answer at all says nothing about the key: say so, lest a good key look wrong.
          const unreached = err instanceof ProviderError && err.details.unreachableHost !== undefined
          return { ok: false, message: unreached ? `${(err as Error).message}; the key was not checked` : (err as Error).message }
        }
      },
      listProviderModels: async ({ provider }) => {
        await this.ready(provider)
        const adapter = this.adapter(provider)
        const label = providerInfo(provider).label
        if (!adapter.listModels) return { models: null, message: `${label} does not list its models over its API; any model id it accepts can still be typed in` }
        const models = await adapter.listModels()
        return { models, message: `${label} lists ${models.length} model${models.length === 1 ? '' : 's'}` }
      },
      addInputFile: async ({ name, dataBase64 }) => {
        const bytes = Buffer.from(dataBase64, 'base64')
        if (bytes.length > MAX_INPUT_BYTES) throw new Error(`${name} is over ${MAX_INPUT_BYTES / 1024 / 1024} MB`)
        return keepInputFile(join(this.o.dataDir, 'inputs'), name, bytes)
      },
      getSettings: async () => this.settings(),
      updateSettings: async (patch) => {
        const current = this.o.settings.read()
        const next: StoredSettings = { ...current }
        if (patch.outputRoot !== undefined) next.outputRoot = checkAbsolutePath(patch.outputRoot, 'The output folder')
        if (patch.defaultProvider !== undefined) next.defaultProvider = patch.defaultProvider
        for (const [provider, url] of Object.entries(patch.baseUrls ?? {}) as [ProviderId, string][]) {
          if (url) checkBaseUrl(url)
          next.providers = { ...next.providers, [provider]: { ...next.providers?.[provider], baseUrl: url || undefined } }
          this.adapters.delete(provider)
          // A pause for a base URL that could not be used lifts with a new one (a bad one pauses it again).
          this.poller.resumeProvider(provider)
        }
        for (const [provider, polling] of Object.entries(patch.polling ?? {}) as [ProviderId, NonNullable<typeof patch.polling>[ProviderId]][]) {
          next.providers = { ...next.providers, [provider]: { ...next.providers?.[provider], ...polling } }
        }
        if (patch.demo) {
          next.demo = { ...current.demo, ...patch.demo }
          if (patch.demo.durationMs !== undefined && this.demoSim) this.demoSim.engine.options.durationMs = patch.demo.durationMs
          if (patch.demo.failureRate !== undefined && this.demoSim) this.demoSim.engine.options.failureRate = patch.demo.failureRate
        }
        this.o.settings.write(next)
        if (patch.polling) {
          for (const key of [...this.strategies.keys()]) if (key.split('/')[0] in patch.polling) this.strategies.delete(key)
          for (const provider of Object.keys(patch.polling) as ProviderId[]) this.poller.configure(provider, this.pollingSettings(provider))
        }
        const settings = this.settings()
        this.emit('settingsChanged', settings)
        return settings
      }
    }
  }
}
