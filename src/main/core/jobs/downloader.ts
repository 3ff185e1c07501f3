// Downloads a finished job's files into its batch folder: streamed to a temp file beside the final name,
// hashed on the way, fsynced, then renamed, so a crash leaves either a whole file or a temp file that the
// next attempt removes. The type comes from the bytes, never from the server's word or URL.
import { createHash, randomBytes } from 'node:crypto'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { constants as fsConstants, type Dirent } from 'node:fs'
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { basename, join, relative, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { checkMedia } from './media-check'
import { excerpt } from '../providers/http'
import type { ResultFile } from '../providers/types'

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
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47)
    return { mime: 'image/png', ext: 'png', width: head.readUInt32BE(16), height: head.readUInt32BE(20) }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg', width: null, height: null }
  if (at('RIFF') && at('WEBP', 8)) return { mime: 'image/webp', ext: 'webp', width: null, height: null }
  if (at('RIFF') && at('WAVE', 8)) return { mime: 'audio/wav', ext: 'wav', width: null, height: null }
  if (at('GIF87a') || at('GIF89a')) return { mime: 'image/gif', ext: 'gif', width: head.readUInt16LE(6), height: head.readUInt16LE(8) }
  if (at('ftyp', 4)) {
    const brand = head.subarray(8, 12).toString('latin1')
    return brand.startsWith('qt')
      ? { mime: 'video/quicktime', ext: 'mov', width: null, height: null }
      : { mime: 'video/mp4', ext: 'mp4', width: null, height: null }
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
  /**
   * The output root the batch folder lies under: every folder between it and the batch folder must be a
   * real folder, not a symbolic link. Without it only the batch folder itself is checked.
   */
  root?: string
  /** How host names are resolved (dns.lookup); each answer is checked before the socket connects to it. */
  lookup?: LookupFunction
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

/** The most files one job may bring back; a provider answering more fails the job instead of filling the disk. */
export const MAX_FILES_PER_JOB = 64

/** Refuses a provider's list of result files that is over MAX_FILES_PER_JOB (call before downloading any). */
export function checkResultFiles(files: readonly ResultFile[]): void {
  if (files.length > MAX_FILES_PER_JOB) {
    throw new DownloadError(
      'invalid',
      `The provider answered with ${files.length} files for one job; at most ${MAX_FILES_PER_JOB} are downloaded, so the job was not saved`
    )
  }
}

// Result URLs come from provider answers: a hostile or compromised provider could point them at the
// user's router, a cloud metadata service or a service on this machine. Only public addresses are
// fetched, except loopback named as such (the simulator and tests).
const REFUSED: [string, BlockList][] = (
  [
    [
      'a cloud metadata address',
      [
        ['169.254.169.254', 32, 'ipv4'],
        ['fd00:ec2::254', 128, 'ipv6']
      ]
    ],
    [
      'a loopback address',
      [
        ['127.0.0.0', 8, 'ipv4'],
        ['::1', 128, 'ipv6']
      ]
    ],
    [
      'a private address',
      [
        ['10.0.0.0', 8, 'ipv4'],
        ['172.16.0.0', 12, 'ipv4'],
        ['192.168.0.0', 16, 'ipv4'],
        ['100.64.0.0', 10, 'ipv4'],
        ['fc00::', 7, 'ipv6']
      ]
    ],
    [
      'a link-local address',
      [
        ['169.254.0.0', 16, 'ipv4'],
        ['fe80::', 10, 'ipv6'],
        ['fec0::', 10, 'ipv6']
      ]
    ],
    [
      'an unspecified address',
      [
        ['0.0.0.0', 8, 'ipv4'],
        ['::', 128, 'ipv6']
      ]
    ],
    [
      'a multicast or broadcast address',
      [
        ['224.0.0.0', 4, 'ipv4'],
        ['ff00::', 8, 'ipv6']
      ]
    ],
    [
      'a reserved address',
      [
        ['192.0.0.0', 24, 'ipv4'],
        ['192.0.2.0', 24, 'ipv4'],
        ['198.18.0.0', 15, 'ipv4'],
        ['198.51.100.0', 24, 'ipv4'],
        ['203.0.113.0', 24, 'ipv4'],
        ['240.0.0.0', 4, 'ipv4'],
        ['::', 96, 'ipv6'],
        ['64:ff9b:1::', 48, 'ipv6'],
        ['100::', 64, 'ipv6'],
        ['2001::', 32, 'ipv6'],
        ['2001:db8::', 32, 'ipv6']
      ]
    ]
  ] as [string, [string, number, 'ipv4' | 'ipv6'][]][]
).map(([what, nets]) => {
  const list = new BlockList()
  for (const [net, prefix, family] of nets) list.addSubnet(net, prefix, family)
  return [what, list]
})

/** An IPv6 address as 8 groups of 16 bits (input already validated by isIP). */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '')
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number)
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return groups.map((g) => parseInt(g, 16))
}

