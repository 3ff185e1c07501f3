// The page main serves the renderer with, the Queue's first screen already in it (rendered by the
// renderer's own server entry, src/renderer/src/server.tsx): its rows paint as soon as the page is parsed,
// instead of after the app's script has loaded and rendered. One page for the headless bridge and the
// Electron shell's app protocol. Whatever goes wrong here, the page is served as built and the app renders
// all of it, as it always could.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AssetVariant } from '../../shared/assetUrl'
import { parseArg } from '../../shared/contract'
import { allowStyleAttributes } from '../../shared/csp'
import { FIRST_SCREEN_STATE_ID, firstScreenModule, type FirstScreenHost, type FirstScreenState, type RenderFirstScreen } from '../../shared/firstScreen'
import type { Core } from '../core/core'

/** The server entry built beside the renderer, or undefined when there is none (a renderer built alone). */
async function loadFirstScreen(rendererDir: string): Promise<RenderFirstScreen | undefined> {
  const file = firstScreenModule(rendererDir)
  if (!existsSync(file)) return undefined
  return ((await import(pathToFileURL(file).href)) as { renderFirstScreen: RenderFirstScreen }).renderFirstScreen
}

/** What the first screen reads, from the core, through the contract as any call from the renderer. */
export function firstScreenHost(core: Core, assetUrl: (assetId: number, variant: AssetVariant) => string): FirstScreenHost {
  return { listJobs: (arg) => core.api.listJobs(parseArg('listJobs', arg)), assetUrl }
}

const ROOT = '<div id="root"></div>'
const META_POLICY = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i
const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&lt;': '<', '&gt;': '>' }

/** The values of the markup's style attributes, as the browser hashes them (entities decoded). */
function styleAttributes(markup: string): Set<string> {
  const values = new Set<string>()
  for (const [, value] of markup.matchAll(/\sstyle="([^"]*)"/g)) values.add(value.replace(/&(amp|quot|#x27|lt|gt);/g, (e) => ENTITIES[e]))
  return values
}

/** JSON safe inside a <script> element: no "</script>" or "<!--" can end or change it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

/**
 * The page with the screen in its root element and the state it came from beside it (for the app to take
 * it over from), and the policy to send with it: the same, plus exactly the screen's inline style
 * attributes (rows' positions, bars' widths), each allowed by its hash. The page's own <meta> policy, which
 * would forbid them, gives way to the header. The screen is inert (no clicks, no focus, out of the
 * accessibility tree) until the app takes it over, since nothing in it works before.
 */
export function pageWithFirstScreen(indexHtml: string, screen: { html: string; state: FirstScreenState }, policy: string): { html: string; policy: string } {
  if (!indexHtml.includes(ROOT)) throw new Error('index.html has no empty root element')
  const hashes = [...styleAttributes(screen.html)].map((value) => createHash('sha256').update(value).digest('base64'))
  const root = `<div id="root"><div class="first-screen" inert>${screen.html}</div></div><script type="application/json" id="${FIRST_SCREEN_STATE_ID}">${scriptJson(screen.state)}</script>`
  return { html: indexHtml.replace(META_POLICY, '').replace(ROOT, () => root), policy: allowStyleAttributes(policy, hashes) }
}

/** index.html as main serves it: with the first screen when there is a renderer for it and it renders. */
export async function rendererPage(
  rendererDir: string,
  render: RenderFirstScreen | undefined,
  host: FirstScreenHost,
  policy: string,
  onError: (err: Error) => void
): Promise<{ html: string; policy: string }> {
  const html = await readFile(join(rendererDir, 'index.html'), 'utf8')
  if (!render) return { html, policy }
  try {
    return pageWithFirstScreen(html, await render(host), policy)
  } catch (err) {
    onError(err as Error)
    return { html, policy }
  }
}

/**
 * The page as main serves it, for a renderer build and a core, each time asked. The first render of the
 * first screen is done here, in the background: it compiles React's server code (about 50 ms against 12
 * for the next), which the window's first page, the one every start waits for, then need not.
 */
export async function rendererPages(
  rendererDir: string,
  core: Core,
  assetUrl: (assetId: number, variant: AssetVariant) => string,
  policy: string
): Promise<() => Promise<{ html: string; policy: string }>> {
  const render = await loadFirstScreen(rendererDir)
  const host = firstScreenHost(core, assetUrl)
  if (render) void render(host).catch(() => {}) // a failure is the page's to report, when one is asked for
  return () => rendererPage(rendererDir, render, host, policy, (err) => console.error(`The first screen was not rendered: ${err.message}`))
}
