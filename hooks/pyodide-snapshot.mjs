// Build step (run by hooks/runtime.py with Node): boot Pyodide, unpack the calculators archive, run the warm-up
// Python and save the interpreter's memory. The browser restores it instead of booting Python from scratch
// (seconds saved on every cold start). The snapshot is only valid for the exact Pyodide build, which Pyodide
// checks itself (BUILD_ID). Inputs come from the environment: CC_PYODIDE (the npm package folder), CC_ARCHIVE,
// CC_SITE_DIR, CC_WARMUP (Python source) and CC_OUT (where to write the snapshot).
import { readFileSync, writeFileSync } from "node:fs";
const { loadPyodide } = await import(process.env.CC_PYODIDE + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: process.env.CC_PYODIDE + "/", packages: [], _makeSnapshot: true,
                               stdout: () => {}, stderr: (t) => console.error(t) });
try {
  const zip = readFileSync(process.env.CC_ARCHIVE);
  py.unpackArchive(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength), "zip",
                   { extractDir: process.env.CC_SITE_DIR });
  py.runPython(process.env.CC_WARMUP);
  writeFileSync(process.env.CC_OUT, py.makeMemorySnapshot());
} catch (err) {
  // Only the message: Node would otherwise print a whole minified source line.
  console.log(String((err && err.message) || err).trim().split("\n").slice(-3).join(" | ").slice(0, 600));
  process.exit(2);
}
