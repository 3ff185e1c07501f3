// Bulk export of gallery files to a ZIP (streamed by yazl, never built in memory) or a folder, with a
// manifest in JSON and CSV. Work goes to a temporary name beside the destination and is renamed only when
// complete, so a cancel or a crash never leaves a half-written export under the final name.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, extname, join } from 'node:path'
import { createRequire } from 'node:module'
import { crc32 as nativeCrc32 } from 'node:zlib'
import yazl from 'yazl'
import type { Asset, ExportProgress } from '../../shared/contract'
import { slug } from './downloader'
import { embedPngText } from './png-text'

export interface ExportItem extends Asset {
  idx: number
  params: Record<string, unknown>
  submittedAt: number | null
  finishedAt: number | null
  providerJobId: string | null
}

export interface ExportOptions {
  format: 'zip' | 'folder'
  destination: string
  template: string
  embedMetadata: boolean
}

// yazl checksums every byte through buffer-crc32, plain JavaScript at ~256 MB/s, which was the largest cost
// of a 1 GB export; Node's zlib.crc32 computes the same CRC natively at ~2.4 GB/s (BENCHMARKS.md). The ZIP
// writer's hot loop is pointed at it, in the very module instance yazl loads.
const fromYazl = createRequire(createRequire(import.meta.url).resolve('yazl'))
const bufferCrc32 = fromYazl('buffer-crc32') as { unsigned: (buf: Buffer, previous?: number) => number }
bufferCrc32.unsigned = (buf, previous = 0) => nativeCrc32(buf, previous)

