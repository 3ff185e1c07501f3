// Which rows of a paged list are selected, for the Queue and the Gallery alike (each adds its own cursor).
// Ids, not positions, so a selection survives rows arriving above it; "select all" is kept as a rule
// (everything matching the filter, minus exceptions) because the list may hold 100,000 rows never loaded.
import { useCallback, useMemo, useRef, useState } from 'react'
import type { PagedList } from '../pagedList'

export type Selection = { all: false; ids: ReadonlySet<number> } | { all: true; except: ReadonlySet<number> }

const NONE: Selection = { all: false, ids: new Set() }
/** The largest page the list methods give; collecting a whole filter's ids goes this many at a time. */
const COLLECT_PAGE = 1000

/** One page of the ids matching the list's filter, in the list's order. */
export type IdPage = (offset: number, limit: number) => Promise<{ total: number; ids: number[] }>

export interface IdSelection {
  selection: Selection
  count: number
  isSelected(id: number): boolean
  /** This row only. */
  selectOnly(id: number): void
  /** Adds or removes one row. */
  toggle(id: number): void
  /** Every row from position `from` to `to` (either order), fetching the ones not loaded. */
  selectRange(from: number, to: number): Promise<void>
  selectAll(): void
  clear(): void
  /** Takes these rows out of an explicit selection (rows that left the filter: no action may reach what is not shown). */
  deselect(ids: readonly number[]): void
  /** The selected ids, fetched page by page when the selection is "everything matching the filter". */
  resolveIds(onProgress?: (collected: number, total: number) => void): Promise<number[]>
}

/** `idPage` follows the current filter (a new function when the filter changes). */
export function useIdSelection<T extends { id: number }>(list: PagedList<T>, idPage: IdPage): IdSelection {
  const [selection, setSelection] = useState<Selection>(NONE)
  // A range may need a fetch; a click made meanwhile wins over its late answer.
  const lastAction = useRef(0)

  const isSelected = useCallback((id: number) => (selection.all ? !selection.except.has(id) : selection.ids.has(id)), [selection])

  const selectOnly = useCallback((id: number) => {
    lastAction.current++
    setSelection({ all: false, ids: new Set([id]) })
  }, [])

  const toggle = useCallback((id: number) => {
    lastAction.current++
    setSelection((sel) => {
      const set = new Set(sel.all ? sel.except : sel.ids)
      if (set.has(id)) set.delete(id)
      else set.add(id)
      return sel.all ? { all: true, except: set } : { all: false, ids: set }
    })
  }, [])

  const selectRange = useCallback(
    async (from: number, to: number) => {
      const action = ++lastAction.current
      const rows = await list.range(Math.min(from, to), Math.max(from, to))
      if (action === lastAction.current) setSelection({ all: false, ids: new Set(rows.map((r) => r.id)) })
    },
    [list]
  )

  const selectAll = useCallback(() => {
    lastAction.current++
    setSelection({ all: true, except: new Set() })
  }, [])

  const clear = useCallback(() => {
    lastAction.current++
    setSelection(NONE)
  }, [])

  const deselect = useCallback((ids: readonly number[]) => {
    setSelection((sel) => {
      if (sel.all || !ids.some((id) => sel.ids.has(id))) return sel
      const set = new Set(sel.ids)
      for (const id of ids) set.delete(id)
      return { all: false, ids: set }
    })
  }, [])

  // The API acts on ids only, so "all matching" is turned into ids a page at a time.
  const resolveIds = useCallback(
    async (onProgress?: (collected: number, total: number) => void) => {
      if (!selection.all) return [...selection.ids]
      const ids: number[] = []
      for (let offset = 0; ; offset += COLLECT_PAGE) {
        const page = await idPage(offset, COLLECT_PAGE)
        for (const id of page.ids) if (!selection.except.has(id)) ids.push(id)
        onProgress?.(Math.min(page.total, offset + page.ids.length), page.total)
        if (page.ids.length < COLLECT_PAGE || offset + page.ids.length >= page.total) return ids
      }
    },
    [selection, idPage]
  )

  const count = selection.all ? Math.max(0, list.total - selection.except.size) : selection.ids.size

  return useMemo(
    () => ({ selection, count, isSelected, selectOnly, toggle, selectRange, selectAll, clear, deselect, resolveIds }),
    [selection, count, isSelected, selectOnly, toggle, selectRange, selectAll, clear, deselect, resolveIds]
  )
}
