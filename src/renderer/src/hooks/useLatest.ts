import { useCallback, useLayoutEffect, useRef } from 'react'

/** A ref that always holds the latest value, for long-lived callbacks that must not go stale. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value)
  useLayoutEffect(() => {
    ref.current = value
  })
  return ref
}

/** A function with a stable identity that always runs the latest `fn`: memoised children stay memoised. */
export function useStableCallback<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const latest = useLatest(fn)
  return useCallback((...args: A) => latest.current(...args), [latest])
}
