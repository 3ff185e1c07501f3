// Bulk export of gallery files to a ZIP (streamed by yazl, never built in memory) or a folder, with a
// manifest in JSON and CSV (streamed too: it is written for 10,000+ files). Work goes to a temporary name
// beside the destination and takes the final name only when complete, so a cancel or a crash never leaves a
// half-written export under it; the final name is taken without replacing anything (a file that appeared
// there meanwhile is kept and the export fails, saying so). Destinations must be absolute paths.
// Each run notes its temporary name in a journal, so a crash's leftovers are swept at the next start.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { copyFile, link, lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, unlink, writeFile, type FileHandle } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, normalize } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import type { Asset, ExportProgress } from '../../../shared/contract'
import { slug } from '../jobs/downloader'
import { embedPngText } from './png-text'
import { summarize } from '../storage/ledger'
import type { CostSummary, JobCost } from '../../../shared/costs'

export interface ExportItem extends Asset {
  idx: number
  params: Record<string, unknown>
  submittedAt: number | null
  finishedAt: number | null
  providerJobId: string | null
  /** The job's ledger row, for the manifest's cost columns and totals. */
  cost?: JobCost | null
  /** Jobs this file's job came from (a pipeline step's parent, the jobs of its input files). */
  parents?: number[]
  /** The input files its job started from. */
  inputs?: string[]
}

export interface ExportOptions {
  format: 'zip' | 'folder'
  /** An absolute path; anything else is refused. */
  destination: string
  template: string
  embedMetadata: boolean
  /** A folder of the library's where the run notes its temporary name (see sweepStaleExports). */
  journalDir?: string
}

/** Temporary names are `.bs-export-<hex id>.part`, beside the destination. */
export const EXPORT_TEMP_PREFIX = '.bs-export-'
const TEMP_NAME = /^\.bs-export-[0-9a-f]+\.part$/

/**
 * The path, normalised, if it is absolute; otherwise an error naming it. A relative path would be resolved
 * against whatever folder the process happened to start in, so it is refused, not guessed. Used for the
 * export destination and the output folder setting.
 */
export function checkAbsolutePath(path: string, what: string): string {
  if (path.includes('\0')) throw new Error(`${what} contains a NUL character`)
  const absolute = process.platform === 'win32' ? /^([a-zA-Z]:[\\/]|[\\/]{2}[^\\/])/.test(path) : isAbsolute(path)
  if (!absolute) throw new Error(`${what} must be an absolute path (got "${path}"); choose a folder with the dialog or type the full path`)
  return normalize(path)
}

const MANIFEST_COLUMNS = [
  'file',
  'prompt',
  'provider',
  'model',
  'parameters',
  'job_id',
  'provider_job_id',
  'batch',
  'submitted_at',
  'finished_at',
  'created_at',
  'sha256',
  'size',
  'mime',
  // The job's cost (the same on each file of a job): the ledger's state, currency, estimate and the provider's own figure.
  'cost_state',
  'cost_currency',
  'cost_estimated',
  'cost_billed',
  'cost_usd',
  // Where the file's job came from: its parents' job ids and its input files.
  'parents',
  'inputs'
] as const

/**
 * A text cell a spreadsheet would read as a formula: it starts with = + - @, a tab or a line break
 * (OWASP "CSV Injection"), or with blanks then one of those.
 */
const FORMULA_START = /^(?:[=+\-@\t\r\n]|\s+[=+\-@])/

/** A CSV cell; text that could run as a formula gets a leading single quote, which makes it plain text. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`
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
    const ext =
      extname(item.path)
        .toLowerCase()
        .replace(/[^.a-z0-9]/g, '') || '.bin'
    const base = parts.join('/')
    let name = `${base}${ext}`
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}${ext}`
    used.add(name.toLowerCase())
    return name
  })
}

type ManifestRow = Record<(typeof MANIFEST_COLUMNS)[number], unknown>

function manifestRow(item: ExportItem, name: string): ManifestRow {
  return {
    file: name,
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
    mime: item.mime,
    cost_state: item.cost?.state ?? null,
    cost_currency: item.cost?.currency ?? null,
    cost_estimated: item.cost?.estimated ?? null,
    cost_billed: item.cost?.billed ?? null,
    cost_usd: item.cost ? (item.cost.billedUsd ?? item.cost.estimatedUsd) : null,
    parents: item.parents ?? [],
    inputs: item.inputs ?? []
  }
}

/** Joins small pieces into chunks of about this size, so a stream of 10,000 rows is not 10,000 writes. */
const MANIFEST_CHUNK = 64 * 1024

