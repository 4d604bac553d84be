// Where the conformance cases are: the shared ones (the workplace's `shared/conformance`, beside the
// project folder, or where SWITCHYARD_SHARED says) and the project's own (`conformance/cases`).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** The folders of conformance groups, shared first; a missing shared folder is an error that says where it was looked for. */
export function conformanceRoots(): [shared: string, own: string] {
  const base = process.env['SWITCHYARD_SHARED']
  const shared = base === undefined || base === '' ? resolve(here, '../../shared/conformance') : resolve(base, 'conformance')
  if (!existsSync(shared)) {
    throw new Error(`the shared conformance cases are not at ${shared}: the project expects the shared folder (spec, conformance, bench) beside its own folder (../shared from the project root); set SWITCHYARD_SHARED to that folder when it is elsewhere`)
  }
  return [shared, resolve(here, 'cases')]
}
