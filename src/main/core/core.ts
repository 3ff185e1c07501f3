// Folder src/main/core/ — the app's domain and infrastructure in plain Node (never electron: only
// src/main/index.ts, the Electron shell, runs in Electron). jobs/ owns a job's life (lifecycle.ts is the only
// place a status changes), providers/ every provider's quirks, scheduling/ when things happen, library/ what
// the jobs made, settings/ what the user configures, storage/ the SQLite library (the only SQL). Each folder's
// main file opens with what it owns and may import. The core never imports the CLI, the headless bridge,
// serve/ or the simulator's code (the lint's layering rules refuse it).
//
// The core of the main process, in plain Node, as wiring only: it opens the library (storage/), builds the
// ways to the providers (providers/), the job runner on its scheduler (jobs/, scheduling/), the Demo's
// simulator when the Demo is used (handed in by the entry point: the core never imports it), and assembles
// the contract's `Api` from small services — jobs, library, export, settings — so a new method touches one
// of them. The Electron shell, the headless bridge, the CLI and the tests all drive this same object.
import { mkdirSync } from 'node:fs'
import { PROVIDER_IDS, providerInfo, type ProviderId } from '../../shared/catalogue'
import type { Api, EventName, Events, Settings } from '../../shared/contract'
import type { SimOptions } from '../demo/engine'
import type { Simulator } from '../demo/server'
import { EventHub, JobChanges } from './events'
import { sweepStaleParts } from './jobs/downloader'
import { Poller, type PollerOptions } from './jobs/runner'
import { JobService } from './jobs/service'
import { Costs } from './jobs/costs'
import { ExportService } from './library/exports'
import { LibraryService, type Desktop } from './library/service'
import { Thumbnailer } from './library/thumbnails'
import { Connections, type KeyStore } from './providers/connections'
import { DemoBackend, type StartSimulator } from './providers/demo'
import type { ProviderAdapter } from './providers/types'
import { wallClock, type Clock } from './scheduling/clock'
import { PollingPolicy } from './settings/polling'
import { SettingsService, USER_PAUSE } from './settings/service'
import type { SettingsStore } from './settings/settings'
import { lockLibrary } from './storage/lock'
import { dbPath, thumbsDir } from './storage/paths'
import { Store } from './storage/store'

export type { KeyStore } from './providers/connections'

export interface CoreOptions {
  dataDir: string
  settings: SettingsStore
  keys: KeyStore
  /** Electron passes its own build of better-sqlite3. */
  nativeBinding?: string
  /** Starts the Demo's simulator (src/main/demo/server.ts's startSimulator); without it the Demo cannot run. */
  startSimulator?: StartSimulator
  /** Extra simulator options (tests, benchmarks); the demo's duration and failure rate come from settings. */
  simulator?: SimOptions
  /** A simulator owned by the caller (tests that restart the core against the same provider). */
  externalSimulator?: Simulator
  clock?: Clock
  /** Overrides for tests and benchmarks. */
  poller?: Partial<Pick<PollerOptions, 'strategy' | 'limits' | 'globalConcurrency' | 'maxTransientErrors' | 'download' | 'random' | 'startSlice'>>
  /** The desktop's file actions (Electron's shell); absent in headless mode. */
  desktop?: Desktop
  /** Milliseconds between batched job-change events. */
  eventIntervalMs?: number
}

export class Core {
  readonly store: Store
  readonly poller: Poller
  readonly costs: Costs
  readonly api: Api
  private readonly events = new EventHub()
  private readonly changes: JobChanges
  private readonly thumbnailer: Thumbnailer
  private readonly demo: DemoBackend
  private readonly connections: Connections
  private readonly library: LibraryService
  private readonly exports: ExportService
  private readonly settingsService: SettingsService
  private readonly jobs: JobService
  private readonly background = new Set<Promise<unknown>>()
  private unlock: () => void = () => undefined

