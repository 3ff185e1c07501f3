// A PagedList for a view, kept for the whole session under a name: leaving a tab and coming back shows
// its rows at once (then refreshes them, since pushes were missed meanwhile), and a new query starts it over.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import { PagedList, type Page, type PagedListOptions, type PageFetcher } from '../pagedList'
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

export interface KeptPagedListSpec<T extends { id: number }> {
  slot: string
  /** Identifies the query: when it changes, the list starts over. */
  key: string
  fetcher: () => PageFetcher<T>
  list: Omit<PagedListOptions<T>, 'onError'>
}

/** The slot's kept list, made (and its first page asked for, unless given) on first use. */
function keptEntry<T extends { id: number }>(spec: KeptPagedListSpec<T>, firstPage?: Page<T>): Kept {
  let found = kept.get(spec.slot)
  if (!found) {
    const created: Kept = {
      key: spec.key,
      reportError: () => {},
      list: new PagedList<T>(spec.fetcher(), { ...spec.list, onError: (err) => created.reportError(err) })
    }
    kept.set(spec.slot, (found = created))
    if (firstPage) (created.list as PagedList<T>).seed(firstPage)
    else (created.list as PagedList<T>).ensure(0, 0)
  }
  return found
}

/**
 * Starts loading a view's first page before the view exists (at start-up, before React renders), or takes
 * the one given, and resolves once it is in; the view's hook then finds it in its slot. Never rejects: an
 * error is reported, and retried, by the view.
 */
export function primeKeptPagedList<T extends { id: number }>(spec: KeptPagedListSpec<T>, firstPage?: Page<T>): Promise<void> {
  const list = keptEntry(spec, firstPage).list as PagedList<T>
  if (list.loaded) return Promise.resolve()
  return new Promise((resolve) => {
    const unsubscribe = list.subscribe(() => {
      if (!list.loaded) return
      unsubscribe()
      resolve()
    })
  })
}

/** Main renders a first screen for every page it serves (server.tsx), each from its own lists. */
export function forgetKeptPagedLists(): void {
  kept.clear()
}

export function useKeptPagedList<T extends { id: number }>(
  options: KeptPagedListSpec<T> & {
    getAnchor: () => number | null
    /** Whether rows can only be inserted above the anchor (newest-first order), to guess big shifts. */
    insertsAbove: boolean
    onError: (err: unknown) => void
  }
): KeptPagedList<T> {
  const { key } = options
  const [entry] = useState(() => keptEntry(options))
  const list = entry.list as PagedList<T>
  useSyncExternalStore(list.subscribe, list.getVersion, list.getVersion)

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
