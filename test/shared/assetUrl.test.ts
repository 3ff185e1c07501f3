// Asset URLs are made and read in one place (shared/assetUrl.ts), for both servers: what one makes the other
// reads back, and nothing else is taken for an asset.
import { describe, expect, it } from 'vitest'
import { desktopAssetUrl, headlessAssetUrl, parseDesktopAssetUrl, parseHeadlessAssetPath } from '../../src/shared/assetUrl'
import { checkBaseUrl } from '../../src/shared/baseUrl'

describe('asset URLs', () => {
  it('reads back what it makes, for both servers', () => {
    expect(parseDesktopAssetUrl(desktopAssetUrl(42, 'thumb'))).toEqual({ assetId: 42, variant: 'thumb' })
    expect(parseHeadlessAssetPath(headlessAssetUrl(7, 'file'))).toEqual({ assetId: 7, variant: 'file' })
  })

  it('takes nothing else for an asset', () => {
    for (const bad of ['/asset/1/raw', '/asset/-1/file', '/asset/1/file/x', '/asset/1234567890123456/file', '/other/1/file', '/asset/../1/file'])
      expect(parseHeadlessAssetPath(bad)).toBeNull()
    expect(parseDesktopAssetUrl('https://asset/1/file')).toBeNull()
    expect(parseDesktopAssetUrl('not a url')).toBeNull()
  })
})

describe('base URLs', () => {
  it('takes https anywhere and plain http only on this machine, saying why not', () => {
    expect(checkBaseUrl('https://api.bfl.ai').host).toBe('api.bfl.ai')
    expect(checkBaseUrl('http://localhost:8080/x').port).toBe('8080')
    expect(() => checkBaseUrl('http://example.com')).toThrow(
      'Base URL "http://example.com" must use https (plain http is allowed only on 127.0.0.1 or localhost)'
    )
    expect(() => checkBaseUrl('nope')).toThrow('is not a URL')
  })
})
