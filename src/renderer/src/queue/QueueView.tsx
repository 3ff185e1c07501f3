// The Queue tab: filters, bulk actions, the live grid of jobs and the detail drawer of the one opened.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import type { Job, JobSortColumn, JobStatus } from '../../../shared/contract'
import type { ProviderId } from '../../../shared/catalogue'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { formatCount, MOD_KEY, plural } from '../format'
import { useDebounced } from '../hooks/useDebounced'
import { providerModelName } from '../modelNames'
import { BulkExportButton } from '../export/BulkExportButton'
import { useStableCallback } from '../hooks/useLatest'
import { useSessionState } from '../hooks/useSessionState'
import { errorMessage, useToasts } from '../toasts'
import { DeleteJobsDialog, RequeueDialog } from './BulkDialogs'
import { ExtraIcon } from './ExtraIcon'
import { JobDrawer } from './JobDrawer'
import { SendToDialog } from '../lineage/SendToDialog'
import { QueueFilters, type ScopeFilter } from './QueueFilters'
import { QueueGrid, type QueueGridHandle } from './QueueGrid'
import { QueueCosts } from '../costs/QueueCosts'
import { StatusFilter } from './StatusFilter'
import { refreshBatches, useBatches } from './useBatches'
import { useJobSelection } from './useJobSelection'
import { INITIAL_JOB_QUERY, useJobsPager, type JobQuery } from './useJobsPager'

/** Text columns read best A→Z first; numbers and times biggest first. */
const FIRST_DIRECTION: Record<JobSortColumn, 'asc' | 'desc'> = { id: 'desc', prompt: 'asc', provider: 'asc', status: 'asc', attempts: 'desc', elapsed: 'desc' }
/** The most ids one cancel, retry, delete or re-queue call takes (the contract's limit). */
const IDS_PER_CALL = 100_000
const NO_SCOPE: ScopeFilter = { batchId: null, provider: null, model: null }

type BulkAction = 'cancelJobs' | 'retryJobs'
type Dialog = 'delete' | 'requeue' | null

