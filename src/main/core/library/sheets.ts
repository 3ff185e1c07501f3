// Comparison sheets on disk (their records are storage/sheets.ts, their layout src/shared/sheet.ts): the two exports — a PNG
// contact sheet composed by sharp with every label drawn in (and recorded in the PNG's text chunks with the
// cell geometry, so a reader can find each cell), and an HTML page with the files beside it. Both are
// written under a temporary name and renamed into place, so a failed export leaves nothing half-written.
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { extname, join } from 'node:path'
import sharp, { type OverlayOptions } from 'sharp'
import type { Sheet, SheetCell } from '../../../shared/sheet'
import { slug } from '../jobs/downloader'
import { embedPngText } from './png-text'

export type CellFile = (assetId: number) => { path: string; mime: string; thumbPath: string | null } | null

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif'
const COLORS = { background: '#16181d', header: '#e8e8ea', muted: '#9aa0aa', failed: '#5a1f24', failedText: '#ffb3b8', pending: '#2a2e36', winner: '#f5c542' }

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

/** Up to `lines` lines of about `chars` characters each, the last cut with an ellipsis. */
function wrap(text: string, chars: number, lines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ')
  const out: string[] = []
  let line = ''
  for (const word of words) {
    const next = line ? `${line} ${word}` : word
    if (next.length <= chars) line = next
    else {
      if (line) out.push(line)
      line = word.length > chars ? `${word.slice(0, chars - 1)}…` : word
    }
    if (out.length === lines) break
  }
  if (out.length < lines && line) out.push(line)
  if (out.length === lines && words.join(' ').length > out.join(' ').length) out[lines - 1] = `${out[lines - 1].slice(0, Math.max(1, chars - 1))}…`
  return out.slice(0, lines)
}

function textSvg(
  width: number,
  height: number,
  lines: string[],
  o: { size: number; color: string; x?: number; anchor?: 'start' | 'middle'; weight?: string }
): Buffer {
  const x = o.x ?? (o.anchor === 'middle' ? width / 2 : 8)
  const tspans = lines.map(
    (l, i) =>
      `<text x="${x}" y="${o.size * 1.25 * (i + 1)}" font-family="${FONT}" font-size="${o.size}" font-weight="${o.weight ?? 'normal'}" fill="${o.color}" text-anchor="${o.anchor ?? 'start'}">${xml(l)}</text>`
  )
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${tspans.join('')}</svg>`)
}

async function cellPicture(cell: SheetCell, size: number, fileOf: CellFile): Promise<Buffer | null> {
  if (cell.assetId === null) return null
  const file = fileOf(cell.assetId)
  if (!file) return null
  const source = file.mime.startsWith('image/') ? file.path : file.thumbPath
  if (!source || !existsSync(source)) return null
  try {
    return await sharp(source).resize(size, size, { fit: 'contain', background: COLORS.pending }).png().toBuffer()
  } catch {
    return null
  }
}

/** A cell without a picture: failed (its reason), waiting, or a file that cannot be drawn. */
function placeholder(cell: SheetCell | null, size: number): Buffer {
  const failed = cell !== null && ['failed', 'canceled', 'needs_attention'].includes(cell.status)
  const head = cell === null ? 'no job' : failed ? cell.status.replace('_', ' ') : cell.status === 'done' ? 'no picture' : cell.status
  const lines = [head, ...(failed && cell?.error ? wrap(cell.error, Math.floor(size / 8), 4) : [])]
  const fill = failed ? COLORS.failed : COLORS.pending
  const color = failed ? COLORS.failedText : COLORS.muted
  const body = lines
    .map(
      (l, i) =>
        `<text x="10" y="${24 + i * 18}" font-family="${FONT}" font-size="${i === 0 ? 16 : 12}" font-weight="${i === 0 ? 'bold' : 'normal'}" fill="${color}">${xml(l)}</text>`
    )
    .join('')
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" fill="${fill}"/>${body}</svg>`
  )
}

