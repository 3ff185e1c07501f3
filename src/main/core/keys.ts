// Where API keys come from. Keys stay in the main process: nothing here is ever sent to the renderer,
// written to a log or stored in a job's history. Headless mode and the CLI read `<NAME>_API_KEY`.
import { providerInfo, type ProviderId } from '../../shared/catalogue'

export interface KeySource {
  get(provider: ProviderId): string | null
}

export function envKeys(env: NodeJS.ProcessEnv = process.env): KeySource {
  return {
    get: (provider) => (provider === 'demo' ? null : env[`${providerInfo(provider).envName}_API_KEY`] || null)
  }
}
