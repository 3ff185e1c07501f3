// Favourites and ratings: stored in main with setFavorite/setRating, shown at once (the cached items are
// patched before the answer comes back, and put back if main says no).
import { useCallback } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { plural } from '../format'
import type { PagedList } from '../pagedList'
import { errorMessage, useToasts } from '../toasts'

export type Mark = { favorite: boolean } | { rating: number }

/** setFavorite/setRating take at most this many ids per call. */
const MAX_IDS = 100_000

function describe(mark: Mark): string {
  if ('favorite' in mark) return mark.favorite ? 'Added to favourites' : 'Removed from favourites'
  return mark.rating ? `Rated ${'★'.repeat(mark.rating)}` : 'Rating cleared'
}

export function useMarks(list: PagedList<Asset>, refresh: () => void) {
  const { push } = useToasts()

  const send = useCallback(async (ids: number[], mark: Mark) => {
    const bridge = getBridge()
    for (let i = 0; i < ids.length; i += MAX_IDS) {
      const assetIds = ids.slice(i, i + MAX_IDS)
      if ('favorite' in mark) await bridge.setFavorite({ assetIds, favorite: mark.favorite })
      else await bridge.setRating({ assetIds, rating: mark.rating })
    }
  }, [])

  /** Patches whatever of these items is cached; returns the previous versions, to undo. */
  const patchCached = useCallback(
    (ids: Iterable<number>, mark: Mark): Asset[] => {
      const before: Asset[] = []
      const after: Asset[] = []
      for (const id of ids) {
        const index = list.indexOf(id)
        const item = index === undefined ? undefined : list.get(index)
        if (!item) continue
        before.push(item)
        after.push({ ...item, ...mark })
      }
      list.patch(after)
      return before
    },
    [list]
  )

  /** One item (the lightbox, or the tile under the cursor): instant, quiet unless it fails. */
  const markOne = useCallback(
    async (asset: Asset, mark: Mark) => {
      const before = patchCached([asset.id], mark)
      try {
        await send([asset.id], mark)
      } catch (err) {
        list.patch(before)
        push('error', `Could not save that: ${errorMessage(err)}`)
      }
    },
    [list, patchCached, send, push]
  )

  /** Many items (a selection): then the list is refetched, since a filter may no longer match them. */
  const markMany = useCallback(
    async (ids: number[], mark: Mark) => {
      if (ids.length === 0) return
      if (ids.length === 1) {
        const index = list.indexOf(ids[0])
        const item = index === undefined ? undefined : list.get(index)
        if (item) return markOne(item, mark)
      }
      const before = patchCached(ids, mark)
      try {
        await send(ids, mark)
        push('success', `${describe(mark)}: ${plural(ids.length, 'item')}`)
      } catch (err) {
        list.patch(before)
        push('error', `Could not save that: ${errorMessage(err)}`)
      }
      refresh()
    },
    [list, patchCached, send, push, refresh, markOne]
  )

  return { markOne, markMany }
}
