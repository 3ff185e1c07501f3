// Folder src/main/core/library/ — what the jobs made: the gallery's methods (service.ts), exports to a
// folder or ZIP with their manifest (export.ts, exports.ts), metadata written into PNGs (png-text.ts),
// thumbnails (thumbnails.ts) and comparison sheets drawn as a PNG or an HTML page (sheets.ts). May import src/shared, storage/, the core's events and Node; never jobs/, providers/,
// electron, the CLI, the headless bridge or the simulator.
//
// The contract's gallery methods (list, favorite, rate, rescan, reveal a file) and the asset protocol's
// lookup of a file or its thumbnail. Only paths from the library are ever opened, never one a caller names.
import { existsSync } from 'node:fs'
import type { Api, PathPurpose } from '../../../shared/contract'
import type { Store } from '../storage/store'
import { loadSheet, setWinner } from '../storage/sheets'

type LibraryMethods = 'listGallery' | 'setFavorite' | 'setRating' | 'rescanLibrary' | 'revealAsset' | 'choosePath' | 'getSheet' | 'setSheetWinner'

/** The desktop's file actions (Electron's shell); absent in headless mode. */
export interface Desktop {
  openPath(path: string): Promise<string>
  showItemInFolder(path: string): void
  choosePath?(purpose: PathPurpose, suggested?: string): Promise<string | null>
}

export class LibraryService {
  readonly api: Pick<Api, LibraryMethods>

  constructor(
    private readonly store: Store,
    desktop?: Desktop
  ) {
    this.api = {
      listGallery: async (arg) => {
        const page = store.listGallery({ ...arg, offset: arg.offset ?? 0, limit: arg.limit ?? 200 })
        // A file moved or deleted on disk shows as missing instead of a broken image.
        return { total: page.total, items: page.items.map((a) => ({ ...a, missing: !existsSync(a.path) })) }
      },
      setFavorite: async ({ assetIds, favorite }) => ({ changed: store.setFavorite(assetIds, favorite) }),
      getSheet: async ({ batchId, axes }) => loadSheet(store, batchId, axes),
      setSheetWinner: async ({ batchId, jobId, winner }) => ({ changed: setWinner(store, batchId, jobId, winner) }),
      setRating: async ({ assetIds, rating }) => ({ changed: store.setRating(assetIds, rating) }),
      rescanLibrary: async () => store.markMissing(existsSync),
      revealAsset: async ({ assetId, action }) => {
        const asset = store.asset(assetId)
        if (!asset) return { ok: false, message: 'No such file in the library' }
        if (!existsSync(asset.path)) return { ok: false, message: `The file is missing on disk: ${asset.path}` }
        if (!desktop) return { ok: false, message: `Opening files needs the desktop app. The file is at ${asset.path}` }
        if (action === 'show') {
          desktop.showItemInFolder(asset.path)
          return { ok: true, message: asset.path }
        }
        const problem = await desktop.openPath(asset.path)
        return problem ? { ok: false, message: problem } : { ok: true, message: asset.path }
      },
      choosePath: async ({ purpose, suggested }) => ({ path: (await desktop?.choosePath?.(purpose, suggested)) ?? null })
    }
  }

  /** Resolves a downloaded file (or its thumbnail) for the asset protocol; null when gone from disk. */
  assetFile(assetId: number, variant: 'file' | 'thumb'): { path: string; mime: string } | null {
    const asset = this.store.asset(assetId)
    if (!asset) return null
    if (variant === 'thumb' && asset.thumbPath && existsSync(asset.thumbPath)) return { path: asset.thumbPath, mime: 'image/webp' }
    return existsSync(asset.path) ? { path: asset.path, mime: asset.mime } : null
  }
}