function* chunked(pieces: Iterable<string>): Generator<string> {
  let chunk = ''
  for (const piece of pieces) {
    chunk += piece
    if (chunk.length >= MANIFEST_CHUNK) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** The CSV manifest, a row at a time (CRLF line ends, every text cell neutralised). */
export function* manifestCsv(items: ExportItem[], names: string[]): Generator<string> {
  yield* chunked(
    (function* () {
      yield `${MANIFEST_COLUMNS.join(',')}\r\n`
      for (const [i, item] of items.entries()) {
        const row = manifestRow(item, names[i])
        yield `${MANIFEST_COLUMNS.map((c) => csvCell(c === 'parameters' || c === 'inputs' ? JSON.stringify(row[c]) : c === 'parents' ? (row.parents as number[]).join(' ') : row[c])).join(',')}\r\n`
      }
    })()
  )
}

/** The exported jobs' cost totals (each job once, however many files it made), when the items carry costs. */
function manifestCosts(items: ExportItem[]): CostSummary | null {
  if (!items.some((it) => it.cost)) return null
  const jobs = new Map(items.filter((it) => it.cost).map((it) => [it.jobId, it]))
  return summarize([...jobs.values()].map((it) => ({ provider: it.provider, cost: it.cost! })))
}

/** The JSON manifest, a row at a time: the text JSON.stringify(…, null, 2) would give for the whole. */
export function* manifestJson(items: ExportItem[], names: string[], exportedAt = new Date()): Generator<string> {
  yield* chunked(
    (function* () {
      yield `{\n  "exportedAt": ${JSON.stringify(exportedAt.toISOString())},\n  "files": [`
      for (const [i, item] of items.entries()) {
        // JSON text has no raw line breaks inside strings, so indenting every line is safe.
        yield `${i === 0 ? '' : ','}\n    ${JSON.stringify(manifestRow(item, names[i]), null, 2).replace(/\n/g, '\n    ')}`
      }
      const costs = manifestCosts(items)
      yield `${items.length ? '\n  ]' : ']'}${costs ? `,\n  "costs": ${JSON.stringify(costs, null, 2).replace(/\n/g, '\n  ')}` : ''}\n}`
    })()
  )
}

const stream = (chunks: Iterable<string>) => Readable.from(chunks, { objectMode: false })

/** Takes `final` for the finished ZIP at `temp`, never replacing a file that is there. */
async function takeFileName(temp: string, final: string): Promise<void> {
  try {
    // A hard link fails if the name exists, atomically; the temporary name then goes.
    await link(temp, final)
    await unlink(temp).catch(() => undefined)
    return
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw appeared(final)
    // File systems without hard links (FAT, exFAT, some network shares): claim the name with an exclusive
    // create, then rename over that empty file of ours.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EACCES', 'EINVAL'].includes(code ?? '')) throw err
  }
  await claim(final)
  await rename(temp, final).catch(async (err: unknown) => {
    await unlink(final).catch(() => undefined)
    throw err
  })
}

/** Creates `final` as an empty file, failing if anything is there. */
async function claim(final: string): Promise<void> {
  try {
    await (await open(final, 'wx')).close()
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? appeared(final) : err
  }
}

/** Takes `final` for the finished folder at `temp`, never replacing anything that is there. */
async function takeFolderName(temp: string, final: string): Promise<void> {
  // An exclusive mkdir claims the name; renaming a folder onto an empty folder replaces it (POSIX), and
  // fails if anything was put inside meanwhile. Windows does not rename onto a folder: give the empty claim
  // back first, and its rename never replaces a folder.
  try {
    await mkdir(final)
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? appeared(final) : err
  }
  if (process.platform === 'win32') await rmdir(final)
  try {
    await rename(temp, final)
  } catch (err) {
    await rmdir(final).catch(() => undefined) // only if still empty: never anything the user put there
    const code = (err as NodeJS.ErrnoException).code
    throw code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EPERM' ? appeared(final) : err
  }
}

const appeared = (final: string) =>
  new Error(`${final} appeared while the export was being written; it was left as it is and the export not saved: choose another name`)

/**
 * Removes what exports cut short by a crash left behind: every temporary name noted in `journalDir`, and
 * any `.bs-export-*.part` in `dirs` not modified for `olderThanMs` (another process may be writing a
 * recent one). Call it at start, before any export runs. Returns the paths removed.
 */
export async function sweepStaleExports(journalDir: string, dirs: string[] = [], olderThanMs = 3_600_000): Promise<string[]> {
  const removed: string[] = []
  const remove = async (temp: string) => {
    // Only ever a temporary name of ours, whatever a journal file says.
    if (!TEMP_NAME.test(basename(temp)) || !isAbsolute(temp)) return
    const there = await lstat(temp).then(
      () => true,
      () => false
    )
    await rm(temp, { recursive: true, force: true })
    if (there) removed.push(temp)
  }
  for (const entry of await readdir(journalDir).catch(() => [] as string[])) {
    if (!entry.endsWith('.json')) continue
    const file = join(journalDir, entry)
    try {
      const { temp } = JSON.parse(await readFile(file, 'utf8')) as { temp?: unknown }
      if (typeof temp === 'string') await remove(temp)
    } catch {
      // An unreadable note (cut short itself) has nothing to act on.
    }
    await rm(file, { force: true })
  }
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!TEMP_NAME.test(name)) continue
      const path = join(dir, name)
      const info = await lstat(path).catch(() => null)
      if (info && Date.now() - info.mtimeMs >= olderThanMs) await remove(path)
    }
  }
  return removed
}

