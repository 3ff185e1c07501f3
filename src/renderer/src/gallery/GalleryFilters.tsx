// The gallery's filters: batch, provider, model, date range, favourites and minimum rating. Batches come
// from listBatches (refreshed when one finishes); models from the catalogue for the chosen provider.
import { memo, useCallback, useEffect, useState } from 'react'
import type { Batch } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { ProviderModelFilter } from '../components/ProviderModelFilter'
import { useBridgeEvent, useResync } from '../hooks/useBridgeEvent'
import { errorMessage, useToasts } from '../toasts'
import { DayField } from './DayField'
import { hasFilters, type GalleryQuery } from './galleryQuery'

/** Memoised: the gallery re-renders on every scroll frame, its filters need not. */
export const GalleryFilters = memo(function GalleryFilters({ query, onChange }: { query: GalleryQuery; onChange(patch: Partial<GalleryQuery>): void }) {
  const { push } = useToasts()
  const [batches, setBatches] = useState<Batch[]>([])
  const load = useCallback(() => {
    getBridge()
      .listBatches(undefined)
      .then(setBatches, (err) => push('error', `Could not load batches: ${errorMessage(err)}`))
  }, [push])
  useEffect(load, [load])
  useResync(load)
  useBridgeEvent('batchFinished', load)

  // A batch that is selected but not listed (deleted meanwhile) still shows as itself.
  const batchListed = query.batchId === null || batches.some((b) => b.id === query.batchId)

  return (
    <div className="gallery-filters" role="group" aria-label="Gallery filters">
      <Icon name="filter" className="muted" />
      <select aria-label="Batch" value={query.batchId ?? ''} onChange={(e) => onChange({ batchId: e.target.value ? Number(e.target.value) : null })}>
        <option value="">All batches</option>
        {!batchListed && <option value={query.batchId!}>Batch {query.batchId}</option>}
        {[...batches].reverse().map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </select>
      <ProviderModelFilter
        value={{ provider: query.provider, model: query.model || null }}
        onChange={(next) => onChange({ provider: next.provider, model: next.model ?? '' })}
      />
      <label className="date-range">
        <span className="visually-hidden">From date</span>
        <DayField label="From date" value={query.from} onChange={(from) => onChange({ from })} />
      </label>
      <span className="muted">–</span>
      <label className="date-range">
        <span className="visually-hidden">To date</span>
        <DayField label="To date" value={query.to} onChange={(to) => onChange({ to })} />
      </label>
      <button
        type="button"
        className={`button small toggle${query.favorite ? ' on' : ''}`}
        aria-pressed={query.favorite}
        title="Show favourites only"
        onClick={() => onChange({ favorite: !query.favorite })}
      >
        <Icon name="heart" size={14} filled={query.favorite} /> Favourites
      </button>
      <select aria-label="Minimum rating" value={query.minRating} onChange={(e) => onChange({ minRating: Number(e.target.value) })}>
        <option value={0}>Any rating</option>
        {[1, 2, 3, 4, 5].map((n) => (
          <option key={n} value={n}>
            {'★'.repeat(n)}
            {n < 5 ? ' or more' : ''}
          </option>
        ))}
      </select>
      <select aria-label="Lineage" value={query.lineage ?? ''} onChange={(e) => onChange({ lineage: (e.target.value || null) as GalleryQuery['lineage'] })}>
        <option value="">Any origin</option>
        <option value="derived">Derived (made from another)</option>
        <option value="has-children">Has children (used for more)</option>
      </select>
      {hasFilters(query) && (
        <button
          type="button"
          className="link-button"
          onClick={() => onChange({ batchId: null, provider: null, model: '', from: '', to: '', favorite: false, minRating: 0, lineage: null })}
        >
          Clear filters
        </button>
      )}
    </div>
  )
})
