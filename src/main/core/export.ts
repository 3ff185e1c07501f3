// Bulk export of gallery files to a ZIP (streamed by yazl, never built in memory) or a folder, with a
// manifest in JSON and CSV. Work goes to a temporary name beside the destination and is renamed only when
// complete, so a cancel or a crash never leaves a half-written export under the final name.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { copyFile, mkdir, open, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises'
import { dirname, extname, join } from 'node:path'
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

function withPrompt(png: Buffer, item: ExportItem): Buffer {
  return embedPngText(png, { parameters: JSON.stringify({ prompt: item.prompt, provider: item.provider, model: item.model, ...item.params }), prompt: item.prompt })
}

/** What may be read but not yet written to the ZIP. */
const UNWRITTEN_MAX = 16 * 1024 * 1024

/** Files up to this size are read whole; bigger ones (videos) are streamed from disk. */
const WHOLE_FILE_MAX = 8 * 1024 * 1024

/** A file's bytes to store, or the size of a file too big to read whole, to be streamed. */
type Contents = { bytes: Buffer } | { streamSize: number }

/**
 * A file's bytes to store (a PNG with the prompt embedded if asked), or its size when it is big enough to
 * stream. A small file read in one go skips yazl's five-stage stream pipeline per file.
 */
async function contents(item: ExportItem, embed: boolean): Promise<Contents> {
  const embedding = embed && item.mime === 'image/png'
  const handle = await open(item.path, 'r')
  try {
    const { size } = await handle.stat()
    if (!embedding && size > WHOLE_FILE_MAX) return { streamSize: size }
    const bytes = await handle.readFile()
    return { bytes: embedding ? withPrompt(bytes, item) : bytes }
  } finally {
    await handle.close()
  }
}

/**
 * Reads the next few files while the current one is written, so the disk is not idle between the open,
 * read and close of each small image (BENCHMARKS.md). Every read is awaited in order by take().
 */
class ReadAhead {
  private static readonly DEPTH = 3
  private readonly pending: Promise<Contents>[] = []
  private next = 0

  constructor(
    private readonly items: ExportItem[],
    private readonly embed: boolean
  ) {}

  take(): Promise<Contents> {
    while (this.pending.length <= ReadAhead.DEPTH && this.next < this.items.length) {
      const read = contents(this.items[this.next++], this.embed)
      // Rejections are seen when take() returns this read; until then they are not unhandled.
      read.catch(() => undefined)
      this.pending.push(read)
    }
    return this.pending.shift()!
  }
}

/**
 * Makes the ZIP durable while it is written, not after: a single fsync at the end would hold the progress
 * bar at 100 % while the whole file went to the disk (seconds for a gigabyte here, minutes on a USB
 * stick), and would let a gigabyte of dirty pages pile up first. The written part is flushed in the
 * background every FLUSH_EVERY bytes, one flush at a time, so the final fsync has little left.
 */
class BackgroundFlush {
  private static readonly FLUSH_EVERY = 64 * 1024 * 1024
  private handle: Promise<FileHandle> | null = null
  private inFlight: Promise<void> | null = null
  private flushedUpTo = 0

  constructor(private readonly path: string) {}

  written(bytes: number): void {
    if (this.inFlight || bytes - this.flushedUpTo < BackgroundFlush.FLUSH_EVERY) return
    this.flushedUpTo = bytes
    this.handle ??= open(this.path, 'r')
    // Failures surface at finish(), whose fsync must succeed for the export to count as written.
    this.inFlight = this.handle
      .then((h) => h.datasync())
      .catch(() => undefined)
      .finally(() => (this.inFlight = null))
  }

  async finish(): Promise<void> {
    await this.inFlight
    const handle = await (this.handle ?? open(this.path, 'r'))
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  async close(): Promise<void> {
    await this.inFlight
    await (await this.handle)?.close()
  }
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
    // A cancel destroys the stream mid-write, which rejects this; only a finishing export awaits it.
    finished.catch(() => undefined)
    zip.outputStream.pipe(out)
    const flusher = new BackgroundFlush(temp)
    const reads = new ReadAhead(this.items, this.o.embedMetadata)
    let queued = 0
    for (const [i, item] of this.items.entries()) {
      if (this.canceled) break
      const file = await reads.take()
      const size = 'bytes' in file ? file.bytes.length : file.streamSize
      // Images are compressed already: storing them is as small and much faster.
      if ('bytes' in file) zip.addBuffer(file.bytes, names[i], { compress: false, mtime: new Date(item.createdAt) })
      else zip.addFile(item.path, names[i], { compress: false, mtime: new Date(item.createdAt) })
      this.progress.done = i + 1
      this.progress.bytes += size
      this.tick()
      flusher.written(out.bytesWritten)
      // yazl queues whatever it is given and writes one entry per turn of the event loop: hold on while too
      // much is waiting, so memory stays flat on 10,000 files.
      queued += size
      while (queued - out.bytesWritten > UNWRITTEN_MAX) {
        await new Promise<void>((r) => (out.writableNeedDrain ? out.once('drain', () => r()) : setImmediate(r)))
      }
    }
    const { json, csv } = manifests(this.items, names)
    zip.addBuffer(json, 'manifest.json')
    zip.addBuffer(csv, 'manifest.csv')
    if (this.canceled) zip.outputStream.unpipe(out)
    zip.end()
    if (this.canceled) {
      out.destroy()
      await flusher.close()
      return
    }
    await finished
    await flusher.finish()
  }

  private async folder(temp: string, names: string[]): Promise<void> {
    await mkdir(temp, { recursive: true })
    for (const [i, item] of this.items.entries()) {
      if (this.canceled) return
      const target = join(temp, ...names[i].split('/'))
      await mkdir(dirname(target), { recursive: true })
      // A plain copy lets the file system copy the blocks itself; only an embedded prompt needs the bytes.
      const embedded = this.o.embedMetadata && item.mime === 'image/png' ? await contents(item, true) : null
      const buffer = embedded && 'bytes' in embedded ? embedded.bytes : null
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
