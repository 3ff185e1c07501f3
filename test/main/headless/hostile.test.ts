// The headless bridge under hostile input and faults, over real HTTP and WebSocket on loopback with real
// files: an oversized frame, a client that never reads, a directory where a file was, aborted downloads,
// Range requests for video seeking, requests from other local pages, and error bodies that could name
// absolute paths. Nothing crashes, nothing leaks, nothing is buffered without bound.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Core } from '../../../src/main/core/core'
import { startHeadless, type HeadlessServer } from '../../../src/main/headless/server'
import { openTestCore, tempDir, until } from '../../helpers/core'

let core: Core
let server: HeadlessServer
let rendererDir: string
let filesDir: string
let host: string
let origin: string
const MAX_BUFFERED = 1024 * 1024
const BIG = 20 * 1024 * 1024
const big = Buffer.alloc(BIG)
for (let i = 0; i < BIG; i += 4) big.writeUInt32LE(i, i)

/** An asset row in the library for a real path (the core serves whatever its row names). */
let nextIdx = 100
async function assetAt(path: string, mime = 'video/mp4'): Promise<number> {
  const { jobIds } = await core.api.queuePrompts({ prompts: ['an asset for the bridge'], count: 1 })
  return core.store.insertAsset({
    jobId: jobIds[0],
    idx: nextIdx++,
    path,
    sourceUrl: 'https://example.com/x',
    mime,
    size: 0,
    sha256: '',
    width: null,
    height: null
  })
}

beforeAll(async () => {
  rendererDir = tempDir('bs-renderer-')
  mkdirSync(join(rendererDir, 'assets'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Batch Studio</title><div id="root"></div>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  filesDir = tempDir('bs-files-')
  core = await openTestCore()
  server = await startHeadless(core, { rendererDir, maxBufferedBytes: MAX_BUFFERED })
  const page = new URL(server.url)
  host = page.host
  origin = page.origin
})

afterAll(async () => {
  await server?.close()
  await core?.close()
})

interface Raw {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A raw request to the bridge, with the Host, Origin and fetch-metadata headers a browser would send. */
function raw(path: string, o: { method?: string; headers?: Record<string, string>; cookie?: boolean } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const headers = { Host: host, ...(o.cookie === false ? {} : { Cookie: `bs_token=${server.token}` }), ...o.headers }
    const req = request({ host: '127.0.0.1', port: server.port, path, method: o.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

const fds = () => readdirSync('/proc/self/fd').length

/** Requests `path` and drops the connection as soon as the first bytes of the body arrive. */
function abortAfterFirstBytes(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: host, Cookie: `bs_token=${server.token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`))
      res.once('data', () => {
        req.destroy()
        resolve()
      })
    })
    req.on('error', () => resolve())
    req.end()
  })
}

