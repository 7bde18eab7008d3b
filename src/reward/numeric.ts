import { findQuantities, parseQuantity, unitsAgree, type Quantity } from './quantity.ts';

export const DEFAULT_RELATIVE_TOLERANCE = 0.01;

/** |a − b| within `tolerance` of the larger magnitude (equal values always pass). */
export function closeTo(a: number, b: number, tolerance: number): boolean {
  return a === b || Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Whether two quantities say the same number. Units must agree when both state one. A
 * percentage and a bare number match either way ("37%" = "0.37" = "37"). When only one side
 * wrote a multiplier, the numbers as written may match too: a reference "12.5" taken from a
 * table "in billions" is answered by "$12.5 bn".
 */
export function quantitiesMatch(reference: Quantity, generated: Quantity, tolerance = DEFAULT_RELATIVE_TOLERANCE): boolean {
  if (!unitsAgree(reference.unit, generated.unit)) return false;
  const close = (a: number, b: number) => closeTo(a, b, tolerance);
  if (close(reference.value, generated.value)) return true;
  if (reference.scaled !== generated.scaled && close(reference.written, generated.written)) return true;
  const percentVersusBare =
    (reference.unit === '%' && generated.unit === null) || (generated.unit === '%' && reference.unit === null);
  return percentVersusBare && close(reference.written, generated.written);
}

/**
 * Whether any quantity in the generated answer matches the reference; null when the reference
 * is not a single quantity, so numeric matching does not apply.
 */
export function numericMatch(reference: string, generated: string, tolerance = DEFAULT_RELATIVE_TOLERANCE): boolean | null {
  const expected = parseQuantity(reference);
  if (!expected) return null;
  return findQuantities(generated).some((found) => quantitiesMatch(expected, found, tolerance));
}
