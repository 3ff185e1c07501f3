// How the core reaches each provider: its base URL (environment, settings, the catalogue's default, or the
// Demo's simulator), its key (the key store, or the Demo's per-run key), and one adapter per provider built
// from them, made again when either changes.
import { PROVIDER_IDS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import type { KeyCheck, KeySource } from '../settings/keys'
import type { SettingsStore } from '../settings/settings'
import type { DemoBackend } from './demo'
import { checkBaseUrl } from './http'
import { createAdapter } from './registry'
import type { ProviderAdapter } from './types'

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

export class Connections {
  private readonly adapters = new Map<ProviderId, ProviderAdapter>()

  constructor(
    private readonly settings: SettingsStore,
    private readonly keys: KeyStore,
    private readonly demo: DemoBackend
  ) {}

  adapter(provider: ProviderId): ProviderAdapter {
    let a = this.adapters.get(provider)
    if (!a) {
      const baseUrl = this.baseUrl(provider)
      const simulated = providerInfo(provider).simulated
      const apiKey = simulated ? this.demo.key() : this.keys.get(provider)
      // A saved key that cannot be used (it no longer decrypts, its file is unsafe) is said, not sent as none.
      const problem = !simulated && apiKey === null ? this.keys.check?.(provider).problem : null
      if (problem) throw new Error(problem)
      a = createAdapter(provider, { baseUrl, apiKey })
      this.adapters.set(provider, a)
    }
    return a
  }

  /** The adapter, or null when the provider cannot be spoken to (a bad base URL, a key that cannot be decrypted). */
  adapterOrNull(provider: ProviderId): ProviderAdapter | null {
    try {
      return this.adapter(provider)
    } catch {
      return null
    }
  }

  /** The Demo's simulator runs now: its providers' adapters are built again with its base URL and key. */
  simulatorStarted(): void {
    for (const id of PROVIDER_IDS) if (providerInfo(id).simulated) this.changed(id)
  }

  /** The base URL or key changed: the next request builds the adapter again. */
  changed(provider: ProviderId): void {
    this.adapters.delete(provider)
  }

  baseUrl(provider: ProviderId): string {
    const info = providerInfo(provider)
    const fromEnv = process.env[`${info.envName}_BASE_URL`]
    if (info.simulated) return fromEnv || (this.demo.baseUrl() ?? '')
    return fromEnv || this.settings.read().providers?.[provider]?.baseUrl || info.defaultBaseUrl
  }

  /** Whether a URL is on the provider's API host, whose request budget a download from it must respect. */
  isApiUrl(provider: ProviderId, url: string): boolean {
    return URL.canParse(url) && new URL(url).host === new URL(this.baseUrl(provider)).host
  }

  hasKey(provider: ProviderId): boolean {
    return Boolean(providerInfo(provider).simulated) || this.keys.get(provider) !== null
  }

  keyProblem(provider: ProviderId): string | null {
    return providerInfo(provider).simulated ? null : (this.keys.check?.(provider).problem ?? null)
  }

  /** A simulated provider's backend must run before its jobs are handed to the runner (unless its base URL points elsewhere). */
  async ready(provider: ProviderId): Promise<void> {
    const info = providerInfo(provider)
    if (info.simulated && !process.env[`${info.envName}_BASE_URL`]) await this.demo.ensure()
  }

  /** Each `<NAME>_BASE_URL` that cannot be used, with the reason: its provider pauses from the start rather than failing its jobs one by one. */
  misconfigured(): { provider: ProviderId; reason: string }[] {
    const out: { provider: ProviderId; reason: string }[] = []
    for (const id of PROVIDER_IDS) {
      const name = `${providerInfo(id).envName}_BASE_URL`
      const value = process.env[name]
      if (!value) continue
      try {
        checkBaseUrl(value)
      } catch (err) {
        out.push({ provider: id, reason: `${name} is not usable: ${(err as Error).message}` })
      }
    }
    return out
  }
}
