/**
 * Imported before the library by every runtime fixture.
 *
 * - Removes FinalizationRegistry: edge runtimes do not promise it (workerd
 *   may never run its callbacks), so the library must not need it.
 * - Counts what WebAssembly is asked to do, so the test can see that init()
 *   instantiates once however often it is called (idempotent on a warm
 *   isolate) and that the edge entries never compile from bytes.
 */
delete globalThis.FinalizationRegistry;

/** Calls of WebAssembly.instantiate, and compilations from bytes (compile, or instantiate given bytes). */
export const stats = { instantiate: 0, compileFromBytes: 0 };

const isModule = (x) => Object.prototype.toString.call(x) === '[object WebAssembly.Module]';
const { compile, instantiate } = WebAssembly;
/** The runtime's own WebAssembly.compile, uncounted: for the fixtures' probes. */
export const uncountedCompile = compile.bind(WebAssembly);
WebAssembly.compile = function (bytes) {
  stats.compileFromBytes++;
  return compile.call(WebAssembly, bytes);
};
WebAssembly.instantiate = function (source, imports) {
  stats.instantiate++;
  if (!isModule(source)) stats.compileFromBytes++;
  return instantiate.call(WebAssembly, source, imports);
};
