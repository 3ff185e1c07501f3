// The queue's scope filters beside the status chips: one batch, one provider, one model.
import type { Batch } from '../../../shared/contract'
import type { ProviderId } from '../../../shared/catalogue'
import { ProviderModelFilter } from '../components/ProviderModelFilter'
import { formatCount } from '../format'

export interface ScopeFilter {
  batchId: number | null
  provider: ProviderId | null
  model: string | null
}

/** How many batches the filter lists; older ones are reached by the text filter or by scrolling the grid. */
const MAX_BATCH_OPTIONS = 500

export function QueueFilters({ value, batches, onChange }: { value: ScopeFilter; batches: readonly Batch[]; onChange(next: ScopeFilter): void }) {
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
      <ProviderModelFilter wrap value={value} onChange={(next) => onChange({ ...value, ...next })} />
    </div>
  )
}
