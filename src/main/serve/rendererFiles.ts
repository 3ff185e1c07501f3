// Folder src/main/serve/ — serving the renderer, for both servers of it (the Electron shell's app
// protocol and the headless bridge's HTTP): which built file a URL names (this file) and the page with the
// Queue's first screen already in it (firstScreen.ts); asset URLs are parsed by src/shared/assetUrl.ts.
// May import src/shared and the core; never electron.
//
// Which file of the built renderer a URL path names. One rule for both servers of the renderer: the
// headless bridge (HTTP) and the Electron shell's app protocol, so neither can be led outside the folder.
import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

export interface RendererFile {
  path: string
  mime: string
  /** Vite names every file under assets/ by its content's hash: such a file never changes. */
  immutable: boolean
}

/** The file under `rendererDir` for a URL path (`/` is index.html), or undefined when there is none. */
export function rendererFile(rendererDir: string, pathname: string): RendererFile | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
  } catch {
    return undefined
  }
  // A NUL names no file (the file system would refuse it with an error naming the absolute path).
  if (decoded.includes('\0')) return undefined
  const root = resolve(rendererDir)
  const rel = normalize(decoded).replace(/^([/\\])+/, '')
  const path = join(root, rel)
  if (!path.startsWith(root + sep)) return undefined
  let isFile = false
  try {
    isFile = statSync(path, { throwIfNoEntry: false })?.isFile() ?? false
  } catch {
    // Unreadable (permissions, a name too long, a loop): no file to serve, and no error that names its path.
  }
  if (!isFile) return undefined
  return { path, mime: MIME[extname(path)] ?? 'application/octet-stream', immutable: rel.startsWith(`assets${sep}`) }
}

/**
 * Whether `url` is on the page origin `origin` (e.g. the dev server's http://localhost:5173, or the app's
 * bs-app://app): the same scheme, host and port, parsed, never a string prefix (which lets
 * http://localhost:5173.evil.com or http://localhost:5173@evil.com pass). For the Electron shell's checks
 * of navigation and of the page an IPC call comes from.
 */
export function isSameOrigin(url: string, origin: string): boolean {
  let a: URL, b: URL
  try {
    a = new URL(url)
    b = new URL(origin)
  } catch {
    return false
  }
  // Compared by parts: URL.origin is "null" for every non-special scheme (bs-app:), so it cannot tell them apart.
  return a.host !== '' && a.protocol === b.protocol && a.host === b.host
}

/** Whether a URL path names the page itself, which main serves with the first screen rendered in. */
export const isPagePath = (pathname: string): boolean => pathname === '/' || pathname === '/index.html'

/**
 * The Electron shell's answer for a URL of its app scheme: the renderer's files, on one host only, and the
 * page from `page` (core/firstScreen.ts), which sends its own policy.
 */
export async function rendererResponse(
  rendererDir: string,
  url: string,
  policy: string,
  page?: () => Promise<{ html: string; policy: string }>
): Promise<Response> {
  const { host, pathname } = new URL(url)
  if (host === 'app' && page && isPagePath(pathname)) {
    const served = await page()
    return new Response(served.html, {
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': served.policy, 'X-Content-Type-Options': 'nosniff' }
    })
  }
  const file = host === 'app' ? rendererFile(rendererDir, pathname) : undefined
  if (!file) return new Response('Not found', { status: 404 })
  // Gone or unreadable since it was found: not found, with no error naming its path.
  const body = await readFile(file.path).catch(() => undefined)
  if (!body) return new Response('Not found', { status: 404 })
  return new Response(body, { headers: { 'Content-Type': file.mime, 'Content-Security-Policy': policy, 'X-Content-Type-Options': 'nosniff' } })
}
