// The quote explorer: a search, a faceted list of quotes and a statement reader,
// every view's state in the URL, every byte from the public API.
import {
  ApiError,
  PAGE_SIZE,
  allEvents,
  allThemes,
  getStatement,
  listQuotes,
  quoteFacets,
  type Quote,
  type QuoteFacets,
  type StatementDetail,
  type TreeRow,
} from "./api";
import { dateElement, dateRange, formatMonth, h, monthBounds, replace } from "./dom";
import {
  FIDELITIES,
  ROLES,
  type ListFilter,
  type SearchState,
  type State,
  type StatementState,
  emptySearch,
  facetQuery,
  hasFilters,
  quoteQuery,
  readState,
  writeState,
} from "./state";
import { codePointIndex, highlightPieces, markedText, segments, type Mark } from "./text";

const form = document.querySelector<HTMLFormElement>("#search")!;
const input = document.querySelector<HTMLInputElement>("#q")!;
const sidebar = document.querySelector<HTMLElement>("#facets")!;
const status = document.querySelector<HTMLElement>("#status")!;
const view = document.querySelector<HTMLElement>("#view")!;

let generation = 0; // the render whose answers still count
let lastSearch: string | null = null; // the query string last rendered
let countdown: number | undefined;
let lastResults = window.location.pathname; // the way back from a statement

// --- Navigation ------------------------------------------------------------------

type Focus = "heading" | "keep" | "none";

function urlOf(state: State): string {
  const query = writeState(state);
  return query ? `?${query}` : window.location.pathname;
}

function navigate(state: State, focus: Focus = "heading"): void {
  history.pushState({ explorer: true }, "", urlOf(state));
  void render(focus);
}

document.addEventListener("click", (event) => {
  const link = (event.target as Element).closest?.("a[href]");
  if (!(link instanceof HTMLAnchorElement) || event.defaultPrevented) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname !== location.pathname) return;
  if (url.search === location.search && url.hash) return; // an anchor in this view
  event.preventDefault();
  history.pushState({ explorer: true }, "", url.href);
  void render(link.dataset.focus === "keep" ? "keep" : "heading");
});

window.addEventListener("popstate", () => {
  if (location.search === lastSearch) {
    scrollToHash();
    return;
  }
  void render("heading");
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const current = readState(location.search);
  const base = current.view === "results" ? current : emptySearch();
  navigate({ ...base, q: input.value.trim(), page: 1 });
});

function scrollToHash(): void {
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (target) {
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }
}

// --- Rendering -------------------------------------------------------------------

async function render(focus: Focus): Promise<void> {
  const state = readState(location.search);
  const mine = ++generation;
  window.clearInterval(countdown);
  lastSearch = location.search;
  input.value = state.view === "results" ? state.q : "";
  document.body.dataset.view = state.view;
  if (state.view === "results") {
    lastResults = urlOf(state);
    document.title = "Quote explorer · Statements API";
  }
  view.setAttribute("aria-busy", "true");
  status.textContent = state.view === "results" ? "Loading quotes…" : "Loading the statement…";
  // Results stay on screen (marked busy) while new ones load; otherwise say so.
  if (!view.querySelector("h2") || state.view === "statement") {
    replace(view, h("p", { class: "loading" }, status.textContent));
  }
  try {
    if (state.view === "statement") await showStatement(state, mine);
    else await showResults(state, mine, focus);
  } catch (error) {
    if (mine !== generation) return;
    showProblem(error);
  } finally {
    if (mine === generation) view.removeAttribute("aria-busy");
  }
  if (mine !== generation) return;
  if (focus === "heading") view.querySelector<HTMLElement>("h2")?.focus();
  if (state.view === "statement" && location.hash) scrollToHash();
}

let trees: Promise<[TreeRow[], TreeRow[]]> | null = null;

function loadTrees() {
  trees ??= Promise.all([allThemes(), allEvents()]).catch((error: unknown) => {
    trees = null;
    throw error;
  });
  return trees;
}

async function showResults(state: SearchState, mine: number, focus: Focus): Promise<void> {
  // The cards come first; the sidebar follows when its facets and trees arrive.
  const sidebarData = Promise.all([quoteFacets(facetQuery(state)), loadTrees()]);
  sidebarData.catch(() => undefined); // awaited below; a failure there is shown then
  const page = await listQuotes(quoteQuery(state));
  if (mine !== generation) return;
  renderResults(state, page.count, page.results, page.totalPages);
  performance.mark("explorer:results"); // read by the browser tests (time to first result)
  const [facets, [themes, events]] = await sidebarData;
  if (mine !== generation) return;
  const focused = focus === "keep" ? document.activeElement?.id : undefined;
  renderFacets(state, facets, themes, events);
  if (focused) document.getElementById(focused)?.focus();
}

