import { useEffect, useState } from 'react'
import { firstScreen } from '../firstScreen'

/**
 * The current time, re-read every `intervalMs` while `active`; idle screens don't re-render. First, while
 * the app takes over the first screen main rendered, the time that screen was rendered at.
 */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => firstScreen()?.now ?? Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs, active])
  return now
}