function winnerFrame(size: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect x="2" y="2" width="${size - 4}" height="${size - 4}" fill="none" stroke="${COLORS.winner}" stroke-width="4"/>` +
      `<rect x="0" y="${size - 24}" width="84" height="24" fill="${COLORS.winner}"/><text x="8" y="${size - 7}" font-family="${FONT}" font-size="14" font-weight="bold" fill="#000">★ winner</text></svg>`
  )
}

/** Where each part of the contact sheet sits (recorded in the PNG so a reader can find every cell). */
export interface SheetGeometry {
  cellSize: number
  gap: number
  rowHeader: number
  colHeader: number
  /** Top of each page's column headers. */
  pageTops: number[]
  width: number
  height: number
}

export function sheetGeometry(sheet: Sheet, cellSize: number): SheetGeometry {
  const gap = 8
  const rowHeader = 220
  const colHeader = 56
  const title = 48
  const pageTitle = sheet.pages.keys.length > 1 || sheet.pages.labels[0] ? 32 : 0
  const pageHeight = pageTitle + colHeader + sheet.rows.keys.length * (cellSize + gap) + gap * 2
  const pageTops = sheet.pages.keys.map((_, p) => title + p * pageHeight + pageTitle)
  const width = rowHeader + sheet.cols.keys.length * (cellSize + gap) + gap
  return { cellSize, gap, rowHeader, colHeader, pageTops, width, height: title + sheet.pages.keys.length * pageHeight }
}

/** The top-left corner of a cell's picture. */
export function cellOrigin(g: SheetGeometry, page: number, row: number, col: number): { x: number; y: number } {
  return { x: g.rowHeader + col * (g.cellSize + g.gap), y: g.pageTops[page] + g.colHeader + row * (g.cellSize + g.gap) }
}

/** The largest contact sheet drawn (libvips refuses far beyond; 150 megapixels is ~600 MB while composed). */
const MAX_SHEET_PIXELS = 150_000_000

/** The contact sheet as PNG bytes: labels drawn in, failures and waiting cells in place, winners framed. */
export async function renderSheetPng(sheet: Sheet, fileOf: CellFile, cellSize = 256): Promise<Buffer> {
  const g = sheetGeometry(sheet, cellSize)
  if (g.width * g.height > MAX_SHEET_PIXELS)
    throw new Error(`The sheet would be ${g.width} × ${g.height} pixels, too large for one PNG; choose a smaller cell size, or export it as an HTML page`)
  const layers: OverlayOptions[] = []
  // Drawn over the pictures, so composited last.
  const frames: OverlayOptions[] = []
  const chars = Math.floor(cellSize / 7.5)
  layers.push({
    input: textSvg(g.width, 44, [`${sheet.name} — ${sheet.rows.title} × ${sheet.cols.title}${sheet.pages.title ? ` × ${sheet.pages.title}` : ''}`], {
      size: 22,
      color: COLORS.header,
      weight: 'bold',
      x: 12
    }),
    left: 0,
    top: 6
  })
  const pictures: Promise<void>[] = []
  for (const [p, grid] of sheet.cells.entries()) {
    const top = g.pageTops[p]
    if (sheet.pages.labels[p])
      layers.push({
        input: textSvg(g.width, 30, [`${sheet.pages.title}: ${sheet.pages.labels[p]}`], { size: 18, color: COLORS.winner, weight: 'bold', x: 12 }),
        left: 0,
        top: top - 30
      })
    for (const [c, label] of sheet.cols.labels.entries()) {
      layers.push({
        input: textSvg(cellSize, g.colHeader, wrap(label, chars, 2), { size: 14, color: COLORS.header, anchor: 'middle', weight: 'bold' }),
        left: g.rowHeader + c * (cellSize + g.gap),
        top
      })
    }
    for (const [r, line] of grid.entries()) {
      const origin = cellOrigin(g, p, r, 0)
      layers.push({
        input: textSvg(g.rowHeader - 8, cellSize, wrap(sheet.rows.labels[r], 26, Math.floor(cellSize / 20)), { size: 14, color: COLORS.header, x: 12 }),
        left: 0,
        top: origin.y
      })
      for (const [c, cell] of line.entries()) {
        const at = cellOrigin(g, p, r, c)
        pictures.push(
          (async () => {
            const picture = cell ? await cellPicture(cell, cellSize, fileOf) : null
            layers.push({ input: picture ?? placeholder(cell, cellSize), left: at.x, top: at.y })
            if (cell?.winner) frames.push({ input: winnerFrame(cellSize), left: at.x, top: at.y })
          })()
        )
      }
    }
  }
  await Promise.all(pictures)
  const png = await sharp({ create: { width: g.width, height: g.height, channels: 3, background: COLORS.background } })
    .composite([...layers, ...frames])
    .png({ compressionLevel: 6 })
    .toBuffer()
  return embedPngText(png, {
    Title: sheet.name,
    'batch-studio:sheet': JSON.stringify({
      batchId: sheet.batchId,
      axes: { rows: sheet.rows.key, cols: sheet.cols.key, pages: sheet.pages.title ? sheet.pages.key : null },
      rows: sheet.rows.labels,
      cols: sheet.cols.labels,
      pages: sheet.pages.labels,
      geometry: g,
      cells: sheet.cells.map((grid) => grid.map((line) => line.map((c) => (c ? { job: c.jobId, status: c.status, winner: c.winner } : null))))
    })
  })
}

/** A free name in `dir`: base, then base-2, base-3… */
function freeName(dir: string, base: string, ext: string): string {
  for (let n = 1; ; n++) {
    const name = `${base}${n === 1 ? '' : `-${n}`}${ext}`
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, `${name}.part`))) return name
  }
}

export async function writeSheetPng(sheet: Sheet, fileOf: CellFile, dir: string, cellSize = 256): Promise<{ path: string; cells: number }> {
  await mkdir(dir, { recursive: true })
  const png = await renderSheetPng(sheet, fileOf, cellSize)
  const path = join(dir, freeName(dir, `${slug(sheet.name, 60)}-sheet`, '.png'))
  await writeFile(`${path}.part`, png, { flag: 'wx' })
  await rename(`${path}.part`, path)
  return { path, cells: countCells(sheet) }
}

function countCells(sheet: Sheet): number {
  return sheet.cells.reduce((n, grid) => n + grid.reduce((m, line) => m + line.filter(Boolean).length, 0), 0)
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** The sheet as a folder: index.html and, beside it, files/ with every cell's file (hard-linked where the disk allows). */
export async function writeSheetHtml(sheet: Sheet, fileOf: CellFile, dir: string): Promise<{ path: string; cells: number }> {
  await mkdir(dir, { recursive: true })
  const folder = join(dir, freeName(dir, `${slug(sheet.name, 60)}-sheet`, ''))
  const temp = `${folder}.part`
  await mkdir(join(temp, 'files'), { recursive: true })
  try {
    const pages: string[] = []
    for (const [p, grid] of sheet.cells.entries()) {
      const head = `<tr><th></th>${sheet.cols.labels.map((l) => `<th scope="col">${html(l)}</th>`).join('')}</tr>`
      const body: string[] = []
      for (const [r, line] of grid.entries()) {
        const cells: string[] = []
        for (const cell of line) {
          if (!cell) {
            cells.push('<td class="empty">no job</td>')
            continue
          }
          const file = cell.assetId !== null ? fileOf(cell.assetId) : null
          if (cell.status === 'done' && file && existsSync(file.path)) {
            const name = `job-${cell.jobId}${extname(file.path).toLowerCase()}`
            const target = join(temp, 'files', name)
            await link(file.path, target).catch(() => copyFile(file.path, target))
            const media = file.mime.startsWith('video/')
              ? `<video src="files/${name}" controls muted loop></video>`
              : file.mime.startsWith('audio/')
                ? `<audio src="files/${name}" controls></audio>`
                : `<img src="files/${name}" alt="job ${cell.jobId}" loading="lazy">`
            cells.push(
              `<td class="${cell.winner ? 'winner' : ''}"><a href="files/${name}">${media}</a><span>job ${cell.jobId}${cell.winner ? ' · ★ winner' : ''}</span></td>`
            )
          } else {
            const failed = ['failed', 'canceled', 'needs_attention'].includes(cell.status)
            cells.push(
              `<td class="${failed ? 'failed' : 'pending'}"><strong>${html(cell.status.replace('_', ' '))}</strong>${cell.error ? `<p>${html(cell.error)}</p>` : ''}<span>job ${cell.jobId}</span></td>`
            )
          }
        }
        body.push(`<tr><th scope="row">${html(sheet.rows.labels[r])}</th>${cells.join('')}</tr>`)
      }
      const title = sheet.pages.labels[p] ? `<h2>${html(sheet.pages.title)}: ${html(sheet.pages.labels[p])}</h2>` : ''
      pages.push(`${title}<table>${head}${body.join('')}</table>`)
    }
    const doc = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(sheet.name)}</title><style>
body{font-family:system-ui,sans-serif;background:#16181d;color:#e8e8ea;margin:24px}table{border-collapse:separate;border-spacing:8px}
th{text-align:left;vertical-align:top;max-width:220px;font-size:14px}td{width:256px;vertical-align:top;background:#2a2e36;font-size:12px}
td img,td video{width:256px;height:256px;object-fit:contain;display:block}td span{display:block;padding:4px;color:#9aa0aa}
td.failed{background:#5a1f24;color:#ffb3b8}td.failed p,td.pending p{margin:4px}td.winner{outline:4px solid #f5c542}h2{color:#f5c542}
</style></head><body><h1>${html(sheet.name)}</h1><p>${html(sheet.rows.title)} × ${html(sheet.cols.title)}${sheet.pages.title ? ` × ${html(sheet.pages.title)}` : ''} · ${sheet.counts.done} done, ${sheet.counts.failed} failed, ${sheet.counts.pending} waiting</p>${pages.join('')}</body></html>\n`
    await writeFile(join(temp, 'index.html'), doc)
    await rename(temp, folder)
  } catch (err) {
    await rm(temp, { recursive: true, force: true })
    throw err
  }
  return { path: join(folder, 'index.html'), cells: countCells(sheet) }
}
