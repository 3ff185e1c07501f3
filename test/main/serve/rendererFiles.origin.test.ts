// The Electron shell's "is this our page?" check (navigation, and the page an IPC call comes from) as a
// comparison of origins: the dev server's origin as a string prefix let http://localhost:5173.evil.com in.
import { describe, expect, it } from 'vitest'
import { isSameOrigin } from '../../../src/main/serve/rendererFiles'

describe('isSameOrigin', () => {
  it('accepts the dev server and the app scheme on their own origin', () => {
    expect(isSameOrigin('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isSameOrigin('http://localhost:5173/queue?x=1#y', 'http://localhost:5173/')).toBe(true)
    expect(isSameOrigin('bs-app://app/index.html', 'bs-app://app')).toBe(true)
  })

  it('refuses look-alikes that a string prefix lets through', () => {
    const base = 'http://localhost:5173'
    // What src/main/index.ts's `url.startsWith(rendererUrl)` lets through:
    expect('http://localhost:5173.evil.com/'.startsWith(base)).toBe(true)
    for (const url of [
      'http://localhost:5173.evil.com/',
      'http://localhost:5173@evil.com/',
      'http://localhost:51730/',
      'https://localhost:5173/',
      'http://localhost:5174/',
      'ws://localhost:5173/'
    ]) {
      expect(isSameOrigin(url, base), url).toBe(false)
    }
    for (const url of ['bs-app://app.evil/', 'bs-app://evil/', 'bs-asset://app/', 'bs-app:app', 'not a url', ''])
      expect(isSameOrigin(url, 'bs-app://app'), url).toBe(false)
  })
})
