// Exposes exactly the contract to the sandboxed renderer as `window.batchStudio`: one function per method
// (main validates every argument), an event subscription, and asset URLs. No Node, no raw ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron'
import { desktopAssetUrl } from '../shared/assetUrl'
import { IPC_PREFIX, METHOD_NAMES, type Api, type Bridge, type EventName, type Events } from '../shared/contract'

type Listener = (payload: unknown) => void
const listeners = new Map<EventName, Set<Listener>>()

ipcRenderer.on(`${IPC_PREFIX}event`, (_e, message: { event: EventName; payload: unknown }) => {
  for (const l of listeners.get(message.event) ?? []) l(message.payload)
})

const api = Object.fromEntries(METHOD_NAMES.map((name) => [name, (arg: unknown) => ipcRenderer.invoke(`${IPC_PREFIX}${name}`, arg)])) as unknown as Api

const bridge: Bridge = {
  ...api,
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  },
  assetUrl: desktopAssetUrl
}

contextBridge.exposeInMainWorld('batchStudio', bridge)
