// The gallery's items: a PagedList over listGallery for the current search, refreshed when jobs finish
// (that is when files arrive), newest first.
import { useRef } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { useKeptPagedList } from '../hooks/useKeptPagedList'
import { useThrottled } from '../hooks/useThrottled'
import type { PagedList } from '../pagedList'

const PAGE_SIZE = 120
const REFRESH_INTERVAL_MS = 1000

export function useGalleryPager(text: string, getAnchor: () => number | null, onError: (err: unknown) => void): PagedList<Asset> {
  const search = text.trim() || undefined
  const { list, refresh } = useKeptPagedList<Asset>({
    slot: 'gallery',
    key: search ?? '',
    fetcher: () => async (offset, limit) => {
      const { total, items } = await getBridge().listGallery({ text: search, offset, limit })
      return { total, items }
    },
    list: { pageSize: PAGE_SIZE, keepPages: 20 },
    getAnchor,
    insertsAbove: true,
    onError
  })
  const scheduleRefresh = useThrottled(refresh, REFRESH_INTERVAL_MS)

  // Files appear when a job reaches done; a retry or delete elsewhere also changes the done count.
  const lastDone = useRef<number | null>(null)
  useBridgeEvent('jobsChanged', ({ jobs }) => {
    if (jobs.some((j) => j.status === 'done')) scheduleRefresh()
  })
  useBridgeEvent('countsChanged', (counts) => {
    if (lastDone.current !== null && counts.done !== lastDone.current) scheduleRefresh()
    lastDone.current = counts.done
  })

  return list
}
