// The provider and model filter selects the Queue and the Gallery share. With no provider chosen the model
// list holds every model id of every provider once (the filter matches by id across providers).
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { ProviderOptions } from './ProviderOptions'

const ALL_MODELS: readonly { id: string; label: string }[] = (() => {
  const seen = new Map<string, string[]>()
  for (const p of PROVIDERS) for (const m of p.models) seen.set(m.id, [...(seen.get(m.id) ?? []), p.label.replace(/ \(.*\)$/, '')])
  return [...seen].map(([id, providers]) => ({ id, label: `${id} (${providers.join(', ')})` })).sort((a, b) => a.id.localeCompare(b.id))
})()

export interface ProviderModel {
  provider: ProviderId | null
  model: string | null
}

/** Two selects; a chosen filter carries the "active" class. Wrapped in `label.select-field` when asked. */
export function ProviderModelFilter({ value, onChange, wrap = false }: { value: ProviderModel; onChange(next: ProviderModel): void; wrap?: boolean }) {
  const models = value.provider ? providerInfo(value.provider).models.map((m) => ({ id: m.id, label: `${m.label} (${m.id})` })) : ALL_MODELS
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
    <select aria-label="Filter by model" value={value.model ?? ''} className={value.model !== null ? 'active' : undefined} onChange={(e) => onChange({ ...value, model: e.target.value || null })}>
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
