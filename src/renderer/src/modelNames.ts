// One name per provider and per model wherever the app shows one (the composer's picker, the queue's rows
// and filters, the job drawer, the gallery): the catalogue's labels, the provider's without its aside
// ("Demo", not "Demo (offline simulator)"). A model id the catalogue does not list is shown as typed.
import { modelInfo, providerInfo, type ProviderId } from '../../shared/catalogue'

export function providerName(provider: ProviderId): string {
  return providerInfo(provider).label.replace(/ \(.*\)$/, '')
}

/** The model alone ("Image"), where its provider is shown beside it. */
export function modelName(provider: ProviderId, model: string): string {
  return modelInfo(provider, model)?.label ?? model
}

/** Provider and model together: "Demo · Image". */
export function providerModelName(provider: ProviderId, model: string): string {
  return `${providerName(provider)} · ${modelName(provider, model)}`
}
