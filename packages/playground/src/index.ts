// The public API of @switchyard/playground for Node-side consumers (the gateway's GUI listener).

/**
 * The folder holding the built GUI (`npm run build -w packages/playground`): static files with an
 * `index.html`, all links relative, so it can be served at any path. A `file:` URL; no Node APIs
 * are used here, so importing it is safe anywhere.
 */
export const PLAYGROUND_DIST: URL = new URL('../dist/', import.meta.url)
