/**
 * Full and trimmed objects. Without `fields`, a list item or a detail body is
 * the full component (every property present); with `fields`, the schema says
 * `Partial<Name>`. The schema types such a spot `Name | PartialName`:
 * `whole()` narrows it to `Name`, checking at run time that nothing is missing.
 */
import type { components } from "./schema.js";
import { WHOLE_KEYS } from "./whole-keys.js";

export type Schemas = components["schemas"];

/** The member of a `Name | PartialName` union that has every property. */
export type Whole<T> = Extract<T, { readonly slug: string; readonly url: string }>;

/** A related object, brief or (`expand=`) full, told apart by `shape`. */
export type Expandable = { readonly shape: "brief" | "full" };

const WHOLE_KEY_SETS: readonly (readonly string[])[] = Object.values(WHOLE_KEYS);

/** Whether `value` has every property of the full component it may be. */
export function isWhole<T extends object>(value: T): value is Whole<T> {
  const keys = new Set(Object.keys(value));
  return WHOLE_KEY_SETS.some(
    (names) => names.length === keys.size && names.every((name) => keys.has(name)),
  );
}

/** `value` as its full component; throws when `fields` trimmed it. */
export function whole<T extends object>(value: T): Whole<T> {
  if (!isWhole(value)) {
    throw new TypeError(
      `Not a full object (was it requested with fields=?): ${Object.keys(value).join(", ")}`,
    );
  }
  return value;
}

/** The full objects of a list page's results (see `whole`). */
export function wholeResults<T extends object>(results: readonly T[]): Whole<T>[] {
  return results.map(whole);
}
