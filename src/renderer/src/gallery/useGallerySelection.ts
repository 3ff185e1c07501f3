// Which gallery items are selected (useIdSelection), and the keyboard cursor: held by position, moved
// along when new results arrive at the top.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { useIdSelection, type IdSelection } from '../hooks/useIdSelection'
import type { PagedList } from '../pagedList'
import type { GalleryWhere } from './galleryQuery'

export interface GallerySelection extends Omit<IdSelection, 'selectOnly' | 'toggle' | 'selectRange'> {
  /** Position of the tile the keyboard is on; ranges extend from `anchor`. */
  cursor: number | null
  setCursor(index: number | null): void
  /** Ctrl/Cmd-click or Space: add or remove one item. */
  toggle(asset: Asset, index: number): void
  /** Shift-click or Shift+arrow: every item from the anchor to this one. */
  extendTo(index: number): Promise<void>
}

export function useGallerySelection(list: PagedList<Asset>, filter: GalleryWhere): GallerySelection {
  const idPage = useCallback(
    async (offset: number, limit: number) => {
      const { total, items } = await getBridge().listGallery({ ...filter, offset, limit })
      return { total, ids: items.map((a) => a.id) }
    },
    [filter]
  )
  const ids = useIdSelection(list, idPage)
  const [cursor, setCursorState] = useState<number | null>(null)
  const anchor = useRef<number | null>(null)

  // Items inserted at the top move every position down: the cursor and anchor follow their items.
  useEffect(
    () =>
      list.onShift((by) => {
        setCursorState((c) => (c === null ? c : c + by))
        if (anchor.current !== null) anchor.current += by
      }),
    [list]
  )

  const setCursor = useCallback((index: number | null) => {
    setCursorState(index)
    anchor.current = index
  }, [])

  const { toggle: toggleId, selectRange, clear } = ids
  const toggle = useCallback(
    (asset: Asset, index: number) => {
      toggleId(asset.id)
      setCursor(index)
    },
    [toggleId, setCursor]
  )

  const extendTo = useCallback(
    (index: number) => {
      const from = anchor.current ?? index
      setCursorState(index)
      if (anchor.current === null) anchor.current = index
      return selectRange(from, index)
    },
    [selectRange]
  )

  // A new filter is a new list: nothing in it is selected yet.
  const filterKey = JSON.stringify(filter)
  const shownKey = useRef(filterKey)
  useEffect(() => {
    if (shownKey.current === filterKey) return
    shownKey.current = filterKey
    clear()
    setCursor(null)
  }, [filterKey, clear, setCursor])

  return useMemo(() => ({ ...ids, cursor, setCursor, toggle, extendTo }), [ids, cursor, setCursor, toggle, extendTo])
}
