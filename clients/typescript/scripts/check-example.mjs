// The example is written as a frontend developer would: no type assertions
// (`as `), no `any`, no non-null assertions (`!.`), anywhere in the file.
import { readFileSync } from "node:fs";

let failed = false;
for (const file of process.argv.slice(2)) {
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, index) => {
      for (const [pattern, what] of [
        [/(^|[^\w$])as\s/, "a type assertion (as)"],
        [/\bany\b/, "any"],
        [/!\./, "a non-null assertion (!.)"],
      ]) {
        if (pattern.test(line)) {
          console.error(`${file}:${index + 1}: ${what}: ${line.trim()}`);
          failed = true;
        }
      }
    });
}
if (failed) process.exit(1);
console.log("example: no as, any or !.");
