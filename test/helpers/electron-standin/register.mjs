// `node --import <this file> out/main/index.js` runs the desktop app's main bundle with `electron` resolved
// to the recording stand-in beside this file (electron.mjs) instead of the Electron runtime.
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
