import { useState, type ReactNode } from 'react'
import { firstScreen } from '../firstScreen'
import { usePainted } from '../hooks/usePainted'

/**
 * Renders `placeholder` in the first frame and `children` from the next: secondary UI that must not hold
 * back the first paint of the view beside it. Only this subtree renders again. When main renders the first
 * screen (server.tsx), the page's first paint is that screen, so it holds `children` from the start.
 */
export function AfterFirstPaint({ children, placeholder }: { children: ReactNode; placeholder: ReactNode }) {
  const [inFirstScreen] = useState(() => firstScreen() !== null)
  const painted = usePainted()
  return inFirstScreen || painted ? children : placeholder
}
