/**
 * NDJSON exports, streamed: one typed record per line, without holding the
 * file in memory.
 */
import { serializeQuery, type StatementsClient } from "./client.js";
import type { ExportRecords } from "./export-records.js";
import type { paths } from "./schema.js";

type NdjsonPath = Extract<keyof paths, `/api/v1/exports/${string}.ndjson`>;

/** The exports by name: `quotes`, `statements`, `stakeholder-groups`, ... */
export type ExportName = NdjsonPath extends `/api/v1/exports/${infer Name}.ndjson` ? Name : never;

type Operation<N extends ExportName> = paths[`/api/v1/exports/${N}.ndjson`]["get"];

/** One line of an export: the schema's `<Resource>ExportRecord` (`x-ndjson-item`). */
export type ExportRecord<N extends ExportName> = ExportRecords[N];

/** The filters of an export: the same as its list's. */
export type ExportQuery<N extends ExportName> = NonNullable<Operation<N>["parameters"]["query"]>;

/**
 * The records of an export, as they arrive:
 * `for await (const quote of exportRecords(client, "quotes", { theme: ["migration"] }))`.
 */
export async function* exportRecords<N extends ExportName>(
  client: StatementsClient,
  name: N,
  query?: ExportQuery<N>,
): AsyncGenerator<ExportRecord<N>> {
  const search = serializeQuery(query);
  const url = `${client.baseUrl}/api/v1/exports/${name}.ndjson${search ? `?${search}` : ""}`;
  const response = await client.getResponse(url);
  if (response.body === null) return;
  for await (const line of lines(response.body)) {
    const record: ExportRecord<N> = JSON.parse(line);
    yield record;
  }
}

/** The non-empty lines of a UTF-8 byte stream. */
export async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  const reader = body.getReader();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const parts = pending.split("\n");
    pending = done ? "" : (parts.pop() ?? "");
    for (const part of parts) if (part.trim() !== "") yield part;
    if (done) return;
  }
}
