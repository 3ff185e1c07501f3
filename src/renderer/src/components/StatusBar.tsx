// The bottom line: how many jobs are in each state and how far the current run has got, each provider's
// request rate, rate-limit waits and errors (polled from main every 2 s while the window is visible), a
// warning with a Resume button for a paused provider, whether the live connection to main is up, and the
// latest notice (a toast's text stays here after the toast has gone).
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { ProviderActivity, Stats, StatusCounts, Unreachable } from '../../../shared/contract'
import { providerInfo, type ProviderId } from '../../../shared/catalogue'
import { ACTIVE_STATUSES, JOB_STATUSES, TERMINAL_STATUSES } from '../../../shared/model'
import { useAppData } from '../appData'
import { getBridge, getConnection, type ConnectionState } from '../bridge'
import { formatCount, formatDuration, formatTime, plural, STATUS_LABELS, unreachableWords } from '../format'
import { ExtraIcon } from '../queue/ExtraIcon'
import { StatusCosts } from '../costs/StatusCosts'
import { errorMessage, useToasts } from '../toasts'
import '../styles/statusbar.css'

const CONNECTION_LABEL: Record<ConnectionState, string> = { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }
const STATS_INTERVAL_MS = 2000
/** How long a finished run's full bar stays before it goes. */
const DONE_LINGER_MS = 2500

// The socket opens before the first render (the Queue's first page is fetched then), so it may change
// between a render and its effect: read through useSyncExternalStore, which rechecks after subscribing.
const subscribeConnection = (onChange: () => void) => getConnection().onStateChange(onChange)
const connectionState = () => getConnection().state()

/** The first screen (server.tsx) comes from main, so main is there; the socket says otherwise if it is not. */
const connectedWhileServed = (): ConnectionState => 'open'

function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeConnection, connectionState, connectedWhileServed)
}

function useVisible(): boolean {
  // Rendered outside a window (server.tsx), the window to be is visible.
  const [visible, setVisible] = useState(() => typeof document === 'undefined' || document.visibilityState === 'visible')
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible')
    document.addEventListener('visibilitychange', onChange)
    return () => document.removeEventListener('visibilitychange', onChange)
  }, [])
  return visible
}

/** getStats every 2 s while the window is visible; nothing while it is hidden. */
function useStats(): { stats: Stats | null; reload(): void } {
  const visible = useVisible()
  const [stats, setStats] = useState<Stats | null>(null)
  const inflight = useRef(false)
  const load = useCallback(() => {
    if (inflight.current) return
    inflight.current = true
    getBridge()
      .getStats(undefined)
      .then(setStats, () => {
        // The connection indicator already says when main is unreachable; keep the last numbers.
      })
      .finally(() => (inflight.current = false))
  }, [])
  useEffect(() => {
    if (!visible) return
    load()
    const timer = setInterval(load, STATS_INTERVAL_MS)
    return () => clearInterval(timer)
  }, [visible, load])
  return { stats, reload: load }
}

const sum = (counts: StatusCounts, statuses: readonly (keyof StatusCounts)[]) => statuses.reduce((n, s) => n + counts[s], 0)

/**
 * How far the current run has got: jobs finished since the queue last went from idle to busy, out of those
 * plus the ones still active. (The contract has no per-batch progress, so this follows the status counts:
 * a run is the active batches taken together.)
 */
function useRunProgress(counts: StatusCounts | null): { done: number; total: number } | null {
  const baseline = useRef<number | null>(null)
  const lastTotal = useRef(0)
  const [finished, setFinished] = useState<{ done: number; total: number } | null>(null)
  const active = counts ? sum(counts, ACTIVE_STATUSES) : 0
  const terminal = counts ? sum(counts, TERMINAL_STATUSES) : 0
  let current: { done: number; total: number } | null = null
  if (counts && active > 0) {
    // A retry moves a job back from finished to active, a delete removes finished ones: never below zero.
    if (baseline.current === null || terminal < baseline.current) baseline.current = terminal
    const done = terminal - baseline.current
    current = { done, total: done + active }
  } else if (counts) baseline.current = null
  const running = current !== null
  const total = current?.total ?? 0
  useEffect(() => {
    if (running) lastTotal.current = total
  }, [running, total])
  useEffect(() => {
    if (running) {
      setFinished(null)
      return
    }
    if (!lastTotal.current) return
    // The run has ended: show it complete for a moment.
    const t = lastTotal.current
    lastTotal.current = 0
    setFinished({ done: t, total: t })
    const timer = setTimeout(() => setFinished(null), DONE_LINGER_MS)
    return () => clearTimeout(timer)
  }, [running])
  return current ?? finished
}

/** Batches named with their own time left when several run at once; the rest are counted. */
const MAX_BATCH_ETAS = 3

/** "about 1:20 left" for the whole run; "finishing" once every model's typical time has passed. */
function runTimeLeft(etaAt: number, now: number): string {
  const left = etaAt - now
  return left >= 1000 ? `about ${formatDuration(left)} left` : 'finishing'
}

function activityTitle(a: ProviderActivity): string {
  return `${providerInfo(a.provider).label}: ${plural(a.requestsPerMinute, 'request')} in the last minute, ${plural(a.rateLimitWaits, 'rate-limit wait')}, ${plural(a.errorsLastHour, 'error')} in the last hour`
}

