// Against a live seeded server: STATEMENTS_API_URL (npm test via make client-test).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ApiError,
  createStatementsClient,
  exportRecords,
  items,
  pages,
  serializeQuery,
  whole,
  wholeResults,
} from "../src/index.js";

const baseUrl = process.env.STATEMENTS_API_URL;
if (!baseUrl) throw new Error("Set STATEMENTS_API_URL to a seeded server (make client-test does)");
const client = createStatementsClient({ baseUrl });
const QUOTE = "blinken-stabilize-and-strengthen-host-communities";

test("list values are sent repeated, the form the schema declares", () => {
  assert.equal(
    serializeQuery({ expand: ["speaker", "statement"], page: 2, q: undefined, x: "" }),
    "expand=speaker&expand=statement&page=2",
  );
});

test("several values of a list parameter all count", async () => {
  const either = await client.get("/api/v1/quotes/", { query: { fidelity: ["direct", "reported"] } });
  const raw = await client.api.GET("/api/v1/quotes/", {
    params: { query: { fidelity: ["direct", "reported"] } },
  });
  assert.equal(either.count, 6);
  assert.equal(raw.data?.results.length, 6);
  assert.match(raw.response.url, /fidelity=direct&fidelity=reported/);
});

test("expand with two names expands both, told apart by shape", async () => {
  const quote = whole(
    await client.get("/api/v1/quotes/{slug}/", {
      path: { slug: QUOTE },
      query: { expand: ["speaker", "statement"] },
    }),
  );
  assert.equal(quote.speaker.shape, "full");
  assert.equal(quote.statement.shape, "full");
  assert.equal(quote.event?.shape, "brief");
  if (quote.speaker.shape === "full") assert.ok(quote.speaker.biography.length > 0);
});

test("whole refuses an object that fields trimmed", async () => {
  const trimmed = await client.get("/api/v1/quotes/{slug}/", {
    path: { slug: QUOTE },
    query: { fields: ["slug"] },
  });
  assert.deepEqual(Object.keys(trimmed), ["slug"]);
  assert.throws(() => whole(trimmed), TypeError);
});

test("pages follows next to the last page number, and keyset pages to the end", async () => {
  const first = await client.get("/api/v1/quotes/", { query: { page_size: 2 } });
  const numbers = [];
  for await (const page of pages(client, first)) numbers.push(page.page?.number);
  assert.deepEqual(numbers, [1, 2, 3]);

  const sync = await client.get("/api/v1/quotes/", {
    query: { updated_since: "2000-01-01T00:00:00Z", page_size: 4 },
  });
  const slugs = [];
  for await (const quote of items(client, sync)) slugs.push(whole(quote).slug);
  assert.equal(slugs.length, 6);
  assert.equal(new Set(slugs).size, 6);
});

test("an NDJSON export streams typed records", async () => {
  const records = [];
  for await (const record of exportRecords(client, "quotes", { theme: ["regional-cooperation"] })) {
    records.push(record);
  }
  assert.equal(records.length, 3);
  for (const record of records) {
    assert.equal(typeof record.text, "string");
    assert.equal(record.speaker.shape, "brief");
    assert.ok(record.spans.length > 0);
  }
  const themes = [];
  for await (const theme of exportRecords(client, "themes")) themes.push(theme.slug);
  assert.equal(themes.length, 22);
});

test("errors carry the problem+json", async () => {
  await assert.rejects(
    client.get("/api/v1/quotes/", { query: { theme: ["no-such-theme"] } }),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 400);
      return true;
    },
  );
  const listed = await client.get("/api/v1/themes/", { query: { page_size: 100 } });
  assert.equal(wholeResults(listed.results).length, 22);
});
