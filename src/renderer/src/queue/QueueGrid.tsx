// The queue as a virtualised grid: only the rows in view exist in the DOM, their pages are fetched as they
// scroll in, and the scroll position is held when rows are inserted above what the user is looking at.
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, type KeyboardEvent, type MouseEvent, type Ref } from 'react'
import type { Job, JobSortColumn } from '../../../shared/contract'
import { Icon } from '../components/Icon'
import { firstScreen } from '../firstScreen'
import { isActive } from '../format'
import { sessionValue } from '../hooks/useSessionState'
import { useNow } from '../hooks/useNow'
import { usePainted } from '../hooks/usePainted'
import { useLoadAround } from '../hooks/useLoadAround'
import type { PagedList } from '../pagedList'
import { COLUMNS } from './columns'
import { JobRow, SkeletonRow } from './JobRow'

export const ROW_HEIGHT = 52
const HEADER_HEIGHT = 34
/** Below this many pixels from the top the user is watching the newest jobs arrive: let them push in. */
const TOP_SLACK = ROW_HEIGHT / 2
/** Rows beyond the view asked for in advance: about three screens, a couple of seconds of a steady read. */
const LOAD_MARGIN_ROWS = 60
/** Rows rendered beyond each edge of the view, so a fast scroll does not outrun the DOM. */
const OVERSCAN_ROWS = 12
const FIRST_SCREEN_RECT = { width: 1600, height: 1200 }

export interface QueueGridHandle {
  /** The first row in view when scrolled down, for keeping it in place across a refresh; null at the top. */
  anchorIndex(): number | null
  scrollToIndex(index: number): void
  scrollToTop(): void
  /** Rows that fit in the view, for Page Up/Down. */
  pageRows(): number
  focus(): void
}

interface QueueGridProps {
  ref: Ref<QueueGridHandle>
  list: PagedList<Job>
  isSelected(id: number): boolean
  cursorId: number | null
  sort: JobSortColumn
  dir: 'asc' | 'desc'
  emptyMessage: string
  onSort(column: JobSortColumn): void
  onRowClick(event: MouseEvent, index: number, job: Job): void
  onKeyDown(event: KeyboardEvent): void
}

const scrollMemory = sessionValue('queue.scrollTop', 0)

export function QueueGrid({ ref, list, isSelected, cursorId, sort, dir, emptyMessage, onSort, onRowClick, onKeyDown }: QueueGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // Rows beyond the view are there for scrolling: the first frame goes without them (about 30 ms sooner on
  // a cold start, BENCHMARKS.md) and they follow one frame later.
  const painted = usePainted()
  const virtualizer = useVirtualizer({
    count: list.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: painted ? OVERSCAN_ROWS : 1,
    scrollMargin: HEADER_HEIGHT,
    initialOffset: scrollMemory.get,
    // Until the grid is measured (in a layout effect, which forces the page's first layout), rows are picked
    // for the window's size rather than none: the first render then already holds the rows on screen, and
    // the measurement only trims a few, instead of adding them in a second render and a second layout.
    // Main, rendering the first screen (server.tsx), knows no window: it picks rows for a tall one, and the
    // app taking that screen over must pick the same.
    initialRect: firstScreen() ? FIRST_SCREEN_RECT : { width: window.innerWidth, height: window.innerHeight }
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useLoadAround(list, first, last, LOAD_MARGIN_ROWS, virtualizer.isScrolling, items.length > 0)

  // Rows inserted above the view (new jobs, newest first) move what the user was reading down; scroll down
  // by as much, after the render that made the list that much taller.
  const pendingShift = useRef(0)
  useEffect(() => list.onShift((by) => (pendingShift.current += by)), [list])
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el || pendingShift.current === 0) return
    el.scrollTop += pendingShift.current * ROW_HEIGHT
    pendingShift.current = 0
  })

  useImperativeHandle(
    ref,
    () => ({
      anchorIndex: () => {
        const el = scrollRef.current
        if (!el || el.scrollTop < TOP_SLACK) return null
        return Math.floor(el.scrollTop / ROW_HEIGHT)
      },
      scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
      scrollToTop: () => scrollRef.current?.scrollTo({ top: 0 }),
      pageRows: () => Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? ROW_HEIGHT) - HEADER_HEIGHT) / ROW_HEIGHT) - 1),
      focus: () => scrollRef.current?.focus()
    }),
    [virtualizer]
  )

  const visibleJobs = items.map((item) => list.get(item.index))
  const anyActive = visibleJobs.some((job) => job && isActive(job.status))
  const now = useNow(1000, anyActive)

  const handleScroll = useCallback(() => scrollMemory.set(scrollRef.current?.scrollTop ?? 0), [])

  return (
    <div
      ref={scrollRef}
      className="queue-grid"
      role="grid"
      aria-label="Jobs"
      aria-rowcount={list.total + 1}
      aria-multiselectable="true"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={handleScroll}
    >
      <div className="job-row header" role="row" aria-rowindex={1}>
        {COLUMNS.map((col) => (
          <div
            key={col.id}
            role="columnheader"
            className={`cell cell-${col.id}`}
            aria-sort={col.sort && col.sort === sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
          >
            {col.sort ? (
              <button type="button" className={`sort-button${col.sort === sort ? ' active' : ''}`} onClick={() => onSort(col.sort!)}>
                {col.label}
                {col.sort === sort && <span className="sort-arrow">{dir === 'asc' ? '▲' : '▼'}</span>}
              </button>
            ) : (
              <span className={col.id === 'thumb' ? 'visually-hidden' : undefined}>{col.label}</span>
            )}
          </div>
        ))}
      </div>
      <div className="queue-rows" style={{ height: virtualizer.getTotalSize() }} role="rowgroup">
        {items.map((item, k) => {
          const job = visibleJobs[k]
          const top = item.start - HEADER_HEIGHT
          // Keyed by job id, so a row moving to another index (rows inserted above) moves its element too.
          if (!job) return <SkeletonRow key={`pending-${item.index}`} top={top} />
          return (
            <JobRow
              key={job.id}
              job={job}
              index={item.index}
              top={top}
              selected={isSelected(job.id)}
              cursor={job.id === cursorId}
              now={isActive(job.status) ? now : 0}
              onRowClick={onRowClick}
            />
          )
        })}
      </div>
      {list.loaded && list.total === 0 && (
        <div className="empty-state">
          <Icon name="queue" size={28} />
          <p>{emptyMessage}</p>
        </div>
      )}
    </div>
  )
}
