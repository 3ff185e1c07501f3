// Floor pages for the Queue's cold load, served and loaded in the same run as the app (ui-scale.ts): what a
// new browser context costs on this machine for React rendering the Queue's first screen as a bare table
// (react) and for that table as static HTML with no script at all (static). The app's time over these
// says how much of it is the app's own, whatever state the machine is in.
import react from '@vitejs/plugin-react'
import { createReadStream, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build } from 'vite'
import { rendererFile } from '../../src/main/serve/rendererFiles'
import { FLOOR_COLUMNS, floorRows } from './rows'

export interface FloorPages {
  react: string
  static: string
  close(): Promise<void>
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

export async function serveFloorPages(outDir: string): Promise<FloorPages> {
  await build({ configFile: false, root: import.meta.dirname, base: './', plugins: [react()], logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  // The static page is the built one with the table in place of the script: the same head and stylesheet.
  const table = `<table><thead><tr>${FLOOR_COLUMNS.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>${floorRows()
    .map((row) => `<tr data-testid="job-row">${row.cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
  const built = readFileSync(join(outDir, 'index.html'), 'utf8')
  writeFileSync(join(outDir, 'static.html'), built.replace(/<script[^>]*><\/script>/, '').replace('<div id="root"></div>', table))

  const server = createServer((req, res) => {
    const file = rendererFile(outDir, new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
    if (!file) return void res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': file.mime })
    createReadStream(file.path).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    react: `${base}/`,
    static: `${base}/static.html`,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
