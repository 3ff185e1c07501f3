// A choice the user expects back after a reload or a restart (the composer's models): kept in the page's
// localStorage under one key, read back only when `accept` still takes it (the catalogue may have changed).
import { useCallback, useState } from 'react'

const PREFIX = 'batch-studio.'

function read<T>(key: string, accept: (raw: unknown) => T | null): T | null {
  try {
    const text = window.localStorage.getItem(PREFIX + key)
    return text === null ? null : accept(JSON.parse(text))
  } catch {
    return null // storage off (a locked-down profile) or a value from an older version: start fresh
  }
}

/** The stored value (null when none, or none `accept` takes) and a setter that stores what it is given. */
export function useStoredState<T>(key: string, accept: (raw: unknown) => T | null): [T | null, (value: T) => void] {
  const [value, setValue] = useState<T | null>(() => read(key, accept))
  const store = useCallback(
    (next: T) => {
      setValue(next)
      try {
        window.localStorage.setItem(PREFIX + key, JSON.stringify(next))
      } catch {
        // Not kept past this page; the choice still holds until then.
      }
    },
    [key]
  )
  return [value, store]
}