function withPrompt(png: Buffer, item: ExportItem): Buffer {
  return embedPngText(png, {
    parameters: JSON.stringify({ prompt: item.prompt, provider: item.provider, model: item.model, ...item.params }),
    prompt: item.prompt
  })
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
  /** Where the export goes; the constructor throws if the destination is not an absolute path. */
  readonly final: string

  constructor(
    private readonly items: ExportItem[],
    private readonly o: ExportOptions,
    private readonly report: (p: ExportProgress) => void
  ) {
    const destination = checkAbsolutePath(o.destination, 'The export destination')
    this.final = o.format === 'zip' && !destination.toLowerCase().endsWith('.zip') ? `${destination}.zip` : destination
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
    const final = this.final
    const temp = join(dirname(final), `${EXPORT_TEMP_PREFIX}${this.id}.part`)
    const note = this.o.journalDir ? join(this.o.journalDir, `${this.id}.json`) : null
    try {
      await lstat(final).then(
        () => {
          throw new Error(`${final} already exists; choose another name`)
        },
        () => undefined
      )
      await mkdir(dirname(final), { recursive: true })
      if (note) {
        await mkdir(dirname(note), { recursive: true })
        await writeFile(note, JSON.stringify({ temp, final, startedAt: Date.now() }))
      }
      const names = exportNames(this.items, this.o.template)
      if (this.o.format === 'zip') await this.zip(temp, names)
      else await this.folder(temp, names)
      if (this.canceled) throw new Error('canceled')
      if (this.o.format === 'zip') await takeFileName(temp, final)
      else await takeFolderName(temp, final)
      this.progress = { ...this.progress, state: 'done', path: final }
    } catch (err) {
      await rm(temp, { recursive: true, force: true })
      this.progress = this.canceled ? { ...this.progress, state: 'canceled' } : { ...this.progress, state: 'failed', error: (err as Error).message }
    }
    if (note) await rm(note, { force: true }).catch(() => undefined)
    this.tick(true)
    return this.progress
  }

  private async zip(temp: string, names: string[]): Promise<void> {
    const zip = new yazl.ZipFile()
    const out = createWriteStream(temp, { flags: 'wx' })
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
    if (!this.canceled) {
      zip.addReadStream(stream(manifestJson(this.items, names)), 'manifest.json')
      zip.addReadStream(stream(manifestCsv(this.items, names)), 'manifest.csv')
    }
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
    await pipeline(stream(manifestJson(this.items, names)), createWriteStream(join(temp, 'manifest.json'), { flags: 'wx' }))
    await pipeline(stream(manifestCsv(this.items, names)), createWriteStream(join(temp, 'manifest.csv'), { flags: 'wx' }))
  }
}
