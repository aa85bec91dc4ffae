// Every request the explorer makes goes through here: openapi-fetch typed by the
// committed openapi.yaml (src/schema.d.ts), so a path, a parameter or a field the
// schema does not document fails the type check, and no URL is built by hand.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Quote = Schemas["Quote"];
export type QuoteFacets = Schemas["QuoteFacets"];
export type StatementDetail = Schemas["StatementDetail"];
export type Fidelity = Schemas["FidelityEnum"];
export type StakeholderRole = Schemas["StakeholderRoleEnum"];
export type QuoteQuery = NonNullable<paths["/api/v1/quotes/"]["get"]["parameters"]["query"]>;
export type FacetQuery = NonNullable<
  paths["/api/v1/quotes/facets/"]["get"]["parameters"]["query"]
>;

/** A failed call, in the terms the page tells the reader. */
export class ApiError extends Error {
  constructor(
    readonly kind: "rate-limited" | "unavailable" | "offline" | "not-found" | "bad-request" | "error",
    readonly status: number,
    readonly retryAfter: number | null,
    message: string,
  ) {
    super(message);
  }
}

const client = createClient<paths>({ baseUrl: window.location.origin });

function retryAfterSeconds(response: Response): number | null {
  const value = response.headers.get("Retry-After");
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The problem+json `detail`, when the error body is one. */
function problemDetail(error: unknown): string | null {
  if (error && typeof error === "object" && "detail" in error) {
    const detail = (error as { detail: unknown }).detail;
    if (typeof detail === "string") return detail;
  }
  return null;
}

async function call<T>(
  request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await request();
  } catch {
    // fetch rejects only when no response came back at all.
    throw new ApiError(
      "offline",
      0,
      null,
      navigator.onLine ? "The API could not be reached." : "This browser is offline.",
    );
  }
  const { data, error, response } = result;
  if (data !== undefined && response.ok) return data;
  const detail = problemDetail(error) ?? response.statusText;
  const wait = retryAfterSeconds(response);
  switch (response.status) {
    case 429:
      throw new ApiError("rate-limited", 429, wait, detail);
    case 503:
      throw new ApiError("unavailable", 503, wait, detail);
    case 404:
      throw new ApiError("not-found", 404, null, detail);
    case 400:
      throw new ApiError("bad-request", 400, null, detail);
    default:
      throw new ApiError("error", response.status, wait, detail);
  }
}

export const PAGE_SIZE = 20;

/**
 * Without `fields`, a list item or a detail body is the full object: the schema
 * types it `Name | PartialName` (PartialName where `fields` trims), and this
 * narrows it (clients/typescript's `whole` does the same, checking every key).
 */
function isWhole<T extends object>(
  value: T,
): value is Extract<T, { readonly slug: string; readonly url: string }> {
  return "slug" in value && "url" in value && "created_at" in value;
}

function whole<T extends object>(value: T): Extract<T, { readonly slug: string; readonly url: string }> {
  if (!isWhole(value)) throw new ApiError("error", 200, null, "The API sent a trimmed object.");
  return value;
}

/** A page of quotes; `count` and `totalPages` as a page-number page gives them. */
export async function listQuotes(query: QuoteQuery) {
  const page = await call(() =>
    client.GET("/api/v1/quotes/", {
      params: { query: { ...query, page_size: PAGE_SIZE, expand: ["event"] } },
    }),
  );
  // A keyset page (never asked for here) has neither `count` nor `page`.
  const numbered = "page" in page ? page : null;
  return {
    count: numbered ? numbered.count : page.results.length,
    totalPages: numbered ? numbered.page.total_pages : 1,
    results: page.results.map(whole),
  };
}

export function quoteFacets(query: FacetQuery) {
  return call(() => client.GET("/api/v1/quotes/facets/", { params: { query } }));
}

export async function getStatement(slug: string) {
  const statement = await call(() =>
    client.GET("/api/v1/statements/{slug}/", {
      params: { path: { slug }, query: { expand: ["event"] } },
    }),
  );
  return whole(statement);
}

/** A theme or an event as the sidebar's trees need it. */
export interface TreeRow {
  slug: string;
  name: string;
  parent: { slug: string } | null;
}

function treeRows(rows: { slug?: string; name?: string; parent?: { slug: string } | null }[]): TreeRow[] {
  return rows.flatMap((row) =>
    row.slug && row.name ? [{ slug: row.slug, name: row.name, parent: row.parent ?? null }] : [],
  );
}

// The trees of themes and events are read once per page load: every page of them,
// only the fields the sidebar needs.
export async function allThemes(): Promise<TreeRow[]> {
  const rows: TreeRow[] = [];
  for (let page = 1; ; page++) {
    const data = await call(() =>
      client.GET("/api/v1/themes/", {
        params: { query: { page, page_size: 100, fields: ["slug", "name", "parent"] } },
      }),
    );
    rows.push(...treeRows(data.results));
    if (!("page" in data) || page >= data.page.total_pages) return rows;
  }
}

export async function allEvents(): Promise<TreeRow[]> {
  const rows: TreeRow[] = [];
  for (let page = 1; ; page++) {
    const data = await call(() =>
      client.GET("/api/v1/events/", {
        params: {
          query: { page, page_size: 100, ordering: ["start_date"], fields: ["slug", "name", "parent"] },
        },
      }),
    );
    rows.push(...treeRows(data.results));
    if (!("page" in data) || page >= data.page.total_pages) return rows;
  }
}
