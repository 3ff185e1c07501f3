// Downloads against real HTTP servers and a real (tiny) disk: hostile names, wrong content, size caps,
// expired URLs and a full disk all end with a clear error and nothing half-written.
import { execFileSync } from 'node:child_process'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { mkdirSync, readdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, LookupFunction } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkResultFiles, DownloadError, downloadFile, MAX_FILES_PER_JOB, safeJoin, slug, sniff } from '../../../../src/main/core/jobs/downloader'
import sharp from 'sharp'
import { promptMp4, promptPng, promptWav } from '../../../../src/main/demo/media'
import { openTestCore, tempDir } from '../../../helpers/core'

let server: Server
let base: string
const bigPng = Buffer.concat([promptPng('big', 16, 16), Buffer.alloc(3 * 1024 * 1024)])

/** An ISO BMFF box. */
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload)
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + body.length)
  head.write(type, 4, 'latin1')
  return Buffer.concat([head, body])
}
/** A version-0 mvhd or mdhd whose duration field is `duration` (timescale 1000). */
function header(type: 'mvhd' | 'mdhd', duration: number): Buffer {
  const fields = Buffer.alloc(type === 'mvhd' ? 100 : 24)
  fields.writeUInt32BE(1000, 12)
  fields.writeUInt32BE(duration, 16)
  return box(type, fields)
}
const ftyp = box('ftyp', Buffer.from('isom'), Buffer.alloc(4), Buffer.from('isomiso2mp41'))
const mdat = box('mdat', Buffer.from('frames would be here'))
/** The Demo's old stub: the magic bytes of an MP4 and nothing playable. */
const stubMp4 = Buffer.concat([ftyp, mdat])
const noTrackMp4 = Buffer.concat([ftyp, box('moov', header('mvhd', 2000)), mdat])
const zeroLengthMp4 = Buffer.concat([ftyp, box('moov', header('mvhd', 0), box('trak', box('mdia', header('mdhd', 0)))), mdat])

/** An EBML element: one-byte size is enough for these tests, or "unknown size" (0x01ffffffffffffff). */
function ebml(id: number[], payload: Buffer, unknownSize = false): Buffer {
  const size = unknownSize ? Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) : Buffer.from([0x80 | payload.length])
  return Buffer.concat([Buffer.from(id), size, payload])
}
const ebmlHeader = ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x82], Buffer.from('webm')))
const trackEntry = ebml([0xae], ebml([0xd7], Buffer.from([1])))
const goodWebm = Buffer.concat([
  ebmlHeader,
  ebml([0x18, 0x53, 0x80, 0x67], Buffer.concat([ebml([0x16, 0x54, 0xae, 0x6b], trackEntry), ebml([0x1f, 0x43, 0xb6, 0x75], Buffer.alloc(10))]), true)
])
const tracklessWebm = Buffer.concat([ebmlHeader, ebml([0x18, 0x53, 0x80, 0x67], ebml([0x1f, 0x43, 0xb6, 0x75], Buffer.alloc(10)), true)])
let realMp4: Buffer
let realJpeg: Buffer

