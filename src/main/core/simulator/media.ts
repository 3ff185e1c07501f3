// Real files for the simulator to serve: a PNG whose colours come from the prompt (so every prompt's image
// differs), plus tiny valid MP4 and WAV files for video and audio kinds. Encoded by hand with zlib so the
// simulator needs no image library and stays fast under load.
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { pngChunk } from '../png-text'

/** A width×height RGB PNG: a diagonal gradient between two colours and rings, all seeded by the prompt. */
export function promptPng(prompt: string, width = 256, height = 256): Buffer {
  const h = createHash('sha256').update(prompt).digest()
  const [r1, g1, b1, r2, g2, b2, rings] = [h[0], h[1], h[2], h[3], h[4], h[5], 4 + (h[6] % 12)]
  const row = width * 3 + 1
  const raw = Buffer.alloc(row * height)
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height)
      const dx = x - width / 2
      const dy = y - height / 2
      const ring = Math.sin(Math.sqrt(dx * dx + dy * dy) / rings) * 0.25 + 0.75
      const o = y * row + 1 + x * 3
      raw[o] = (r1 + (r2 - r1) * t) * ring
      raw[o + 1] = (g1 + (g2 - g1) * t) * ring
      raw[o + 2] = (b1 + (b2 - b1) * t) * ring
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0))
  ])
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload)
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + body.length)
  head.write(type, 4, 'ascii')
  return Buffer.concat([head, body])
}

/** A minimal ISO-BMFF (MP4) file: ftyp + an mdat holding the prompt, enough for magic-byte detection. */
export function promptMp4(prompt: string): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2mp41'))
  return Buffer.concat([ftyp, box('mdat', Buffer.from(prompt, 'utf8'))])
}

/** A valid one-second 8 kHz mono WAV whose tone depends on the prompt. */
export function promptWav(prompt: string): Buffer {
  const rate = 8000
  const freq = 220 + (createHash('sha256').update(prompt).digest()[0] % 64) * 10
  const samples = Buffer.alloc(rate)
  for (let i = 0; i < rate; i++) samples[i] = 128 + Math.round(100 * Math.sin((2 * Math.PI * freq * i) / rate))
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + samples.length, 4)
  header.write('WAVEfmt ', 8, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate, 28)
  header.writeUInt16LE(1, 32)
  header.writeUInt16LE(8, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(samples.length, 40)
  return Buffer.concat([header, samples])
}
