// The renderer's only way to main. In Electron the preload already exposes a complete Bridge; in a plain
// browser (headless mode) we build the same Bridge over same-origin HTTP for calls and a WebSocket for
// events, so no component ever knows which transport it runs on.
import { headlessAssetUrl } from '../../shared/assetUrl'
import type { Bridge, EventName, Events } from '../../shared/contract'

declare global {
  interface Window {
    batchStudio?: Bridge
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting'

/** Event-stream health, so the UI can say "reconnecting" and refetch what it may have missed. */
export interface Connection {
  state(): ConnectionState
  onStateChange(listener: (state: ConnectionState) => void): () => void
  /** Fires after the event stream came back from a drop: events were lost, so views must refetch. */
  onResync(listener: () => void): () => void
}

type Listener = (payload: unknown) => void

async function callHttp(name: string, arg: unknown): Promise<unknown> {
  const res = await fetch(`/api/${name}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ arg })
  })
  const text = await res.text()
  let body: { ok?: boolean; result?: unknown; error?: string }
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    // Auth failures and proxies answer in plain text; their words are the most useful error we have.
    throw new Error(text.trim() || `${name} failed (HTTP ${res.status})`)
  }
  if (!body.ok) throw new Error(body.error ?? `${name} failed (HTTP ${res.status})`)
  return body.result
}

class EventSocket implements Connection {
  private readonly listeners = new Map<EventName, Set<Listener>>()
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  private readonly resyncListeners = new Set<() => void>()
  private current: ConnectionState = 'connecting'
  private attempt = 0
  private everOpened = false

  constructor() {
    this.connect()
  }

  state(): ConnectionState {
    return this.current
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener)
    return () => this.resyncListeners.delete(listener)
  }

  on(event: EventName, listener: Listener): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return
    this.current = state
    for (const l of this.stateListeners) l(state)
  }

  private connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const ws = new WebSocket(`${scheme}://${location.host}/events`)
    ws.onopen = () => {
      this.attempt = 0
      this.setState('open')
      if (this.everOpened) for (const l of this.resyncListeners) l()
      this.everOpened = true
    }
    ws.onmessage = (msg) => {
      let data: { event: EventName; payload: unknown }
      try {
        data = JSON.parse(String(msg.data)) as typeof data
      } catch {
        return
      }
      for (const l of this.listeners.get(data.event) ?? []) l(data.payload)
    }
    ws.onclose = () => {
      this.setState(this.everOpened ? 'reconnecting' : 'connecting')
      // Exponential backoff with jitter, capped: a restarting server is not hammered, a blip heals fast.
      const delay = Math.min(10_000, 300 * 2 ** this.attempt) * (0.75 + Math.random() / 2)
      this.attempt++
      setTimeout(() => this.connect(), delay)
    }
  }
}

function httpBridge(): { bridge: Bridge; connection: Connection } {
  const socket = new EventSocket()
  // Every other property is a contract method: the server validates the name and the argument, so the
  // renderer needs no runtime copy of the contract (and no zod).
  const local = {
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      return socket.on(event, listener as Listener)
    },
    assetUrl: headlessAssetUrl
  }
  const bridge = new Proxy(local, {
    get: (target, name) => (typeof name === 'string' && !(name in target) ? (arg: unknown) => callHttp(name, arg) : target[name as keyof typeof local])
  }) as unknown as Bridge
  return { bridge, connection: socket }
}

/** IPC to our own main process cannot drop, so Electron's connection is simply always open. */
const alwaysOpen: Connection = {
  state: () => 'open',
  onStateChange: () => () => {},
  onResync: () => () => {}
}

let instance: { bridge: Bridge; connection: Connection } | null = null

/** Outside a window (main rendering the first screen, server.tsx) there is no transport: main hands one in. */
export function provideBridge(bridge: Bridge): void {
  instance = { bridge, connection: alwaysOpen }
}

function resolve(): { bridge: Bridge; connection: Connection } {
  if (!instance) instance = window.batchStudio ? { bridge: window.batchStudio, connection: alwaysOpen } : httpBridge()
  return instance
}

export function getBridge(): Bridge {
  return resolve().bridge
}

export function getConnection(): Connection {
  return resolve().connection
}
