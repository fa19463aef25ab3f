/**
 * More decoder helpers (see `expectRecord`, `expectString`, `expectOneOf` in ./api): each reads one
 * field of a JSON object and throws an `Error` naming the field when it has the wrong type.
 */
import { expectRecord } from './api';

export function expectNumber(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`field "${key}" should be a number`);
  return value;
}

/** A number, or `null` when the field is null, missing or not finite. */
export function expectNumberOrNull(record: Record<string, unknown>, key: string): number | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') throw new Error(`field "${key}" should be a number or null`);
  return Number.isFinite(value) ? value : null;
}

export function expectStringOrNull(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new Error(`field "${key}" should be a string or null`);
  return value;
}

export function expectBoolean(record: Record<string, unknown>, key: string): boolean {
  const value = record[key];
  if (typeof value !== 'boolean') throw new Error(`field "${key}" should be true or false`);
  return value;
}

export function expectArray(record: Record<string, unknown>, key: string): unknown[] {
  const value = record[key];
  if (!Array.isArray(value)) throw new Error(`field "${key}" should be a list`);
  return value;
}

export function expectStringList(record: Record<string, unknown>, key: string): string[] {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new Error(`field "${key}" should be a list of strings`);
  }
  return value;
}

/** A list of numbers (`null` items become NaN), or `null` when the field is missing or null. */
export function optionalNumberList(record: Record<string, unknown>, key: string): number[] | null {
  const value = record[key];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new Error(`field "${key}" should be a list of numbers`);
  return value.map((item: unknown) => {
    if (item === null) return Number.NaN;
    if (typeof item !== 'number') throw new Error(`field "${key}" should be a list of numbers`);
    return item;
  });
}

/** A JSON array whose entries each go through `decodeEntry` (its errors name the entry). */
export function decodeList<T>(raw: unknown, decodeEntry: (record: Record<string, unknown>) => T): T[] {
  if (!Array.isArray(raw)) throw new Error('expected a JSON array');
  return raw.map((entry: unknown, index) => {
    try {
      return decodeEntry(expectRecord(entry));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`entry ${String(index)}: ${reason}`, { cause: error });
    }
  });
}
