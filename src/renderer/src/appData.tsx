// State every view shares and main pushes: status counts and settings. Held once here so the status bar,
// the queue's filter chips and the composer all agree, with one subscription each.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { Settings, StatusCounts } from '../../shared/contract'
import { getBridge } from './bridge'
import { useBridgeEvent, useResync } from './hooks/useBridgeEvent'
import { errorMessage, useToasts } from './toasts'

interface AppData {
  counts: StatusCounts | null
  settings: Settings | null
  setSettings(settings: Settings): void
}

const AppDataContext = createContext<AppData | null>(null)

export function AppDataProvider({ children }: { children: ReactNode }) {
  const { push } = useToasts()
  const [counts, setCounts] = useState<StatusCounts | null>(null)
  const [settings, setSettings] = useState<Settings | null>(null)

  const load = useCallback(() => {
    const bridge = getBridge()
    bridge.getStatusCounts(undefined).then(setCounts, (err) => push('error', `Could not load job counts: ${errorMessage(err)}`))
    bridge.getSettings(undefined).then(setSettings, (err) => push('error', `Could not load settings: ${errorMessage(err)}`))
  }, [push])

  useEffect(load, [load])
  useResync(load)
  useBridgeEvent('countsChanged', setCounts)
  useBridgeEvent('settingsChanged', setSettings)
  useBridgeEvent('notice', (n) => push(n.level, n.message))
  // A few failures in a big batch are news, not an alarm; a batch where nothing worked is.
  useBridgeEvent('batchFinished', (b) =>
    push(b.failed === 0 ? 'success' : b.done === 0 ? 'error' : 'info', `Batch “${b.name}” finished: ${b.done} done${b.failed ? `, ${b.failed} failed` : ''}`)
  )

  const value = useMemo(() => ({ counts, settings, setSettings }), [counts, settings])
  return <AppDataContext.Provider value={value}>{children}</AppDataContext.Provider>
}

export function useAppData(): AppData {
  const data = useContext(AppDataContext)
  if (!data) throw new Error('useAppData outside AppDataProvider')
  return data
}
