// Gallery thumbnails, made with sharp after a download and kept beside the library (not in the DB), so the
// gallery scrolls over small files. Two at a time, off the request path; a failure only costs the thumbnail.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

export const THUMB_SIZE = 320

export class Thumbnailer {
  private readonly queue: { assetId: number; source: string }[] = []
  private active = 0
  private idle: (() => void)[] = []

  constructor(
    private readonly dir: string,
    private readonly onThumb: (assetId: number, path: string) => void
  ) {}

  add(assetId: number, source: string, mime: string): void {
    if (!mime.startsWith('image/')) return
    this.queue.push({ assetId, source })
    this.next()
  }

  whenIdle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((r) => this.idle.push(r))
  }

  private next(): void {
    while (this.active < 2 && this.queue.length > 0) {
      const item = this.queue.shift()!
      this.active++
      void this.make(item.assetId, item.source).finally(() => {
        this.active--
        this.next()
        if (this.active === 0 && this.queue.length === 0) for (const r of this.idle.splice(0)) r()
      })
    }
  }

  private async make(assetId: number, source: string): Promise<void> {
    try {
      const { default: sharp } = await import('sharp')
      await mkdir(this.dir, { recursive: true })
      const target = join(this.dir, `${assetId}.webp`)
      await sharp(source).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' }).webp({ quality: 80 }).toFile(target)
      this.onThumb(assetId, target)
    } catch {
      // The gallery falls back to the full file.
    }
  }
}
