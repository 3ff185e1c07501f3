// Which queue rows are selected. Ids, not indexes, so a selection survives rows being inserted above it;
// "select all" is remembered as a rule (everything matching the filter, minus exceptions) because the
// list may hold 100,000 jobs that were never loaded.
import { useCallback, useMemo, useRef, useState } from 'react'
import type { Job } from '../../../shared/contract'
import { getBridge } from '../bridge'
import type { PagedList } from '../pagedList'
import { jobFilter, type JobQuery } from './useJobsPager'

export type Selection = { all: false; ids: ReadonlySet<number> } | { all: true; except: ReadonlySet<number> }

const NONE: Selection = { all: false, ids: new Set() }
/** The largest page listJobs gives; collecting a whole filter's ids goes this many at a time. */
const COLLECT_PAGE = 1000

export interface JobSelection {
  selection: Selection
  /** The row the keyboard is on (and shift-click extends from). */
  cursorId: number | null
  count: number
  isSelected(id: number): boolean
  /** Plain click: this row only. */
  selectOnly(job: Job): void
  /** Ctrl/Cmd-click: add or remove this row. */
  toggle(job: Job): void
  /** Shift-click or shift-arrow: every row from the cursor's anchor to this one. */
  extendTo(index: number, job: Job): Promise<void>
  selectAll(): void
  clear(): void
  /** The selected ids, fetching them when the selection is "everything matching the filter". */
  resolveIds(onProgress: (collected: number, total: number) => void): Promise<number[]>
}

export function useJobSelection(list: PagedList<Job>, query: JobQuery): JobSelection {
  const [selection, setSelection] = useState<Selection>(NONE)
  const [cursorId, setCursorId] = useState<number | null>(null)
  const [anchorId, setAnchorId] = useState<number | null>(null)

  // A range may need a fetch; a click made meanwhile wins over its late answer.
  const lastAction = useRef(0)

  const isSelected = useCallback((id: number) => (selection.all ? !selection.except.has(id) : selection.ids.has(id)), [selection])

  const selectOnly = useCallback((job: Job) => {
    lastAction.current++
    setSelection({ all: false, ids: new Set([job.id]) })
    setCursorId(job.id)
    setAnchorId(job.id)
  }, [])

  const toggle = useCallback(
    (job: Job) => {
      lastAction.current++
      setSelection((sel) => {
        const set = new Set(sel.all ? sel.except : sel.ids)
        if (set.has(job.id)) set.delete(job.id)
        else set.add(job.id)
        return sel.all ? { all: true, except: set } : { all: false, ids: set }
      })
      setCursorId(job.id)
      setAnchorId(job.id)
    },
    []
  )

  const extendTo = useCallback(
    async (index: number, job: Job) => {
      setCursorId(job.id)
      const from = anchorId === null ? undefined : list.indexOf(anchorId)
      if (from === undefined) {
        selectOnly(job)
        return
      }
      const action = ++lastAction.current
      const rows = await list.range(Math.min(from, index), Math.max(from, index))
      if (action === lastAction.current) setSelection({ all: false, ids: new Set(rows.map((r) => r.id)) })
    },
    [anchorId, list, selectOnly]
  )

  const selectAll = useCallback(() => {
    lastAction.current++
    setSelection({ all: true, except: new Set() })
  }, [])
  const clear = useCallback(() => {
    lastAction.current++
    setSelection(NONE)
  }, [])

  // The API acts on ids only, so "all matching" is turned into ids a page at a time (see the report on
  // acting on a filter directly).
  const resolveIds = useCallback(
    async (onProgress: (collected: number, total: number) => void) => {
      if (!selection.all) return [...selection.ids]
      const filter = jobFilter(query)
      const ids: number[] = []
      for (let offset = 0; ; offset += COLLECT_PAGE) {
        const { total, jobs } = await getBridge().listJobs({ ...filter, offset, limit: COLLECT_PAGE })
        for (const job of jobs) if (!selection.except.has(job.id)) ids.push(job.id)
        onProgress(offset + jobs.length, total)
        if (jobs.length < COLLECT_PAGE || offset + COLLECT_PAGE >= total) return ids
      }
    },
    [selection, query]
  )

  const count = selection.all ? Math.max(0, list.total - selection.except.size) : selection.ids.size

  return useMemo(
    () => ({ selection, cursorId, count, isSelected, selectOnly, toggle, extendTo, selectAll, clear, resolveIds }),
    [selection, cursorId, count, isSelected, selectOnly, toggle, extendTo, selectAll, clear, resolveIds]
  )
}