/** The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedIPv4(address: string): string | null {
  const g = ipv6Groups(address)
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return quad(g[6], g[7])
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return quad(g[6], g[7])
  if (g[0] === 0x2002) return quad(g[1], g[2])
  return null
}

/** Why an address may not be fetched from ("a private address"), or null when it may. */
function refusal(address: string, loopbackAllowed: boolean): string | null {
  const family = isIP(address)
  if (family === 0) return 'not an IP address'
  const v4 = family === 6 ? embeddedIPv4(address) : address
  for (const [addr, fam] of v4 && v4 !== address
    ? ([
        [v4, 'ipv4'],
        [address, 'ipv6']
      ] as const)
    : ([[address, family === 4 ? 'ipv4' : 'ipv6']] as const)) {
    for (const [what, list] of REFUSED) {
      if (!list.check(addr, fam)) continue
      if (what === 'a loopback address' && loopbackAllowed) return null
      return addr === address ? what : `${what} (${addr})`
    }
  }
  return null
}

/** URL host names that mean this machine: plain http is allowed to them, and they must resolve to loopback. */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true
  return isIP(hostname) === 4 && hostname.startsWith('127.')
}

function refused(host: string, why: string): DownloadError {
  return new DownloadError('invalid', `Refusing to download from ${host}: ${why}`)
}

/** Checks a URL before any connection: the scheme, and the host when it is an address written out. */
function checkTarget(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new DownloadError('invalid', 'The provider gave a result URL that is not a URL')
  }
  const host = url.hostname
  const loopback = isLoopbackHost(host)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw refused(
      host || url.protocol,
      url.protocol === 'http:'
        ? 'plain http is allowed only to this machine; result files must come over https'
        : `${url.protocol.replace(/:$/, '')} URLs are not downloaded, only https`
    )
  }
  const literal = host.startsWith('[') ? host.slice(1, -1) : host
  if (isIP(literal)) {
    const why = refusal(literal, loopback)
    if (why) throw refused(host, `${literal} is ${why}`)
  }
  return url
}

/** A resolver that checks every address a name resolves to; the socket connects only to those. */
function checkedLookup(host: string, loopback: boolean, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, answer) => {
      if (err) return callback(err, '', 0)
      const all: LookupAddress[] = Array.isArray(answer) ? answer : [{ address: answer, family: isIP(answer) }]
      if (all.length === 0) return callback(Object.assign(new Error(`No address for ${host}`), { code: 'ENOTFOUND' }), '', 0)
      for (const a of all) {
        const why = refusal(a.address, loopback)
        if (why) return callback(refused(host, `it resolves to ${a.address}, ${why}`) as NodeJS.ErrnoException, '', 0)
      }
      if (options.all) callback(null, all)
      else callback(null, all[0].address, all[0].family)
    })
  }
}

const MAX_REDIRECTS = 5

