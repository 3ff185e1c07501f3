// Downloads a finished job's files into its batch folder: streamed to a temp file beside the final name,
// hashed on the way, fsynced, then renamed, so a crash leaves either a whole file or a temp file that the
// next attempt removes. The type comes from the bytes, never from the server's word or URL.
import { createHash, randomBytes } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import { excerpt } from './providers/http'

export const TEMP_PREFIX = '.bs-part-'

export class DownloadError extends Error {
  constructor(
    /** expired: the URL no longer works (403/404/410); disk: could not write; transient: try again; invalid: not a media file. */
    readonly kind: 'expired' | 'disk' | 'transient' | 'invalid',
    message: string
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

interface Sniffed {
  mime: string
  ext: string
  width: number | null
  height: number | null
}

/** Identifies a file by its first bytes. */
export function sniff(head: Buffer): Sniffed | null {
  const at = (s: string, offset = 0) => head.subarray(offset, offset + s.length).toString('latin1') === s
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47) return { mime: 'image/png', ext: 'png', width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg', width: null, height: null }
  if (at('RIFF') && at('WEBP', 8)) return { mime: 'image/webp', ext: 'webp', width: null, height: null }
  if (at('RIFF') && at('WAVE', 8)) return { mime: 'audio/wav', ext: 'wav', width: null, height: null }
  if (at('GIF87a') || at('GIF89a')) return { mime: 'image/gif', ext: 'gif', width: head.readUInt16LE(6), height: head.readUInt16LE(8) }
  if (at('ftyp', 4)) {
    const brand = head.subarray(8, 12).toString('latin1')
    return brand.startsWith('qt') ? { mime: 'video/quicktime', ext: 'mov', width: null, height: null } : { mime: 'video/mp4', ext: 'mp4', width: null, height: null }
  }
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return { mime: 'video/webm', ext: 'webm', width: null, height: null }
  if (at('ID3') || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return { mime: 'audio/mpeg', ext: 'mp3', width: null, height: null }
  if (at('OggS')) return { mime: 'audio/ogg', ext: 'ogg', width: null, height: null }
  return null
}

/** A file-name part from untrusted text: no separators, no dots at the ends, nothing the OS reserves. */
export function slug(text: string, max = 48): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '')
  // Windows reserves these names whatever the extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/.test(s)) return `${s}-`
  return s || 'untitled'
}

/** Joins untrusted parts under a root and proves the result stays inside it. */
export function safeJoin(root: string, ...parts: string[]): string {
  const full = resolve(root, ...parts)
  const rel = relative(resolve(root), full)
  if (rel === '' || rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(rel) === rel) {
    throw new DownloadError('invalid', `Refusing to write outside the output folder: ${basename(full)}`)
  }
  return full
}

export interface DownloadedFile {
  path: string
  mime: string
  size: number
  sha256: string
  width: number | null
  height: number | null
}

export interface DownloadOptions {
  maxBytes: number
  timeoutMs: number
}

export const DEFAULT_DOWNLOAD_OPTIONS: DownloadOptions = { maxBytes: 2 * 1024 * 1024 * 1024, timeoutMs: 5 * 60_000 }

/** Removes temp files a killed download left for this job. */
export async function removeStaleParts(dir: string, jobId: number): Promise<void> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  const prefix = `${TEMP_PREFIX}${jobId}-`
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dir, n), { force: true })))
}

/** A download temp file's name: `.bs-part-<job id>-<8 hex>`. */
const PART_NAME = /^\.bs-part-\d+-[0-9a-f]+$/

/**
 * Start-time sweep: removes the download temp files (`.bs-part-*`) that downloads cut short by a crash or a
 * kill left in `dirs` — the library's batch folders (`SELECT output_dir FROM batches`). Call it once the
 * library is locked and before the poller starts: then no download of this library is running, so every
 * temp file in its folders is stale. `olderThanMs` spares recent ones, for a folder another library might
 * share. Only regular files and links with our temp name are touched; folders are not descended into.
 * Returns the paths removed.
 */
