// Which file of the built renderer a URL path names. One rule for both servers of the renderer: the
// headless bridge (HTTP) and the Electron shell's app protocol, so neither can be led outside the folder.
import { existsSync, statSync } from 'node:fs'
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
  const root = resolve(rendererDir)
  const rel = normalize(decoded).replace(/^([/\\])+/, '')
  const path = join(root, rel)
  if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) return undefined
  return { path, mime: MIME[extname(path)] ?? 'application/octet-stream', immutable: rel.startsWith(`assets${sep}`) }
}
