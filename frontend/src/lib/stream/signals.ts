import { expectRecord, expectString, type ApiSchema } from '../api';

/** One entry of `GET /api/signals`: a measured signal of the machine (field names as the API sends them). */
export type SignalInfo = ApiSchema<'SignalView'>;

export type SignalCatalogue = readonly SignalInfo[];

export const SIGNALS_PATH = '/api/signals';

export function decodeSignalCatalogue(raw: unknown): SignalCatalogue {
  if (!Array.isArray(raw)) throw new Error('expected a JSON array of signals');
  const seen = new Set<string>();
  return raw.map((entry: unknown, index) => {
    const record = expectRecord(entry);
    const signal = {
      name: expectString(record, 'name'),
      unit: expectString(record, 'unit'),
      description: expectString(record, 'description'),
    };
    if (seen.has(signal.name)) throw new Error(`signal "${signal.name}" is listed twice (entry ${String(index)})`);
    seen.add(signal.name);
    return signal;
  });
}

export function signalNames(catalogue: SignalCatalogue): string[] {
  return catalogue.map((signal) => signal.name);
}
