// The Compare tab: a batch as a comparison sheet — its rows × columns as a labelled grid (a third axis as
// pages), live while its jobs run, failed and waiting cells in place. A cell opens its job; W (or the star)
// marks it its row's winner; the sheet exports as a PNG contact sheet or an HTML page (SheetExportDialog).
// Keys: arrows move between cells, Enter opens, W marks the winner, [ and ] turn pages, T swaps the axes.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { Batch, Sheet, SheetAxes, SheetCell } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { AssetThumb } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { StatusChip } from '../components/StatusChip'
import { formatCount, plural } from '../format'
import { useBridgeEvent, useResync } from '../hooks/useBridgeEvent'
import { useSessionState } from '../hooks/useSessionState'
import { useThrottled } from '../hooks/useThrottled'
import { JobDrawer } from '../queue/JobDrawer'
import { errorMessage, useToasts } from '../toasts'
import { SheetExportDialog } from './SheetExportDialog'
import './compare.css'

const FAILED: readonly string[] = ['failed', 'canceled', 'needs_attention']
/** Rows drawn per page: a sheet is for comparing, and thousands of rows would hold the window up. */
const MAX_ROWS = 200

function axesOf(sheet: Sheet): SheetAxes {
  return { rows: sheet.rows.key, cols: sheet.cols.key, ...(sheet.pages.title ? { pages: sheet.pages.key } : {}) }
}

function CellView({
  cell,
  size,
  rowLabel,
  colLabel,
  focused,
  onOpen,
  onWinner,
  onFocus
}: {
  cell: SheetCell | null
  size: number
  rowLabel: string
  colLabel: string
  focused: boolean
  onOpen(): void
  onWinner(): void
  onFocus(): void
}) {
  const label = `${rowLabel} × ${colLabel}`
  if (!cell) {
    return (
      <div
        role="gridcell"
        className="compare-cell none"
        style={{ width: size, height: size }}
        aria-label={`${label}: no job`}
        tabIndex={focused ? 0 : -1}
        onFocus={onFocus}
      >
        no job
      </div>
    )
  }
  const failed = FAILED.includes(cell.status)
  return (
    <div
      role="gridcell"
      className={`compare-cell status-${cell.status}${cell.winner ? ' winner' : ''}`}
      style={{ width: size, height: size }}
      data-testid="compare-cell"
      data-job-id={cell.jobId}
      data-status={cell.status}
      aria-label={`${label}: ${cell.status.replace('_', ' ')}${cell.winner ? ', winner' : ''}`}
      aria-selected={cell.winner}
      tabIndex={focused ? 0 : -1}
      onFocus={onFocus}
      onClick={onOpen}
    >
      {cell.status === 'done' && cell.assetId !== null ? (
        <AssetThumb assetId={cell.assetId} mime={cell.mime ?? 'image/png'} alt={label} className="compare-thumb" />
      ) : (
        <div className={`compare-state${failed ? ' failed' : ''}`}>
          <StatusChip status={cell.status} />
          {failed && cell.error && <p className="compare-error">{cell.error}</p>}
        </div>
      )}
      {cell.more > 0 && <span className="compare-more">+{cell.more}</span>}
      <button
        type="button"
        className={`compare-winner${cell.winner ? ' on' : ''}`}
        aria-label={cell.winner ? `Unmark the winner of ${rowLabel}` : `Mark as the winner of ${rowLabel}`}
        aria-pressed={cell.winner}
        title="Winner of this row (W)"
        tabIndex={-1}
        onClick={(e) => {
          e.stopPropagation()
          onWinner()
        }}
      >
        <Icon name="star" size={16} filled={cell.winner} />
      </button>
    </div>
  )
}