  private constructor(o: CoreOptions) {
    this.store = Store.open(dbPath(o.dataDir), { nativeBinding: o.nativeBinding })
    this.costs = new Costs(this.store, () => o.settings.read().prices ?? {})
    this.changes = new JobChanges(this.store, this.events, o.eventIntervalMs)
    this.thumbnailer = new Thumbnailer(thumbsDir(o.dataDir), (assetId, path) => this.store.setThumb(assetId, path))
    this.demo = new DemoBackend({
      dataDir: o.dataDir,
      settings: o.settings,
      start: o.startSimulator,
      options: o.simulator,
      external: o.externalSimulator,
      onStarted: () => {
        this.connections.simulatorStarted()
        this.settingsService.announce()
      }
    })
    this.connections = new Connections(o.settings, o.keys, this.demo)
    const polling = new PollingPolicy(o.settings, o.clock ?? wallClock, o.poller?.strategy)
    this.settingsService = new SettingsService({
      stored: o.settings,
      keys: o.keys,
      connections: this.connections,
      polling,
      demo: this.demo,
      runner: () => this.poller,
      costs: this.costs,
      events: this.events,
      canChoosePaths: Boolean(o.desktop?.choosePath)
    })
    this.poller = new Poller({
      store: this.store,
      adapter: (provider) => this.connections.adapter(provider),
      strategy: (provider, model) => polling.strategy(provider, model),
      limits: o.poller?.limits ?? ((provider) => polling.of(provider)),
      maxWaitMs: (provider) => polling.maxWaitMs(provider),
      isApiUrl: (provider, url) => this.connections.isApiUrl(provider, url),
      globalConcurrency: o.poller?.globalConcurrency,
      maxTransientErrors: o.poller?.maxTransientErrors,
      download: o.poller?.download,
      random: o.poller?.random,
      startSlice: o.poller?.startSlice,
      clock: o.clock,
      onChange: (ids) => this.changes.jobsChanged(ids),
      onAsset: (assetId, path) => {
        const asset = this.store.asset(assetId)
        if (asset) this.thumbnailer.add(assetId, path, asset.mime)
      },
      onStorage: (reason) =>
        this.events.emit(
          'notice',
          reason
            ? {
                level: 'error',
                message: `Batch Studio cannot write its library (${reason}). Nothing is sent or lost meanwhile; work resumes by itself once the disk has room again.`
              }
            : { level: 'info', message: 'The library can be written again: work resumed.' }
        ),
      onProviderPaused: (provider, reason) => {
        if (reason)
          this.events.emit('notice', { level: reason === USER_PAUSE ? 'info' : 'error', message: `${providerInfo(provider).label} paused: ${reason}` })
        this.settingsService.announce()
      },
      onReachability: () => this.settingsService.announce(),
      reserve: (row, now, intent) => this.costs.budgets.reserve(row, now, intent),
      onBudgetHold: (_provider, reason) => {
        if (this.costs.noteHold(reason)) this.events.emit('notice', { level: 'error', message: reason })
      }
    })
    const jobs = (this.jobs = new JobService({
      store: this.store,
      runner: this.poller,
      costs: this.costs,
      connections: this.connections,
      changes: this.changes,
      events: this.events,
      dataDir: o.dataDir,
      settings: () => {
        const s = this.settings()
        return { outputRoot: s.outputRoot, defaultProvider: s.defaultProvider }
      },
      inBackground: (work) => this.inBackground(work)
    }))
    this.library = new LibraryService(this.store, o.desktop)
    this.exports = new ExportService(this.store, this.events, o.dataDir, this.costs.ledger)
    this.api = { ...jobs.api, ...this.library.api, ...this.exports.api, ...this.settingsService.api }
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
    const core = new Core(o)
    // The library is locked: whatever temporary files are there, a killed run left them.
    await sweepStaleParts(core.store.batchDirs())
    await core.exports.sweep(core.settings().outputRoot)
    core.jobs.failOrphanSteps()
    // Unfinished Demo jobs (or faults to inject) need the simulator before the runner looks at them.
    for (const provider of PROVIDER_IDS) if (core.store.hasUnfinished(provider)) await core.connections.ready(provider)
    if (core.demo.hasSavedFaults) await core.demo.ensure()
    for (const batchId of core.store.activeBatchIds()) core.changes.batchActive(batchId)
    // A `<NAME>_BASE_URL` that cannot be used pauses its provider from the start, with the reason.
    for (const { provider, reason } of core.connections.misconfigured()) core.poller.pauseProvider(provider, reason)
    core.poller.start()
    return core
  }

  /** The Demo's simulator, which answers only this run's key and only on 127.0.0.1; started on first use. */
  demoSimulator(): Promise<Simulator> {
    return this.demo.ensure()
  }

  /** The running Demo simulator (tests and benchmarks look at its ledger); throws before the Demo was used. */
  get simulator(): Simulator {
    return this.demo.simulator
  }

  async close(): Promise<void> {
    await this.poller.stop()
    await Promise.all([...this.background])
    await this.thumbnailer.whenIdle()
    this.changes.close()
    await this.demo.close()
    this.store.close()
    this.unlock()
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.events.on(event, listener)
  }

  /** Work that outlives the call that started it (a remote cancel): close() waits for it before the library closes. */
  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.background.delete(tracked))
    this.background.add(tracked)
  }

  adapter(provider: ProviderId): ProviderAdapter {
    return this.connections.adapter(provider)
  }

  settings(): Settings {
    return this.settingsService.settings()
  }

  /** The ZIP a finished export wrote, for a browser's download in headless mode; null for an unknown id. */
  exportedZip(exportId: string): string | null {
    return this.exports.exportedZip(exportId)
  }

  /** Resolves a downloaded file (or its thumbnail) for the asset protocol; null when gone from disk. */
  assetFile(assetId: number, variant: 'file' | 'thumb'): { path: string; mime: string } | null {
    return this.library.assetFile(assetId, variant)
  }
}
