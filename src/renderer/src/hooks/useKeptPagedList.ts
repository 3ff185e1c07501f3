// A PagedList for a view, kept for the whole session under a name: leaving a tab and coming back shows
// its rows at once (then refreshes them, since pushes were missed meanwhile), and a new query starts it over.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import { PagedList, type PagedListOptions, type PageFetcher } from '../pagedList'
import { useResync } from './useBridgeEvent'
import { useLatest } from './useLatest'

interface Kept {
  /** A PagedList of whatever row type the slot's one user keeps in it. */
  list: unknown
  key: string
  reportError: (err: unknown) => void
}

const kept = new Map<string, Kept>()

export interface KeptPagedList<T extends { id: number }> {
  list: PagedList<T>
  /** Refetch what is in view, holding the row at `getAnchor()` in place. */
  refresh(): void
}

export function useKeptPagedList<T extends { id: number }>(options: {
  slot: string
  /** Identifies the query: when it changes, the list starts over. */
  key: string
  fetcher: () => PageFetcher<T>
  list: Omit<PagedListOptions<T>, 'onError'>
  getAnchor: () => number | null
  /** Whether rows can only be inserted above the anchor (newest-first order), to guess big shifts. */
  insertsAbove: boolean
  onError: (err: unknown) => void
}): KeptPagedList<T> {
  const { slot, key } = options
  const [entry] = useState(() => {
    let found = kept.get(slot)
    if (!found) {
      const created: Kept = {
        key,
        reportError: () => {},
        list: new PagedList<T>(options.fetcher(), { ...options.list, onError: (err) => created.reportError(err) })
      }
      kept.set(slot, (found = created))
    }
    return found
  })
  const list = entry.list as PagedList<T>
  useSyncExternalStore(list.subscribe, list.getVersion)

  const latest = useLatest(options)
  useEffect(() => {
    entry.reportError = (err) => latest.current.onError(err)
  }, [entry, latest])

  const refresh = useCallback(() => list.refresh(latest.current.getAnchor(), latest.current.insertsAbove), [list, latest])
  useResync(refresh)

  useEffect(() => {
    if (entry.key !== key) {
      entry.key = key
      list.reset(latest.current.fetcher())
    } else if (list.loaded) refresh()
    else list.ensure(0, 0)
  }, [key, entry, list, latest, refresh])

  return { list, refresh }
}
