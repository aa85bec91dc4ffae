/**
 * Offsets. The API counts Unicode code points (Python's str indexes); a
 * JavaScript string indexes UTF-16 code units, where a character outside the
 * Basic Multilingual Plane (an emoji, some CJK) takes two. Convert before
 * `text.slice()`: the two agree only while the text before the offset has no
 * such character.
 */

/** A [start, end) range of the API, in code points. */
export interface CodePointSpan {
  readonly start: number;
  readonly end: number;
}

/** The UTF-16 index of code-point offset `offset` in `text`. */
export function codePointToUtf16(text: string, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`Bad offset ${offset}`);
  let index = 0;
  for (let seen = 0; seen < offset; seen++) {
    const codePoint = text.codePointAt(index);
    if (codePoint === undefined) throw new RangeError(`Offset ${offset} is past the end of the text`);
    index += codePoint > 0xffff ? 2 : 1;
  }
  return index;
}

/** The code-point offset of UTF-16 index `index` in `text` (the inverse). */
export function utf16ToCodePoint(text: string, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > text.length) {
    throw new RangeError(`Bad index ${index}`);
  }
  let offset = 0;
  for (let at = 0; at < index; offset++) {
    const codePoint = text.codePointAt(at);
    at += codePoint !== undefined && codePoint > 0xffff ? 2 : 1;
  }
  return offset;
}

/** `text` between two code-point offsets, as the API means them. */
export function sliceCodePoints(text: string, start: number, end: number): string {
  return text.slice(codePointToUtf16(text, start), codePointToUtf16(text, end));
}

/** A piece of a text: marked when it lies inside one of the spans. */
export interface Segment<T> {
  readonly text: string;
  /** The span's owner (a quote) for a marked piece, null for the text between. */
  readonly mark: T | null;
  /** Where the piece starts and ends in the JavaScript string. */
  readonly utf16Start: number;
  readonly utf16End: number;
}

/**
 * Cuts `text` into pieces at the spans of `marks` (code points), in order:
 * render each piece, wrapping the marked ones in <mark>. Overlapping spans are
 * an error (the quotes of a statement never overlap).
 */
export function highlight<T>(
  text: string,
  marks: readonly { readonly owner: T; readonly spans: readonly CodePointSpan[] }[],
): Segment<T>[] {
  const ranges = marks
    .flatMap(({ owner, spans }) =>
      spans.map((span) => ({
        owner,
        start: codePointToUtf16(text, span.start),
        end: codePointToUtf16(text, span.end),
      })),
    )
    .sort((a, b) => a.start - b.start);
  const segments: Segment<T>[] = [];
  let at = 0;
  for (const range of ranges) {
    if (range.start < at) throw new RangeError("Spans overlap");
    if (range.start > at) {
      segments.push({ text: text.slice(at, range.start), mark: null, utf16Start: at, utf16End: range.start });
    }
    segments.push({
      text: text.slice(range.start, range.end),
      mark: range.owner,
      utf16Start: range.start,
      utf16End: range.end,
    });
    at = range.end;
  }
  if (at < text.length) {
    segments.push({ text: text.slice(at), mark: null, utf16Start: at, utf16End: text.length });
  }
  return segments;
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
  "&#39;": "'",
};

/**
 * The pieces of a search `highlight` (HTML-escaped text with <mark> around the
 * matches), unescaped: for a UI that renders text nodes rather than HTML.
 */
export function highlightParts(html: string): { readonly text: string; readonly marked: boolean }[] {
  const unescape = (part: string) => part.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e] ?? e);
  return html
    .split(/(<mark>.*?<\/mark>)/s)
    .filter((part) => part !== "")
    .map((part) =>
      part.startsWith("<mark>")
        ? { text: unescape(part.slice(6, -7)), marked: true }
        : { text: unescape(part), marked: false },
    );
}
