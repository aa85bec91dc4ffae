import assert from "node:assert/strict";
import { test } from "node:test";
import {
  codePointToUtf16,
  highlight,
  highlightParts,
  sliceCodePoints,
  utf16ToCodePoint,
} from "../src/index.js";

// "🌎" is one code point and two UTF-16 units: offsets after it differ by one.
const text = "Hi 🌎 world, 👋🏽 again";

test("code-point offsets convert to UTF-16 indexes and back", () => {
  assert.equal(codePointToUtf16(text, 3), 3);
  assert.equal(codePointToUtf16(text, 4), 5);
  assert.equal(codePointToUtf16(text, 5), 6);
  for (let offset = 0; offset <= Array.from(text).length; offset++) {
    assert.equal(utf16ToCodePoint(text, codePointToUtf16(text, offset)), offset);
  }
  assert.throws(() => codePointToUtf16(text, 100), RangeError);
});

test("sliceCodePoints reads what a Python str slice reads", () => {
  // Python: "Hi 🌎 world, 👋🏽 again"[5:10] == "world"
  assert.equal(sliceCodePoints(text, 5, 10), "world");
  assert.equal(sliceCodePoints(text, 12, 14), "👋🏽");
  assert.equal(text.slice(5, 10), " worl"); // the mistake the helpers avoid
});

test("highlight cuts the text at the spans of each owner, in order", () => {
  const segments = highlight(text, [
    { owner: "b", spans: [{ start: 12, end: 14 }] },
    { owner: "a", spans: [{ start: 5, end: 10 }] },
  ]);
  assert.deepEqual(
    segments.map((s) => [s.text, s.mark]),
    [
      ["Hi 🌎 ", null],
      ["world", "a"],
      [", ", null],
      ["👋🏽", "b"],
      [" again", null],
    ],
  );
  assert.equal(segments.map((s) => s.text).join(""), text);
  assert.throws(
    () => highlight(text, [{ owner: 1, spans: [{ start: 0, end: 5 }, { start: 4, end: 6 }] }]),
    RangeError,
  );
});

test("highlightParts unescapes a search highlight into marked pieces", () => {
  assert.deepEqual(highlightParts("a &amp; <mark>border</mark> &lt;b&gt;"), [
    { text: "a & ", marked: false },
    { text: "border", marked: true },
    { text: " <b>", marked: false },
  ]);
});
