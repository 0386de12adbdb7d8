// Size report of a built dist/: every file's bytes, raw and gzip -9, and what a first visit
// downloads (the files index.html loads), compressed. Usage: node scripts/size-report.mjs [dist]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = resolve(process.argv[2] ?? 'dist');
const BUDGET_GZIP = 300 * 1024; // first-load budget from the playground page's issue

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

let all;
try {
  all = files(dist).sort();
} catch (error) {
  console.error(`size report: cannot read ${dist}: ${error.message}`);
  process.exit(1);
}
const html = readFileSync(join(dist, 'index.html'), 'utf8');
// What the page loads: index.html itself and every local asset it names.
const named = new Set(['index.html']);
for (const m of html.matchAll(/\b(?:href|src|data-js|data-wasm)="([^"]+)"/g)) {
  named.add(m[1].replace(/^\.\//, ''));
}

const rows = all.map((path) => {
  const bytes = readFileSync(path);
  const name = relative(dist, path);
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, first: named.has(name) };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const width = Math.max(...rows.map((r) => r.name.length), 'TOTAL'.length);
console.log(`${'FILE'.padEnd(width)}  ${'RAW'.padStart(12)}  ${'GZIP -9'.padStart(12)}  FIRST LOAD`);
for (const r of rows) {
  console.log(`${r.name.padEnd(width)}  ${String(r.raw).padStart(12)}  ${String(r.gzip).padStart(12)}  ${r.first ? 'yes' : 'no'}`);
}
const sum = (list, key) => list.reduce((n, r) => n + r[key], 0);
const first = rows.filter((r) => r.first);
console.log(`${'TOTAL'.padEnd(width)}  ${String(sum(rows, 'raw')).padStart(12)}  ${String(sum(rows, 'gzip')).padStart(12)}`);
const firstGzip = sum(first, 'gzip');
console.log(
  `first load: ${first.length} files, ${sum(first, 'raw')} bytes raw (${kb(sum(first, 'raw'))}), ` +
    `${firstGzip} bytes gzip -9 (${kb(firstGzip)}); budget ${kb(BUDGET_GZIP)}: ` +
    (firstGzip <= BUDGET_GZIP ? 'within' : 'OVER'),
);
if (!rows.some((r) => r.name.endsWith('.wasm'))) {
  console.error('size report: no .wasm file in dist');
  process.exit(1);
}
