// Offsets and highlights. The API counts offsets in Unicode code points (as
// PostgreSQL and Python do); JavaScript strings index UTF-16 code units, so every
// character outside the Basic Multilingual Plane shifts the two apart.

/** UTF-16 index of every code-point offset 0..n of `text` (n + 1 entries). */
export function codePointIndex(text: string): number[] {
  const index = [0];
  let unit = 0;
  for (const char of text) {
    unit += char.length;
    index.push(unit);
  }
  return index;
}

export interface Mark {
  start: number; // code points
  end: number;
  quote: string; // the quote's slug
  span: number; // which of its spans
}

export interface Segment {
  text: string;
  marks: Mark[]; // the marks covering this piece, in the order given
}

/**
 * `text[start:end]` (code points) cut at every mark boundary, each piece with
 * the marks that cover it: overlapping and split quotes need no special case.
 */
export function segments(
  text: string,
  index: number[],
  start: number,
  end: number,
  marks: Mark[],
): Segment[] {
  const inside = marks.filter((mark) => mark.start < end && mark.end > start);
  const cuts = new Set([start, end]);
  for (const mark of inside) {
    cuts.add(Math.max(start, mark.start));
    cuts.add(Math.min(end, mark.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    pieces.push({
      text: text.slice(index[from], index[to]),
      marks: inside.filter((mark) => mark.start <= from && mark.end >= to),
    });
  }
  return pieces;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of an HTML-escaped string (entities only: the snippet has no other markup). */
function unescapeHtml(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/**
 * The pieces of an API highlight snippet ("… <mark>word</mark> …"), read as
 * text: the snippet is never parsed as HTML.
 */
export function highlightPieces(snippet: string): { text: string; marked: boolean }[] {
  return snippet
    .split(/(<mark>.*?<\/mark>)/s)
    .filter(Boolean)
    .map((piece) =>
      piece.startsWith("<mark>") && piece.endsWith("</mark>")
        ? { text: unescapeHtml(piece.slice(6, -7)), marked: true }
        : { text: unescapeHtml(piece), marked: false },
    );
}

/**
 * The quote's full verbatim text with the snippet's marks placed in it, when the
 * snippet is a piece of the text; otherwise null (the snippet is shown as is).
 */
export function markedText(
  text: string,
  snippet: string,
): { text: string; marked: boolean }[] | null {
  const pieces = highlightPieces(snippet);
  const plain = pieces.map((piece) => piece.text).join("");
  const at = text.indexOf(plain);
  if (at < 0) return null;
  const result = [];
  if (at > 0) result.push({ text: text.slice(0, at), marked: false });
  result.push(...pieces);
  if (at + plain.length < text.length) {
    result.push({ text: text.slice(at + plain.length), marked: false });
  }
  return result;
}