// --- Facets ----------------------------------------------------------------------

function toggled(state: SearchState, name: ListFilter, slug: string): SearchState {
  const values = state[name].includes(slug)
    ? state[name].filter((value) => value !== slug)
    : [...state[name], slug];
  return { ...state, [name]: values, page: 1 };
}

function checkbox(
  state: SearchState,
  name: ListFilter | "stakeholder_role",
  value: string,
  label: string,
  count: number | null,
): HTMLElement {
  const id = `f-${name}-${value}`;
  const checked =
    name === "stakeholder_role"
      ? state.stakeholder_role.some((role) => role === value)
      : state[name].includes(value);
  const box = h("input", { type: "checkbox", id, value, checked });
  box.addEventListener("change", () => {
    if (name === "stakeholder_role") {
      const roles = state.stakeholder_role.filter((role) => role !== value);
      if (box.checked) roles.push(value as (typeof roles)[number]);
      navigate({ ...state, stakeholder_role: roles, page: 1 }, "keep");
    } else {
      navigate(toggled(state, name, value), "keep");
    }
  });
  return h(
    "div",
    { class: "option" },
    box,
    h(
      "label",
      { for: id },
      label,
      count === null ? null : h("span", { class: "count" }, h("span", { class: "sr" }, ", "), String(count), h("span", { class: "sr" }, count === 1 ? " quote" : " quotes")),
    ),
  );
}

