// Which gallery items are selected, and the keyboard cursor. Ids, not positions, so a selection survives
// new results arriving at the top; "select all" is kept as a rule (everything matching the filter, minus
// exceptions) because the gallery may hold 100,000 items that were never loaded.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import type { PagedList } from '../pagedList'
import type { GalleryWhere } from './galleryQuery'

export type Selection = { all: false; ids: ReadonlySet<number> } | { all: true; except: ReadonlySet<number> }

const NONE: Selection = { all: false, ids: new Set() }
/** The largest page listGallery gives; collecting a whole filter's ids goes this many at a time. */
const COLLECT_PAGE = 1000

export interface GallerySelection {
  selection: Selection
  count: number
  /** Position of the tile the keyboard is on; ranges extend from `anchor`. */
  cursor: number | null
  isSelected(id: number): boolean
  setCursor(index: number | null): void
  /** Ctrl/Cmd-click or Space: add or remove one item. */
  toggle(asset: Asset, index: number): void
  /** Shift-click or Shift+arrow: every item from the anchor to this one. */
  extendTo(index: number): Promise<void>
  selectAll(): void
  clear(): void
  /** The selected ids, fetching them when the selection is "everything matching the filter". */
  resolveIds(onProgress?: (collected: number, total: number) => void): Promise<number[]>
}

export function useGallerySelection(list: PagedList<Asset>, filter: GalleryWhere): GallerySelection {
  const [selection, setSelection] = useState<Selection>(NONE)
  const [cursor, setCursorState] = useState<number | null>(null)
  const anchor = useRef<number | null>(null)
  // A range may need a fetch; a click made meanwhile wins over its late answer.
  const lastAction = useRef(0)

  // Items inserted at the top move every position down: the cursor and anchor follow their items.
  useEffect(
    () =>
      list.onShift((by) => {
        setCursorState((c) => (c === null ? c : c + by))
        if (anchor.current !== null) anchor.current += by
      }),
    [list]
  )

  const isSelected = useCallback((id: number) => (selection.all ? !selection.except.has(id) : selection.ids.has(id)), [selection])

  const setCursor = useCallback((index: number | null) => {
    setCursorState(index)
    anchor.current = index
  }, [])

  const toggle = useCallback((asset: Asset, index: number) => {
    lastAction.current++
    setSelection((sel) => {
      const set = new Set(sel.all ? sel.except : sel.ids)
      if (set.has(asset.id)) set.delete(asset.id)
      else set.add(asset.id)
      return sel.all ? { all: true, except: set } : { all: false, ids: set }
    })
    setCursorState(index)
    anchor.current = index
  }, [])

  const extendTo = useCallback(
    async (index: number) => {
      const action = ++lastAction.current
      const from = anchor.current ?? index
      setCursorState(index)
      if (anchor.current === null) anchor.current = index
      const items = await list.range(Math.min(from, index), Math.max(from, index))
      if (action !== lastAction.current) return
      setSelection({ all: false, ids: new Set(items.map((a) => a.id)) })
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

  // A new filter is a new list: nothing in it is selected yet.
  const filterKey = JSON.stringify(filter)
  const shownKey = useRef(filterKey)
  useEffect(() => {
    if (shownKey.current === filterKey) return
    shownKey.current = filterKey
    clear()
    setCursor(null)
  }, [filterKey, clear, setCursor])

  const resolveIds = useCallback(
    async (onProgress?: (collected: number, total: number) => void) => {
      if (!selection.all) return [...selection.ids]
      const ids: number[] = []
      for (let offset = 0; ; offset += COLLECT_PAGE) {
        const { total, items } = await getBridge().listGallery({ ...filter, offset, limit: COLLECT_PAGE })
        for (const item of items) if (!selection.except.has(item.id)) ids.push(item.id)
        onProgress?.(Math.min(total, offset + items.length), total)
        if (items.length < COLLECT_PAGE || offset + items.length >= total) break
      }
      return ids
    },
    [selection, filter]
  )

  const count = selection.all ? Math.max(0, list.total - selection.except.size) : selection.ids.size
  return useMemo(
    () => ({ selection, count, cursor, isSelected, setCursor, toggle, extendTo, selectAll, clear, resolveIds }),
    [selection, count, cursor, isSelected, setCursor, toggle, extendTo, selectAll, clear, resolveIds]
  )
}
