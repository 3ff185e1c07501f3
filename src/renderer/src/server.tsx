// The Queue's first screen as HTML, rendered by main (in Node) into the page it serves, so the rows paint
// as soon as the page is parsed: before the app's script is loaded, compiled and run, which is most of a
// first start (BENCHMARKS.md). The app then renders over it in the browser, as it would over an empty page;
// until then (a few hundred milliseconds) the screen is a picture of the app, not yet the app.
import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import type { Bridge } from '../../shared/contract'
import type { FirstScreenHost, RenderFirstScreen } from '../../shared/firstScreen'
import { App } from './App'
import { provideBridge } from './bridge'
import { forgetKeptPagedLists } from './hooks/useKeptPagedList'
import { primeQueue } from './queue/useJobsPager'

/** Only what rendering reads: effects, where everything else is called, do not run here. */
function serverBridge(host: FirstScreenHost, failed: (err: unknown) => void): Bridge {
  const local = {
    listJobs: (arg: Parameters<Bridge['listJobs']>[0]) => host.listJobs(arg).catch((err: unknown) => (failed(err), Promise.reject(err))),
    assetUrl: host.assetUrl,
    on: () => () => {}
  }
  return new Proxy(local, {
    get: (target, name) => (name in target ? target[name as keyof typeof local] : () => Promise.reject(new Error(`${String(name)} is not available while main renders the first screen`)))
  }) as unknown as Bridge
}

async function render(host: FirstScreenHost): Promise<string> {
  let fail: (err: unknown) => void = () => {}
  const failure = new Promise<never>((_, reject) => (fail = reject))
  provideBridge(serverBridge(host, fail))
  forgetKeptPagedLists()
  // The queue's list never rejects (in the app, the view reports and retries); here a failure ends the render.
  await Promise.race([primeQueue(), failure])
  return renderToString(
    <StrictMode>
      <App />
    </StrictMode>
  )
}

// The bridge and the lists are this module's state: one render at a time.
let last: Promise<unknown> = Promise.resolve()

export const renderFirstScreen: RenderFirstScreen = (host) => {
  const next = last.then(() => render(host))
  last = next.catch(() => {})
  return next
}
