/**
 * Fault injection: `GET /api/faults/catalog`, `GET /api/faults` (newest first), `POST /api/faults`,
 * `DELETE /api/faults/{id}`. Field names as the API sends them.
 */
import { queryOptions } from '@tanstack/react-query';
import { expectRecord, expectString, getJson, isNotFound, sendJson, type ApiSchema } from '../../lib/api';
import { decodeList, expectBoolean, expectNumber, expectNumberOrNull } from '../../lib/decode';

export const FAULTS_PATH = '/api/faults';
export const FAULT_CATALOG_PATH = '/api/faults/catalog';

export type OnsetMode = ApiSchema<'OnsetMode'>;
export const ONSET_MODES = ['step', 'ramp', 'intermittent'] as const satisfies readonly OnsetMode[];

/** `FaultTypeView`: `alarm` is the alarm code the fault can raise, if any. */
export type FaultType = ApiSchema<'FaultTypeView'>;

export type InjectedFault = ApiSchema<'FaultView'>;

/**
 * `FaultRequest` (`duration_s` in simulated seconds; absent: until cleared). The schema lists the
 * fault types; the form takes them from the catalogue the server sends, so `type` is a string here.
 */
export type FaultRequest = Omit<ApiSchema<'FaultRequest'>, 'type'> & { type: string };

function decodeFaultType(record: Record<string, unknown>): FaultType {
  return {
    id: expectString(record, 'id'),
    name: expectString(record, 'name'),
    subsystem: expectString(record, 'subsystem'),
    description: expectString(record, 'description'),
    signature: expectString(record, 'signature'),
    outcome: expectString(record, 'outcome'),
    sensor_only: expectBoolean(record, 'sensor_only'),
    alarm: expectNumberOrNull(record, 'alarm'),
  };
}

function decodeInjectedFault(record: Record<string, unknown>): InjectedFault {
  return {
    id: expectNumber(record, 'id'),
    run_id: expectNumber(record, 'run_id'),
    type: expectString(record, 'type'),
    severity: expectNumber(record, 'severity'),
    mode: expectString(record, 'mode'),
    duration_s: expectNumberOrNull(record, 'duration_s'),
    onset_seq: expectNumber(record, 'onset_seq'),
    onset_at: expectString(record, 'onset_at'),
    cleared: expectBoolean(record, 'cleared'),
  };
}

export const decodeFaultCatalog = (raw: unknown): FaultType[] => decodeList(raw, decodeFaultType);
export const decodeInjectedFaults = (raw: unknown): InjectedFault[] => decodeList(raw, decodeInjectedFault);

export const FAULT_CATALOG_QUERY_KEY = ['faults', 'catalog'] as const;
export const INJECTED_FAULTS_QUERY_KEY = ['faults', 'injected'] as const;

/** Refreshed on fault events of the stream; the poll catches faults whose duration ran out. */
export const FAULTS_POLL_MS = 5_000;

export function faultCatalogQueryOptions() {
  return queryOptions({
    queryKey: FAULT_CATALOG_QUERY_KEY,
    queryFn: ({ signal }) => getJson(FAULT_CATALOG_PATH, decodeFaultCatalog, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function injectedFaultsQueryOptions() {
  return queryOptions({
    queryKey: INJECTED_FAULTS_QUERY_KEY,
    queryFn: ({ signal }) => getJson(FAULTS_PATH, decodeInjectedFaults, { signal }),
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : FAULTS_POLL_MS), // 404: no live machine
    staleTime: 1_000,
  });
}

export function injectFault(request: FaultRequest): Promise<InjectedFault> {
  return sendJson('POST', FAULTS_PATH, request, (raw) => decodeInjectedFault(expectRecord(raw)));
}

export function clearFault(faultId: number): Promise<InjectedFault> {
  return sendJson('DELETE', `${FAULTS_PATH}/${String(faultId)}`, undefined, (raw) => decodeInjectedFault(expectRecord(raw)));
}

export function isOnsetMode(value: string): value is OnsetMode {
  return ONSET_MODES.some((mode) => mode === value);
}


/** The request of the inject form: the duration only when one was typed (empty: until cleared). */
export function faultRequest(type: string, severity: number, mode: OnsetMode, duration: string): FaultRequest {
  const trimmed = duration.trim();
  return { type, severity, mode, ...(trimmed === '' ? {} : { duration_s: Number(trimmed) }) };
}
