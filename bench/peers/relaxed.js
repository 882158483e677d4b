// Relaxed SIMD in Node: Node 20 validates it only behind a V8 flag (Node 22+,
// browsers, Deno, Bun, workerd as they are). bench/peers.js reruns itself
// with the flag where this Node knows it, so lstm-wasm's relaxed build and
// the relaxed peak can race; nothing else changes (the peers pick their own
// builds, and none of them has a relaxed one).
import { spawnSync } from 'node:child_process';

export const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

// the smallest module that uses relaxed SIMD: () → v128 = f32x4.relaxed_madd(0, 0, 0)
const zeros = new Array(16).fill(0);
const body = [0x00, ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...zeros]), 0xfd, 0x85, 0x02, 0x0b]; // no locals; 3 × v128.const; relaxed_madd; end
const PROBE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // \0asm, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: one type, () → v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, body.length + 2, 0x01, body.length, ...body, // code section: one body
];

export const relaxedValidates = () => WebAssembly.validate(new Uint8Array(PROBE));

/** Where relaxed SIMD needs the flag and this Node takes it: runs `script` again with it and exits with its status. */
export function rerunWithRelaxedFlagIfNeeded(script, args) {
  if (relaxedValidates() || process.execArgv.includes(RELAXED_FLAG)) return;
  const probe = `process.exit(WebAssembly.validate(new Uint8Array(${JSON.stringify(PROBE)})) ? 0 : 1)`;
  if (spawnSync(process.execPath, [RELAXED_FLAG, '-e', probe]).status !== 0) return; // an old Node, or one without the flag
  const r = spawnSync(process.execPath, [...process.execArgv, RELAXED_FLAG, script, ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
