// Which adapter speaks which provider's protocol. Adding a provider is its module plus one line here.
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import { createLetzaiAdapter } from './letzai'
import type { AdapterConfig, ProviderAdapter } from './types'

export function createAdapter(provider: ProviderId, config: AdapterConfig): ProviderAdapter {
  const { protocol } = providerInfo(provider)
  switch (protocol) {
    case 'letzai':
      return createLetzaiAdapter(config, provider === 'demo' ? 'demo' : 'letzai')
    default:
      throw new Error(`${providerInfo(provider).label} is not supported yet`)
  }
}