/** A WebSocket handshake by hand, after which the socket is never read again: a client that falls behind. */
function stalledClient(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(
        [
          'GET /events HTTP/1.1',
          `Host: ${host}`,
          `Origin: ${origin}`,
          `Cookie: bs_token=${server.token}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          ''
        ].join('\r\n')
      )
    })
    socket.once('data', (d) => {
      if (!String(d).startsWith('HTTP/1.1 101')) return reject(new Error(String(d)))
      socket.pause()
      resolve(socket)
    })
    socket.on('error', reject)
  })
}

const emit = (event: string, payload: unknown) => (core as unknown as { events: { emit(e: string, p: unknown): void } }).events.emit(event, payload)
const openSocket = () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { Host: host, Origin: origin, Cookie: `bs_token=${server.token}` } })
  return new Promise<WebSocket>((resolve, reject) => {
    ws.on('open', () => resolve(ws))
    ws.on('error', reject)
  })
}

describe('headless WebSocket', () => {
  it('closes a client that sends a frame over 64 KiB with 1009, and lives on', async () => {
    const ws = await openSocket()
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    ws.send(Buffer.alloc(64 * 1024 + 1))
    expect(await closed).toBe(1009)
    // The server still answers, and a new client still gets its events.
    expect((await raw('/')).status).toBe(200)
    const again = await openSocket()
    const got = new Promise<string>((resolve) => again.on('message', (m) => resolve(String(m))))
    emit('notice', { level: 'info', message: 'still here' })
    expect(JSON.parse(await got).payload.message).toBe('still here')
    again.close()
  })

  it('drops a client that stops reading instead of buffering for it without bound', async () => {
    const stalled = await stalledClient()
    const message = 'x'.repeat(64 * 1024)
    // 48 MiB of events, in bursts, as the core sends them; a reading client gets every one.
    const healthy = await openSocket()
    let received = 0
    healthy.on('message', () => received++)
    let sent = 0
    for (let burst = 0; burst < 48; burst++) {
      for (let i = 0; i < 16; i++, sent++) emit('notice', { level: 'info', message })
      await new Promise((r) => setTimeout(r, 10))
    }
    // The stalled client now reads what was ever queued for it: the kernel's socket buffers and what the
    // server held, up to its cap, then the end of a connection the server dropped.
    let got = 0
    const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()))
    stalled.on('data', (d: Buffer) => (got += d.length))
    stalled.resume()
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`not dropped: ${got} bytes read`)), 10_000))])
    console.log(`stalled client: dropped after ${(got / 2 ** 20).toFixed(1)} MiB of ${((sent * message.length) / 2 ** 20).toFixed(0)} MiB sent`)
    expect(got).toBeLessThan(24 * 1024 * 1024)
    await until(() => received === sent, 10_000, 'the healthy client to get every event')
    expect(healthy.readyState).toBe(WebSocket.OPEN)
    healthy.close()
  })
})

describe('headless asset serving', () => {
  it('answers 404 for a directory where the file was, and lives on', async () => {
    const dir = join(filesDir, 'was-a-file.mp4')
    mkdirSync(dir)
    const id = await assetAt(dir)
    const res = await raw(`/asset/${id}/file`)
    expect(res.status).toBe(404)
    expect((await raw('/')).status).toBe(200)
  })

  it('supports Range requests for seeking: 206, suffix and open ranges, 416 when unsatisfiable', async () => {
    const SIZE = 1024 * 1024
    const clip = big.subarray(0, SIZE)
    const file = join(filesDir, 'clip.mp4')
    writeFileSync(file, clip)
    const id = await assetAt(file)
    const full = await raw(`/asset/${id}/file`)
    expect(full.status).toBe(200)
    expect(full.headers['accept-ranges']).toBe('bytes')
    expect(full.headers['content-length']).toBe(String(SIZE))
    expect(full.body.equals(clip)).toBe(true)

    const mid = await raw(`/asset/${id}/file`, { headers: { Range: 'bytes=1000-1999' } })
    expect(mid.status).toBe(206)
    expect(mid.headers['content-range']).toBe(`bytes 1000-1999/${SIZE}`)
    expect(mid.headers['content-length']).toBe('1000')
    expect(mid.body.equals(clip.subarray(1000, 2000))).toBe(true)

    const tail = await raw(`/asset/${id}/file`, { headers: { Range: 'bytes=-500' } })
    expect(tail.status).toBe(206)
    expect(tail.headers['content-range']).toBe(`bytes ${SIZE - 500}-${SIZE - 1}/${SIZE}`)
    expect(tail.body.equals(clip.subarray(SIZE - 500))).toBe(true)

    const open = await raw(`/asset/${id}/file`, { headers: { Range: `bytes=${SIZE - 10}-` } })
    expect(open.status).toBe(206)
    expect(open.body.equals(clip.subarray(SIZE - 10))).toBe(true)

    // An end past the file is clamped to it.
    const past = await raw(`/asset/${id}/file`, { headers: { Range: `bytes=${SIZE - 4}-${SIZE + 1000}` } })
    expect(past.headers['content-range']).toBe(`bytes ${SIZE - 4}-${SIZE - 1}/${SIZE}`)

    for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 5}-${SIZE + 10}`, 'bytes=-0']) {
      const none = await raw(`/asset/${id}/file`, { headers: { Range: range } })
      expect(none.status, range).toBe(416)
      expect(none.headers['content-range']).toBe(`bytes */${SIZE}`)
    }
    // Ranges we do not serve (several, malformed, another unit) are ignored, as HTTP allows: the whole file.
    for (const range of ['bytes=0-1,5-9', 'bytes=9-1', 'bytes=abc', 'items=0-1']) {
      const whole = await raw(`/asset/${id}/file`, { headers: { Range: range } })
      expect(whole.status, range).toBe(200)
      expect(whole.body.length).toBe(SIZE)
    }
    // HEAD: the headers, no body.
    const head = await raw(`/asset/${id}/file`, { method: 'HEAD', headers: { Range: 'bytes=0-9' } })
    expect(head.status).toBe(206)
    expect(head.headers['content-length']).toBe('10')
    expect(head.body.length).toBe(0)
  })

  it('keeps the open file count flat over 2,000 aborted downloads of a 20 MB file', async () => {
    const file = join(filesDir, 'big.mp4')
    writeFileSync(file, big)
    const id = await assetAt(file)
    await abortAfterFirstBytes(`/asset/${id}/file`)
    const before = fds()
    const total = 2000
    const parallel = 16
    let started = 0
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (started < total) {
          started++
          await abortAfterFirstBytes(`/asset/${id}/file`)
        }
      })
    )
    // The server sees each abort a moment after the client: wait for the count to settle, not for ever.
    let after = fds()
    const deadline = Date.now() + 5000
    while (after > before + 8 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      after = fds()
    }
    console.log(`open fds: ${before} before, ${after} after ${total} aborted downloads`)
    expect(after).toBeLessThanOrEqual(before + 8)
  }, 120_000)
})

