// The Queue's first screen, rendered by main into the page it serves (src/renderer/src/server.tsx): what
// main hands the renderer's server entry, and where that entry's build lives.
import type { Bridge } from './contract'

/** The part of the contract rendering the first screen reads: its rows, and its thumbnails' URLs. */
export type FirstScreenHost = Pick<Bridge, 'listJobs' | 'assetUrl'>

/** The first screen's markup, to go inside the page's root element. */
export type RenderFirstScreen = (host: FirstScreenHost) => Promise<string>

/** The server entry's build, beside the renderer's build folder (`out/renderer` → `out/renderer-server`). */
export const firstScreenModule = (rendererDir: string): string => `${rendererDir.replace(/[\\/]+$/, '')}-server/first-screen.js`