export function QueueView() {
  const { counts, settings } = useAppData()
  const { push } = useToasts()
  const batches = useBatches()
  const [statuses, setStatuses] = useSessionState<JobStatus[]>('queue.status', INITIAL_JOB_QUERY.status)
  const [text, setText] = useSessionState('queue.text', INITIAL_JOB_QUERY.text)
  const [scope, setScope] = useSessionState<ScopeFilter>('queue.scope', NO_SCOPE)
  const [sort, setSort] = useSessionState<{ sort: JobSortColumn; dir: 'asc' | 'desc' }>('queue.sort', {
    sort: INITIAL_JOB_QUERY.sort,
    dir: INITIAL_JOB_QUERY.dir
  })
  const [openId, setOpenId] = useSessionState<number | null>('queue.open', null)
  /** What a bulk action is doing, while it runs (collecting ids for "all" can take a while). */
  const [busy, setBusy] = useState<string | null>(null)
  const [dialog, setDialog] = useState<Dialog>(null)
  /** Bumped by Enter on a row: the drawer takes keyboard focus (arrows with the drawer open leave it on the grid). */
  const [drawerFocus, setDrawerFocus] = useState(0)
  const debouncedText = useDebounced(text, 250)
  const query: JobQuery = { status: statuses, text: debouncedText, ...scope, sort: sort.sort, dir: sort.dir }

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
      setDrawerFocus(0)
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
    else if (e.key === 'Enter' && sel.cursorId !== null) {
      setOpenId(sel.cursorId)
      setDrawerFocus((n) => n + 1)
    } else if (mod && e.key.toLowerCase() === 'a') sel.selectAll()
    else if (e.key === 'Escape' && openId !== null) setOpenId(null)
    else if (e.key === 'Escape') sel.clear()
    else if (e.key === 'Delete' && sel.count > 0 && busy === null) setDialog('delete')
    else handled = false
    if (handled) e.preventDefault()
  }

  /** The selection as ids (collecting "all matching" a page at a time), with progress in the bulk bar. */
  const selectedIds = async (): Promise<number[]> =>
    sel.resolveIds((collected, total) => setBusy(`Collecting ${formatCount(collected)} of ${formatCount(total)} jobs…`))

  /** Runs `call` over the ids in chunks the contract accepts, adding up what changed. */
  const inChunks = async (ids: number[], working: string, call: (chunk: number[]) => Promise<{ changed: number }>): Promise<number> => {
    let changed = 0
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      setBusy(ids.length > IDS_PER_CALL ? `${working} ${formatCount(i)} of ${formatCount(ids.length)}…` : `${working} ${plural(ids.length, 'job')}…`)
      changed += (await call(ids.slice(i, i + IDS_PER_CALL))).changed
    }
    return changed
  }

  const bulk = async (action: BulkAction) => {
    const working = action === 'cancelJobs' ? 'Canceling' : 'Retrying'
    setBusy(`${working}…`)
    try {
      const ids = await selectedIds()
      if (!ids.length) return
      const changed = await inChunks(ids, working, (chunk) => getBridge()[action]({ ids: chunk }))
      const verb = action === 'cancelJobs' ? 'Canceled' : 'Retrying'
      push(
        changed ? 'success' : 'info',
        changed
          ? `${verb} ${plural(changed, 'job')}`
          : `None of the ${plural(ids.length, 'selected job')} could be ${action === 'cancelJobs' ? 'canceled' : 'retried'}`
      )
    } catch (err) {
      push('error', errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  const deleteSelected = async (deleteFiles: boolean) => {
    setBusy('Deleting…')
    try {
      const ids = await selectedIds()
      if (!ids.length) return
      const changed = await inChunks(ids, 'Deleting', (chunk) => getBridge().deleteJobs({ ids: chunk, deleteFiles }))
      push('success', `Deleted ${plural(changed, 'job')}${deleteFiles ? ' and their files' : ''}`)
      if (openId !== null && ids.includes(openId)) setOpenId(null)
      sel.clear()
      refreshBatches()
      setDialog(null)
    } catch (err) {
      push('error', `Could not delete: ${errorMessage(err)}`)
    } finally {
      setBusy(null)
    }
  }

  const requeueSelected = async (provider: ProviderId, model: string) => {
    setBusy('Re-queueing…')
    try {
      const ids = await selectedIds()
      if (!ids.length) return
      let queued = 0
      for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
        setBusy(`Re-queueing ${plural(ids.length, 'job')}…`)
        queued += (await getBridge().requeueJobs({ ids: ids.slice(i, i + IDS_PER_CALL), provider, model })).jobIds.length
      }
      push('success', `Queued ${plural(queued, 'new job')} on ${providerModelName(provider, model)}`)
      setDialog(null)
    } catch (err) {
      push('error', `Could not re-queue: ${errorMessage(err)}`)
    } finally {
      setBusy(null)
    }
  }

  const [sending, setSending] = useState<number[] | null>(null)
  const startSend = async () => {
    const ids = await collectForExport()
    if (ids?.length) setSending(ids)
  }

  const collectForExport = async (): Promise<number[] | null> => {
    setBusy('Collecting…')
    try {
      return await selectedIds()
    } catch (err) {
      push('error', `Could not collect the selected jobs: ${errorMessage(err)}`)
      return null
    } finally {
      setBusy(null)
    }
  }

  const closeDrawer = useCallback(() => {
    setOpenId(null)
    setDrawerFocus(0)
    grid.current?.focus()
  }, [setOpenId])

  const scoped = scope.batchId !== null || scope.provider !== null || scope.model !== null
  const filtered = statuses.length > 0 || debouncedText.trim() !== '' || scoped

  return (
    <div className="queue-view">
      <div className="toolbar">
        <StatusFilter counts={counts} selected={statuses} onChange={setStatuses} />
        <div className="toolbar-end">
          <QueueFilters value={scope} batches={batches} onChange={setScope} />
          <label className="search-field">
            <Icon name="search" />
            <input type="search" aria-label="Filter jobs" placeholder="Filter by prompt…" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          {(scoped || text) && (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setScope(NO_SCOPE)
                setText('')
              }}
            >
              Reset
            </button>
          )}
        </div>
      </div>
      <div className={`bulk-bar${sel.count ? ' active' : ''}`} aria-live="polite" data-testid="bulk-bar">
        {sel.count ? (
          <>
            <span className="bulk-count">{sel.selection.all ? `All ${plural(sel.count, 'job')} selected` : `${plural(sel.count, 'job')} selected`}</span>
            <button type="button" className="button small" aria-label="Retry selected jobs" disabled={busy !== null} onClick={() => void bulk('retryJobs')}>
              <Icon name="retry" /> Retry
            </button>
            <button
              type="button"
              className="button small danger"
              aria-label="Cancel selected jobs"
              disabled={busy !== null}
              onClick={() => void bulk('cancelJobs')}
            >
              <Icon name="cancel" /> Cancel
            </button>
            <button
              type="button"
              className="button small"
              aria-label="Re-queue selected jobs with another model"
              disabled={busy !== null}
              onClick={() => setDialog('requeue')}
            >
              <ExtraIcon name="requeue" /> Re-queue…
            </button>
            <button
              type="button"
              className="button small danger"
              aria-label="Delete selected jobs"
              title="Delete… (Del)"
              disabled={busy !== null}
              onClick={() => setDialog('delete')}
            >
              <ExtraIcon name="trash" /> Delete…
            </button>
            <button
              type="button"
              className="button small"
              aria-label="Send the selected jobs' files to a next step"
              disabled={busy !== null}
              onClick={() => void startSend()}
            >
              <Icon name="right" /> Send to…
            </button>
            <BulkExportButton
              disabled={sel.selection.all ? busy !== null : sel.selection.ids.size === 0}
              jobIds={() => (sel.selection.all ? collectForExport() : [...sel.selection.ids])}
            />
            <button type="button" className="link-button" onClick={sel.clear}>
              Clear selection
            </button>
            {busy && <span className="muted bulk-busy">{busy}</span>}
          </>
        ) : (
          <span className="muted">
            {list.loaded ? `${formatCount(list.total)}${filtered ? ' matching' : ''} ${list.total === 1 ? 'job' : 'jobs'}` : 'Loading jobs…'}
            <span className="hint">
              {' '}
              · Click to open · Shift/{MOD_KEY}-click to select · {MOD_KEY}+A selects all · {MOD_KEY}-click a status to add it
            </span>
          </span>
        )}
      </div>
      <QueueCosts scope={scope} />
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
        {openId !== null && <JobDrawer jobId={openId} onClose={closeDrawer} focusRequest={drawerFocus} onOpenJob={setOpenId} />}
      </div>
      {sending && <SendToDialog source={{ jobIds: sending }} count={sending.length} what="job" onClose={() => setSending(null)} />}
      {dialog === 'delete' && (
        <DeleteJobsDialog count={sel.count} busy={busy} onConfirm={(files) => void deleteSelected(files)} onClose={() => setDialog(null)} />
      )}
      {dialog === 'requeue' && (
        <RequeueDialog
          count={sel.count}
          busy={busy}
          initialProvider={scope.provider ?? settings?.defaultProvider ?? 'demo'}
          onConfirm={({ provider, model }) => void requeueSelected(provider, model)}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  )
}
