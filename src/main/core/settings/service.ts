// Folder src/main/core/settings/ — what the user configures: the settings file or electron-store behind one
// interface (settings.ts), saved keys (keys.ts), each provider's polling from its settings (polling.ts) and
// the contract's settings methods (this file). May import src/shared, providers/, scheduling/, storage/
// paths, the core's events and the runner's interface; never electron (the shell hands in its stores), the
// CLI or the headless bridge.
//
// The contract's settings methods: the settings the renderer sees (each provider's base URL, key state,
// pause, reachability and polling), their updates, keys, a provider's pause, Test connection and the
// provider's own model list. Each change reaches what depends on it: the adapter, the runner's limits and
// strategies, the Demo's simulator.
import { PROVIDER_IDS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { Api, Settings } from '../../../shared/contract'
import type { EventHub } from '../events'
import type { Poller } from '../jobs/runner'
import { checkAbsolutePath } from '../library/export'
import type { Connections, KeyStore } from '../providers/connections'
import { DEFAULT_DEMO, type DemoBackend } from '../providers/demo'
import { checkBaseUrl, ProviderError } from '../providers/http'
import { defaultOutputRoot } from '../storage/paths'
import type { PollingPolicy } from './polling'
import type { SettingsStore, StoredSettings } from './settings'
import { mergePrices, type Costs } from '../jobs/costs'

type SettingsMethods =
  'getSettings' | 'updateSettings' | 'setApiKey' | 'pauseProvider' | 'testConnection' | 'listProviderModels' | 'setBudget' | 'refreshBalance'

/** The reason a provider the user paused shows (an info notice, not an error). */
export const USER_PAUSE = 'Paused by you'

export interface SettingsServiceDeps {
  stored: SettingsStore
  keys: KeyStore
  connections: Connections
  polling: PollingPolicy
  demo: DemoBackend
  runner: () => Poller
  costs: Costs
  events: EventHub
  canChoosePaths: boolean
}

export class SettingsService {
  readonly api: Pick<Api, SettingsMethods>

  constructor(private readonly d: SettingsServiceDeps) {
    this.api = this.methods()
  }

  settings(): Settings {
    const { connections, polling } = this.d
    const runner = this.d.runner()
    const s = this.d.stored.read()
    const providers = Object.fromEntries(
      PROVIDER_IDS.map((id) => [
        id,
        {
          baseUrl: connections.baseUrl(id),
          hasKey: connections.hasKey(id),
          keyProblem: connections.keyProblem(id),
          pausedReason: runner.pausedReason(id),
          unreachable: runner.unreachable(id),
          ...polling.of(id)
        }
      ])
    ) as Settings['providers']
    return {
      outputRoot: s.outputRoot ?? defaultOutputRoot(),
      defaultProvider: s.defaultProvider ?? 'demo',
      demo: { ...DEFAULT_DEMO, ...s.demo },
      providers,
      keyWarning: this.d.keys.warning?.() ?? null,
      canChoosePaths: this.d.canChoosePaths,
      ...this.d.costs.settingsPart()
    }
  }

  /** Tells every window the settings changed, and returns them. */
  announce(): Settings {
    const settings = this.settings()
    this.d.events.emit('settingsChanged', settings)
    return settings
  }

  private methods(): Pick<Api, SettingsMethods> {
    const { connections, polling } = this.d
    const runner = () => this.d.runner()
    return {
      getSettings: async () => this.settings(),
      updateSettings: async (patch) => {
        const current = this.d.stored.read()
        const next: StoredSettings = { ...current }
        if (patch.outputRoot !== undefined) next.outputRoot = checkAbsolutePath(patch.outputRoot, 'The output folder')
        if (patch.defaultProvider !== undefined) next.defaultProvider = patch.defaultProvider
        if (patch.prices) next.prices = mergePrices(current.prices, patch.prices)
        for (const [provider, url] of Object.entries(patch.baseUrls ?? {}) as [ProviderId, string][]) {
          if (url) checkBaseUrl(url)
          next.providers = { ...next.providers, [provider]: { ...next.providers?.[provider], baseUrl: url || undefined } }
          connections.changed(provider)
          // A pause for a base URL that could not be used lifts with a new one (a bad one pauses it again).
          runner().resumeProvider(provider)
        }
        for (const [provider, settings] of Object.entries(patch.polling ?? {}) as [ProviderId, NonNullable<typeof patch.polling>[ProviderId]][]) {
          next.providers = { ...next.providers, [provider]: { ...next.providers?.[provider], ...settings } }
        }
        if (patch.demo) {
          next.demo = { ...current.demo, ...patch.demo }
          this.d.demo.configure(patch.demo)
        }
        this.d.stored.write(next)
        if (patch.polling) {
          const providers = Object.keys(patch.polling) as ProviderId[]
          polling.changed(providers)
          for (const provider of providers) runner().configure(provider, polling.of(provider))
        }
        return this.announce()
      },
      setBudget: async ({ scope, key, amount, currency }) => {
        const { costs } = this.d
        costs.setBudget(scope, scope === 'day' ? '' : (key ?? ''), amount, currency ?? 'usd')
        // Held submits look again under the new caps (a batch's held jobs were left unscheduled).
        runner().releaseBudgetHolds()
        for (const row of costs.heldJobs(scope, key ?? '')) runner().reschedule(row)
        return this.announce()
      },
      refreshBalance: async ({ provider }) => {
        await connections.ready(provider)
        const balance = await this.d.costs.refreshBalance(provider, connections.adapter(provider))
        this.announce()
        return balance
      },
      setApiKey: async ({ provider, key }) => {
        if (!this.d.keys.set) throw new Error('Keys cannot be stored in this mode: set the environment variable instead')
        this.d.keys.set(provider, key || null)
        connections.changed(provider)
        runner().resumeProvider(provider)
        return this.announce()
      },
      pauseProvider: async ({ provider, paused }) => {
        if (paused) runner().pauseProvider(provider, USER_PAUSE)
        else runner().resumeProvider(provider)
        return this.settings()
      },
      testConnection: async ({ provider }) => {
        try {
          await connections.ready(provider)
          const message = await connections.adapter(provider).testConnection()
          runner().noteReachability(provider, null)
          return { ok: true, message }
        } catch (err) {
          runner().noteReachability(provider, err)
          // No answer at all says nothing about the key: say so, lest a good key look wrong.
          const unreached = err instanceof ProviderError && err.details.unreachableHost !== undefined
          return { ok: false, message: unreached ? `${(err as Error).message}; the key was not checked` : (err as Error).message }
        }
      },
      listProviderModels: async ({ provider }) => {
        await connections.ready(provider)
        const adapter = connections.adapter(provider)
        const label = providerInfo(provider).label
        if (!adapter.listModels)
          return { models: null, message: `${label} does not list its models over its API; any model id it accepts can still be typed in` }
        const models = await adapter.listModels()
        return { models, message: `${label} lists ${models.length} model${models.length === 1 ? '' : 's'}` }
      }
    }
  }
}
