/**
 * The client: openapi-fetch, typed by the schema, sending query parameters in
 * the form the schema declares (list values repeated: `theme=a&theme=b`).
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema.js";

/**
 * `?a=1&b=x&b=y`: arrays repeated (`style: form, explode: true`, as every
 * list-valued parameter of the schema is declared), empty and undefined values
 * left out. The server also reads `b=x,y`; this is the form the schema names.
 */
export function serializeQuery(query: Readonly<Record<string, unknown>> | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(name, String(item));
    } else {
      params.append(name, String(value));
    }
  }
  return params.toString();
}

export interface ClientOptions {
  /** The API's origin, e.g. `https://statements.example.org` (the schema's `servers`). */
  baseUrl: string;
  /** A partner key, sent as `Authorization: Api-Key <key>`. */
  apiKey?: string;
  /** A fetch of your own (tests, retries); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

/** The paths that answer GET with JSON. */
export type GetPath = {
  [P in keyof paths]: paths[P] extends {
    get: { responses: { 200: { content: { "application/json": unknown } } } };
  }
    ? P
    : never;
}[keyof paths];

type GetOperation<P extends GetPath> = paths[P]["get"];

/** The JSON body of a GET, exactly as the schema types it. */
export type Json<P extends GetPath> =
  GetOperation<P>["responses"][200]["content"]["application/json"];

/** The parameters of a GET: `{ path: { slug }, query: { ... } }`. */
export type Params<P extends GetPath> = Pick<GetOperation<P>["parameters"], "query" | "path">;

/** The typed client, and what the helpers of this package need to follow links. */
export interface StatementsClient {
  /** openapi-fetch, typed by the schema: `api.GET("/api/v1/quotes/", { params })`. */
  readonly api: Client<paths>;
  /**
   * GET through openapi-fetch; the JSON body typed exactly as the schema says
   * (openapi-fetch's own result type drops properties whose type is `null`,
   * such as a keyset page's `count`), or an ApiError with the problem+json:
   * `await client.get("/api/v1/quotes/{slug}/", { path: { slug } })`.
   */
  get<P extends GetPath>(
    path: P,
    ...params: {} extends Params<P> ? [Params<P>?] : [Params<P>]
  ): Promise<Json<P>>;
  readonly baseUrl: string;
  /** GET an absolute URL of this API (a `next` link) and parse its JSON. */
  getJson(url: string): Promise<unknown>;
  /** GET an absolute URL of this API and return the response (for streams). */
  getResponse(url: string): Promise<Response>;
}

/** An HTTP error of the API: the problem+json body (RFC 9457) when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly problem: unknown,
  ) {
    super(`${status} from ${url}: ${problemDetail(problem)}`);
    this.name = "ApiError";
  }
}

function problemDetail(problem: unknown): string {
  if (typeof problem === "object" && problem !== null && "detail" in problem) {
    return String(problem.detail);
  }
  return "no problem details";
}

export function createStatementsClient(options: ClientOptions): StatementsClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.apiKey) headers.Authorization = `Api-Key ${options.apiKey}`;
  const api = createClient<paths>({
    baseUrl,
    headers,
    fetch: fetchImpl,
    querySerializer: (query) => serializeQuery(query),
  });

  async function getResponse(url: string): Promise<Response> {
    if (!url.startsWith(`${baseUrl}/`)) {
      throw new Error(`${url} is not a URL of ${baseUrl}`);
    }
    const response = await fetchImpl(url, { headers });
    if (!response.ok) {
      const problem: unknown = await response.json().catch(() => null);
      throw new ApiError(response.status, url, problem);
    }
    return response;
  }

  // openapi-fetch's GET, called with a path it cannot check at compile time
  // (`get`'s own signature checks it instead).
  const untypedGet = api.GET as unknown as (
    path: string,
    init: { params?: unknown },
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

  return {
    api,
    baseUrl,
    getResponse,
    async get<P extends GetPath>(path: P, ...params: [Params<P>?]): Promise<Json<P>> {
      const { data, error, response } = await untypedGet(path, { params: params[0] ?? {} });
      if (data === undefined) throw new ApiError(response.status, response.url, error);
      return data as Json<P>;
    },
    async getJson(url: string): Promise<unknown> {
      const response = await getResponse(url);
      const body: unknown = await response.json();
      return body;
    },
  };
}

/**
 * The data of an openapi-fetch result, or an ApiError with its problem+json:
 * `const quote = await ok(api.GET(...))`.
 */
export async function ok<R extends { data?: unknown; error?: unknown; response: Response }>(
  result: Promise<R>,
): Promise<NonNullable<R["data"]>> {
  const { data, error, response } = await result;
  if (data === undefined || data === null) throw new ApiError(response.status, response.url, error);
  return data;
}