beforeAll(async () => {
  realMp4 = await promptMp4('a real video', { width: 160, height: 90 })
  realJpeg = await sharp(promptPng('a real photo', 40, 30))
    .jpeg()
    .toBuffer()
  server = createServer((req, res) => {
    const routes: Record<string, () => void> = {
      '/ok.png': () => res.end(promptPng('ok')),
      '/page.html': () => res.end('<!doctype html><html>login</html>'),
      '/real.mp4': () => res.end(realMp4),
      '/stub.mp4': () => res.end(stubMp4),
      '/no-track.mp4': () => res.end(noTrackMp4),
      '/zero-length.mp4': () => res.end(zeroLengthMp4),
      '/good.webm': () => res.end(goodWebm),
      '/trackless.webm': () => res.end(tracklessWebm),
      '/real.jpg': () => res.end(realJpeg),
      '/broken.jpg': () => res.end(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)])),
      '/expired': () => {
        res.writeHead(403)
        res.end('Request has expired')
      },
      '/huge': () => {
        res.writeHead(200, { 'Content-Length': String(50 * 1024 * 1024 * 1024) })
        res.end()
      },
      '/big.png': () => res.end(bigPng),
      '/to-metadata': () => redirect('http://169.254.169.254/latest/meta-data/iam/security-credentials/'),
      '/to-private': () => redirect('https://10.0.0.1/x.png'),
      '/to-mapped': () => redirect('https://[::ffff:192.168.1.1]/x.png'),
      '/to-plain-http': () => redirect('http://cdn.example.com/x.png'),
      '/to-hostile-name': () => redirect('https://cdn.test/x.png'),
      '/to-ok': () => redirect('/ok.png'),
      '/loop': () => redirect('/loop'),
      '/gzip.png': () => {
        res.writeHead(200, { 'Content-Encoding': 'gzip' })
        res.end(gzipSync(promptPng('zipped')))
      },
      '/stall': () => {
        res.writeHead(200, { 'Content-Length': '100000' })
        res.write(promptPng('stall').subarray(0, 100))
      },
      '/truncated': () => {
        res.writeHead(200, { 'Content-Length': '100000' })
        res.write(promptPng('cut').subarray(0, 100), () => res.socket?.destroy())
      }
    }
    function redirect(location: string) {
      res.writeHead(302, { Location: location })
      res.end()
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
  it('recognises the media it makes and rejects the rest', async () => {
    expect(sniff(promptPng('x'))).toMatchObject({ mime: 'image/png', ext: 'png', width: 256, height: 256 })
    expect(sniff(await promptMp4('x'))).toMatchObject({ mime: 'video/mp4' })
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

  it('accepts a playable video and a picture that decodes, with its size read from the file', async () => {
    const dir = tempDir()
    expect(await downloadFile(`${base}/real.mp4`, dir, 'clip', 20)).toMatchObject({
      path: join(dir, 'clip.mp4'),
      mime: 'video/mp4',
      size: realMp4.length,
      width: 160,
      height: 90
    })
    expect(await downloadFile(`${base}/good.webm`, dir, 'clip', 21)).toMatchObject({ mime: 'video/webm' })
    expect(await downloadFile(`${base}/real.jpg`, dir, 'photo', 22)).toMatchObject({ mime: 'image/jpeg', width: 40, height: 30 })
    expect(readdirSync(dir).sort()).toEqual(['clip.mp4', 'clip.webm', 'photo.jpg'])
  })

  it('refuses a file that only starts like a video or a picture, saying why, leaving nothing behind', async () => {
    const dir = tempDir()
    const cases: [string, RegExp][] = [
      ['stub.mp4', /MP4 \(\d+ bytes\) cannot be played: it has no movie header \(moov\)/],
      ['no-track.mp4', /cannot be played: it has no track/],
      ['zero-length.mp4', /cannot be played: its length is zero/],
      ['trackless.webm', /WEBM \(\d+ bytes\) cannot be played: its media comes before any track is described/],
      ['broken.jpg', /JPG \(\d+ bytes\) cannot be shown: it does not decode/]
    ]
    for (const [name, message] of cases) {
      const err = await failure(downloadFile(`${base}/${name}`, dir, 'x', 23))
      expect(err.kind, name).toBe('invalid')
      expect(err.message, name).toMatch(message)
    }
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

/** A DNS answer we choose: what an attacker's name server would say for its own names. */
function resolver(answers: Record<string, string[]>, calls: string[] = []): LookupFunction {
  return (host, options, callback) => {
    calls.push(host)
    const list = answers[host]
    if (!list) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 0)
    const all: LookupAddress[] = list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    if (options.all) callback(null, all)
    else callback(null, all[0].address, all[0].family)
  }
}

const quick = { maxBytes: 1024 * 1024, timeoutMs: 1500 }

describe('transport', () => {
  it('decodes a body the server compressed anyway', async () => {
    const got = await downloadFile(`${base}/gzip.png`, tempDir(), 'z', 30, quick)
    expect(got).toMatchObject({ mime: 'image/png', size: promptPng('zipped').length })
  })

  it('times out a stalled body and a cut connection as transient, leaving nothing behind', async () => {
    const dir = tempDir()
    const stalled = await failure(downloadFile(`${base}/stall`, dir, 'x', 31, { maxBytes: 1e6, timeoutMs: 300 }))
    expect(stalled.kind).toBe('transient')
    expect(stalled.message).toMatch(/timed out/)
    const cut = await failure(downloadFile(`${base}/truncated`, dir, 'x', 31, quick))
    expect(cut.kind).toBe('transient')
    expect(cut.message).toMatch(/interrupted/)
    await new Promise((r) => setTimeout(r, 500)) // a late timeout must find nothing to crash on
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('hostile result URLs', () => {
  it('refuses plain http off loopback, naming the host and nothing of the URL', async () => {
    const err = await failure(downloadFile('http://cdn.example.com/x.png?X-Amz-Signature=s3cr3t&key=sk-live-123', tempDir(), 'x', 10, quick))
    expect(err.kind).toBe('invalid')
    expect(err.message).toMatch(/cdn\.example\.com/)
    expect(err.message).toMatch(/https/)
    expect(err.message).not.toMatch(/s3cr3t|sk-live|X-Amz/)
    expect((await failure(downloadFile('ftp://cdn.example.com/x.png', tempDir(), 'x', 10, quick))).kind).toBe('invalid')
    expect((await failure(downloadFile('file:///etc/passwd', tempDir(), 'x', 10, quick))).kind).toBe('invalid')
  })

  it('refuses private, link-local, metadata and other non-public addresses written as literals', async () => {
    const hosts = [
      '10.0.0.1',
      '10.255.255.254',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '169.254.0.1',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '0.1.2.3',
      '224.0.0.1',
      '255.255.255.255',
      '[fd00::1]',
      '[fc00::1]',
      '[fe80::1]',
      '[::]',
      '[ff02::1]',
      '[::ffff:10.0.0.1]',
      '[::ffff:169.254.169.254]',
      '[::ffff:127.0.0.1]',
      '[::ffff:0:0]',
      '[64:ff9b::a9fe:a9fe]',
      '[2002:a9fe:a9fe::1]',
      '[fec0::1]'
    ]
    const dir = tempDir()
    const errors = await Promise.all(hosts.map((h) => failure(downloadFile(`https://${h}/latest/meta-data/?token=sk-123`, dir, 'x', 11, quick))))
    for (const [i, err] of errors.entries()) {
      expect(err.kind, hosts[i]).toBe('invalid')
      expect(err.message, hosts[i]).toMatch(/^Refusing to download from /)
      expect(err.message, hosts[i]).not.toMatch(/sk-123/)
    }
    expect(errors[5].message).toMatch(/169\.254\.169\.254.*(metadata|link-local)/)
    expect(readdirSync(dir)).toEqual([])
  })

  it('checks the address a name resolves to, every one of them', async () => {
    for (const [answer, what] of [
      [['10.1.2.3'], /10\.1\.2\.3.*private/],
      [['169.254.169.254'], /169\.254\.169\.254/],
      [['93.184.216.34', 'fd12::5'], /fd12::5.*private/],
      [['::ffff:192.168.0.1'], /192\.168\.0\.1|::ffff:c0a8:1/],
      [['127.0.0.1'], /127\.0\.0\.1.*loopback/]
    ] as const) {
      const err = await failure(downloadFile('https://cdn.test/x.png', tempDir(), 'x', 12, { ...quick, lookup: resolver({ 'cdn.test': [...answer] }) }))
      expect(err.kind, answer.join()).toBe('invalid')
      expect(err.message, answer.join()).toMatch(/^Refusing to download from cdn\.test: /)
      expect(err.message, answer.join()).toMatch(what)
    }
  })

  it("refuses a real name that the system resolver points at this machine (the host's own name)", async () => {
    const name = hostname()
    const addresses = await new Promise<LookupAddress[]>((r) => dnsLookup(name, { all: true }, (err, a) => r(err ? [] : a)))
    const local = addresses.length > 0 && addresses.every((a) => /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd]|fe80)/.test(a.address))
    if (!local) return console.log(`skipped: ${name} resolves to ${addresses.map((a) => a.address).join(', ') || 'nothing'}`)
    const err = await failure(downloadFile(`https://${name}:${new URL(base).port}/ok.png`, tempDir(), 'x', 13, quick))
    expect(err.kind).toBe('invalid')
    expect(err.message).toContain(`Refusing to download from ${name}: `)
  })

  it('connects to the address it checked: one lookup per download, the one the socket uses', async () => {
    const calls: string[] = []
    const got = await downloadFile(`http://localhost:${new URL(base).port}/ok.png`, tempDir(), 'ok', 14, {
      ...quick,
      lookup: resolver({ localhost: ['127.0.0.1'] }, calls)
    })
    expect(got.mime).toBe('image/png')
    expect(calls).toEqual(['localhost'])
    // "localhost" that resolves elsewhere is not loopback.
    const err = await failure(
      downloadFile(`http://localhost:${new URL(base).port}/ok.png`, tempDir(), 'x', 14, { ...quick, lookup: resolver({ localhost: ['10.0.0.7'] }) })
    )
    expect(err.kind).toBe('invalid')
    expect(err.message).toMatch(/^Refusing to download from localhost: .*10\.0\.0\.7/)
  })

  it('follows no redirect to a refused address, and a bounded number of the others', async () => {
    for (const path of ['/to-metadata', '/to-private', '/to-mapped', '/to-plain-http']) {
      const dir = tempDir()
      const err = await failure(downloadFile(`${base}${path}`, dir, 'x', 15, quick))
      expect(err.kind, path).toBe('invalid')
      expect(err.message, path).toMatch(/^Refusing to download from (169\.254\.169\.254|10\.0\.0\.1|\[::ffff:c0a8:101\]|cdn\.example\.com)/)
      expect(readdirSync(dir)).toEqual([])
    }
    const viaName = await failure(downloadFile(`${base}/to-hostile-name`, tempDir(), 'x', 15, { ...quick, lookup: resolver({ 'cdn.test': ['192.168.0.10'] }) }))
    expect(viaName.message).toMatch(/^Refusing to download from cdn\.test: .*192\.168\.0\.10/)
    expect((await downloadFile(`${base}/to-ok`, tempDir(), 'ok', 15, quick)).mime).toBe('image/png')
    const loop = await failure(downloadFile(`${base}/loop`, tempDir(), 'x', 15, quick))
    expect(loop.kind).toBe('invalid')
    expect(loop.message).toMatch(/too many redirects/i)
  })
})

describe('files per job', () => {
  it(`accepts up to ${MAX_FILES_PER_JOB} result files and refuses a provider answering 10,000`, () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => ({ url: `https://cdn.example.com/${i}.png` }))
    expect(MAX_FILES_PER_JOB).toBe(64)
    expect(() => checkResultFiles(files(1))).not.toThrow()
    expect(() => checkResultFiles(files(MAX_FILES_PER_JOB))).not.toThrow()
    let err: unknown
    try {
      checkResultFiles(files(10_000))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DownloadError)
    expect((err as DownloadError).kind).toBe('invalid')
    expect((err as DownloadError).message).toMatch(/10000 files.*at most 64/)
  })
})

describe('symlinked batch folders', () => {
  it('refuses to write into a batch folder that is a symbolic link', async () => {
    const root = tempDir()
    const elsewhere = tempDir()
    symlinkSync(elsewhere, join(root, 'batch-1'))
    const err = await failure(downloadFile(`${base}/ok.png`, join(root, 'batch-1'), 'x', 20))
    expect(err.message).toMatch(/batch-1 is a symbolic link/)
    expect(readdirSync(elsewhere)).toEqual([])
    // A dangling link too: the folder would be created wherever it points.
    symlinkSync(join(elsewhere, 'not-yet'), join(root, 'batch-2'))
    expect((await failure(downloadFile(`${base}/ok.png`, join(root, 'batch-2'), 'x', 20))).message).toMatch(/batch-2 is a symbolic link/)
    expect(readdirSync(elsewhere)).toEqual([])
  })

  it('refuses a link anywhere between the output root and the batch folder', async () => {
    const root = tempDir()
    const elsewhere = tempDir()
    symlinkSync(elsewhere, join(root, 'link'))
    const err = await failure(downloadFile(`${base}/ok.png`, join(root, 'link', 'batch-3'), 'x', 21, { ...quick, root }))
    expect(err.message).toMatch(/link is a symbolic link/)
    expect(readdirSync(elsewhere)).toEqual([])
    // The output root itself may be a link (a library on another disk): only what is under it is checked.
    const linkedRoot = join(tempDir(), 'root-link')
    symlinkSync(root, linkedRoot)
    expect((await downloadFile(`${base}/ok.png`, join(linkedRoot, 'batch-4'), 'ok', 21, { ...quick, root: linkedRoot })).mime).toBe('image/png')
  })
})
