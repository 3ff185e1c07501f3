// Whether a downloaded file is what its first bytes claim: a picture that decodes, a video with a track and a
// length. A file that only starts like an MP4 (the magic bytes and nothing playable) must fail its job, not
// become a grey tile that "Could not load this file".
import { open, type FileHandle } from 'node:fs/promises'
import sharp from 'sharp'

/** What the check learned; `problem` says in a user's words why the file cannot be used. */
export type MediaCheck = { ok: true; width: number | null; height: number | null } | { ok: false; problem: string }

/** A moov larger than this is not read (real ones are kilobytes to a few megabytes). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024
/** Where a WebM's Tracks are looked for: they come before the first Cluster, near the start. */
const WEBM_HEAD_BYTES = 1024 * 1024

const fail = (problem: string): MediaCheck => ({ ok: false, problem })

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await file.read(buf, 0, length, position)
  return buf.subarray(0, bytesRead)
}

interface Box {
  type: string
  /** Offset of the box's payload, and its length. */
  start: number
  size: number
}

/** The boxes in buf[from, to): ISO BMFF's 32-bit size + type, 64-bit size when it is 1, "to the end" when 0. */
function boxes(buf: Buffer, from = 0, to = buf.length): Box[] {
  const out: Box[] = []
  let at = from
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at)
    let header = 8
    if (size === 1 && at + 16 <= to) {
      size = Number(buf.readBigUInt64BE(at + 8))
      header = 16
    } else if (size === 0) size = to - at
    if (size < header || at + size > to) break
    out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at + header, size: size - header })
    at += size
  }
  return out
}

/** The top-level boxes of a file, read header by header (an mdat of gigabytes is skipped, not read). */
async function topBoxes(file: FileHandle, fileSize: number): Promise<Box[]> {
  const out: Box[] = []
  let at = 0
  while (at + 8 <= fileSize && out.length < 1000) {
    const head = await readAt(file, at, 16)
    let size = head.readUInt32BE(0)
    let header = 8
    if (size === 1 && head.length >= 16) {
      size = Number(head.readBigUInt64BE(8))
      header = 16
    } else if (size === 0) size = fileSize - at
    if (size < header || at + size > fileSize) break
    out.push({ type: head.toString('latin1', 4, 8), start: at + header, size: size - header })
    at += size
  }
  return out
}

/** The duration field of an mvhd or mdhd: after version+flags and two times (32-bit, 64-bit in version 1) and the timescale. */
function durationOf(buf: Buffer, box: Box): number {
  const v1 = buf[box.start] === 1
  const at = box.start + (v1 ? 24 : 16)
  if (at + (v1 ? 8 : 4) > box.start + box.size) return 0
  return v1 ? Number(buf.readBigUInt64BE(at)) : buf.readUInt32BE(at)
}

/** The first track with a picture: tkhd ends with its width and height, 16.16 fixed point (an audio track's are 0). */
function pictureSize(buf: Buffer, traks: Box[]): { width: number | null; height: number | null } {
  for (const t of traks) {
    const tkhd = boxes(buf, t.start, t.start + t.size).find((b) => b.type === 'tkhd')
    if (!tkhd || tkhd.size < 84) continue
    const end = tkhd.start + tkhd.size
    const width = buf.readUInt32BE(end - 8) >>> 16
    const height = buf.readUInt32BE(end - 4) >>> 16
    if (width && height) return { width, height }
  }
  return { width: null, height: null }
}

