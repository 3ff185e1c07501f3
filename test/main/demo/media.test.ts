// The Demo's result files, fetched over HTTP from a real simulator: pictures at the size the job asked for,
// two jobs of one prompt two different pictures (LetzAI takes no seed), and videos and audio that are real media.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { checkMedia } from '../../../src/main/core/jobs/media-check'
import { MAX_VIDEO_SIDE, promptWav, videoSize } from '../../../src/main/demo/media'
import { startSimulator, type Simulator } from '../../../src/main/demo/server'
import { tempDir } from '../../helpers/core'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

async function post(sim: Simulator, path: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${sim.baseUrl('letzai')}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as { id: string }
}

/** The finished job's first file, downloaded. */
async function fileOf(sim: Simulator, endpoint: 'images' | 'videos', id: string): Promise<Buffer> {
  const dto = (await (await fetch(`${sim.baseUrl('letzai')}/${endpoint}/${id}`)).json()) as {
    imageVersions?: { original: string }
    videoPaths?: { mp4: string }
  }
  const url = dto.imageVersions?.original ?? dto.videoPaths?.mp4
  expect(url).toBeTruthy()
  return Buffer.from(await (await fetch(url!)).arrayBuffer())
}

describe('the Demo simulator’s media', () => {
  it('makes each picture at the size asked, and two jobs of one prompt two different pictures', async () => {
    const sim = await startSimulator({ durationMs: 0 })
    try {
      const a = await post(sim, '/images', { prompt: 'a lighthouse', width: 1024, height: 768 })
      const b = await post(sim, '/images', { prompt: 'a lighthouse', width: 1024, height: 768 })
      const [fa, fb] = [await fileOf(sim, 'images', a.id), await fileOf(sim, 'images', b.id)]
      expect(await sharp(fa).metadata()).toMatchObject({ format: 'png', width: 1024, height: 768 })
      expect(fa.equals(fb)).toBe(false)
      // Downloaded again, a job's file is the same file.
      expect((await fileOf(sim, 'images', a.id)).equals(fa)).toBe(true)
    } finally {
      await sim.close()
    }
  })

  it('makes a playable H.264 video of the length asked, scaled down to at most MAX_VIDEO_SIDE', async () => {
    const sim = await startSimulator({ durationMs: 0 })
    try {
      const job = await post(sim, '/videos', { prompt: 'waves', imageUrl: 'https://example.com/a.png', width: 1920, height: 1080, settings: { duration: 3 } })
      const bytes = await fileOf(sim, 'videos', job.id)
      const path = join(tempDir(), 'v.mp4')
      writeFileSync(path, bytes)
      expect(await checkMedia(path, 'video/mp4', bytes.length)).toMatchObject({ ok: true })
      // avc1 sample entry: an H.264 track, which Chromium plays (a Motion-JPEG track it would not).
      expect(bytes.includes(Buffer.from('avc1'))).toBe(true)
      const mvhd = bytes.indexOf(Buffer.from('mvhd'))
      const timescale = bytes.readUInt32BE(mvhd + 4 + 12)
      expect(bytes.readUInt32BE(mvhd + 4 + 16) / timescale).toBeCloseTo(3, 0)
      expect(videoSize(1920, 1080)).toEqual({ width: MAX_VIDEO_SIDE, height: 270 })
      // One clip per prompt and size, made once: another job of the same prompt is served the same file.
      const again = await post(sim, '/videos', { prompt: 'waves', imageUrl: 'https://example.com/b.png', width: 1920, height: 1080, settings: { duration: 3 } })
      expect((await fileOf(sim, 'videos', again.id)).equals(bytes)).toBe(true)
    } finally {
      await sim.close()
    }
  })

  it('makes a 2-second 16-bit WAV whose tune follows the prompt', () => {
    const wav = promptWav('a sea shanty')
    expect(wav.toString('latin1', 0, 4) + wav.toString('latin1', 8, 12)).toBe('RIFFWAVE')
    const [rate, bytesPerSecond, bits, dataBytes] = [wav.readUInt32LE(24), wav.readUInt32LE(28), wav.readUInt16LE(34), wav.readUInt32LE(40)]
    expect({ rate, bits, seconds: dataBytes / bytesPerSecond }).toEqual({ rate: 24_000, bits: 16, seconds: 2 })
    expect(wav.length).toBe(44 + dataBytes)
    // Not silence, and another prompt is another tune.
    expect(Math.max(...Array.from({ length: 2000 }, (_, i) => Math.abs(wav.readInt16LE(44 + 2 * (i + 1000)))))).toBeGreaterThan(5000)
    expect(promptWav('a lullaby').equals(wav)).toBe(false)
  })
})
