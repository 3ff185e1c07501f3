// The provider and model filter selects the Queue and the Gallery share. With no provider chosen the model
// list holds every model id of every provider once (the filter matches by id across providers).
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { providerName } from '../modelNames'
import { ProviderOptions } from './ProviderOptions'

const ALL_MODELS: readonly { id: string; label: string }[] = (() => {
  const seen = new Map<string, { label: string; providers: string[] }>()
  for (const p of PROVIDERS)
    for (const m of p.models) seen.set(m.id, { label: seen.get(m.id)?.label ?? m.label, providers: [...(seen.get(m.id)?.providers ?? []), providerName(p.id)] })
  // The label the rest of the app shows, with the providers that have it (the filter matches the id on each).
  return [...seen].map(([id, m]) => ({ id, label: `${m.label} (${m.providers.join(', ')})` })).sort((a, b) => a.label.localeCompare(b.label))
})()

export interface ProviderModel {
  provider: ProviderId | null
  model: string | null
}

/** Two selects; a chosen filter carries the "active" class. Wrapped in `label.select-field` when asked. */
export function ProviderModelFilter({ value, onChange, wrap = false }: { value: ProviderModel; onChange(next: ProviderModel): void; wrap?: boolean }) {
  const models = value.provider ? providerInfo(value.provider).models.map((m) => ({ id: m.id, label: m.label })) : ALL_MODELS
  const providerSelect = (
    <select
      aria-label="Filter by provider"
      value={value.provider ?? ''}
      className={value.provider !== null ? 'active' : undefined}
      onChange={(e) => {
        const provider = PROVIDERS.find((p) => p.id === e.target.value)?.id ?? null
        // A model the new provider lacks would match nothing.
        const keepModel = value.model !== null && (provider === null || providerInfo(provider).models.some((m) => m.id === value.model))
        onChange({ provider, model: keepModel ? value.model : null })
      }}
    >
      <option value="">All providers</option>
      <ProviderOptions />
    </select>
  )
  const modelSelect = (
    <select
      aria-label="Filter by model"
      value={value.model ?? ''}
      className={value.model !== null ? 'active' : undefined}
      onChange={(e) => onChange({ ...value, model: e.target.value || null })}
    >
      <option value="">All models</option>
      {models.map((m) => (
        <option key={m.id} value={m.id}>
          {m.label}
        </option>
      ))}
    </select>
  )
  if (!wrap) {
    return (
      <>
        {providerSelect}
        {modelSelect}
      </>
    )
  }
  return (
    <>
      <label className="select-field">{providerSelect}</label>
      <label className="select-field">{modelSelect}</label>
    </>
  )
}
