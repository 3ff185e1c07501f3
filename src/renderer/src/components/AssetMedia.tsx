// Shows a downloaded file the way its type needs: an image, or a player for video and audio. A file that
// was deleted or moved on disk says so instead of showing a broken image.
import { useState } from 'react'
import type { Asset } from '../../../shared/contract'
import { getBridge } from '../bridge'
import { mediaType } from '../format'
import { Icon } from './Icon'

export function AssetMedia({ asset, className }: { asset: Asset; className?: string }) {
  const [failed, setFailed] = useState(false)
  const url = getBridge().assetUrl(asset.id, 'file')
  const type = mediaType(asset.mime)
  if (asset.missing || failed) {
    return (
      <div className={`media-missing ${className ?? ''}`}>
        <Icon name="warning" size={28} />
        <span>{asset.missing ? 'File missing on disk' : 'Could not load this file'}</span>
      </div>
    )
  }
  if (type === 'video') return <video key={asset.id} className={className} src={url} controls loop onError={() => setFailed(true)} />
  if (type === 'audio') return <audio key={asset.id} className={className} src={url} controls onError={() => setFailed(true)} />
  if (type === 'image') return <img key={asset.id} className={className} src={url} alt={asset.prompt} onError={() => setFailed(true)} />
  return (
    <div className={`media-missing ${className ?? ''}`}>
      <Icon name="image" size={28} />
      <span>{asset.mime}</span>
    </div>
  )
}

/** A small square preview for lists: the thumbnail for images, a video's own frame, an icon for what has none. */
export function AssetThumb({ assetId, mime, alt, className }: { assetId: number; mime: string; alt: string; className?: string }) {
  const [failed, setFailed] = useState(false)
  const type = mediaType(mime)
  // No frame grabber in main (no ffmpeg): the browser shows the frame at 0.5 s, loading only what that needs.
  if (type === 'video' && !failed)
    return (
      <video
        className={className}
        src={`${getBridge().assetUrl(assetId, 'file')}#t=0.5`}
        preload="metadata"
        muted
        playsInline
        aria-label={alt}
        onError={() => setFailed(true)}
      />
    )
  if (type !== 'image' || failed) {
    return (
      <div className={`thumb-placeholder ${className ?? ''}`} role="img" aria-label={alt}>
        <Icon name={type === 'video' ? 'video' : type === 'audio' ? 'audio' : 'image'} size={22} />
      </div>
    )
  }
  return (
    <img
      className={className}
      src={getBridge().assetUrl(assetId, 'thumb')}
      alt={alt}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setFailed(true)}
    />
  )
}
