/** `GET /api/alarms` (newest first) and `POST /api/alarms/{id}/ack`; field names as the API sends them. */
import { queryOptions } from '@tanstack/react-query';
import { expectRecord, expectString, getJson, isNotFound, sendJson, type ApiSchema } from '../../lib/api';
import { decodeList, expectBoolean, expectNumber, expectStringOrNull } from '../../lib/decode';

export const ALARMS_PATH = '/api/alarms';

/**
 * `AlarmView`: one latched alarm of a recent live run (history outlives a server restart); `id` is
 * the seq it was raised at, unique within its run (`run_id`). `active` is latched (raised and not reset yet; an acknowledged alarm stays active
 * until the reset), `action` says what the operator should check.
 */
export type Alarm = ApiSchema<'AlarmView'>;

export function decodeAlarm(record: Record<string, unknown>): Alarm {
  return {
    run_id: expectNumber(record, 'run_id'),
    id: expectNumber(record, 'id'),
    code: expectNumber(record, 'code'),
    name: expectString(record, 'name'),
    text: expectString(record, 'text'),
    action: expectString(record, 'action'),
    active: expectBoolean(record, 'active'),
    raised_at: expectString(record, 'raised_at'),
    acknowledged_by: expectStringOrNull(record, 'acknowledged_by'),
    ack_comment: expectStringOrNull(record, 'ack_comment'),
    acknowledged_at: expectStringOrNull(record, 'acknowledged_at'),
    reset_at: expectStringOrNull(record, 'reset_at'),
  };
}

export const decodeAlarms = (raw: unknown): Alarm[] => decodeList(raw, decodeAlarm);

export const ALARMS_QUERY_KEY = ['alarms'] as const;

/** Refreshed on every alarm event of the stream; this slow poll only covers missed events. */
export const ALARMS_POLL_MS = 5_000;

export function alarmsQueryOptions() {
  return queryOptions({
    queryKey: ALARMS_QUERY_KEY,
    queryFn: ({ signal }) => getJson(ALARMS_PATH, decodeAlarms, { signal }),
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : ALARMS_POLL_MS), // 404: no live machine
    staleTime: 1_000,
  });
}

export type AckRequest = ApiSchema<'AckRequest'>;

/** Alarms of different runs can share an id: keys and lookups use both. */
export function alarmKey(alarm: Pick<Alarm, 'run_id' | 'id'>): string {
  return `${String(alarm.run_id)}:${String(alarm.id)}`;
}

export function acknowledgeAlarm(alarm: Pick<Alarm, 'run_id' | 'id'>, request: Omit<AckRequest, 'run_id'>): Promise<Alarm> {
  return sendJson('POST', `${ALARMS_PATH}/${String(alarm.id)}/ack`, { ...request, run_id: alarm.run_id }, (raw) =>
    decodeAlarm(expectRecord(raw)),
  );
}
