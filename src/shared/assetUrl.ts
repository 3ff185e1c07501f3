// Where the renderer loads a downloaded file (or its thumbnail) from: the desktop app's own scheme, or a
// path on the headless bridge's server. Main answers both, and renders the Queue's first screen with them.
export type AssetVariant = 'file' | 'thumb'

export const ASSET_SCHEME = 'bs-asset'

export const desktopAssetUrl = (assetId: number, variant: AssetVariant): string => `${ASSET_SCHEME}://asset/${assetId}/${variant}`

export const headlessAssetUrl = (assetId: number, variant: AssetVariant): string => `/asset/${assetId}/${variant}`

/** A finished ZIP export on the headless bridge's server, sent as a download (headless mode only). */
export const headlessExportZipUrl = (exportId: string): string => `/export/${encodeURIComponent(exportId)}/zip`
