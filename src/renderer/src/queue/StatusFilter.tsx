// The status chips over the queue: each shows how many jobs are in that state and toggles it in the
// filter; none pressed means every status.
import { JOB_STATUSES, type JobStatus, type StatusCounts } from '../../../shared/model'
import { formatCount, STATUS_LABELS } from '../format'

interface StatusFilterProps {
  counts: StatusCounts | null
  selected: readonly JobStatus[]
  onChange(next: JobStatus[]): void
}

export function StatusFilter({ counts, selected, onChange }: StatusFilterProps) {
  const total = counts ? JOB_STATUSES.reduce((sum, s) => sum + counts[s], 0) : 0
  const toggle = (status: JobStatus) => onChange(selected.includes(status) ? selected.filter((s) => s !== status) : [...selected, status])
  return (
    <div className="status-filter" role="group" aria-label="Filter by status">
      <button type="button" className="filter-chip" aria-pressed={selected.length === 0} onClick={() => onChange([])}>
        all {counts && <span className="filter-count">{formatCount(total)}</span>}
      </button>
      {JOB_STATUSES.map((status) => {
        const n = counts?.[status] ?? 0
        // Empty states would only be noise, unless the user has them selected (so they can unselect).
        if (!n && !selected.includes(status)) return null
        return (
          <button key={status} type="button" className={`filter-chip chip-${status}`} aria-pressed={selected.includes(status)} onClick={() => toggle(status)}>
            <span className={`dot status-${status}`} aria-hidden="true" />
            {STATUS_LABELS[status]} <span className="filter-count">{formatCount(n)}</span>
          </button>
        )
      })}
    </div>
  )
}