export function CompareView() {
  const { push } = useToasts()
  const [batches, setBatches] = useState<Batch[] | null>(null)
  const [batchId, setBatchId] = useSessionState<number | null>('compare.batchId', null)
  const [axes, setAxes] = useState<SheetAxes | undefined>(undefined)
  const [sheet, setSheet] = useState<Sheet | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [page, setPage] = useSessionState('compare.page', 0)
  const [size, setSize] = useSessionState('compare.size', 180)
  const [focus, setFocus] = useState<{ row: number; col: number }>({ row: 0, col: 0 })
  const [openJob, setOpenJob] = useState<number | null>(null)
  const [exporting, setExporting] = useState(false)
  const grid = useRef<HTMLDivElement>(null)

  const loadBatches = useCallback(() => {
    getBridge()
      .listBatches(undefined)
      .then(setBatches, (err) => push('error', `Could not load batches: ${errorMessage(err)}`))
  }, [push])
  useEffect(loadBatches, [loadBatches])
  useBridgeEvent('batchFinished', loadBatches)
  // A new batch (just queued) is offered at once; with none chosen, the newest is shown.
  useBridgeEvent('jobsChanged', ({ jobs }) => {
    if (batches && jobs.some((j) => !batches.some((b) => b.id === j.batchId))) loadBatches()
  })
  const shown = batchId ?? batches?.[0]?.id ?? null

  const load = useCallback(() => {
    if (shown === null) return setSheet(null)
    getBridge()
      .getSheet({ batchId: shown, axes })
      .then(
        (s) => {
          setProblem(null)
          setSheet((current) => (s === null || s.batchId === shown ? s : current))
        },
        // Said in place (a batch too big to lay out), not as a toast on every refresh.
        (err) => {
          setSheet(null)
          setProblem(errorMessage(err))
        }
      )
  }, [shown, axes])
  useEffect(load, [load])
  useResync(load)
  const reloadSoon = useThrottled(load, 400)
  useBridgeEvent('jobsChanged', ({ jobs, truncated }) => {
    if (truncated || jobs.some((j) => j.batchId === shown)) reloadSoon()
  })

  const pages = sheet?.pages.keys.length ?? 1
  const current = Math.min(page, pages - 1)
  const allCells = sheet?.cells[current] ?? []
  const cells = allCells.slice(0, MAX_ROWS)
  const rows = sheet?.rows.labels ?? []
  const cols = sheet?.cols.labels ?? []

  const focusCell = (row: number, col: number) => {
    const r = Math.max(0, Math.min(rows.length - 1, row))
    const c = Math.max(0, Math.min(cols.length - 1, col))
    setFocus({ row: r, col: c })
    grid.current?.querySelector<HTMLElement>(`[data-cell="${r}-${c}"] [role="gridcell"]`)?.focus()
  }

  const markWinner = async (cell: SheetCell | null) => {
    if (!cell || shown === null) return
    try {
      await getBridge().setSheetWinner({ batchId: shown, jobId: cell.jobId, winner: !cell.winner })
      load()
    } catch (err) {
      push('error', `Could not mark the winner: ${errorMessage(err)}`)
    }
  }

  const swap = () => sheet && setAxes({ ...axesOf(sheet), rows: sheet.cols.key, cols: sheet.rows.key })

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const { row, col } = focus
    let handled = true
    if (e.key === 'ArrowRight') focusCell(row, col + 1)
    else if (e.key === 'ArrowLeft') focusCell(row, col - 1)
    else if (e.key === 'ArrowDown') focusCell(row + 1, col)
    else if (e.key === 'ArrowUp') focusCell(row - 1, col)
    else if (e.key === 'Enter' && cells[row]?.[col]) setOpenJob(cells[row][col]!.jobId)
    else if (e.key === 'w' || e.key === 'W') void markWinner(cells[row]?.[col] ?? null)
    else if (e.key === ']' || e.key === 'PageDown') setPage(Math.min(pages - 1, current + 1))
    else if (e.key === '[' || e.key === 'PageUp') setPage(Math.max(0, current - 1))
    else if (e.key === 't' || e.key === 'T') swap()
    else handled = false
    if (handled) e.preventDefault()
  }

  const summary = useMemo(() => {
    if (!sheet) return ''
    const c = sheet.counts
    return `${plural(c.total, 'job')} · ${formatCount(c.done)} done · ${formatCount(c.failed)} failed · ${formatCount(c.pending)} waiting`
  }, [sheet])

  return (
    <div className="compare-view">
      <div className="toolbar">
        <label className="compare-batch">
          <select
            aria-label="Batch to compare"
            value={shown ?? ''}
            onChange={(e) => {
              setBatchId(e.target.value ? Number(e.target.value) : null)
              setAxes(undefined)
              setPage(0)
            }}
          >
            {!batches?.length && <option value="">No batches yet</option>}
            {batches?.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name} ({plural(b.jobCount, 'job')})
              </option>
            ))}
          </select>
        </label>
        {sheet && (
          <span className="muted" data-testid="compare-summary">
            {sheet.rows.title} × {sheet.cols.title}
            {sheet.pages.title ? ` × ${sheet.pages.title}` : ''} · {summary}
          </span>
        )}
        <div className="toolbar-actions">
          <button type="button" className="button small" disabled={!sheet} title="Swap rows and columns (T)" onClick={swap}>
            <Icon name="refresh" size={14} /> Swap axes
          </button>
          <button
            type="button"
            className="button small"
            disabled={!sheet || sheet.counts.total === 0}
            title="Save the sheet as a PNG contact sheet or an HTML page"
            onClick={() => setExporting(true)}
          >
            <Icon name="download" size={14} /> Export sheet…
          </button>
          <label className="size-slider">
            <Icon name="gallery" size={14} />
            <input type="range" aria-label="Cell size" min={96} max={360} step={4} value={size} onChange={(e) => setSize(Number(e.target.value))} />
          </label>
        </div>
      </div>
      {pages > 1 && sheet && (
        <div className="compare-pages" role="tablist" aria-label={sheet.pages.title}>
          {sheet.pages.labels.map((label, p) => (
            <button
              key={sheet.pages.keys[p]}
              type="button"
              role="tab"
              aria-selected={p === current}
              className={`button small${p === current ? ' on' : ''}`}
              onClick={() => setPage(p)}
            >
              {sheet.pages.key.startsWith('param:') ? label : `${sheet.pages.title}: ${label}`}
            </button>
          ))}
          <span className="muted hint">[ and ] turn pages</span>
        </div>
      )}
      <div className="compare-body">
        <div className="compare-scroll" data-testid="compare-scroll">
          {sheet && sheet.counts.total > 0 ? (
            <div
              ref={grid}
              className="compare-grid"
              role="grid"
              aria-label={`Comparison sheet of ${sheet.name}`}
              aria-rowcount={rows.length + 1}
              aria-colcount={cols.length + 1}
              data-testid="compare-grid"
              style={{ gridTemplateColumns: `minmax(140px, 220px) repeat(${cols.length}, ${size}px)` }}
              onKeyDown={onKeyDown}
            >
              <div role="row" className="compare-row head">
                <div role="columnheader" className="compare-corner">
                  {sheet.rows.title} ↓ · {sheet.cols.title} →
                </div>
                {cols.map((label, c) => (
                  <div key={sheet.cols.keys[c]} role="columnheader" className="compare-colhead" title={label}>
                    {label}
                  </div>
                ))}
              </div>
              {cells.map((line, r) => (
                <div key={sheet.rows.keys[r]} role="row" className="compare-row">
                  <div role="rowheader" className="compare-rowhead" title={rows[r]}>
                    {rows[r]}
                  </div>
                  {line.map((cell, c) => (
                    <div key={sheet.cols.keys[c]} data-cell={`${r}-${c}`} className="compare-slot">
                      <CellView
                        cell={cell}
                        size={size}
                        rowLabel={rows[r]}
                        colLabel={cols[c]}
                        focused={focus.row === r && focus.col === c}
                        onFocus={() => setFocus({ row: r, col: c })}
                        onOpen={() => cell && setOpenJob(cell.jobId)}
                        onWinner={() => void markWinner(cell)}
                      />
                    </div>
                  ))}
                </div>
              ))}
            </div>
          ) : (
            <div className="empty-state">
              <Icon name="gallery" size={28} />
              <p role={problem ? 'alert' : undefined}>
                {problem ?? (shown === null ? 'No batches yet. Queue prompts × models in the composer to compare them here.' : 'This batch has no jobs.')}
              </p>
            </div>
          )}
        </div>
        {openJob !== null && <JobDrawer jobId={openJob} onClose={() => setOpenJob(null)} onOpenJob={setOpenJob} />}
      </div>
      {allCells.length > cells.length && (
        <p className="compare-hint muted" role="status">
          Showing the first {formatCount(MAX_ROWS)} of {formatCount(allCells.length)} rows; swap the axes (T) or export the sheet to see them all.
        </p>
      )}
      <p className="compare-hint muted">Click a cell to open it · W marks its row’s winner · arrows move · [ ] pages · T swaps axes</p>
      {exporting && sheet && <SheetExportDialog batchId={sheet.batchId} name={sheet.name} axes={axes} onClose={() => setExporting(false)} />}
    </div>
  )
}
