// Transient messages (queued, failed, main's notices) for the whole app: any component can push one, the
// status bar keeps the latest, and the stack in the corner shows them for a few seconds.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'

export type ToastLevel = 'info' | 'success' | 'error'

export interface Toast {
  id: number
  level: ToastLevel
  message: string
  at: number
}

interface ToastApi {
  toasts: Toast[]
  /** The most recent message, kept after its toast has gone. */
  latest: Toast | null
  push(level: ToastLevel, message: string): void
  dismiss(id: number): void
}

const ToastContext = createContext<ToastApi | null>(null)

const LIFETIME_MS: Record<ToastLevel, number> = { info: 4000, success: 4000, error: 9000 }
const MAX_VISIBLE = 5

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const [latest, setLatest] = useState<Toast | null>(null)
  const nextId = useRef(1)

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), [])

  const push = useCallback(
    (level: ToastLevel, message: string) => {
      const toast: Toast = { id: nextId.current++, level, message, at: Date.now() }
      setLatest(toast)
      // A burst of identical messages (a provider failing every job) is one toast, not a wall of them.
      setToasts((list) => [...list.filter((t) => t.message !== message), toast].slice(-MAX_VISIBLE))
      setTimeout(() => dismiss(toast.id), LIFETIME_MS[level])
    },
    [dismiss]
  )

  const api = useMemo(() => ({ toasts, latest, push, dismiss }), [toasts, latest, push, dismiss])
  return <ToastContext.Provider value={api}>{children}</ToastContext.Provider>
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext)
  if (!api) throw new Error('useToasts outside ToastProvider')
  return api
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
