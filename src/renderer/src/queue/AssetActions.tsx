// A downloaded file's actions in the job drawer. The desktop app asks main to open the file or show it in
// its folder; headless mode has no desktop there (and the browser may be on another machine), so the file
// opens in a browser tab and downloads from the asset URL instead of ending in an error.
import type { Asset } from '../../../shared/contract'
import { useAppData } from '../appData'
import { getBridge } from '../bridge'
import { Icon } from '../components/Icon'
import { errorMessage, useToasts } from '../toasts'
import { ExtraIcon } from './ExtraIcon'

export function AssetActions({ asset }: { asset: Asset }) {
  const { settings } = useAppData()
  const { push } = useToasts()
  const reveal = async (action: 'open' | 'show') => {
    try {
      const { ok, message } = await getBridge().revealAsset({ assetId: asset.id, action })
      if (!ok) push('error', message)
    } catch (err) {
      push('error', errorMessage(err))
    }
  }
  // Main chooses paths with a desktop dialog only in the desktop app, which is also where it can open files.
  if (settings && !settings.canChoosePaths) {
    const url = getBridge().assetUrl(asset.id, 'file')
    return (
      <span className="asset-actions">
        <a className="link-button" href={url} target="_blank" rel="noreferrer" title="Open in a new browser tab">
          <ExtraIcon name="external" size={13} /> Open
        </a>
        <a className="link-button" href={url} download={asset.path.split(/[\\/]/).pop()} title={asset.path}>
          <Icon name="download" size={13} /> Download
        </a>
      </span>
    )
  }
  return (
    <span className="asset-actions">
      <button type="button" className="link-button" onClick={() => void reveal('open')} title={asset.path}>
        <ExtraIcon name="external" size={13} /> Open
      </button>
      <button type="button" className="link-button" onClick={() => void reveal('show')} title={asset.path}>
        <ExtraIcon name="folder" size={13} /> Show in folder
      </button>
    </span>
  )
}
