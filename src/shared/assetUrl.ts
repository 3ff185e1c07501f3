// Where the renderer loads a downloaded file (or its thumbnail) from: the desktop app's own scheme, or a
// path on the headless bridge's server. Main answers both, and renders the Queue's first screen with them.
export type AssetVariant = 'file' | 'thumb'

export const ASSET_SCHEME = 'bs-asset'

export const desktopAssetUrl = (assetId: number, variant: AssetVariant): string => `${ASSET_SCHEME}://asset/${assetId}/${variant}`

export const headlessAssetUrl = (assetId: number, variant: AssetVariant): string => `/asset/${assetId}/${variant}`

/** A finished ZIP export on the headless bridge's server, sent as a download (headless mode only). */
export const headlessExportZipUrl = (exportId: string): string => `/export/${encodeURIComponent(exportId)}/zip`

export interface AssetRef {
  assetId: number
  variant: AssetVariant
}

const ASSET_PATH = /^\/(\d{1,15})\/(file|thumb)$/

function parseAssetPath(path: string): AssetRef | null {
  const m = ASSET_PATH.exec(path)
  return m ? { assetId: Number(m[1]), variant: m[2] as AssetVariant } : null
}

/** The asset a desktopAssetUrl names; null for anything else. */
export function parseDesktopAssetUrl(url: string): AssetRef | null {
  if (!URL.canParse(url)) return null
  const u = new URL(url)
  return u.protocol === `${ASSET_SCHEME}:` ? parseAssetPath(u.pathname) : null
}

/** The asset a headlessAssetUrl path names; null for anything else. */
export function parseHeadlessAssetPath(pathname: string): AssetRef | null {
  return pathname.startsWith('/asset/') ? parseAssetPath(pathname.slice('/asset'.length)) : null
}
