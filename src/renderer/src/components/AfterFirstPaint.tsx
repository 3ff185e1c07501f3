import type { ReactNode } from 'react'
import { usePainted } from '../hooks/usePainted'

/** Renders `placeholder` in the first frame and `children` from the next: secondary UI that must not hold
 * back the first paint of the view beside it. Only this subtree renders again. */
export function AfterFirstPaint({ children, placeholder }: { children: ReactNode; placeholder: ReactNode }) {
  return usePainted() ? children : placeholder
}