const MANIFEST_COLUMNS = ['file', 'prompt', 'provider', 'model', 'parameters', 'job_id', 'provider_job_id', 'batch', 'submitted_at', 'finished_at', 'created_at', 'sha256', 'size', 'mime'] as const

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Names every file from the template, each part sanitised, unique within the export. */
export function exportNames(items: ExportItem[], template: string): string[] {
  const used = new Set<string>()
  return items.map((item) => {
    const values: Record<string, string> = {
      batch: slug(item.batchName, 60),
      prompt: slug(item.prompt),
      job: String(item.jobId),
      index: String(item.idx + 1),
      provider: item.provider,
      model: slug(item.model, 40),
      asset: String(item.id)
    }
    const parts = template
      .split('/')
      .map((part) => part.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key))
      .map((part) => slug(part, 80))
    const ext = extname(item.path).toLowerCase().replace(/[^.a-z0-9]/g, '') || '.bin'
    const base = parts.join('/')
    let name = `${base}${ext}`
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}${ext}`
    used.add(name.toLowerCase())
    return name
  })
}

function manifests(items: ExportItem[], names: string[]): { json: Buffer; csv: Buffer } {
  const rows = items.map((item, i) => ({
    file: names[i],
    prompt: item.prompt,
    provider: item.provider,
    model: item.model,
    parameters: item.params,
    job_id: item.jobId,
    provider_job_id: item.providerJobId,
    batch: item.batchName,
    submitted_at: iso(item.submittedAt),
    finished_at: iso(item.finishedAt),
    created_at: iso(item.createdAt),
    sha256: item.sha256,
    size: item.size,
    mime: item.mime
  }))
  const csv = [MANIFEST_COLUMNS.join(','), ...rows.map((r) => MANIFEST_COLUMNS.map((c) => csvCell(c === 'parameters' ? JSON.stringify(r.parameters) : r[c])).join(','))].join('\r\n')
  return { json: Buffer.from(JSON.stringify({ exportedAt: new Date().toISOString(), files: rows }, null, 2)), csv: Buffer.from(`${csv}\r\n`) }
}

async function contents(item: ExportItem, embed: boolean): Promise<Buffer | null> {
  if (!embed || item.mime !== 'image/png') return null
  const png = await readFile(item.path)
  return embedPngText(png, { parameters: JSON.stringify({ prompt: item.prompt, provider: item.provider, model: item.model, ...item.params }), prompt: item.prompt })
}

export class ExportRun {
  readonly id = randomBytes(6).toString('hex')
  private canceled = false
  private progress: ExportProgress

  constructor(
    private readonly items: ExportItem[],
    private readonly o: ExportOptions,
    private readonly report: (p: ExportProgress) => void
  ) {
    this.progress = { exportId: this.id, state: 'running', done: 0, total: items.length, bytes: 0, path: null, error: null }
  }

  cancel(): void {
    this.canceled = true
  }

  private lastReport = 0
  private tick(force = false): void {
    const now = Date.now()
    if (!force && now - this.lastReport < 100) return
    this.lastReport = now
    this.report({ ...this.progress })
  }

  async run(): Promise<ExportProgress> {
    const final = this.o.format === 'zip' && !this.o.destination.toLowerCase().endsWith('.zip') ? `${this.o.destination}.zip` : this.o.destination
    const temp = join(dirname(final), `.bs-export-${this.id}.part`)
    try {
      await stat(final).then(
        () => {
          throw new Error(`${final} already exists; choose another name`)
        },
        () => undefined
      )
      await mkdir(dirname(final), { recursive: true })
      const names = exportNames(this.items, this.o.template)
      if (this.o.format === 'zip') await this.zip(temp, names)
      else await this.folder(temp, names)
      if (this.canceled) throw new Error('canceled')
      await rename(temp, final)
      this.progress = { ...this.progress, state: 'done', path: final }
    } catch (err) {
      await rm(temp, { recursive: true, force: true })
      this.progress = this.canceled ? { ...this.progress, state: 'canceled' } : { ...this.progress, state: 'failed', error: (err as Error).message }
    }
    this.tick(true)
    return this.progress
  }

  private async zip(temp: string, names: string[]): Promise<void> {
    const zip = new yazl.ZipFile()
    const out = createWriteStream(temp)
    const finished = new Promise<void>((resolve, reject) => {
      out.on('close', resolve)
      out.on('error', reject)
      zip.outputStream.on('error', reject)
    })
    zip.outputStream.pipe(out)
    for (const [i, item] of this.items.entries()) {
      if (this.canceled) break
      // Images are compressed already: storing them is as small and much faster.
      const buffer = await contents(item, this.o.embedMetadata)
      const info = buffer ? { size: buffer.length } : await stat(item.path)
      if (buffer) zip.addBuffer(buffer, names[i], { compress: false, mtime: new Date(item.createdAt) })
      else zip.addFile(item.path, names[i], { compress: false, mtime: new Date(item.createdAt) })
      this.progress.done = i + 1
      this.progress.bytes += info.size
      this.tick()
      // Let yazl drain so memory stays flat on 10,000 files.
      if (out.writableLength > 16 * 1024 * 1024) await new Promise<void>((r) => out.once('drain', () => r()))
    }
    const { json, csv } = manifests(this.items, names)
    zip.addBuffer(json, 'manifest.json')
    zip.addBuffer(csv, 'manifest.csv')
    if (this.canceled) zip.outputStream.unpipe(out)
    zip.end()
    if (this.canceled) {
      out.destroy()
      return
    }
    await finished
    const handle = await open(temp, 'r+')
    await handle.sync()
    await handle.close()
  }

  private async folder(temp: string, names: string[]): Promise<void> {
    await mkdir(temp, { recursive: true })
    for (const [i, item] of this.items.entries()) {
      if (this.canceled) return
      const target = join(temp, ...names[i].split('/'))
      await mkdir(dirname(target), { recursive: true })
      const buffer = await contents(item, this.o.embedMetadata)
      if (buffer) await writeFile(target, buffer)
      else await copyFile(item.path, target)
      this.progress.done = i + 1
      this.progress.bytes += buffer?.length ?? item.size
      this.tick()
    }
    const { json, csv } = manifests(this.items, names)
    await writeFile(join(temp, 'manifest.json'), json)
    await writeFile(join(temp, 'manifest.csv'), csv)
  }
}
