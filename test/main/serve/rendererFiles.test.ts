// The one rule for which renderer file a URL names, shared by the headless bridge and Electron's app
// protocol: real files in a temp folder, with a secret next to it that no path may reach.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { rendererFile, rendererResponse } from '../../../src/main/serve/rendererFiles'
import { tempDir } from '../../helpers/core'

let root: string
let dir: string

beforeAll(() => {
  root = tempDir('bs-renderer-files-')
  dir = join(root, 'renderer')
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Batch Studio</title>')
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), '')
  writeFileSync(join(dir, 'assets', 'odd name.css'), '')
  writeFileSync(join(root, 'secret.txt'), 'key')
  mkdirSync(join(root, 'renderer-evil'))
  writeFileSync(join(root, 'renderer-evil', 'x.js'), '')
})

describe('rendererFile', () => {
  it('serves index.html for the root, and hashed assets as immutable with their type', () => {
    expect(rendererFile(dir, '/')).toEqual({ path: join(dir, 'index.html'), mime: 'text/html; charset=utf-8', immutable: false })
    expect(rendererFile(dir, '/assets/index-abc123.js')).toEqual({
      path: join(dir, 'assets', 'index-abc123.js'),
      mime: 'text/javascript; charset=utf-8',
      immutable: true
    })
    expect(rendererFile(dir, '/assets/odd%20name.css')?.mime).toBe('text/css; charset=utf-8')
  })

  it('never names a file outside the folder, however the path is spelled', () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '//../secret.txt',
      '/../renderer-evil/x.js',
      `/${join(root, 'secret.txt')}`
    ]) {
      expect(rendererFile(dir, path), path).toBeUndefined()
    }
  })

  it('answers nothing for a missing file, a folder or a malformed escape', () => {
    expect(rendererFile(dir, '/nope.js')).toBeUndefined()
    expect(rendererFile(dir, '/assets')).toBeUndefined()
    expect(rendererFile(dir, '/%E0%A4%A')).toBeUndefined()
  })
})

describe('rendererResponse (Electron app protocol)', () => {
  it('answers the page with its type and the policy, on the app host only', async () => {
    const page = await rendererResponse(dir, 'bs-app://app/', "script-src 'self'")
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe("script-src 'self'")
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toBe('<!doctype html><title>Batch Studio</title>')
    expect((await rendererResponse(dir, 'bs-app://app/assets/index-abc123.js', '')).headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await rendererResponse(dir, 'bs-app://other/', '')).status).toBe(404)
    expect((await rendererResponse(dir, 'bs-app://app/%2e%2e/secret.txt', '')).status).toBe(404)
  })

  it('answers the page from main, with its own policy, when there is one', async () => {
    const served = async () => ({
      html: '<div id="root"><div class="first-screen" inert>rows</div></div>',
      policy: "style-src 'self' 'unsafe-hashes' 'sha256-x='"
    })
    for (const url of ['bs-app://app/', 'bs-app://app/index.html']) {
      const page = await rendererResponse(dir, url, "style-src 'self'", served)
      expect(await page.text()).toContain('rows')
      expect(page.headers.get('content-security-policy')).toBe("style-src 'self' 'unsafe-hashes' 'sha256-x='")
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    }
    expect((await rendererResponse(dir, 'bs-app://other/', '', served)).status).toBe(404)
    expect(await (await rendererResponse(dir, 'bs-app://app/assets/index-abc123.js', '', served)).text()).toBe('')
  })
})
