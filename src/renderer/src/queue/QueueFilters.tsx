// The queue's scope filters beside the status chips: one batch, one provider, one model.
import type { Batch } from '../../../shared/contract'
import { PROVIDERS, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { formatCount } from '../format'

export interface ScopeFilter {
  batchId: number | null
  provider: ProviderId | null
  model: string | null
}

/** Every model id of every provider once, for the model filter when no provider is chosen (it filters by id). */
const ALL_MODELS: readonly { id: string; label: string }[] = (() => {
  const seen = new Map<string, string[]>()
  for (const p of PROVIDERS) for (const m of p.models) seen.set(m.id, [...(seen.get(m.id) ?? []), p.label.replace(/ \(.*\)$/, '')])
  return [...seen].map(([id, providers]) => ({ id, label: `${id} (${providers.join(', ')})` })).sort((a, b) => a.id.localeCompare(b.id))
})()

/** How many batches the filter lists; older ones are reached by the text filter or by scrolling the grid. */
const MAX_BATCH_OPTIONS = 500

export function QueueFilters({ value, batches, onChange }: { value: ScopeFilter; batches: readonly Batch[]; onChange(next: ScopeFilter): void }) {
  const models = value.provider ? providerInfo(value.provider).models.map((m) => ({ id: m.id, label: `${m.label} (${m.id})` })) : ALL_MODELS
  const chosenBatchMissing = value.batchId !== null && !batches.some((b) => b.id === value.batchId)
  return (
    <div className="scope-filters" role="group" aria-label="Batch, provider and model">
      <label className="select-field">
        <select
          aria-label="Filter by batch"
          value={value.batchId ?? ''}
          className={value.batchId !== null ? 'active' : undefined}
          onChange={(e) => onChange({ ...value, batchId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">All batches</option>
          {chosenBatchMissing && <option value={value.batchId!}>Batch {value.batchId}</option>}
          {batches.slice(0, MAX_BATCH_OPTIONS).map((b) => (
            <option key={b.id} value={b.id}>
              {b.name} · {formatCount(b.jobCount)}
              {b.paused ? ' · paused' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <select
          aria-label="Filter by provider"
          value={value.provider ?? ''}
          className={value.provider !== null ? 'active' : undefined}
          onChange={(e) => {
            const provider = (e.target.value || null) as ProviderId | null
            // A model the new provider lacks would match nothing.
            const keepModel = value.model !== null && (provider === null || providerInfo(provider).models.some((m) => m.id === value.model))
            onChange({ ...value, provider, model: keepModel ? value.model : null })
          }}
        >
          <option value="">All providers</option>
          {PROVIDERS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <label className="select-field">
        <select aria-label="Filter by model" value={value.model ?? ''} className={value.model !== null ? 'active' : undefined} onChange={(e) => onChange({ ...value, model: e.target.value || null })}>
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
