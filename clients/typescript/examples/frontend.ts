/**
 * What a frontend does with the Statements API, written the way a frontend
 * developer would: no casts, no escape hatches, no non-null assertions. Run
 * against a seeded server (npm test runs it), it checks what it shows.
 *
 *   STATEMENTS_API_URL=http://127.0.0.1:8000 node dist/examples/frontend.js
 */
import assert from "node:assert/strict";
import {
  createStatementsClient,
  highlight,
  highlightParts,
  items,
  sliceCodePoints,
  whole,
  wholeResults,
  type StatementQuote,
} from "../src/index.js";

const client = createStatementsClient({
  baseUrl: process.env.STATEMENTS_API_URL ?? "http://127.0.0.1:8000",
});

// 1. The quotes of a theme, with their speakers.
const themed = await client.get("/api/v1/quotes/", { query: { theme: ["regional-cooperation"] } });
const themedQuotes = wholeResults(themed.results);
for (const quote of themedQuotes) {
  console.log(`“${quote.text.slice(0, 60)}…” (${quote.speaker.name}, ${quote.fidelity})`);
}
assert.equal(themed.count, 3);
assert.ok(themedQuotes.every((quote) => quote.themes.some((theme) => theme.slug === "regional-cooperation")));

// 2. One statement, each of its quotes highlighted in place.
const statement = whole(
  await client.get("/api/v1/statements/{slug}/", {
    path: { slug: "voa-blinken-on-meeting-the-migration-challenge" },
  }),
);
const segments = highlight<StatementQuote>(
  statement.text,
  statement.quotes.map((quote) => ({ owner: quote, spans: quote.spans })),
);
const html = segments
  .map((segment) =>
    segment.mark === null ? segment.text : `<mark data-quote="${segment.mark.slug}">${segment.text}</mark>`,
  )
  .join("");
console.log(`${statement.title}: ${statement.quotes.length} quotes, ${html.length} characters of HTML`);
assert.equal(segments.map((segment) => segment.text).join(""), statement.text);
const marked = segments.filter((segment) => segment.mark !== null);
assert.equal(marked.length, statement.quotes.flatMap((quote) => quote.spans).length);
for (const quote of statement.quotes) {
  const pieces = quote.spans.map((span) => sliceCodePoints(statement.text, span.start, span.end));
  const shown = marked.filter((segment) => segment.mark?.slug === quote.slug).map((segment) => segment.text);
  assert.deepEqual(shown, pieces);
}

// 3. A search, with its highlights.
const search = await client.get("/api/v1/search/", { query: { q: "border", type: ["quote"] } });
for (const hit of search.results) {
  const parts = highlightParts(hit.highlight ?? "");
  const matched = parts.filter((part) => part.marked).map((part) => part.text);
  console.log(`${hit.type} ${hit.slug}: ${matched.join(", ")}`);
  assert.ok(matched.some((word) => word.toLowerCase().startsWith("border")));
}
assert.ok(search.results.length > 0);

// 4. A list to its end: page numbers, then keyset pages.
const firstThemes = await client.get("/api/v1/themes/", { query: { page_size: 5 } });
if (firstThemes.page === null) throw new Error("A page-number page was expected");
const themes = [];
for await (const theme of items(client, firstThemes)) themes.push(whole(theme));
console.log(`themes: ${themes.length} over ${firstThemes.page.total_pages} pages`);
assert.equal(themes.length, firstThemes.count);
assert.equal(new Set(themes.map((theme) => theme.slug)).size, 22);

const firstSync = await client.get("/api/v1/themes/", {
  query: { updated_since: "2000-01-01T00:00:00Z", page_size: 5 },
});
assert.equal(firstSync.page, null);
assert.equal(firstSync.count, null);
const synced = [];
for await (const theme of items(client, firstSync)) synced.push(whole(theme).slug);
console.log(`themes by keyset: ${synced.length}`);
assert.deepEqual([...synced].sort(), themes.map((theme) => theme.slug).sort());

// 5. expand= gives whole related objects; fields= trims the top-level ones.
const expanded = whole(
  await client.get("/api/v1/quotes/{slug}/", {
    path: { slug: "blinken-stabilize-and-strengthen-host-communities" },
    query: { expand: ["speaker", "statement"] },
  }),
);
if (expanded.speaker.shape !== "full") throw new Error("The speaker was not expanded");
console.log(`${expanded.speaker.name}: ${expanded.speaker.biography.slice(0, 60)}…`);
assert.ok(expanded.speaker.roles.length > 0);
assert.equal(expanded.statement.shape, "full");

// The raw openapi-fetch client works too; its data is typed by the schema.
const { data: trimmed, error } = await client.api.GET("/api/v1/quotes/", {
  params: { query: { fields: ["slug", "text"] } },
});
if (trimmed === undefined) throw new Error(`fields=slug,text failed: ${JSON.stringify(error)}`);
for (const quote of trimmed.results) {
  assert.deepEqual(Object.keys(quote).sort(), ["slug", "text"]);
  assert.equal(typeof quote.text, "string");
}
console.log(`fields=slug,text: ${trimmed.results.length} quotes, each with slug and text only`);
console.log("example: all checks passed");