async function checkMp4(file: FileHandle, fileSize: number): Promise<MediaCheck> {
  const top = await topBoxes(file, fileSize)
  const moov = top.find((b) => b.type === 'moov')
  if (!moov) return fail('it has no movie header (moov): the file is cut short or not a video')
  if (moov.size > MAX_MOOV_BYTES) return fail(`its movie header is ${moov.size} bytes, too large to be real`)
  if (!top.some((b) => b.type === 'mdat' && b.size > 0) && !top.some((b) => b.type === 'moof')) return fail('it holds no media data (mdat)')
  const buf = await readAt(file, moov.start, moov.size)
  const inside = boxes(buf)
  const traks = inside.filter((b) => b.type === 'trak')
  if (!traks.length) return fail('it has no track')
  const mvhd = inside.find((b) => b.type === 'mvhd')
  const fragmented = inside.some((b) => b.type === 'mvex')
  const trackDurations = traks.map((t) => {
    const mdia = boxes(buf, t.start, t.start + t.size).find((b) => b.type === 'mdia')
    const mdhd = mdia && boxes(buf, mdia.start, mdia.start + mdia.size).find((b) => b.type === 'mdhd')
    return mdhd ? durationOf(buf, mdhd) : 0
  })
  const movieDuration = mvhd ? durationOf(buf, mvhd) : 0
  // A fragmented MP4 states its length in the fragments, so 0 in the header is normal there.
  if (!fragmented && movieDuration === 0 && trackDurations.every((d) => d === 0)) return fail('its length is zero')
  return { ok: true, ...pictureSize(buf, traks) }
}

/** An EBML variable-length number at buf[at]: its value (or null for "unknown size") and how many bytes it took. */
function vint(buf: Buffer, at: number, keepMarker: boolean): { value: number | null; length: number } | null {
  const first = buf[at]
  if (first === undefined || first === 0) return null
  const length = Math.clz32(first) - 23
  if (at + length > buf.length) return null
  let value = keepMarker ? first : first & (0xff >> length)
  let allOnes = value === 0xff >> length
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[at + i]
    if (buf[at + i] !== 0xff) allOnes = false
  }
  return { value: !keepMarker && allOnes ? null : value, length }
}

const EBML = 0x1a45dfa3
const SEGMENT = 0x18538067
const TRACKS = 0x1654ae6b
const TRACK_ENTRY = 0xae
const CLUSTER = 0x1f43b675

/** The elements in buf[from, to): id, payload start and size (null when unknown: it runs to the end). */
function elements(buf: Buffer, from: number, to: number): { id: number; start: number; size: number | null }[] {
  const out: { id: number; start: number; size: number | null }[] = []
  let at = from
  while (at < to) {
    const id = vint(buf, at, true)
    const size = id && vint(buf, at + id.length, false)
    if (!id || !size) break
    const start = at + id.length + size.length
    out.push({ id: id.value!, start, size: size.value })
    if (size.value === null) break
    at = start + size.value
  }
  return out
}

async function checkWebm(file: FileHandle): Promise<MediaCheck> {
  const buf = await readAt(file, 0, WEBM_HEAD_BYTES)
  const top = elements(buf, 0, buf.length)
  if (top[0]?.id !== EBML) return fail('it has no EBML header')
  const segment = top.find((e) => e.id === SEGMENT)
  if (!segment) return fail('it has no Segment')
  const children = elements(buf, segment.start, segment.size === null ? buf.length : Math.min(buf.length, segment.start + segment.size))
  const tracks = children.find((e) => e.id === TRACKS)
  if (!tracks) return fail(children.some((e) => e.id === CLUSTER) ? 'its media comes before any track is described' : 'it describes no track')
  const end = tracks.size === null ? buf.length : Math.min(buf.length, tracks.start + tracks.size)
  if (!elements(buf, tracks.start, end).some((e) => e.id === TRACK_ENTRY)) return fail('it describes no track')
  return { ok: true, width: null, height: null }
}

async function checkImage(path: string): Promise<MediaCheck> {
  try {
    const meta = await sharp(path).metadata()
    if (!meta.width || !meta.height) return fail('it has no size')
    return { ok: true, width: meta.width, height: meta.height }
  } catch (err) {
    return fail(`it does not decode (${(err as Error).message})`)
  }
}

/** Checks the file at `path` (already written, `size` bytes) of the type its first bytes named. */
export async function checkMedia(path: string, mime: string, size: number): Promise<MediaCheck> {
  if (mime.startsWith('image/')) return checkImage(path)
  if (mime !== 'video/mp4' && mime !== 'video/quicktime' && mime !== 'video/webm') return { ok: true, width: null, height: null }
  const file = await open(path, 'r')
  try {
    return mime === 'video/webm' ? await checkWebm(file) : await checkMp4(file, size)
  } finally {
    await file.close()
  }
}
