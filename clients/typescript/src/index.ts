/**
 * @statements/client: a typed client of the Statements API.
 *
 * - `createStatementsClient({ baseUrl })`: openapi-fetch typed by the API's
 *   schema (`client.api.GET(...)`), list parameters sent as the schema says.
 * - `ok(result)`: the data, or an `ApiError` carrying the problem+json.
 * - `whole(obj)`: a list item or detail body as its full type (no `fields`).
 * - `pages(client, first)` / `items(client, first)`: follow `next` to the end,
 *   page-number and keyset pages alike.
 * - `highlight(text, marks)`, `codePointToUtf16`, `utf16ToCodePoint`,
 *   `sliceCodePoints`: the API's code-point spans in JavaScript strings;
 *   `highlightParts(html)`: a search highlight as text pieces.
 * - `exportRecords(client, "quotes", query)`: an NDJSON export, typed records
 *   streamed.
 */
export { ApiError, createStatementsClient, ok, serializeQuery } from "./client.js";
export type { ClientOptions, StatementsClient } from "./client.js";
export { exportRecords, lines } from "./exports.js";
export type { ExportName, ExportQuery, ExportRecord } from "./exports.js";
export { isWhole, whole, wholeResults } from "./objects.js";
export type { Expandable, Schemas, Whole } from "./objects.js";
export { items, pages } from "./pages.js";
export type { AnyPage } from "./pages.js";
export {
  codePointToUtf16,
  highlight,
  highlightParts,
  sliceCodePoints,
  utf16ToCodePoint,
} from "./spans.js";
export type { CodePointSpan, Segment } from "./spans.js";
export type { components, operations, paths } from "./schema.js";

import type { components } from "./schema.js";
type S = components["schemas"];
/** The full objects, as a request without `fields` returns them. */
export type Quote = S["Quote"];
export type Statement = S["Statement"];
export type StatementDetail = S["StatementDetail"];
export type StatementQuote = S["StatementQuote"];
export type Speaker = S["Speaker"];
export type Event = S["Event"];
export type Theme = S["Theme"];
export type StakeholderGroup = S["StakeholderGroup"];
export type Span = S["Span"];
export type SearchHit = S["SearchHit"];
