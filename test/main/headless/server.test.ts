// The headless bridge over real HTTP and WebSocket: the contract works, and nothing but our own page with
// this run's token gets in.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Core } from '../../../src/main/core/core'
import { startHeadless, type HeadlessServer } from '../../../src/main/headless/server'
import { openTestCore, tempDir } from '../../helpers/core'

let core: Core
let server: HeadlessServer
let origin: string
let host: string

beforeAll(async () => {
  const rendererDir = tempDir('bs-renderer-')
  mkdirSync(join(rendererDir, 'assets'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Batch Studio</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  core = await openTestCore()
  server = await startHeadless(core, { rendererDir })
  origin = server.origin
  host = new URL(server.origin).host
})

afterAll(async () => {
  await server.close()
  await core.close()
})

/** A raw request, so tests can send the Host and Origin headers a browser or an attacker would. */
function raw(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: o.method ?? 'GET', headers: { Host: host, ...o.headers } }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(o.body)
  })
}

const cookie = () => `bs_token=${server.token}`
const call = (method: string, arg: unknown, headers: Record<string, string> = {}) =>
  raw(`/api/${method}`, {
    method: 'POST',
    headers: { Cookie: cookie(), Origin: origin, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ arg })
  })

describe('headless bridge', () => {
  it('listens on loopback only, and serves the page on a random *.localhost name', async () => {
    expect(server.url).toMatch(/^http:\/\/[0-9a-z]{20}\.localhost:\d+\/\?token=/)
    expect(server.apiOrigin).toBe(`http://127.0.0.1:${server.port}`)
    // Not reachable on any other address of this machine.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
    for (const other of others) {
      await expect(new Promise((resolve, reject) => connect(server.port, other!.address, () => resolve('connected')).on('error', reject))).rejects.toThrow(
        /ECONNREFUSED/
      )
    }
  })

  it('trades the URL token for an HttpOnly SameSite cookie and drops it from the URL', async () => {
    const res = await raw(`/?token=${server.token}`)
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/')
    expect(String(res.headers['set-cookie'])).toMatch(/bs_token=.*HttpOnly; SameSite=Strict/)
  })

  it('refuses a wrong token, a missing cookie, a foreign Host and a foreign Origin', async () => {
    expect((await raw('/?token=wrong')).status).toBe(401)
    expect((await raw('/')).status).toBe(401)
    expect((await raw('/', { headers: { Cookie: cookie(), Host: 'evil.example:80' } })).status).toBe(403)
    expect((await call('getStatusCounts', undefined, { Origin: 'https://evil.example' })).status).toBe(403)
  })

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const page = await raw('/', { headers: { Cookie: cookie() } })
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    // The page holds the first screen when there is one (core/firstScreen.ts): never kept.
    expect(page.headers['cache-control']).toBe('no-store')
    const asset = await raw('/assets/app.js', { headers: { Cookie: cookie() } })
    expect(asset.status).toBe(200)
    // Hashed file names: cached for good, so later starts skip download and compilation.
    expect(asset.headers['cache-control']).toBe('private, max-age=31536000, immutable')
    expect((await raw('/../../../etc/passwd', { headers: { Cookie: cookie() } })).status).toBe(404)
    expect((await raw('/%2e%2e/%2e%2e/etc/passwd', { headers: { Cookie: cookie() } })).status).toBe(404)
  })

  it('runs contract methods and validates their arguments with a clear error', async () => {
    const ok = await call('queuePrompts', { prompts: ['from the bridge'], count: 1 })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).result.jobIds).toHaveLength(1)
    const bad = await call('queuePrompts', { prompts: [], count: 1 })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error).toMatch(/Invalid argument to queuePrompts: prompts/)
    const unknown = await call('dropAllTables', {})
    expect(unknown.status).toBe(404)
    const notJson = await raw('/api/listJobs', { method: 'POST', headers: { Cookie: cookie(), Origin: origin }, body: '{nope' })
    expect(notJson.status).toBe(400)
  })

  it('streams a finished ZIP export as a download, only with the token, and 404s an unknown one', async () => {
    const { jobIds } = (JSON.parse((await call('queuePrompts', { prompts: ['to export'] })).body) as { result: { jobIds: number[] } }).result
    await core.poller.whenIdle()
    const destination = join(tempDir('bs-export-'), 'bridge.zip')
    const started = JSON.parse((await call('startExport', { jobIds, format: 'zip', destination })).body) as { result: { exportId: string } }
    const exportId = started.result.exportId
    const path = `/export/${exportId}/zip`
    let zip = await raw(path, { headers: { Cookie: cookie() } })
    for (let i = 0; zip.status === 404 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50))
      zip = await raw(path, { headers: { Cookie: cookie() } })
    }
    expect(zip.status).toBe(200)
    expect(zip.headers['content-type']).toBe('application/zip')
    expect(zip.headers['content-disposition']).toBe('attachment; filename="bridge.zip"')
    expect(zip.body.startsWith('PK\u0003\u0004')).toBe(true)
    expect(Number(zip.headers['content-length'])).toBe(readFileSync(destination).length)
    expect((await raw(path)).status).toBe(401)
    expect((await raw('/export/0123456789ab/zip', { headers: { Cookie: cookie() } })).status).toBe(404)
  })

  it('pushes events over the WebSocket only to our origin with the cookie', async () => {
    const foreign = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { Host: host, Cookie: cookie(), Origin: 'https://evil.example' } })
    await expect(
      new Promise((resolve, reject) => {
        foreign.on('open', resolve)
        foreign.on('error', reject)
      })
    ).rejects.toThrow(/403/)

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { Host: host, Cookie: cookie(), Origin: origin } })
    await new Promise((r) => ws.on('open', r))
    const got = new Promise<{ event: string }>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))))
    await call('queuePrompts', { prompts: ['evented'] })
    expect(['jobsChanged', 'countsChanged']).toContain((await got).event)
    ws.close()
  })
})
