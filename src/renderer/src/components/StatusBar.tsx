// The bottom line: how many jobs are in each state, whether the live connection to main is up, and the
// latest notice (a toast's text stays here after the toast has gone).
import { useEffect, useState } from 'react'
import { JOB_STATUSES } from '../../../shared/model'
import { useAppData } from '../appData'
import { getConnection, type ConnectionState } from '../bridge'
import { formatCount, formatTime, STATUS_LABELS } from '../format'
import { useToasts } from '../toasts'

const CONNECTION_LABEL: Record<ConnectionState, string> = { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }

function useConnectionState(): ConnectionState {
  const [state, setState] = useState(() => getConnection().state())
  useEffect(() => getConnection().onStateChange(setState), [])
  return state
}

export function StatusBar() {
  const { counts } = useAppData()
  const { latest } = useToasts()
  const connection = useConnectionState()
  const total = counts ? JOB_STATUSES.reduce((sum, s) => sum + counts[s], 0) : 0
  return (
    <footer className="status-bar" aria-label="Status">
      <span className={`connection connection-${connection}`} title="Connection to the Batch Studio core">
        <span className="dot" aria-hidden="true" />
        {CONNECTION_LABEL[connection]}
      </span>
      <span className="status-total">{formatCount(total)} jobs</span>
      <span className="status-counts" data-testid="status-counts">
        {JOB_STATUSES.filter((s) => counts?.[s]).map((s) => (
          <span key={s} className="status-count">
            <span className={`dot status-${s}`} aria-hidden="true" />
            {STATUS_LABELS[s]} <strong>{formatCount(counts![s])}</strong>
          </span>
        ))}
      </span>
      {latest && (
        <span className={`status-notice notice-${latest.level}`} title={latest.message}>
          <time>{formatTime(latest.at)}</time> {latest.message}
        </span>
      )}
    </footer>
  )
}
