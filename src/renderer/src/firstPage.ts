// The Queue's first page, asked for as this module is evaluated. main.tsx imports it before anything else,
// so the request is under way while React and the views are evaluated (about 80 ms of a cold start) instead
// of after them.
import { primeQueue } from './queue/useJobsPager'

export const firstPage = primeQueue()