/** One GET, no redirects followed; errors other than our refusals are left as they are. */
function get(url: URL, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = request(url, {
      method: 'GET',
      // A fresh connection per download: a pooled socket might have been opened without these checks.
      agent: false,
      lookup: checkedLookup(url.hostname, isLoopbackHost(url.hostname), lookup),
      signal,
      headers: { Accept: '*/*', 'Accept-Encoding': 'identity', 'User-Agent': 'BatchStudio' }
    })
    req.once('response', (res) => {
      // Errors after the caller stopped reading (a timeout firing late) must not go unhandled.
      res.on('error', () => undefined)
      resolvePromise(res)
    })
    req.on('error', reject)
    req.end()
  })
}

/** The body as sent, decoded when a server compressed it although asked not to. */
function bodyOf(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null
  if (!decoder) return res
  res.on('error', (err) => decoder.destroy(err))
  return res.pipe(decoder)
}

async function readText(body: Readable, max = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer)
      size += (chunk as Buffer).length
      if (size >= max) break
    }
  } catch {
    // Whatever arrived is enough for the message.
  }
  body.destroy()
  return Buffer.concat(chunks).toString('utf8').slice(0, max)
}

/** Fetches `raw`, following up to MAX_REDIRECTS redirects, each checked as the first URL was. */
async function fetchChecked(raw: string, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  let url = checkTarget(raw)
  for (let hop = 0; ; hop++) {
    let res: IncomingMessage
    try {
      res = await get(url, lookup, signal)
    } catch (err) {
      if (err instanceof DownloadError) throw err
      const e = err as Error & { code?: string }
      throw new DownloadError(
        'transient',
        `Download failed: ${signal.aborted || e.name === 'AbortError' ? 'timed out' : e.message.includes(url.hostname) ? e.message : `${e.message} (${url.hostname})`}`
      )
    }
    const status = res.statusCode ?? 0
    const location = res.headers.location
    if (![301, 302, 303, 307, 308].includes(status) || !location) return res
    res.resume()
    if (hop >= MAX_REDIRECTS) throw new DownloadError('invalid', `Download failed: too many redirects (more than ${MAX_REDIRECTS}, last from ${url.hostname})`)
    let next: string
    try {
      next = new URL(location, url).href
    } catch {
      throw new DownloadError('invalid', `Download failed: ${url.hostname} redirected to something that is not a URL`)
    }
    url = checkTarget(next)
  }
}

/**
 * Refuses a batch folder that is a symbolic link, or lies under one below the output root: a link there
 * would send the files (and their renames) wherever it points. Missing folders are fine (created next).
 */
async function checkNoLinks(dir: string, root: string | undefined): Promise<void> {
  const target = resolve(dir)
  const chain = [target]
  if (root) {
    const base = resolve(root)
    const rel = relative(base, target)
    // The root itself is the user's choice and may be a link (a library on another disk).
    if (rel === '') chain.length = 0
    else if (!rel.startsWith('..') && resolve(rel) !== rel) {
      chain.length = 0
      let at = base
      for (const part of rel.split(sep)) chain.push((at = join(at, part)))
    }
  }
  for (const path of chain) {
    let isLink: boolean
    try {
      isLink = (await lstat(path)).isSymbolicLink()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw diskError(err as NodeJS.ErrnoException, dir)
    }
    if (isLink)
      throw new DownloadError(
        'disk',
        `The batch folder ${path} is a symbolic link; refusing to write through it. Replace it with a real folder and retry the job`
      )
  }
}

function diskError(err: NodeJS.ErrnoException, dir: string): DownloadError {
  if (err.code === 'ENOSPC') return new DownloadError('disk', `The disk holding ${dir} is full; free some space and retry the job`)
  if (err.code === 'EACCES' || err.code === 'EPERM') return new DownloadError('disk', `No permission to write in ${dir}`)
  if (err.code === 'EROFS') return new DownloadError('disk', `${dir} is on a read-only disk`)
  return new DownloadError('disk', `Could not write in ${dir}: ${err.message}`)
}

/**
 * Downloads `url` to `<dir>/<stem>.<ext from bytes>`. Never sends credentials: result URLs need none and
 * may live on any public host. The URL is the provider's word, so: https only (plain http to loopback
 * only), no private, link-local, metadata or other non-public address, checked on what the name resolves
 * to at connect time (the socket uses exactly the checked addresses: no DNS-rebinding window), the same
 * for every redirect, and never into a batch folder that is a symbolic link.
 */
