import type { JobStatus } from '../../../shared/contract'
import { STATUS_LABELS } from '../format'

export function StatusChip({ status }: { status: JobStatus }) {
  return <span className={`status-chip status-${status}`}>{STATUS_LABELS[status]}</span>
}
