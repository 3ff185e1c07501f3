// Which adapter speaks which provider's protocol. Adding a provider is its module plus one line here.
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
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
