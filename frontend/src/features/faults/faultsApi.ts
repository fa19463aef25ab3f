/**
 * Fault injection: `GET /api/faults/catalog`, `GET /api/faults` (newest first), `POST /api/faults`,
 * `DELETE /api/faults/{id}`. Field names as the API sends them.
 */
import { queryOptions } from '@tanstack/react-query';
import { expectRecord, expectString, getJson, isNotFound, sendJson } from '../../lib/api';
import { decodeList, expectBoolean, expectNumber, expectNumberOrNull } from '../../lib/decode';

export const FAULTS_PATH = '/api/faults';
export const FAULT_CATALOG_PATH = '/api/faults/catalog';

export const ONSET_MODES = ['step', 'ramp', 'intermittent'] as const;
export type OnsetMode = (typeof ONSET_MODES)[number];

export interface FaultType {
  id: string;
  name: string;
  subsystem: string;
  description: string;
  signature: string;
  outcome: string;
  sensor_only: boolean;
  /** The alarm code the fault can raise, if any. */
  alarm: number | null;
}

export interface InjectedFault {
  id: number;
  type: string;
  severity: number;
  mode: string;
  duration_s: number | null;
  onset_seq: number;
  onset_at: string;
  cleared: boolean;
}

export interface FaultRequest {
  type: string;
  severity: number;
  mode: OnsetMode;
  /** Simulated seconds; absent: until cleared. */
  duration_s?: number;
}

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
