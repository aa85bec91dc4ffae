/**
 * Pages. A list answers a page-number page (`page` is an object, `count` a
 * number) or, with `updated_since`/`cursor`, a keyset page (`page` and `count`
 * null); both link the next page in `next`, null on the last.
 */
import type { StatementsClient } from "./client.js";

/** What every page of every list has. */
export interface AnyPage<T> {
  readonly next: string | null;
  readonly results: readonly T[];
}

/**
 * The first page and every page after it, following `next` to the end:
 * `for await (const page of pages(client, first)) ...`. Later pages are
 * the same operation's, so they have the first page's type.
 */
export async function* pages<P extends AnyPage<unknown>>(
  client: StatementsClient,
  first: P,
): AsyncGenerator<P> {
  let page: P = first;
  const seen = new Set<string>();
  for (;;) {
    yield page;
    if (page.next === null) return;
    if (seen.has(page.next)) throw new Error(`The pages loop at ${page.next}`);
    seen.add(page.next);
    page = samePage(first, await client.getJson(page.next));
  }
}

/** Every result of every page, in order. */
export async function* items<T, P extends AnyPage<T>>(
  client: StatementsClient,
  first: P & AnyPage<T>,
): AsyncGenerator<T> {
  for await (const page of pages(client, first)) yield* page.results;
}

function samePage<P extends AnyPage<unknown>>(_first: P, body: unknown): P {
  if (!isPage(body)) throw new TypeError("The next link did not answer a page");
  // The API answers a `next` link with the operation's own page type.
  return body as P;
}

function isPage(body: unknown): body is AnyPage<unknown> {
  return (
    typeof body === "object" &&
    body !== null &&
    "results" in body &&
    Array.isArray(body.results) &&
    "next" in body &&
    (body.next === null || typeof body.next === "string")
  );
}
