// One result, large, with what made it. Left/Right step through the gallery in its current order (loading
// further pages as needed), Escape closes.
import { useEffect, useRef } from 'react'
import type { Asset } from '../../../shared/contract'
import { providerInfo } from '../../../shared/catalogue'
import { getBridge } from '../bridge'
import { AssetMedia } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { formatBytes, formatCount, formatDateTime, mediaType } from '../format'
import type { PagedList } from '../pagedList'

interface LightboxProps {
  list: PagedList<Asset>
  index: number
  onNavigate(index: number): void
  onClose(): void
}

export function Lightbox({ list, index, onNavigate, onClose }: LightboxProps) {
  const asset = list.get(index)
  const hasPrev = index > 0
  const hasNext = index < list.total - 1
  const closeButton = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!asset) list.ensure(index, index)
  }, [asset, index, list])

  // Fetch the neighbours' pages and files ahead, so stepping through feels instant.
  useEffect(() => {
    for (const i of [index - 1, index + 1]) {
      const near = list.get(i)
      if (i < 0 || i >= list.total) continue
      if (!near) list.ensure(i, i)
      else if (mediaType(near.mime) === 'image' && !near.missing) new Image().src = getBridge().assetUrl(near.id, 'file')
    }
  }, [index, list, asset])

  // Focus moves into the dialog and back to where it was (the tile) on close.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    closeButton.current?.focus()
    return () => before?.focus()
  }, [])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
      else if (e.key === 'ArrowLeft' && hasPrev) onNavigate(index - 1)
      else if (e.key === 'ArrowRight' && hasNext) onNavigate(index + 1)
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [index, hasPrev, hasNext, onNavigate, onClose])

  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label="Preview" data-testid="lightbox" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="lightbox-stage" onClick={(e) => e.target === e.currentTarget && onClose()}>
        {asset ? <AssetMedia key={asset.id} asset={asset} className="lightbox-media" /> : <div className="lightbox-loading">Loading…</div>}
        <button type="button" className="lightbox-nav prev" aria-label="Previous" disabled={!hasPrev} onClick={() => onNavigate(index - 1)}>
          <Icon name="left" size={24} />
        </button>
        <button type="button" className="lightbox-nav next" aria-label="Next" disabled={!hasNext} onClick={() => onNavigate(index + 1)}>
          <Icon name="right" size={24} />
        </button>
      </div>
      <aside className="lightbox-info">
        <div className="lightbox-top">
          <span className="muted">
            {formatCount(index + 1)} / {formatCount(list.total)}
          </span>
          <button ref={closeButton} type="button" className="icon-button" aria-label="Close preview" title="Close (Esc)" onClick={onClose}>
            <Icon name="close" />
          </button>
        </div>
        {asset && (
          <>
            <p className="lightbox-prompt">{asset.prompt}</p>
            <dl className="facts">
              <dt>Provider</dt>
              <dd>{providerInfo(asset.provider).label}</dd>
              <dt>Model</dt>
              <dd>{asset.model}</dd>
              <dt>Dimensions</dt>
              <dd>{asset.width && asset.height ? `${asset.width} × ${asset.height}` : '—'}</dd>
              <dt>Size</dt>
              <dd>
                {formatBytes(asset.size)} <span className="muted">{asset.mime}</span>
              </dd>
              <dt>Created</dt>
              <dd>{formatDateTime(asset.createdAt)}</dd>
              <dt>Batch</dt>
              <dd>{asset.batchName}</dd>
              <dt>Job</dt>
              <dd>{asset.jobId}</dd>
              <dt>File</dt>
              <dd className="mono path" title={asset.path}>
                {asset.path}
              </dd>
            </dl>
          </>
        )}
      </aside>
    </div>
  )
}