/** A nested list of the rows that have quotes here (or are selected), by parent. */
function tree(
  state: SearchState,
  name: "theme" | "event",
  rows: TreeRow[],
  counts: Map<string, number>,
): HTMLElement | null {
  const children = new Map<string | null, TreeRow[]>();
  for (const row of rows) {
    const parent = row.parent?.slug ?? null;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const shown = (row: TreeRow): boolean =>
    (counts.get(row.slug) ?? 0) > 0 ||
    state[name].includes(row.slug) ||
    (children.get(row.slug) ?? []).some(shown);
  const list = (parent: string | null): HTMLElement | null => {
    const items = (children.get(parent) ?? []).filter(shown);
    if (!items.length) return null;
    return h(
      "ul",
      { class: "tree" },
      items.map((row) => {
        const below = list(row.slug);
        // A node's count includes its descendants' quotes (as its filter does);
        // a node shown only because it is selected has none.
        const count = counts.get(row.slug) ?? 0;
        return h("li", {}, checkbox(state, name, row.slug, row.name, count), below);
      }),
    );
  };
  return list(null);
}

function facetGroup(title: string, id: string, help: string | null, ...content: (Node | null)[]): HTMLElement {
  const body = content.filter((node): node is Node => node !== null);
  return h(
    "fieldset",
    { class: "facet", id, "aria-describedby": help ? `${id}-help` : undefined },
    h("legend", {}, title),
    help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
    body.length ? body : h("p", { class: "none" }, "None in these results."),
  );
}

function renderFacets(
  state: SearchState,
  facets: QuoteFacets,
  themes: TreeRow[],
  events: TreeRow[],
): void {
  const counts = (rows: { slug: string; count: number }[]) =>
    new Map(rows.map((row) => [row.slug, row.count]));
  const flat = (name: ListFilter, rows: { slug: string; name: string; count: number }[]) => {
    const missing = state[name]
      .filter((slug) => !rows.some((row) => row.slug === slug))
      .map((slug) => ({ slug, name: slug, count: 0 }));
    const all = [...rows, ...missing];
    return all.length
      ? h("ul", { class: "flat" }, all.map((row) => h("li", {}, checkbox(state, name, row.slug, row.name, row.count))))
      : null;
  };
  const roles = h(
    "fieldset",
    { class: "roles" },
    h("legend", {}, "Their role"),
    h(
      "ul",
      { class: "flat" },
      Object.entries(ROLES).map(([role, label]) =>
        h("li", {}, checkbox(state, "stakeholder_role", role, label, null)),
      ),
    ),
  );
  const largest = Math.max(1, ...facets.months.map((month) => month.count));
  const quotes = (count: number) =>
    h("span", { class: "count" }, h("span", { class: "sr" }, ", "), String(count), h("span", { class: "sr" }, count === 1 ? " quote" : " quotes"));
  const months = facets.months.length
    ? h(
        "ul",
        { class: "timeline" },
        facets.months.map(({ month, count }) => {
          // The undated quotes (no day said, no event with dates): no filter
          // selects them, so the bucket is a count, not a button.
          if (month === null) {
            return h("li", { class: "undated" }, h("span", { class: "month" }, "Undated"), quotes(count));
          }
          const [first, last] = monthBounds(month);
          const pressed = state.date_from === first && state.date_to === last;
          const button = h(
            "button",
            {
              type: "button",
              id: `f-month-${month}`,
              "aria-pressed": pressed ? "true" : "false",
            },
            h("span", { class: "month" }, formatMonth(month)),
            h("span", { class: "bar", "aria-hidden": "true" }),
            quotes(count),
          );
          (button.querySelector(".bar") as HTMLElement).style.width = `${(100 * count) / largest}%`;
          button.addEventListener("click", () =>
            navigate(
              { ...state, date_from: pressed ? "" : first, date_to: pressed ? "" : last, page: 1 },
              "keep",
            ),
          );
          return h("li", {}, button);
        }),
      )
    : null;
  const clear = hasFilters(state)
    ? h("a", { class: "clear", href: urlOf({ ...emptySearch(), q: state.q }) }, "Clear all filters")
    : null;
  replace(
    sidebar,
    clear,
    facetGroup("Themes", "facet-theme", "A theme includes its sub-themes, and so does its count.", tree(state, "theme", themes, counts(facets.themes))),
    facetGroup("Speakers", "facet-speaker", null, flat("speaker", facets.speakers)),
    facetGroup(
      "Stakeholder groups",
      "facet-stakeholder_group",
      null,
      flat("stakeholder_group", facets.stakeholder_groups),
      roles,
    ),
    facetGroup("Events", "facet-event", "An event includes its sub-events, and so does its count.", tree(state, "event", events, counts(facets.events))),
    facetGroup(
      "Month said",
      "facet-month",
      "A quote dated only by its event counts in each month the event touches.",
      months,
    ),
  );
}

// --- Results ---------------------------------------------------------------------

function renderResults(state: SearchState, count: number, quotes: Quote[], pages: number): void {
  const noun = count === 1 ? "quote" : "quotes";
  const heading = h(
    "h2",
    { id: "results-heading", tabindex: "-1" },
    state.q ? `${count} ${noun} for “${state.q}”` : `${count} ${noun}`,
  );
  status.textContent = `${count} ${noun} found.`;
  if (!quotes.length) {
    replace(
      view,
      heading,
      h(
        "div",
        { class: "empty" },
        h("p", {}, "No quote matches this search."),
        h(
          "p",
          {},
          state.q
            ? 'Try fewer or other words, an OR between alternatives, or remove a filter. Words are matched by their stem ("borders" finds "border").'
            : "Remove a filter to see more.",
        ),
        hasFilters(state) || state.q ? h("a", { href: urlOf(emptySearch()) }, "Show every quote") : null,
      ),
    );
    return;
  }
  const pager =
    pages > 1
      ? h(
          "nav",
          { class: "pager", "aria-label": "Result pages" },
          state.page > 1 ? h("a", { href: urlOf({ ...state, page: state.page - 1 }), rel: "prev" }, "Previous page") : null,
          h("span", {}, `Page ${state.page} of ${pages}`),
          state.page < pages ? h("a", { href: urlOf({ ...state, page: state.page + 1 }), rel: "next" }, "Next page") : null,
        )
      : null;
  replace(
    view,
    heading,
    state.q ? h("p", { class: "help" }, "Ranked by relevance; the words that matched are highlighted.") : null,
    h(
      "ol",
      { class: "cards", start: String((state.page - 1) * PAGE_SIZE + 1), "aria-labelledby": "results-heading" },
      quotes.map((quote) => h("li", {}, card(quote))),
    ),
    pager,
  );
}

function quoteText(quote: Quote): (Node | string)[] {
  const text = quote.text ?? "";
  const pieces = quote.highlight ? (markedText(text, quote.highlight) ?? highlightPieces(quote.highlight)) : null;
  if (!pieces) return [text];
  return pieces.map((piece) => (piece.marked ? h("mark", {}, piece.text) : piece.text));
}

function fidelityBadge(fidelity: keyof typeof FIDELITIES | undefined): HTMLElement | null {
  if (!fidelity) return null;
  return h("span", { class: `badge badge-${fidelity}` }, FIDELITIES[fidelity]);
}

function quoteDate(quote: Quote): (Node | string)[] {
  if (quote.date) return quote.date_certainty === "probable" ? ["probably ", dateElement(quote.date)] : [dateElement(quote.date)];
  const event = quote.event;
  if (event && "start_date" in event && event.start_date) {
    return ["date not established; the event ran ", ...dateRange(event.start_date, event.end_date)];
  }
  return ["date unknown"];
}

function card(quote: Quote): HTMLElement {
  const slug = quote.slug ?? "";
  const role = quote.speaker_role;
  const citationId = `cite-${slug}`;
  const copy = h("button", { type: "button", class: "copy", "aria-describedby": citationId }, "Copy citation");
  const copied = h("span", { class: "copied", role: "status" });
  copy.addEventListener("click", () => void copyText(quote.citation ?? "", copied));
  return h(
    "article",
    { class: "card", id: `quote-${slug}`, "aria-labelledby": `text-${slug}` },
    h("blockquote", { id: `text-${slug}`, cite: webUrl(quote.source?.source_url) }, h("p", {}, quoteText(quote))),
    h(
      "p",
      { class: "who" },
      h("span", { class: "speaker" }, quote.speaker?.name ?? "Unknown speaker"),
      role ? h("span", { class: "role" }, `, ${[role.title, role.organization].filter(Boolean).join(", ")}`) : null,
    ),
    h(
      "ul",
      { class: "meta" },
      h("li", {}, fidelityBadge(quote.fidelity)),
      quote.event ? h("li", {}, quote.event_certainty === "probable" ? `probably at ${quote.event.name}` : quote.event.name) : null,
      h("li", {}, quoteDate(quote)),
    ),
    quote.statement
      ? h(
          "p",
          { class: "context" },
          h(
            "a",
            { href: urlOf({ view: "statement", slug: quote.statement.slug, quote: slug }) + `#q-${slug}` },
            "Read it in “",
            quote.statement.title,
            "”",
          ),
        )
      : null,
    h(
      "div",
      { class: "cite" },
      h("p", { class: "citation", id: citationId }, quote.citation ?? ""),
      copy,
      copied,
    ),
  );
}

async function copyText(text: string, report: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    report.textContent = "Copied.";
    return;
  } catch {
    // No clipboard API outside a secure context: copy through a selection.
  }
  const area = h("textarea", { readonly: true, class: "offscreen", "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  report.textContent = done ? "Copied." : "Copy failed: select the citation and copy it.";
}

// --- The statement view ----------------------------------------------------------

/** A link target only when it is an http(s) URL: data never becomes a javascript: link. */
function webUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

async function showStatement(state: StatementState, mine: number): Promise<void> {
  const statement = await getStatement(state.slug);
  if (mine !== generation) return;
  renderStatement(statement, state);
}

function renderStatement(statement: StatementDetail, state: StatementState): void {
  const text = statement.text ?? "";
  const index = codePointIndex(text);
  const quotes = statement.quotes ?? [];
  const marks: Mark[] = quotes.flatMap((quote) =>
    quote.spans.map((span, n) => ({ start: span.start, end: span.end, quote: quote.slug, span: n })),
  );
  const seen = new Set<string>();
  const paragraphs = (statement.paragraphs ?? []).map((paragraph) => {
    const number = paragraph.index + 1;
    return h(
      "p",
      { id: `p-${number}`, class: "para", tabindex: "-1" },
      h("a", { class: "anchor", href: `${urlOf(state)}#p-${number}`, "aria-label": `Paragraph ${number}` }, `¶${number}`),
      " ",
      segments(text, index, paragraph.start, paragraph.end, marks).map((piece) => {
        if (!piece.marks.length) return piece.text;
        const first = piece.marks[0];
        const id = seen.has(first.quote) ? undefined : `q-${first.quote}`;
        seen.add(first.quote);
        return h(
          "mark",
          {
            id,
            tabindex: id ? "-1" : undefined,
            class: piece.marks.some((mark) => mark.quote === state.quote) ? "quote current" : "quote",
            "data-quote": piece.marks.map((mark) => mark.quote).join(" "),
            "data-span": piece.marks.map((mark) => `${mark.quote}:${mark.span}`).join(" "),
          },
          piece.text,
        );
      }),
    );
  });
  const event = statement.event;
  const sourceUrl = webUrl(statement.source_url);
  const publisher = statement.publisher?.name ?? "";
  const source = sourceUrl
    ? h("a", { href: sourceUrl, rel: "noopener noreferrer" }, publisher || sourceUrl)
    : publisher || "unknown";
  const licenceUrl = webUrl(statement.license_url);
  const licence = licenceUrl
    ? h("a", { href: licenceUrl, rel: "noopener noreferrer" }, statement.license)
    : statement.license;
  status.textContent = `Statement: ${statement.title}.`;
  document.title = `${statement.title} · Quote explorer`;
  replace(
    view,
    h(
      "p",
      { class: "back" },
      h("a", { href: lastResults, id: "back-to-results" }, "← Back to the quotes"),
    ),
    h(
      "article",
      { class: "statement", "aria-labelledby": "statement-heading" },
      h("h2", { id: "statement-heading", tabindex: "-1" }, statement.title),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Author"),
        h("dd", {}, statement.author?.name ?? "unknown"),
        event ? [h("dt", {}, "Event"), h("dd", {}, event.name, "start_date" in event && event.start_date ? [", ", ...dateRange(event.start_date, event.end_date)] : null)] : null,
        h("dt", {}, "Source"),
        h("dd", {}, source, statement.published_on ? [", ", dateElement(statement.published_on)] : ", publication date unknown"),
        h("dt", {}, "Licence"),
        h("dd", {}, licence),
      ),
      h("div", { class: "text", lang: statement.language }, paragraphs),
      h(
        "section",
        { "aria-labelledby": "quotes-heading" },
        h("h3", { id: "quotes-heading" }, `Quotes in this statement (${quotes.length})`),
        h(
          "ol",
          { class: "quotes" },
          quotes.map((quote) =>
            h(
              "li",
              { class: quote.slug === state.quote ? "current" : undefined },
              fidelityBadge(quote.fidelity),
              " ",
              h("a", { href: `${urlOf({ ...state, quote: quote.slug })}#q-${quote.slug}`, "data-focus": "keep" }, quote.text),
              quote.spans.length > 1 ? h("span", { class: "note" }, ` (in ${quote.spans.length} parts)`) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

// --- Problems --------------------------------------------------------------------

function showProblem(error: unknown): void {
  const problem =
    error instanceof ApiError ? error : new ApiError("error", 0, null, error instanceof Error ? error.message : String(error));
  const retry = h("button", { type: "button", id: "retry" }, "Try again");
  retry.addEventListener("click", () => void render("heading"));
  const wait = h("span", { class: "wait" });
  let title: string;
  let detail: (Node | string)[];
  switch (problem.kind) {
    case "rate-limited":
      title = "Too many requests";
      detail = ["The API limits how often it can be asked. ", wait];
      break;
    case "unavailable":
      title = "The API is unavailable";
      detail = ["The server answered 503: it cannot serve the data right now. ", wait];
      break;
    case "offline":
      title = "Offline";
      detail = [
        navigator.onLine
          ? "The API could not be reached: check the connection. "
          : "This browser is offline; the page will try again when the connection is back. ",
      ];
      window.addEventListener("online", () => void render("heading"), { once: true });
      break;
    case "not-found":
      title = "Not found";
      detail = [`${problem.message} `, h("a", { href: urlOf(emptySearch()) }, "Show every quote")];
      break;
    case "bad-request":
      title = "The search could not be run";
      detail = [problem.message];
      break;
    default:
      title = `Something went wrong (${problem.status || "no answer"})`;
      detail = [problem.message];
  }
  if (problem.retryAfter !== null && (problem.kind === "rate-limited" || problem.kind === "unavailable")) {
    let left = problem.retryAfter;
    const tell = () => {
      wait.textContent = `It asks to wait ${left} second${left === 1 ? "" : "s"} (Retry-After); the page tries again then.`;
    };
    tell();
    const mine = generation;
    countdown = window.setInterval(() => {
      left -= 1;
      if (mine !== generation) return window.clearInterval(countdown);
      if (left <= 0) {
        window.clearInterval(countdown);
        void render("none");
      } else tell();
    }, 1000);
  }
  status.textContent = `${title}.`;
  replace(
    view,
    h(
      "div",
      { class: `problem problem-${problem.kind}`, role: "alert" },
      h("h2", { tabindex: "-1" }, title),
      h("p", {}, detail),
      retry,
    ),
  );
}

void render("none");
