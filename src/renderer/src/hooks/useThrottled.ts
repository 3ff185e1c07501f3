import { useCallback, useEffect, useRef } from 'react'
import { useLatest } from './useLatest'

/**
 * `fn` at most once per `ms`, however often it is asked for; a request during the quiet period runs at its
 * end, so the last change is never left unseen (leading and trailing edge).
 */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useLatest(fn)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const last = useRef(0)
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])
  return useCallback(() => {
    if (timer.current) return
    timer.current = setTimeout(
      () => {
        timer.current = null
        last.current = Date.now()
        latest.current()
      },
      Math.max(0, last.current + ms - Date.now())
    )
  }, [latest, ms])
}
