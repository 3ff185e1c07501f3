// Each provider's polling as its settings say: limits (the catalogue's, or the user's), the strategy by name
// (one per provider and model, kept while it learns), and how long a job may run before it goes to the user.
import { providerInfo, type PollStrategyName, type ProviderId } from '../../../shared/catalogue'
import { docsStrategy } from '../providers/registry'
import type { Clock } from '../scheduling/clock'
import type { ProviderLimits } from '../scheduling/scheduler'
import { strategyByName, type PollStrategy } from '../scheduling/strategies'
import type { SettingsStore } from './settings'

export type PollingSettings = ProviderLimits & { strategy: PollStrategyName; maxWaitSeconds: number; latencySeconds: number }

export class PollingPolicy {
  private readonly strategies = new Map<string, PollStrategy>()

  constructor(
    private readonly settings: SettingsStore,
    private readonly clock: Clock,
    /** A strategy chosen by the caller (tests, benchmarks) instead of the settings'. */
    private readonly override?: (provider: ProviderId, model: string) => PollStrategy
  ) {}

  of(provider: ProviderId): PollingSettings {
    const stored = this.settings.read().providers?.[provider]
    const d = providerInfo(provider).limits
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

  /** The strategy of one provider's model; the learned one keeps its latency promise on the runner's clock. */
  strategy(provider: ProviderId, model: string): PollStrategy {
    const key = `${provider}/${model}`
    let s = this.strategies.get(key)
    if (!s) {
      const { strategy, latencySeconds } = this.of(provider)
      s =
        this.override?.(provider, model) ??
        strategyByName(strategy, () => docsStrategy(provider), { latencyMs: latencySeconds ? latencySeconds * 1000 : undefined, now: this.clock.now })
      this.strategies.set(key, s)
    }
    return s
  }

  maxWaitMs(provider: ProviderId): number | undefined {
    return this.of(provider).maxWaitSeconds * 1000 || undefined
  }

  /** New polling settings: its strategies start again (with what they learned lost, as before). */
  changed(providers: ProviderId[]): void {
    for (const key of [...this.strategies.keys()]) if (providers.includes(key.split('/')[0] as ProviderId)) this.strategies.delete(key)
  }
}
