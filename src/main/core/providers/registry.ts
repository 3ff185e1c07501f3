// Folder src/main/core/providers/ — every provider's quirks, behind one small interface (types.ts): one
// adapter per provider (letzai.ts, bfl.ts, wondercat.ts, apixo.ts, umrgen.ts), the HTTP client and its
// errors (http.ts), which adapter speaks which protocol and how its docs say to poll it (this file), how the
// core reaches each provider (connections.ts: base URL, key) and the Demo's simulator backend (demo.ts,
// handed in, known by its types only). The facts come from docs/providers.md; the models and limits are in
// src/shared/catalogue. May import src/shared, scheduling/strategies and settings/ types; never jobs/,
// storage/, electron, the CLI or the headless bridge.
//
// Which adapter speaks which provider's protocol, and how its docs say to poll it. Adding a provider is its
// module plus its lines here.
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import { adaptive, exponential, fixed, perStatus, type PollStrategy } from '../scheduling/strategies'
import { createApixoAdapter } from './apixo'
import { createBflAdapter } from './bfl'
import { createLetzaiAdapter } from './letzai'
import { createUmrgenAdapter } from './umrgen'
import { createWondercatAdapter } from './wondercat'
import type { AdapterConfig, ProviderAdapter } from './types'

export function createAdapter(provider: ProviderId, config: AdapterConfig): ProviderAdapter {
  const { protocol } = providerInfo(provider)
  switch (protocol) {
    case 'letzai':
      return createLetzaiAdapter(config, provider === 'demo' ? 'demo' : 'letzai')
    case 'bfl':
      return createBflAdapter(config)
    case 'wondercat':
      return createWondercatAdapter(config)
    case 'apixo':
      return createApixoAdapter(config)
    case 'umrgen':
      return createUmrgenAdapter(config)
    default:
      throw new Error(`${providerInfo(provider).label} is not supported yet`)
  }
}

/** The docs' own polling recipe per provider (docs/providers.md): what the learned strategy starts from until it has history. */
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