export async function downloadFile(
  url: string,
  dir: string,
  stem: string,
  jobId: number,
  opts: DownloadOptions = DEFAULT_DOWNLOAD_OPTIONS
): Promise<DownloadedFile> {
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  const res = await fetchChecked(url, opts.lookup ?? (dnsLookup as LookupFunction), timeout)
  const status = res.statusCode ?? 0
  if ([403, 404, 410].includes(status)) {
    const body = await readText(bodyOf(res))
    throw new DownloadError('expired', `Download refused (${status})${body ? `: ${excerpt(body)}` : ''}`)
  }
  if (status >= 500 || status === 429) {
    res.destroy()
    throw new DownloadError('transient', `Download failed: server answered ${status}`)
  }
  if (status < 200 || status >= 300) {
    res.destroy()
    throw new DownloadError('invalid', `Download failed: server answered ${status}`)
  }
  const declared = Number(res.headers['content-length'] ?? 0)
  if (declared > opts.maxBytes) {
    res.destroy()
    throw new DownloadError('invalid', `File of ${declared} bytes is over the ${opts.maxBytes}-byte limit`)
  }
  const body = bodyOf(res)

  try {
    await checkNoLinks(dir, opts.root)
    await mkdir(dir, { recursive: true })
    // Created just now, or there before: either way it must be a real folder before anything goes in.
    await checkNoLinks(dir, opts.root)
  } catch (err) {
    body.destroy()
    if (err instanceof DownloadError) throw err
    throw diskError(err as NodeJS.ErrnoException, dir)
  }
  const temp = safeJoin(dir, `${TEMP_PREFIX}${jobId}-${randomBytes(4).toString('hex')}`)
  const hash = createHash('sha256')
  let size = 0
  let head = Buffer.alloc(0)
  let handle
  try {
    // Never an existing file, never through a link someone put at the temp name.
    handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | (fsConstants.O_NOFOLLOW ?? 0))
  } catch (err) {
    body.destroy()
    throw diskError(err as NodeJS.ErrnoException, dir)
  }
  try {
    const chunks = body[Symbol.asyncIterator]()
    for (;;) {
      let chunk: IteratorResult<Buffer>
      try {
        chunk = (await chunks.next()) as IteratorResult<Buffer>
      } catch (err) {
        throw new DownloadError('transient', `Download interrupted: ${timeout.aborted ? 'timed out' : (err as Error).message}`)
      }
      if (chunk.done) break
      const bytes = chunk.value
      size += bytes.length
      if (size > opts.maxBytes) {
        body.destroy()
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
    if (declared > 0 && body === res && size !== declared) throw new DownloadError('transient', `Download interrupted: got ${size} of ${declared} bytes`)
    const kind = sniff(head)
    if (!kind)
      throw new DownloadError(
        'invalid',
        `Downloaded ${size} bytes that are not an image, video or audio file (starts with ${JSON.stringify(head.subarray(0, 16).toString('latin1'))})`
      )
    try {
      await handle.sync()
    } catch (err) {
      throw diskError(err as NodeJS.ErrnoException, dir)
    }
    await handle.close()
    handle = undefined
    // The first bytes say what it claims to be; only the whole file says whether it can be shown or played.
    const checked = await checkMedia(temp, kind.mime, size)
    if (!checked.ok)
      throw new DownloadError(
        'invalid',
        `The downloaded ${kind.ext.toUpperCase()} (${size} bytes) cannot be ${kind.mime.startsWith('image/') ? 'shown' : 'played'}: ${checked.problem}`
      )
    const path = safeJoin(dir, `${stem}.${kind.ext}`)
    await rename(temp, path)
    return { path, mime: kind.mime, size, sha256: hash.digest('hex'), width: checked.width ?? kind.width, height: checked.height ?? kind.height }
  } catch (err) {
    body.destroy()
    await handle?.close().catch(() => undefined)
    await rm(temp, { force: true })
    throw err
  }
}
