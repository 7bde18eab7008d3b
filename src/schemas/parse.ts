/**
 * Reading untrusted input through a valibot schema: the value, or an AppError whose message names
 * the field (as a path like `turns[2].reply`) and what is wrong with it in plain words.
 */
import * as v from 'valibot';
import { AppError, type ErrorCode } from '../errors.ts';

export interface ParseContext {
  code: ErrorCode;
  /** What the input should be, for the start of the message ("This is not a trajectory exported by this app"). */
  subject: string;
}

const OBJECT_SCHEMAS = new Set(['object', 'loose_object', 'strict_object']);

export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, context: ParseContext): v.InferOutput<S> {
  // valibot's object schemas accept arrays (they are objects); a file holding a list is a different mistake.
  if (OBJECT_SCHEMAS.has(schema.type) && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new AppError(context.code, `${context.subject}: it is not a JSON object.`);
  }
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw new AppError(context.code, `${context.subject}: ${describeIssue(result.issues[0])}.`);
}

/** `turns[2].reply` from valibot's issue path. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).reduce((out: string, item) => (typeof item.key === 'number' ? `${out}[${item.key}]` : out ? `${out}.${String(item.key)}` : String(item.key)), '');
}

// A Map: the names it is asked for describe untrusted input, and a plain object would answer `constructor`.
const WORDS = new Map([
  ['string', 'text'],
  ['number', 'a number'],
  ['boolean', 'true or false'],
  ['Object', 'an object'],
  ['Array', 'a list'],
  ['undefined', 'missing'],
  ['null', 'null'],
]);

const words = (type: string | null) => (type === null ? 'something else' : (WORDS.get(type) ?? type));

/** valibot reports a received primitive by its value (`1`, `"x"`, `true`); name its kind instead. */
function receivedWords(received: string): string {
  if (received.startsWith('"')) return 'text';
  if (received === 'true' || received === 'false') return WORDS.get('boolean')!;
  if (received !== '' && !Number.isNaN(Number(received))) return WORDS.get('number')!;
  return words(received);
}

/** One issue in plain words, e.g. `turns[2].reply should be text but is missing`. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issuePath(issue);
  const where = path ? `"${path}"` : 'the value';
  // A missing object key reports the key itself as "expected".
  if (issue.kind === 'schema' && issue.received === 'undefined' && path) {
    return issue.expected && WORDS.has(issue.expected) ? `${where} is missing (it should be ${words(issue.expected)})` : `${where} is missing`;
  }
  // A message the schema wrote itself (checks, ranges) is already plain; valibot's own ("Invalid type: …") is phrased here.
  // A lower-case message continues the field's name ("turns" is empty); a sentence stands after a colon.
  if (issue.kind !== 'schema' || !issue.expected || !issue.message.startsWith('Invalid ')) {
    if (!path) return issue.message;
    return /^[a-z]/.test(issue.message) ? `${where} ${issue.message}` : `${where}: ${issue.message}`;
  }
  return `${where} should be ${words(issue.expected)} but is ${receivedWords(issue.received)}`;
}

/** A whole number in [min, max], with one message for every way it can be wrong. */
export function wholeNumber(label: string, min: number, max: number) {
  const message = `${label} must be a whole number from ${min} to ${max}.`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
}

export function decimal(label: string, min: number, max: number, note = '') {
  const message = `${label} must be between ${min} and ${max}${note}.`;
  return v.pipe(v.number(message), v.finite(message), v.minValue(min, message), v.maxValue(max, message));
}

/** The range a number schema allows, read from its pipe (a form's min/max come from the schema itself). */
export function numberLimits(schema: v.GenericSchema): { min?: number; max?: number; integer: boolean } {
  let inner = schema as v.GenericSchema & { wrapped?: v.GenericSchema; pipe?: { type: string; requirement?: unknown }[] };
  while (inner.wrapped) inner = inner.wrapped as typeof inner;
  const limits: { min?: number; max?: number; integer: boolean } = { integer: false };
  for (const action of inner.pipe ?? []) {
    if (action.type === 'min_value') limits.min = Number(action.requirement);
    if (action.type === 'max_value') limits.max = Number(action.requirement);
    if (action.type === 'integer') limits.integer = true;
  }
  return limits;
}