export async function sweepStaleParts(dirs: Iterable<string>, olderThanMs = 0, now = Date.now()): Promise<string[]> {
  const removed: string[] = []
  for (const dir of new Set(dirs)) {
    if (!dir) continue
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      continue
    }
    for (const e of entries) {
      if (!PART_NAME.test(e.name) || !(e.isFile() || e.isSymbolicLink())) continue
      const path = join(dir, e.name)
      try {
        if (olderThanMs > 0 && now - (await lstat(path)).mtimeMs < olderThanMs) continue
        await rm(path, { force: true })
        removed.push(path)
      } catch {
        // Gone already, or not ours to remove: the per-job cleanup tries again before its next download.
      }
    }
  }
  return removed
}

function diskError(err: NodeJS.ErrnoException, dir: string): DownloadError {
  if (err.code === 'ENOSPC') return new DownloadError('disk', `The disk holding ${dir} is full; free some space and retry the job`)
  if (err.code === 'EACCES' || err.code === 'EPERM') return new DownloadError('disk', `No permission to write in ${dir}`)
  if (err.code === 'EROFS') return new DownloadError('disk', `${dir} is on a read-only disk`)
  return new DownloadError('disk', `Could not write in ${dir}: ${err.message}`)
}

/**
 * Downloads `url` to `<dir>/<stem>.<ext from bytes>`. Never sends credentials: result URLs need none and
 * may live on any host.
 */
export async function downloadFile(url: string, dir: string, stem: string, jobId: number, opts: DownloadOptions = DEFAULT_DOWNLOAD_OPTIONS): Promise<DownloadedFile> {
  let res: Response
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(opts.timeoutMs) })
  } catch (err) {
    throw new DownloadError('transient', `Download failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : ((err as { cause?: Error }).cause?.message ?? (err as Error).message)}`)
  }
  if ([403, 404, 410].includes(res.status)) {
    const body = await res.text().catch(() => '')
    throw new DownloadError('expired', `Download refused (${res.status})${body ? `: ${excerpt(body)}` : ''}`)
  }
  if (res.status >= 500 || res.status === 429) throw new DownloadError('transient', `Download failed: server answered ${res.status}`)
  if (!res.ok || !res.body) throw new DownloadError('invalid', `Download failed: server answered ${res.status}`)
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > opts.maxBytes) {
    await res.body.cancel()
    throw new DownloadError('invalid', `File of ${declared} bytes is over the ${opts.maxBytes}-byte limit`)
  }

  try {
    await mkdir(dir, { recursive: true })
  } catch (err) {
    throw diskError(err as NodeJS.ErrnoException, dir)
  }
  const temp = safeJoin(dir, `${TEMP_PREFIX}${jobId}-${randomBytes(4).toString('hex')}`)
  const hash = createHash('sha256')
  let size = 0
  let head = Buffer.alloc(0)
  let handle
  try {
    handle = await open(temp, 'w')
  } catch (err) {
    throw diskError(err as NodeJS.ErrnoException, dir)
  }
  try {
    const reader = res.body.getReader()
    for (;;) {
      let chunk
      try {
        chunk = await reader.read()
      } catch (err) {
        throw new DownloadError('transient', `Download interrupted: ${(err as Error).message}`)
      }
      if (chunk.done) break
      const bytes = Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength)
      size += bytes.length
      if (size > opts.maxBytes) {
        await reader.cancel()
        throw new DownloadError('invalid', `File is over the ${opts.maxBytes}-byte limit`)
      }
      if (head.length < 64) head = Buffer.concat([head, bytes.subarray(0, 64 - head.length)])
      hash.update(bytes)
      try {
        await handle.write(bytes)
      } catch (err) {
        throw diskError(err as NodeJS.ErrnoException, dir)
      }
    }
    const kind = sniff(head)
    if (!kind) throw new DownloadError('invalid', `Downloaded ${size} bytes that are not an image, video or audio file (starts with ${JSON.stringify(head.subarray(0, 16).toString('latin1'))})`)
    try {
      await handle.sync()
    } catch (err) {
      throw diskError(err as NodeJS.ErrnoException, dir)
    }
    await handle.close()
    handle = undefined
    const path = safeJoin(dir, `${stem}.${kind.ext}`)
    await rename(temp, path)
    return { path, mime: kind.mime, size, sha256: hash.digest('hex'), width: kind.width, height: kind.height }
  } catch (err) {
    await handle?.close().catch(() => undefined)
    await rm(temp, { force: true })
    throw err
  }
}
