// Real files for the simulator to serve: a PNG whose colours come from the prompt (so every prompt's image
// differs), a short H.264 MP4 whose frames move in those colours, and a WAV melody chosen by the prompt. The
// PNG and WAV are encoded by hand (zlib) and the MP4 by h264-mp4-encoder (WebAssembly, no binary download):
// Chromium plays only H.264/VP8/VP9/AV1, so a hand-made Motion-JPEG or raw track would not show. Every file is
// made once per look and kept (a bounded cache): the simulator serves many downloads of each.
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import sharp from 'sharp'
// A webpack-built CommonJS module: Node's ESM loader sees only its default export.
import h264 from 'h264-mp4-encoder'
import { pngChunk } from '../core/library/png-text'
import type { SimJob } from './engine'

/** What a result file shows: the prompt (and what else tells variations apart), and a size when the job asked for one. */
export interface MediaLook {
  seed: string
  width?: number
  height?: number
  /** Seconds, for a video. */
  duration?: number
}

const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined)

/**
 * What file `index` of a job looks like: its prompt, plus `extra.variation` when the protocol takes no seed (LetzAI:
 * each job draws its own, so two variations of one prompt differ), at `extra.width`×`extra.height` when it asked.
 * A video is one clip per prompt and size: encoding costs 100–300 ms of this thread, and a benchmark's many
 * simulators in one process then share it (variations of a video prompt are the same clip).
 */
export function jobLook(job: SimJob, index: string): MediaLook {
  const { variation, width, height, duration } = job.extra
  const w = positive(width)
  const h = positive(height)
  const varies = typeof variation === 'string' && job.kind !== 'video'
  return {
    seed: `${job.prompt}#${index}${varies ? `#${variation}` : ''}`,
    ...(w && h ? { width: Math.round(w), height: Math.round(h) } : {}),
    ...(positive(duration) ? { duration: positive(duration) } : {})
  }
}

/** The picture's colours and ring spacing, all from the seed. */
function palette(seed: string) {
  const h = createHash('sha256').update(seed).digest()
  return { r1: h[0], g1: h[1], b1: h[2], r2: h[3], g2: h[4], b2: h[5], rings: 4 + (h[6] % 12), hash: h }
}

/** Ring brightness steps per unit of distance: finer than a pixel at any size the simulator makes. */
const RING_STEPS = 8

/**
 * One frame, RGB or RGBA (`channels`), rows of `stride` bytes from `offset` (a PNG row has a filter byte first):
 * a diagonal gradient between two colours under rings, the rings shifted by `phase` (a video's motion). The
 * gradient and the rings come from tables, so a 2160×2160 picture costs a few table reads per pixel.
 */
function paint(out: Uint8Array, width: number, height: number, seed: string, phase: number, channels: 3 | 4, stride: number, offset: number): void {
  const { r1, g1, b1, r2, g2, b2, rings } = palette(seed)
  const scale = 256 / Math.max(width, height) // rings keep their look at any size
  const diagonal = width + height
  const gradient = new Float32Array(diagonal * 3)
  for (let i = 0; i < diagonal; i++) {
    const t = i / diagonal
    gradient[i * 3] = r1 + (r2 - r1) * t
    gradient[i * 3 + 1] = g1 + (g2 - g1) * t
    gradient[i * 3 + 2] = b1 + (b2 - b1) * t
  }
  const maxDistance = Math.hypot(width, height) * scale
  const ring = new Float32Array(Math.ceil(maxDistance * RING_STEPS) + 2)
  for (let i = 0; i < ring.length; i++) ring[i] = Math.sin(i / RING_STEPS / rings - phase) * 0.25 + 0.75
  const dx2 = new Float64Array(width)
  for (let x = 0; x < width; x++) dx2[x] = ((x - width / 2) * scale) ** 2
  for (let y = 0; y < height; y++) {
    const dy2 = ((y - height / 2) * scale) ** 2
    let o = offset + y * stride
    for (let x = 0; x < width; x++, o += channels) {
      const k = ring[(Math.sqrt(dx2[x] + dy2) * RING_STEPS) | 0]
      const g = (x + y) * 3
      out[o] = gradient[g] * k
      out[o + 1] = gradient[g + 1] * k
      out[o + 2] = gradient[g + 2] * k
      if (channels === 4) out[o + 3] = 255
    }
  }
}

/** A width×height RGB PNG: a diagonal gradient between two colours and rings, all seeded by the prompt. */
export function promptPng(prompt: string, width = 256, height = 256): Buffer {
  const row = width * 3 + 1
  const raw = Buffer.alloc(row * height) // filter byte 0 (none) on every row
  paint(raw, width, height, prompt, 0, 3, row, 1)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    // Level 1: a large gradient compresses nearly as well, several times faster.
    pngChunk('IDAT', deflateSync(raw, { level: 1 })),
    pngChunk('IEND', Buffer.alloc(0))
  ])
}

