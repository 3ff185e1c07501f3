// The Queue's first page, there as this module is evaluated. main.tsx imports it before anything else, so
// the request is under way while React and the views are evaluated (about 80 ms of a cold start) instead of
// after them. When main rendered the first screen into the page, it is the page that screen was rendered
// from, and the app starts taking that screen over from the same state (main.tsx).
import { beginFirstScreen, readFirstScreen } from './firstScreen'
import { primeQueue } from './queue/useJobsPager'

const state = readFirstScreen()
if (state) beginFirstScreen(state)

export const firstPage = primeQueue(state?.jobs)
