// Keeps the rows around a virtualised view loaded, for the Queue and the Gallery alike.
import { useEffect, useRef } from 'react'
import type { PagedList } from '../pagedList'

/** While scrolling, the most often the view asks for rows. */
const SCROLLING_ASK_MS = 90

/**
 * Asks `list` for the rows first..last and `margin` more either side. While the view scrolls it asks at
 * most every SCROLLING_ASK_MS: a scrollbar dragged across 100,000 rows asks for where it is now and then,
 * not for every page it passes, and a steady wheel scroll has its next page asked for a margin ahead, so
 * it meets loaded rows rather than placeholders (BENCHMARKS.md: waiting for the scroll to stop left
 * placeholders on screen in most frames of a slow read).
 */
export function useLoadAround<T extends { id: number }>(
  list: PagedList<T>,
  first: number,
  last: number,
  margin: number,
  scrolling: boolean,
  active: boolean
): void {
  const lastAsk = useRef(0)
  useEffect(() => {
    if (!active) return
    const ask = () => {
      lastAsk.current = performance.now()
      list.ensure(Math.max(0, first - margin), last + margin)
    }
    const wait = scrolling ? SCROLLING_ASK_MS - (performance.now() - lastAsk.current) : 0
    if (wait <= 0) return ask()
    const timer = setTimeout(ask, wait)
    return () => clearTimeout(timer)
  }, [list, first, last, margin, scrolling, active])
}
