// The Queue tab: filters, bulk actions, the live grid of jobs and the detail drawer of the one opened.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import type { Job, JobSortColumn, JobStatus } from '../../../shared/contract'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { formatCount, MOD_KEY, plural } from '../format'
import { useDebounced } from '../hooks/useDebounced'
import { useStableCallback } from '../hooks/useLatest'
import { useSessionState } from '../hooks/useSessionState'
import { errorMessage, useToasts } from '../toasts'
import { JobDrawer } from './JobDrawer'
import { QueueGrid, type QueueGridHandle } from './QueueGrid'
import { StatusFilter } from './StatusFilter'
import { useJobSelection } from './useJobSelection'
import { useJobsPager, type JobQuery } from './useJobsPager'

/** Text columns read best A→Z first; numbers and times biggest first. */
const FIRST_DIRECTION: Record<JobSortColumn, 'asc' | 'desc'> = { id: 'desc', prompt: 'asc', provider: 'asc', status: 'asc', attempts: 'desc', elapsed: 'desc' }

export function QueueView() {
  const { counts } = useAppData()
  const { push } = useToasts()
  const [statuses, setStatuses] = useSessionState<JobStatus[]>('queue.status', [])
  const [text, setText] = useSessionState('queue.text', '')
  const [sort, setSort] = useSessionState<{ sort: JobSortColumn; dir: 'asc' | 'desc' }>('queue.sort', { sort: 'id', dir: 'desc' })
  const [openId, setOpenId] = useSessionState<number | null>('queue.open', null)
  /** What a bulk action is doing, while it runs (collecting ids for "all" can take a while). */
  const [busy, setBusy] = useState<string | null>(null)
  const debouncedText = useDebounced(text, 250)
  const query: JobQuery = { status: statuses, text: debouncedText, sort: sort.sort, dir: sort.dir }

  const grid = useRef<QueueGridHandle>(null)
  const getAnchor = useCallback(() => grid.current?.anchorIndex() ?? null, [])
  const onError = useCallback((err: unknown) => push('error', `Could not load jobs: ${errorMessage(err)}`), [push])
  const list = useJobsPager(query, getAnchor, onError)
  const sel = useJobSelection(list, query)

  // A new filter or sort is a new list: start it at the top with nothing selected. (Not on mount, which
  // restores where the user left the view.)
  const queryKey = JSON.stringify(query)
  const shownKey = useRef(queryKey)
  const { clear } = sel
  useEffect(() => {
    if (shownKey.current === queryKey) return
    shownKey.current = queryKey
    clear()
    grid.current?.scrollToTop()
  }, [queryKey, clear])

  const onSort = (column: JobSortColumn) =>
    setSort((s) => (s.sort === column ? { sort: column, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { sort: column, dir: FIRST_DIRECTION[column] }))

  const extendTo = (index: number, job: Job) => sel.extendTo(index, job).catch((err) => push('error', `Could not select that range: ${errorMessage(err)}`))

  const onRowClick = useStableCallback((e: MouseEvent, index: number, job: Job) => {
    if (e.shiftKey) void extendTo(index, job)
    else if (e.metaKey || e.ctrlKey) sel.toggle(job)
    else {
      sel.selectOnly(job)
      setOpenId(job.id)
    }
  })

  /** Moves the keyboard cursor to a row; the open drawer follows it, as in a mail client. */
  const moveTo = (index: number, extend: boolean) => {
    const target = Math.max(0, Math.min(list.total - 1, index))
    const job = list.get(target)
    grid.current?.scrollToIndex(target)
    if (!job) return
    if (extend) void extendTo(target, job)
    else {
      sel.selectOnly(job)
      if (openId !== null) setOpenId(job.id)
    }
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const cursor = sel.cursorId === null ? -1 : (list.indexOf(sel.cursorId) ?? -1)
    const page = grid.current?.pageRows() ?? 10
    const mod = e.ctrlKey || e.metaKey
    let handled = true
    if (e.key === 'ArrowDown') moveTo(cursor + 1, e.shiftKey)
    else if (e.key === 'ArrowUp') moveTo(cursor - 1, e.shiftKey)
    else if (e.key === 'PageDown') moveTo(cursor + page, e.shiftKey)
    else if (e.key === 'PageUp') moveTo(cursor - page, e.shiftKey)
    else if (e.key === 'Home') moveTo(0, e.shiftKey)
    else if (e.key === 'End') moveTo(list.total - 1, e.shiftKey)
    else if (e.key === 'Enter' && sel.cursorId !== null) setOpenId(sel.cursorId)
    else if (mod && e.key.toLowerCase() === 'a') sel.selectAll()
    else if (e.key === 'Escape' && openId !== null) setOpenId(null)
    else if (e.key === 'Escape') sel.clear()
    else handled = false
    if (handled) e.preventDefault()
  }

  const bulk = async (action: 'cancelJobs' | 'retryJobs') => {
    const working = action === 'cancelJobs' ? 'Canceling' : 'Retrying'
    setBusy(`${working}…`)
    try {
      const ids = await sel.resolveIds((collected, total) => setBusy(`Collecting ${formatCount(collected)} of ${formatCount(total)} jobs…`))
      if (!ids.length) return
      setBusy(`${working} ${plural(ids.length, 'job')}…`)
      const { changed } = await getBridge()[action]({ ids })
      const verb = action === 'cancelJobs' ? 'Canceled' : 'Retrying'
      push(changed ? 'success' : 'info', changed ? `${verb} ${plural(changed, 'job')}` : `None of the ${plural(ids.length, 'selected job')} could be ${action === 'cancelJobs' ? 'canceled' : 'retried'}`)
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  const closeDrawer = useCallback(() => {
    setOpenId(null)
    grid.current?.focus()
  }, [setOpenId])

  const filtered = statuses.length > 0 || debouncedText.trim() !== ''

  return (
    <div className="queue-view">
      <div className="toolbar">
        <StatusFilter counts={counts} selected={statuses} onChange={setStatuses} />
        <label className="search-field">
          <Icon name="search" />
          <input type="search" aria-label="Filter jobs" placeholder="Filter by prompt…" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
      <div className={`bulk-bar${sel.count ? ' active' : ''}`} aria-live="polite">
        {sel.count ? (
          <>
            <span className="bulk-count">{sel.selection.all ? `All ${plural(sel.count, 'job')} selected` : `${plural(sel.count, 'job')} selected`}</span>
            <button type="button" className="button small" aria-label="Retry selected jobs" disabled={busy !== null} onClick={() => void bulk('retryJobs')}>
              <Icon name="retry" /> Retry
            </button>
            <button type="button" className="button small danger" aria-label="Cancel selected jobs" disabled={busy !== null} onClick={() => void bulk('cancelJobs')}>
              <Icon name="cancel" /> Cancel
            </button>
            <button type="button" className="link-button" onClick={sel.clear}>
              Clear selection
            </button>
            {busy && <span className="muted">{busy}</span>}
          </>
        ) : (
          <span className="muted">
            {list.loaded ? `${formatCount(list.total)}${filtered ? ' matching' : ''} ${list.total === 1 ? 'job' : 'jobs'}` : 'Loading jobs…'}
            <span className="hint">
              {' '}
              · Click to open · Shift/{MOD_KEY}-click to select · {MOD_KEY}+A selects all
            </span>
          </span>
        )}
      </div>
      <div className="queue-body">
        <QueueGrid
          ref={grid}
          list={list}
          isSelected={sel.isSelected}
          cursorId={sel.cursorId}
          sort={sort.sort}
          dir={sort.dir}
          emptyMessage={filtered ? 'No jobs match this filter.' : 'No jobs yet. Write some prompts on the left and press Queue.'}
          onSort={onSort}
          onRowClick={onRowClick}
          onKeyDown={onKeyDown}
        />
        {openId !== null && <JobDrawer jobId={openId} onClose={closeDrawer} />}
      </div>
    </div>
  )
}
