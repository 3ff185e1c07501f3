import type { JobSortColumn } from '../../../shared/contract'

export interface Column {
  id: string
  label: string
  /** Sortable columns name the server-side sort they map to. */
  sort?: JobSortColumn
  align?: 'end'
}

/** The queue grid's columns, in order; their widths live in queue.css (grid-template-columns). */
export const COLUMNS: readonly Column[] = [
  { id: 'thumb', label: 'Preview' },
  { id: 'id', label: '#', sort: 'id', align: 'end' },
  { id: 'prompt', label: 'Prompt', sort: 'prompt' },
  { id: 'provider', label: 'Provider / model', sort: 'provider' },
  { id: 'status', label: 'Status', sort: 'status' },
  { id: 'progress', label: 'Progress' },
  { id: 'attempts', label: 'Tries', sort: 'attempts', align: 'end' },
  { id: 'elapsed', label: 'Elapsed', sort: 'elapsed', align: 'end' },
  { id: 'error', label: 'Error' }
]
