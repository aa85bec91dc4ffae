// Bundles the explorer into the Django app's static files. The output is committed
// and must be byte-for-byte what this script writes (make frontend-check).
import { build } from "esbuild";

const outdir = process.argv[2] ?? "../statements/static/explore";

await build({
  entryPoints: [{ in: "src/main.ts", out: "explore" }, { in: "src/explore.css", out: "explore" }],
  outdir,
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
});
