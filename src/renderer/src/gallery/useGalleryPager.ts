// The gallery's items: a PagedList over listGallery for the current filter, refreshed when jobs finish
// (that is when files arrive), newest first.
import { useRef } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { useBridgeEvent } from '../hooks/useBridgeEvent'
import { useKeptPagedList, type KeptPagedList } from '../hooks/useKeptPagedList'
import { useThrottled } from '../hooks/useThrottled'
import type { GalleryWhere } from './galleryQuery'

const PAGE_SIZE = 120
const REFRESH_INTERVAL_MS = 1000

export function useGalleryPager(filter: GalleryWhere, getAnchor: () => number | null, onError: (err: unknown) => void): KeptPagedList<Asset> {
  const key = JSON.stringify(filter)
  const kept = useKeptPagedList<Asset>({
    slot: 'gallery',
    key,
    fetcher: () => async (offset, limit) => {
      const { total, items } = await getBridge().listGallery({ ...filter, offset, limit })
      return { total, items }
    },
    list: { pageSize: PAGE_SIZE, keepPages: 20 },
    getAnchor,
    insertsAbove: true,
    onError
  })
  const scheduleRefresh = useThrottled(kept.refresh, REFRESH_INTERVAL_MS)

  // Files appear when a job reaches done; a retry or delete elsewhere also changes the done count.
  const lastDone = useRef<number | null>(null)
  useBridgeEvent('jobsChanged', ({ jobs }) => {
    if (jobs.some((j) => j.status === 'done')) scheduleRefresh()
  })
  useBridgeEvent('countsChanged', (counts) => {
    if (lastDone.current !== null && counts.done !== lastDone.current) scheduleRefresh()
    lastDone.current = counts.done
  })

  return kept
}
