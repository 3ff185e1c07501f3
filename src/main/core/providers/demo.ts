// The Demo provider's backend: the simulator (src/main/demo/) that the entry point hands in, started the
// first time the Demo is used, answering only this run's key and only on 127.0.0.1. The core knows it by
// its type alone: the simulator's code is never imported here, so a core without the Demo carries none of it.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Fault, SimOptions, SimProvider } from '../../demo/engine'
import type { Simulator } from '../../demo/server'
import type { SettingsStore } from '../settings/settings'

export type StartSimulator = (options: SimOptions) => Promise<Simulator>

/** A new user's Demo jobs all succeed: failures on purpose are something to switch on in Settings, not a surprise. */
export const DEFAULT_DEMO = { durationMs: 4000, failureRate: 0 }

/** The simulator speaks the Demo's protocol (LetzAI's) at this base. */
const DEMO_PROTOCOL: SimProvider = 'letzai'

export interface DemoBackendOptions {
  dataDir: string
  settings: SettingsStore
  /** Starts the simulator (src/main/demo/server.ts); absent where the Demo cannot run. */
  start?: StartSimulator
  /** Extra simulator options (tests, benchmarks); the demo's duration and failure rate come from settings. */
  options?: SimOptions
  /** A simulator owned by the caller (tests that restart the core against the same provider). */
  external?: Simulator
  /** Called once it runs: its base URL and key are known from now on. */
  onStarted: () => void
}

export class DemoBackend {
  private sim: Simulator | null
  private starting: Promise<Simulator> | null = null

  constructor(private readonly o: DemoBackendOptions) {
    this.sim = o.external ?? null
  }

  /** The running simulator, starting it on first use. */
  async ensure(): Promise<Simulator> {
    if (this.sim) return this.sim
    this.starting ??= (async () => {
      if (!this.o.start) throw new Error('The Demo provider needs its built-in simulator, which this mode does not include')
      const stored = this.o.settings.read()
      const demo = { ...DEFAULT_DEMO, ...stored.demo }
      const key = randomBytes(24).toString('base64url')
      const sim = await this.o.start({
        durationMs: demo.durationMs,
        failureRate: demo.failureRate,
        persistTo: join(this.o.dataDir, 'demo-simulator.jsonl'),
        keys: { [DEMO_PROTOCOL]: key },
        ...this.o.options
      })
      for (const [target, faults] of Object.entries(stored.simulatorFaults ?? {}) as [SimProvider | 'files', Fault[]][]) {
        for (const fault of faults) sim.engine.inject(target, fault)
      }
      this.sim = sim
      this.o.onStarted()
      return sim
    })()
    return this.starting
  }

  /** Faults saved in settings are injected at start, so a start with any needs the simulator at once. */
  get hasSavedFaults(): boolean {
    return Object.keys(this.o.settings.read().simulatorFaults ?? {}).length > 0
  }

  /** The running simulator (tests and benchmarks look at its ledger); throws before the Demo was used. */
  get simulator(): Simulator {
    if (!this.sim) throw new Error('The Demo simulator has not been started: nothing used the Demo provider yet')
    return this.sim
  }

  baseUrl(): string | null {
    return this.sim?.baseUrl(DEMO_PROTOCOL) ?? null
  }

  /** The per-run key, so nothing else on this machine can drive the simulator. */
  key(): string | null {
    return this.sim?.engine.options.keys?.[DEMO_PROTOCOL] ?? null
  }

  /** New duration or failure rate from settings, for the jobs sent from now on. */
  configure(patch: { durationMs?: number; failureRate?: number }): void {
    if (!this.sim) return
    if (patch.durationMs !== undefined) this.sim.engine.options.durationMs = patch.durationMs
    if (patch.failureRate !== undefined) this.sim.engine.options.failureRate = patch.failureRate
  }

  async close(): Promise<void> {
    const sim = !this.o.external && this.starting ? await this.starting.catch(() => null) : null
    await sim?.close()
  }
}
