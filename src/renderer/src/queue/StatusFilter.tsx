// The status chips over the queue: each shows how many jobs are in that state. A click shows that status
// only (what a user expects of tabs); Ctrl/Cmd- or Shift-click adds it to the others shown, or takes it
// out. None pressed means every status.
import { JOB_STATUSES, type JobStatus, type StatusCounts } from '../../../shared/model'
import { formatCount, MOD_KEY, STATUS_LABELS } from '../format'

interface StatusFilterProps {
  counts: StatusCounts | null
  selected: readonly JobStatus[]
  onChange(next: JobStatus[]): void
}

export function StatusFilter({ counts, selected, onChange }: StatusFilterProps) {
  const total = counts ? JOB_STATUSES.reduce((sum, s) => sum + counts[s], 0) : 0
  const toggle = (status: JobStatus) => onChange(selected.includes(status) ? selected.filter((s) => s !== status) : [...selected, status])
  const pick = (status: JobStatus, add: boolean) => (add ? toggle(status) : onChange(selected.length === 1 && selected[0] === status ? [] : [status]))
  return (
    <div className="status-filter" role="group" aria-label="Filter by status" title={`Click: only that status · ${MOD_KEY}-click: add it to those shown`}>
      <button type="button" className="filter-chip" aria-pressed={selected.length === 0} onClick={() => onChange([])}>
        all {counts && <span className="filter-count">{formatCount(total)}</span>}
      </button>
      {JOB_STATUSES.map((status) => {
        const n = counts?.[status] ?? 0
        // Empty states would only be noise, unless the user has them selected (so they can unselect).
        if (!n && !selected.includes(status)) return null
        return (
          <button
            key={status}
            type="button"
            className={`filter-chip chip-${status}`}
            aria-pressed={selected.includes(status)}
            onClick={(e) => pick(status, e.ctrlKey || e.metaKey || e.shiftKey)}
          >
            <span className={`dot status-${status}`} aria-hidden="true" />
            {STATUS_LABELS[status]} <span className="filter-count">{formatCount(n)}</span>
          </button>
        )
      })}
    </div>
  )
}
