// The whole state of the page lives in the URL's query string: the filters keep the
// API's own parameter names, so /explore/?theme=migration&q=border reads like the
// request it makes. The statement view is ?view=statement&slug=…(&quote=…).
import type { FacetQuery, Fidelity, QuoteQuery, StakeholderRole } from "./api";

export const LIST_FILTERS = ["theme", "speaker", "stakeholder_group", "event"] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

export interface SearchState {
  view: "results";
  q: string;
  theme: string[];
  speaker: string[];
  stakeholder_group: string[];
  stakeholder_role: StakeholderRole[];
  event: string[];
  fidelity: Fidelity[];
  date_from: string;
  date_to: string;
  page: number;
}

export interface StatementState {
  view: "statement";
  slug: string;
  quote: string;
}

export type State = SearchState | StatementState;

export const ROLES: Record<StakeholderRole, string> = {
  called_to_act: "Called on to act",
  affected: "Affected",
  beneficiary: "Beneficiary",
  partner: "Partner",
  mentioned: "Mentioned",
};

export const FIDELITIES: Record<Fidelity, string> = {
  direct: "Direct quotation",
  reported: "Reported speech",
  paraphrase: "Paraphrase",
};

function only<T extends string>(values: string[], allowed: Record<T, string>): T[] {
  return values.filter((value): value is T => value in allowed);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readState(search: string): State {
  const params = new URLSearchParams(search);
  if (params.get("view") === "statement" && params.get("slug")) {
    return { view: "statement", slug: params.get("slug")!, quote: params.get("quote") ?? "" };
  }
  const list = (name: string) =>
    params
      .getAll(name)
      .flatMap((value) => value.split(","))
      .filter(Boolean);
  const date = (name: string) => {
    const value = params.get(name) ?? "";
    return DATE.test(value) ? value : "";
  };
  const page = Number(params.get("page"));
  return {
    view: "results",
    q: (params.get("q") ?? "").trim(),
    theme: list("theme"),
    speaker: list("speaker"),
    stakeholder_group: list("stakeholder_group"),
    stakeholder_role: only(list("stakeholder_role"), ROLES),
    event: list("event"),
    fidelity: only(list("fidelity"), FIDELITIES),
    date_from: date("date_from"),
    date_to: date("date_to"),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The query string of a state (without the leading "?"). */
export function writeState(state: State): string {
  const params = new URLSearchParams();
  if (state.view === "statement") {
    params.set("view", "statement");
    params.set("slug", state.slug);
    if (state.quote) params.set("quote", state.quote);
    return params.toString();
  }
  if (state.q) params.set("q", state.q);
  for (const name of [...LIST_FILTERS, "stakeholder_role", "fidelity"] as const) {
    for (const value of state[name]) params.append(name, value);
  }
  if (state.date_from) params.set("date_from", state.date_from);
  if (state.date_to) params.set("date_to", state.date_to);
  if (state.page > 1) params.set("page", String(state.page));
  return params.toString();
}

export function emptySearch(): SearchState {
  return readState("") as SearchState;
}

/** The filters of a search as the facets endpoint takes them. */
export function facetQuery(state: SearchState): FacetQuery {
  const query: FacetQuery = {};
  if (state.q) query.q = state.q;
  for (const name of LIST_FILTERS) if (state[name].length) query[name] = state[name];
  if (state.stakeholder_role.length) query.stakeholder_role = state.stakeholder_role;
  if (state.fidelity.length) query.fidelity = state.fidelity;
  if (state.date_from) query.date_from = state.date_from;
  if (state.date_to) query.date_to = state.date_to;
  return query;
}

/** The same filters, and the page, as the quotes list takes them. */
export function quoteQuery(state: SearchState): QuoteQuery {
  return { ...facetQuery(state), page: state.page };
}

export function hasFilters(state: SearchState): boolean {
  return writeState({ ...state, q: "", page: 1 }) !== "";
}
