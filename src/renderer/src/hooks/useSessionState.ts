// View state that outlives the view: switching tabs unmounts a view, but its filters and scroll position
// should be where the user left them when they come back (for this session; nothing is persisted).
import { useCallback, useState, type Dispatch, type SetStateAction } from 'react'

const memory = new Map<string, unknown>()

export function useSessionState<T>(key: string, initial: T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => (memory.has(key) ? (memory.get(key) as T) : initial))
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (next) =>
      setValue((prev) => {
        const resolved = typeof next === 'function' ? (next as (p: T) => T)(prev) : next
        memory.set(key, resolved)
        return resolved
      }),
    [key]
  )
  return [value, set]
}

/** For values read once at mount and written often (a scroll offset), without re-rendering. */
export function sessionValue<T>(key: string, fallback: T): { get(): T; set(value: T): void } {
  return {
    get: () => (memory.has(key) ? (memory.get(key) as T) : fallback),
    set: (value) => void memory.set(key, value)
  }
}