export function StatusBar() {
  const { counts, settings, setSettings } = useAppData()
  const { latest, push } = useToasts()
  const connection = useConnectionState()
  const { stats, reload } = useStats()
  const [resuming, setResuming] = useState<ProviderId | null>(null)
  const total = counts ? JOB_STATUSES.reduce((sum, s) => sum + counts[s], 0) : 0
  const run = useRunProgress(counts)

  // Paused providers, from the settings main pushes and from the stats (whichever knows first).
  const paused = new Map<ProviderId, string>()
  for (const [id, p] of Object.entries(settings?.providers ?? {}) as [ProviderId, { pausedReason: string | null }][])
    if (p.pausedReason) paused.set(id, p.pausedReason)
  for (const a of stats?.providers ?? []) if (a.pausedReason && !paused.has(a.provider)) paused.set(a.provider, a.pausedReason)
  // Unreachable providers (not paused: their jobs wait and are tried again), likewise from either source.
  const unreachable = new Map<ProviderId, Unreachable>()
  for (const [id, p] of Object.entries(settings?.providers ?? {}) as [ProviderId, { unreachable: Unreachable | null }][])
    if (p.unreachable && !paused.has(id)) unreachable.set(id, p.unreachable)
  for (const a of stats?.providers ?? [])
    if (a.unreachable && !paused.has(a.provider) && !unreachable.has(a.provider)) unreachable.set(a.provider, a.unreachable)
  const activity = (stats?.providers ?? []).filter((a) => a.requestsPerMinute > 0 || a.rateLimitWaits > 0 || a.errorsLastHour > 0)

  const resume = async (provider: ProviderId) => {
    setResuming(provider)
    try {
      setSettings(await getBridge().pauseProvider({ provider, paused: false }))
      push('success', `${providerInfo(provider).label} resumed`)
      reload()
    } catch (err) {
      push('error', `Could not resume ${providerInfo(provider).label}: ${errorMessage(err)}`)
    } finally {
      setResuming(null)
    }
  }

  const percent = run && run.total > 0 ? Math.floor((run.done / run.total) * 100) : 0
  return (
    <footer className="status-bar" aria-label="Status">
      {run && (
        <div
          className="run-progress"
          role="progressbar"
          aria-label="Queue progress"
          aria-valuemin={0}
          aria-valuemax={run.total}
          aria-valuenow={run.done}
          aria-valuetext={`${formatCount(run.done)} of ${formatCount(run.total)} jobs finished`}
        >
          <div className="run-progress-fill" style={{ width: `${percent}%` }} />
        </div>
      )}
      <span className={`connection connection-${connection}`} title="Connection to the Batch Studio core">
        <span className="dot" aria-hidden="true" />
        {CONNECTION_LABEL[connection]}
      </span>
      {/* Not "0 jobs" before the counts are known (the first screen main renders has none). */}
      {counts && <span className="status-total">{formatCount(total)} jobs</span>}
      <span className="status-counts" data-testid="status-counts">
        {JOB_STATUSES.filter((s) => counts?.[s]).map((s) => (
          <span key={s} className="status-count">
            <span className={`dot status-${s}`} aria-hidden="true" />
            {STATUS_LABELS[s]} <strong>{formatCount(counts![s])}</strong>
          </span>
        ))}
      </span>
      {run && (
        <span className="run-text" data-testid="run-progress">
          {formatCount(run.done)}/{formatCount(run.total)} finished <strong>{percent}%</strong>
          {/* From each model's recent durations; unknown until a model has a few finished jobs. */}
          {stats?.etaAt != null && <span className="run-eta"> · {runTimeLeft(stats.etaAt, Date.now())}</span>}
        </span>
      )}
      {stats && stats.batches.length > 1 && (
        <span className="run-text" data-testid="batch-etas">
          {stats.batches.slice(0, MAX_BATCH_ETAS).map((b, i) => (
            <span key={b.id}>
              {i > 0 && ' · '}
              <span className="batch-eta">
                {b.name}: {b.etaAt === null ? 'time unknown' : runTimeLeft(b.etaAt, Date.now())}
              </span>
            </span>
          ))}
          {stats.batches.length > MAX_BATCH_ETAS && ` · +${stats.batches.length - MAX_BATCH_ETAS} more`}
        </span>
      )}
      {activity.length > 0 && (
        <span className="provider-activity" data-testid="provider-activity">
          {activity.map((a) => (
            <span key={a.provider} className="activity" title={activityTitle(a)}>
              <span className="activity-name">{providerInfo(a.provider).label.replace(/ \(.*\)$/, '')}</span>
              <strong>{formatCount(a.requestsPerMinute)}</strong>/min
              {a.rateLimitWaits > 0 && <span className="activity-waits">{formatCount(a.rateLimitWaits)} waits</span>}
              {a.errorsLastHour > 0 && <span className="activity-errors">{plural(a.errorsLastHour, 'error')}</span>}
            </span>
          ))}
        </span>
      )}
      {[...paused].map(([provider, reason]) => (
        <span key={provider} className="paused-provider" role="status" data-testid="paused-provider">
          <ExtraIcon name="pause" size={12} />
          <span className="paused-text" title={reason}>
            {providerInfo(provider).label.replace(/ \(.*\)$/, '')} paused: {reason}
          </span>
          <button type="button" className="status-action" disabled={resuming === provider} onClick={() => void resume(provider)}>
            {resuming === provider ? 'Resuming…' : 'Resume'}
          </button>
        </span>
      ))}
      {[...unreachable].map(([provider, u]) => (
        <span key={provider} className="paused-provider unreachable" role="status" data-testid="unreachable-provider">
          <span className="paused-text" title={`${providerInfo(provider).label}: ${unreachableWords(u)}; its jobs wait and are tried again`}>
            {providerInfo(provider).label.replace(/ \(.*\)$/, '')}: {unreachableWords(u)}
          </span>
        </span>
      ))}
      <StatusCosts stats={stats} />
      {latest && (
        <span className={`status-notice notice-${latest.level}`} title={latest.message}>
          <time>{formatTime(latest.at)}</time> {latest.message}
        </span>
      )}
    </footer>
  )
}
