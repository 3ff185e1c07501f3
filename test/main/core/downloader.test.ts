// Downloads against real HTTP servers and a real (tiny) disk: hostile names, wrong content, size caps,
// expired URLs and a full disk all end with a clear error and nothing half-written.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DownloadError, downloadFile, safeJoin, slug, sniff } from '../../../src/main/core/downloader'
import { promptMp4, promptPng, promptWav } from '../../../src/main/core/simulator/media'
import { openTestCore, tempDir } from '../../helpers/core'

let server: Server
let base: string
const bigPng = Buffer.concat([promptPng('big', 16, 16), Buffer.alloc(3 * 1024 * 1024)])

beforeAll(async () => {
  server = createServer((req, res) => {
    const routes: Record<string, () => void> = {
      '/ok.png': () => res.end(promptPng('ok')),
      '/page.html': () => res.end('<!doctype html><html>login</html>'),
      '/expired': () => {
        res.writeHead(403)
        res.end('Request has expired')
      },
      '/huge': () => {
        res.writeHead(200, { 'Content-Length': String(50 * 1024 * 1024 * 1024) })
        res.end()
      },
      '/big.png': () => res.end(bigPng)
    }
    const route = routes[req.url ?? '']
    if (route) route()
    else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  try {
    await p
  } catch (err) {
    if (err instanceof DownloadError) return err
    throw err
  }
  throw new Error('expected the download to fail')
}

describe('file names', () => {
  it('makes safe names from hostile prompts', () => {
    expect(slug('../../etc/passwd')).toBe('etc-passwd')
    expect(slug('C:\\Windows\\System32')).toBe('c-windows-system32')
    expect(slug('CON')).toBe('con-')
    expect(slug('\u0000\u202e<>:"|?*')).toBe('untitled')
    expect(slug('Crème brûlée at noon')).toBe('creme-brulee-at-noon')
    expect(slug('x'.repeat(500)).length).toBeLessThanOrEqual(48)
  })

  it('never joins a path outside the output folder', () => {
    const root = tempDir()
    expect(safeJoin(root, 'a', 'b.png')).toBe(join(root, 'a', 'b.png'))
    expect(() => safeJoin(root, '../escape.png')).toThrow(/outside the output folder/)
    expect(() => safeJoin(root, '/etc/passwd')).toThrow(/outside the output folder/)
    expect(() => safeJoin(root, 'a/../../b')).toThrow(/outside the output folder/)
  })
})

describe('content type from the bytes', () => {
  it('recognises the media it makes and rejects the rest', () => {
    expect(sniff(promptPng('x'))).toMatchObject({ mime: 'image/png', ext: 'png', width: 256, height: 256 })
    expect(sniff(promptMp4('x'))).toMatchObject({ mime: 'video/mp4' })
    expect(sniff(promptWav('x'))).toMatchObject({ mime: 'audio/wav' })
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({ mime: 'image/jpeg' })
    expect(sniff(Buffer.from('<!doctype html>'))).toBeNull()
  })
})

describe('downloadFile', () => {
  it('saves the file with the extension its bytes say, its sha256 and size', async () => {
    const dir = tempDir()
    const got = await downloadFile(`${base}/ok.png`, dir, 'my-image', 1)
    expect(got).toMatchObject({ path: join(dir, 'my-image.png'), mime: 'image/png', size: promptPng('ok').length })
    expect(readdirSync(dir)).toEqual(['my-image.png'])
  })

  it('rejects an HTML page served in place of an image, leaving nothing behind', async () => {
    const dir = tempDir()
    const err = await failure(downloadFile(`${base}/page.html`, dir, 'x', 2))
    expect(err.kind).toBe('invalid')
    expect(err.message).toMatch(/not an image, video or audio file/)
    expect(readdirSync(dir)).toEqual([])
  })

  it('reports an expired URL as such', async () => {
    const err = await failure(downloadFile(`${base}/expired`, tempDir(), 'x', 3))
    expect(err.kind).toBe('expired')
    expect(err.message).toMatch(/403.*expired/)
  })

  it('refuses files over the size cap, declared or streamed', async () => {
    expect((await failure(downloadFile(`${base}/huge`, tempDir(), 'x', 4))).message).toMatch(/over the .*limit/)
    const dir = tempDir()
    const err = await failure(downloadFile(`${base}/big.png`, dir, 'x', 5, { maxBytes: 1024 * 1024, timeoutMs: 10_000 }))
    expect(err.message).toMatch(/over the 1048576-byte limit/)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('a full disk', () => {
  // A real 1 MiB filesystem: writes fail with ENOSPC exactly as on a full drive.
  const mountPoint = tempDir('bs-tiny-disk-')
  beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]))
  afterAll(() => execFileSync('umount', [mountPoint]))

  it('fails the download clearly, leaves no partial file, and the job downloads again on retry once there is room', async () => {
    const err = await failure(downloadFile(`${base}/big.png`, mountPoint, 'x', 6))
    expect(err.kind).toBe('disk')
    expect(err.message).toMatch(/is full/)
    expect(readdirSync(mountPoint)).toEqual([])

    const out = join(mountPoint, 'out')
    mkdirSync(out)
    const filler = join(mountPoint, 'filler')
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024))
    } catch {
      // Filled to the last block: exactly what is wanted.
    }
    const core = await openTestCore({ stored: { outputRoot: out, demo: { durationMs: 100, failureRate: 0 } } })
    try {
      const { jobIds } = await core.api.queuePrompts({ prompts: ['no room for this'] })
      await core.poller.whenIdle()
      const failed = await core.api.getJob({ id: jobIds[0] })
      expect(failed?.job.status).toBe('failed')
      expect(failed?.job.error).toMatch(/disk .* is full; free some space and retry/)
      expect(failed?.events.at(-1)?.message).toMatch(/is full/)

      rmSync(filler)
      expect((await core.api.retryJobs({ ids: jobIds })).changed).toBe(1)
      await core.poller.whenIdle()
      const done = await core.api.getJob({ id: jobIds[0] })
      expect(done?.job.status).toBe('done')
      expect(done?.job.attempts).toBe(1) // downloaded again, not paid for again
      expect(done?.events.map((e) => e.message)).toContainEqual(expect.stringMatching(/downloading the result again/))
    } finally {
      await core.close()
    }
  })
})
