// Subscriptions to main's pushed events that always call the latest handler, so callers can pass inline
// closures over fresh state without resubscribing on every render.
import { useEffect } from 'react'
import type { EventName, Events } from '../../../shared/contract'
import { getBridge, getConnection } from '../bridge'
import { useLatest } from './useLatest'

export function useBridgeEvent<E extends EventName>(event: E, handler: (payload: Events[E]) => void): void {
  const latest = useLatest(handler)
  useEffect(() => getBridge().on(event, (payload) => latest.current(payload)), [event, latest])
}

/** Runs after the event stream reconnects: whatever changed meanwhile was never pushed to us. */
export function useResync(handler: () => void): void {
  const latest = useLatest(handler)
  useEffect(() => getConnection().onResync(() => latest.current()), [latest])
}
