// The Queue's first screen, rendered by main into the page it serves (src/renderer/src/server.tsx): what
// main hands the renderer's server entry, and where that entry's build lives.
import type { Bridge, MethodResult } from './contract'

/** The part of the contract rendering the first screen reads: its rows, and its thumbnails' URLs. */
export type FirstScreenHost = Pick<Bridge, 'listJobs' | 'assetUrl'>

/** What the first screen was rendered from, for the app in the page to take it over from the same. */
export interface FirstScreenState {
  /** The Queue's first page, as listJobs answered it. */
  jobs: MethodResult<'listJobs'>
  /** The clock the rows' elapsed times and countdowns were rendered at. */
  now: number
}

/** The element beside the first screen that holds its state, as JSON. */
export const FIRST_SCREEN_STATE_ID = 'first-screen-state'

/** The first screen's markup, to go inside the page's root element, and the state it came from. */
export type RenderFirstScreen = (host: FirstScreenHost) => Promise<{ html: string; state: FirstScreenState }>

/** The server entry's build, beside the renderer's build folder (`out/renderer` → `out/renderer-server`). */
export const firstScreenModule = (rendererDir: string): string => `${rendererDir.replace(/[\\/]+$/, '')}-server/first-screen.js`
