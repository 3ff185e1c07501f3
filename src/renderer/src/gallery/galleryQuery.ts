// What the gallery shows, as the user set it (search, batch, provider, model, dates, favourites, rating),
// and its translation into the contract's GalleryFilter. Dates are whole local days, as a date input gives.
import type { GalleryFilter } from '../../../shared/contract'
import type { ProviderId } from '../../../shared/catalogue'

export interface GalleryQuery {
  text: string
  batchId: number | null
  provider: ProviderId | null
  model: string
  /** yyyy-mm-dd (local) or '' */
  from: string
  to: string
  favorite: boolean
  minRating: number
  /** Made from another job, or something was made from it; absent in queries stored before it existed. */
  lineage?: 'derived' | 'has-children' | null
}

export const EMPTY_QUERY: GalleryQuery = { text: '', batchId: null, provider: null, model: '', from: '', to: '', favorite: false, minRating: 0 }

/** The filter without paging, as listGallery and startExport take it. */
export type GalleryWhere = Omit<GalleryFilter, 'offset' | 'limit'>

function dayStart(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return undefined
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime()
}

export function toFilter(q: GalleryQuery): GalleryWhere {
  const filter: GalleryWhere = {}
  const text = q.text.trim()
  if (text) filter.text = text.slice(0, 500)
  if (q.batchId !== null) filter.batchId = q.batchId
  if (q.provider) filter.provider = q.provider
  if (q.model) filter.model = q.model
  const from = dayStart(q.from)
  if (from !== undefined) filter.from = from
  const to = dayStart(q.to)
  // "To" includes that whole day.
  if (to !== undefined) filter.to = new Date(to).setDate(new Date(to).getDate() + 1) - 1
  if (q.favorite) filter.favorite = true
  if (q.minRating > 0) filter.minRating = q.minRating
  if (q.lineage) filter.lineage = q.lineage
  return filter
}

/** Everything but the search text: what the "clear filters" button resets. */
export function hasFilters(q: GalleryQuery): boolean {
  return q.batchId !== null || q.provider !== null || q.model !== '' || q.from !== '' || q.to !== '' || q.favorite || q.minRating > 0 || Boolean(q.lineage)
}