describe('headless error bodies and requests from other pages', () => {
  it('answers 404 for NUL and other hostile paths, and no answer names an absolute path', async () => {
    const secrets = [rendererDir, tmpdir(), process.cwd()]
    const paths = ['/%00', '/assets/%00.js', '/%2e%2e%00', '/%E0%A4%A', '/asset/1/%00', '/asset/99999999999999999999/file', '/assets/../../x']
    for (const path of paths) {
      const res = await raw(path)
      expect(res.status, path).toBe(404)
      for (const secret of secrets) expect(res.body.toString(), path).not.toContain(secret)
    }
  })

  it('refuses an API body over its cap before reading it', async () => {
    const res = await raw('/api/listJobs', { method: 'POST', headers: { 'Content-Length': String(64 * 1024 * 1024) } })
    expect(res.status).toBe(413)
    expect((await raw('/')).status).toBe(200)
  })

  it('serves the page on a random <nonce>.localhost host, whose cookie no other local server receives', async () => {
    const page = new URL(server.url)
    expect(page.hostname).toMatch(/^[0-9a-z]{16,}\.localhost$/)
    const signIn = await raw(`/?token=${server.token}`, { cookie: false })
    expect(signIn.status).toBe(302)
    // Host-only (no Domain): the browser sends it back to this random host alone.
    expect(String(signIn.headers['set-cookie'])).not.toMatch(/domain=/i)
    // The cookie is this host's: presented on 127.0.0.1 or localhost it does not sign in (a Bearer token does).
    for (const other of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      expect((await raw('/', { headers: { Host: other } })).status, other).toBe(401)
      expect((await raw('/', { cookie: false, headers: { Host: other, Authorization: `Bearer ${server.token}` } })).status, other).toBe(200)
      // And the token is not traded for a cookie there.
      expect((await raw(`/?token=${server.token}`, { cookie: false, headers: { Host: other } })).headers['set-cookie']).toBeUndefined()
    }
    // Another random host name (a guess) is refused like any foreign Host.
    expect((await raw('/', { headers: { Host: `0123456789abcdef0123.localhost:${server.port}` } })).status).toBe(403)
  })

  it('refuses assets, API calls and the WebSocket to other pages, by Sec-Fetch-Site', async () => {
    const file = join(filesDir, 'embedded.png')
    writeFileSync(file, 'png')
    const id = await assetAt(file, 'image/png')
    // What an <img> on another local page (e.g. http://127.0.0.1:3000) would send: our cookie, no Origin.
    for (const site of ['same-site', 'cross-site']) {
      expect((await raw(`/asset/${id}/file`, { headers: { 'Sec-Fetch-Site': site } })).status, site).toBe(403)
      expect((await raw('/assets/app.js', { headers: { 'Sec-Fetch-Site': site } })).status, site).toBe(403)
      expect((await raw('/api/getStatusCounts', { method: 'POST', headers: { 'Sec-Fetch-Site': site } })).status, site).toBe(403)
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, {
        headers: { Host: host, Origin: origin, Cookie: `bs_token=${server.token}`, 'Sec-Fetch-Site': site }
      })
      await expect(
        new Promise((resolve, reject) => {
          ws.on('open', resolve)
          ws.on('error', reject)
        })
      ).rejects.toThrow(/403/)
    }
    // Our own page (same-origin), a typed-in address (none) and a non-browser client (no header) get in.
    for (const site of ['same-origin', 'none']) expect((await raw(`/asset/${id}/file`, { headers: { 'Sec-Fetch-Site': site } })).status, site).toBe(200)
    expect((await raw(`/asset/${id}/file`)).status).toBe(200)
  })
})

describe('headless bridge on 127.0.0.1 (--ip, for a browser that cannot open *.localhost)', () => {
  it('serves the page and takes its cookie on 127.0.0.1', async () => {
    const ip = await startHeadless(core, { rendererDir, pageHost: 'ip' })
    try {
      expect(ip.url).toBe(`http://127.0.0.1:${ip.port}/?token=${ip.token}`)
      const get = (path: string, headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) =>
          request({ host: '127.0.0.1', port: ip.port, path, headers: { Host: `127.0.0.1:${ip.port}`, ...headers } }, (res) => resolve(res.statusCode ?? 0))
            .on('error', reject)
            .end()
        )
      expect(await get(`/?token=${ip.token}`, {})).toBe(302)
      expect(await get('/', { Cookie: `bs_token=${ip.token}` })).toBe(200)
      // Still no other page: Sec-Fetch-Site refuses them here too.
      expect(await get('/assets/app.js', { Cookie: `bs_token=${ip.token}`, 'Sec-Fetch-Site': 'same-site' })).toBe(403)
    } finally {
      await ip.close()
    }
  })
})