/** A video is made at most this wide or high (kept proportional): encoding is synchronous, so it must stay short. */
export const MAX_VIDEO_SIDE = 480
const VIDEO_FPS = 12
/** A longer video is cut to this many seconds: each second costs about 50–150 ms of encoding on the simulator's thread. */
export const MAX_VIDEO_SECONDS = 6

/** The video's size: the one asked for, scaled down to MAX_VIDEO_SIDE, even numbers (H.264 4:2:0); 320×180 when none was asked. */
export function videoSize(width?: number, height?: number): { width: number; height: number } {
  if (!width || !height) return { width: 320, height: 180 }
  const scale = Math.min(1, MAX_VIDEO_SIDE / Math.max(width, height))
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2)
  return { width: even(width), height: even(height) }
}

/** A playable H.264 MP4 (12 fps, 2 s unless `duration` says 1 s to MAX_VIDEO_SECONDS): the prompt's rings moving outwards. */
export async function promptMp4(prompt: string, look: Omit<MediaLook, 'seed'> = {}): Promise<Buffer> {
  const { width, height } = videoSize(look.width, look.height)
  const seconds = Math.min(MAX_VIDEO_SECONDS, Math.max(1, look.duration ?? 2))
  const encoder = await h264.createH264MP4Encoder()
  // From here to readFile nothing awaits: the encoders share one in-memory file system, one file at a time.
  try {
    encoder.width = width
    encoder.height = height
    encoder.frameRate = VIDEO_FPS
    encoder.speed = 10
    encoder.quantizationParameter = 24 // smooth rings; a 2 s clip stays around 30 KB
    encoder.initialize()
    const frame = new Uint8Array(width * height * 4)
    const frames = Math.round(seconds * VIDEO_FPS)
    for (let f = 0; f < frames; f++) {
      paint(frame, width, height, prompt, (f / VIDEO_FPS) * Math.PI * 2, 4, width * 4, 0)
      encoder.addFrameRgba(frame)
    }
    encoder.finalize()
    const bytes = Buffer.from(encoder.FS.readFile(encoder.outputFilename))
    encoder.FS.unlink(encoder.outputFilename)
    return bytes
  } finally {
    encoder.delete()
  }
}

/** Notes of a pentatonic scale (Hz, A3 up): any pick of them sounds like a tune. */
const SCALE = [220, 247, 277, 330, 370, 440, 494, 554, 659, 740]

/** A 2-second 24 kHz 16-bit mono WAV: eight quarter-second notes chosen by the prompt, each fading out. */
export function promptWav(prompt: string): Buffer {
  const rate = 24_000 // a quarter second is a whole number of samples
  const notes = createHash('sha256').update(prompt).digest().subarray(0, 8)
  const noteLength = rate / 4
  const data = Buffer.alloc(notes.length * noteLength * 2)
  notes.forEach((n, i) => {
    const freq = SCALE[n % SCALE.length]
    for (let s = 0; s < noteLength; s++) {
      const envelope = Math.min(1, s / 200) * (1 - s / noteLength)
      data.writeInt16LE(Math.round(12_000 * envelope * Math.sin((2 * Math.PI * freq * s) / rate)), (i * noteLength + s) * 2)
    }
  })
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate * 2, 28) // bytes per second
  header.writeUInt16LE(2, 32) // bytes per sample frame
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

/** The cache holds files up to this many bytes in all, the oldest dropped first: it lives in the app's own process (the Demo). */
const CACHE_BYTES = 32 * 1024 * 1024
const cache = new Map<string, Promise<[Buffer, string]>>()
const cachedSize = new Map<string, number>()
let cacheBytes = 0

async function make(ext: string, look: MediaLook): Promise<[Buffer, string]> {
  const png = () => promptPng(look.seed, look.width, look.height)
  switch (ext) {
    case 'mp4':
      return [await promptMp4(look.seed, look), 'video/mp4']
    case 'wav':
      return [promptWav(look.seed), 'audio/wav']
    case 'jpg':
      return [await sharp(png()).jpeg().toBuffer(), 'image/jpeg']
    case 'webp':
      return [await sharp(png()).webp().toBuffer(), 'image/webp']
    default:
      return [png(), 'image/png']
  }
}

/** A result file in the format its extension names (BFL answers JPEG by default, others WebP), made once per look. */
export function mediaFile(ext: string, look: MediaLook): Promise<[Buffer, string]> {
  const key = JSON.stringify([ext, look.seed, look.width, look.height, look.duration])
  const hit = cache.get(key)
  if (hit) {
    // Most recently used last: the oldest entry is the first dropped.
    cache.delete(key)
    cache.set(key, hit)
    return hit
  }
  const made = make(ext, look)
  cache.set(key, made)
  made.then(
    ([body]) => {
      if (cache.get(key) !== made) return
      cachedSize.set(key, body.length)
      cacheBytes += body.length
      for (const oldest of cache.keys()) {
        if (cacheBytes <= CACHE_BYTES || oldest === key) break
        cacheBytes -= cachedSize.get(oldest) ?? 0
        cachedSize.delete(oldest)
        cache.delete(oldest)
      }
    },
    () => cache.delete(key) // a failure is not kept: the next download tries again
  )
  return made
}
