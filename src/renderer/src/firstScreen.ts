// The first screen main renders into the page (server.tsx, core/firstScreen.ts), from the renderer's side:
// the state it was rendered from. While the app takes that markup over (hydrates it), its first render must
// come out the same, so it renders from this state rather than from what it would fetch or measure itself.
import { FIRST_SCREEN_STATE_ID, type FirstScreenState } from '../../shared/firstScreen'

let current: FirstScreenState | null = null

/** The state of the first screen being rendered (in main) or taken over (in the page); null otherwise. */
export const firstScreen = (): FirstScreenState | null => current

export function beginFirstScreen(state: FirstScreenState): void {
  current = state
}

export function endFirstScreen(): void {
  current = null
}

/** The state main left in the page beside the first screen it rendered there, if it did. */
export function readFirstScreen(): FirstScreenState | null {
  const text = document.getElementById(FIRST_SCREEN_STATE_ID)?.textContent
  return text ? (JSON.parse(text) as FirstScreenState) : null
}
