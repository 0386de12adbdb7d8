// Where the bytes of the wasm module go: code bytes per area (sim, kubectl, serde, yew, std, …)
// and the largest functions, read from the module's name section. The module in dist/ has no
// names (wasm-opt strips them), so by default this reads the one cargo links before wasm-bindgen
// and wasm-opt (after `trunk build --release`); its proportions are close to the shipped ones.
// For exact post-wasm-opt numbers run `wasm-opt -Oz -g` (same flags as index.html) on it first.
// Usage: node scripts/wasm-breakdown.mjs [module.wasm] [number of largest functions to list]
// (the default module is under $CARGO_TARGET_DIR when it is set, else under target/)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const target = process.env.CARGO_TARGET_DIR ?? 'target';
const path = process.argv[2] ?? `${target}/wasm32-unknown-unknown/release/timonel-web.wasm`;
const listTop = Number(process.argv[3] ?? 25);
let buf;
try {
  buf = readFileSync(path);
} catch (error) {
  console.error(`wasm breakdown: cannot read ${path}: ${error.message}`);
  process.exit(1);
}

// Just enough of the binary format: imported functions (they shift function indices), the code
// section's bodies, the data section's size and the name section's function names.
let p = 8;
const leb = () => {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[p++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
};
const skipLimits = () => {
  const flags = buf[p++];
  leb();
  if (flags & 1) leb();
};
let imported = 0;
let dataBytes = 0;
const bodies = [];
const names = new Map();
while (p < buf.length) {
  const id = buf[p++];
  const size = leb();
  const end = p + size;
  if (id === 0) {
    const length = leb();
    const name = buf.subarray(p, p + length).toString();
    p += length;
    while (name === 'name' && p < end) {
      const sub = buf[p++];
      const subEnd = leb() + p;
      if (sub === 1) {
        for (let n = leb(); n > 0; n--) {
          const index = leb();
          const len = leb();
          names.set(index, buf.subarray(p, p + len).toString());
          p += len;
        }
      }
      p = subEnd;
    }
  } else if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      for (let field = 0; field < 2; field++) {
        const len = leb(); // module, then name
        p += len;
      }
      const kind = buf[p++];
      if (kind === 0) {
        leb();
        imported++;
      } else if (kind === 1) {
        p++;
        skipLimits();
      } else if (kind === 2) {
        skipLimits();
      } else if (kind === 3) {
        p += 2;
      } else {
        leb();
      }
    }
  } else if (id === 10) {
    for (let n = leb(), i = 0; i < n; i++) {
      const len = leb();
      bodies.push({ index: imported + i, start: p, size: len });
      p += len;
    }
  } else if (id === 11) {
    dataBytes = size;
  }
  p = end;
}
if (names.size === 0) {
  console.error(`wasm breakdown: ${path} has no function names (build it with names, see the top of this file)`);
  process.exit(1);
}

// Legacy Rust mangling (_ZN…E) to a readable path; v0 symbols (_R…) keep their identifiers.
function demangle(symbol) {
  if (symbol.startsWith('_ZN')) {
    const parts = [];
    let i = 3;
    while (i < symbol.length && symbol[i] !== 'E') {
      let len = 0;
      while (symbol[i] >= '0' && symbol[i] <= '9') len = len * 10 + Number(symbol[i++]);
      if (!len) break;
      parts.push(symbol.slice(i, i + len));
      i += len;
    }
    if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? '')) parts.pop();
    const escapes = { LT: '<', GT: '>', RF: '&', BP: '*', C: ',', LP: '(', RP: ')', u20: ' ', u27: "'", u5b: '[', u5d: ']', u7b: '{', u7d: '}', u3b: ';', u2b: '+', u22: '"' };
    return parts
      .map((part) => part.replace(/^_\$/, '$'))
      .join('::')
      .replace(/\$([A-Za-z0-9]+)\$/g, (m, code) => escapes[code] ?? m)
      .replace(/\.\./g, '::');
  }
  if (symbol.startsWith('_R')) {
    return [...symbol.matchAll(/(\d+)([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[2].slice(0, Number(m[1]))).join('::');
  }
  return symbol;
}

// First matching area wins, so generic code shared by everything (sort, BTreeMap, serde) is
// counted once under its own name even when instantiated for sim or kubectl types.
const AREAS = [
  ['sort (every instantiation of slice sorting)', /slice::sort|::sort::|sort_by|sort_unstable/],
  ['sim: serde derives, Object::from_json_as/body_json', /^<?sim::.*(Deserializ|Serializ|Visitor|__Field)|sim::api::Object::(from_json_as|body_json)|sim::.*::decode/],
  ['serde_json (Value, de/ser machinery)', /serde_json/],
  ['serde (Option/Vec/map/String impls per type)', /serde_core|^<?serde::/],
  ['serde_yaml + unsafe_libyaml', /serde_yaml|unsafe_libyaml/],
  ['BTreeMap/BTreeSet (every instantiation)', /btree/],
  ['sim (api, apiserver, controllers, kubelet, scheduler)', /\bsim::/],
  ['kubectl', /\bkubectl::/],
  ['timonel_web (the UI components)', /timonel_web::/],
  ['yew', /\byew\b|implicit_clone|tokise|prokio/],
  ['wasm-bindgen, js-sys, web-sys, gloo', /wasm_bindgen|js_sys|web_sys|gloo|__wbindgen|__wbg/],
  ['fmt (core::fmt, Display, Debug)', /fmt|Display|Debug/],
  ['rest of std (iterators, Vec, String, dlmalloc, hashbrown, …)', /./],
];
const totals = AREAS.map(() => ({ size: 0, count: 0, parts: [] }));
let code = 0;
for (const body of bodies) {
  body.name = demangle(names.get(body.index) ?? '?');
  code += body.size;
  const found = AREAS.findIndex(([, re]) => re.test(body.name));
  const area = totals[found < 0 ? AREAS.length - 1 : found];
  area.size += body.size;
  area.count++;
  area.parts.push(buf.subarray(body.start, body.start + body.size));
}

const pct = (n) => `${((100 * n) / code).toFixed(1)}%`.padStart(6);
console.log(`${path}: ${buf.length} bytes; code ${code} in ${bodies.length} functions; data ${dataBytes}`);
console.log(`${'AREA'.padEnd(62)} ${'CODE'.padStart(9)} ${'SHARE'.padStart(6)} ${'GZIP ALONE'.padStart(10)} ${'FNS'.padStart(5)}`);
AREAS.forEach(([label], i) => {
  const t = totals[i];
  const gz = gzipSync(Buffer.concat(t.parts), { level: 9 }).length;
  console.log(`${label.padEnd(62)} ${String(t.size).padStart(9)} ${pct(t.size)} ${String(gz).padStart(10)} ${String(t.count).padStart(5)}`);
});
if (listTop > 0) {
  console.log(`\nlargest ${listTop} functions:`);
  for (const body of [...bodies].sort((a, b) => b.size - a.size).slice(0, listTop)) {
    console.log(`${String(body.size).padStart(9)} ${pct(body.size)} ${body.name.slice(0, 140)}`);
  }
}
