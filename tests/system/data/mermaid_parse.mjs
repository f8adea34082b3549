// Parse Mermaid diagrams with the real Mermaid parser (npm `mermaid`, under jsdom).
// Usage: node mermaid_parse.mjs NODE_MODULES_DIR < diagrams.json
// stdin: a JSON array of diagram sources; stdout: a JSON array, per diagram
// {"ok": true, "type": "er"} or {"ok": false, "error": "..."}.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const modules = process.argv[2];
const require = createRequire(path.join(modules, 'noop.js'));
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve('mermaid')).href);

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(source);
    results.push({ ok: true, type: r.diagramType });
  } catch (e) {
    results.push({ ok: false, error: String(e.message || e).split('\n').slice(0, 3).join(' ') });
  }
}
process.stdout.write(JSON.stringify(results));
