/** `GET /api/machine` (state snapshot) and `POST /api/machine/{command}`; field names as sent. */
import { queryOptions } from '@tanstack/react-query';
import { expectRecord, expectString, getJson, isNotFound, sendJson, type ApiSchema } from '../../lib/api';
import { expectArray, expectNumber, expectNumberOrNull } from '../../lib/decode';

export const MACHINE_PATH = '/api/machine';

export const MACHINE_COMMANDS = ['start', 'stop', 'reset', 'estop'] as const;
export type MachineCommand = (typeof MACHINE_COMMANDS)[number];

/** The active alarm of the snapshot (an `AlarmView`; the schema says only "object"): what the panel reads of it. */
export type ActiveAlarm = Pick<ApiSchema<'AlarmView'>, 'id' | 'code' | 'name' | 'text'>;

type MachineView = ApiSchema<'MachineView'>;

/** `MachineView` as the panel keeps it: the active faults counted, the energy window as `[low, high]`. */
export type MachineSnapshot = Pick<
  MachineView,
  'run_id' | 'seq' | 'state' | 'seconds_in_state' | 'part_id' | 'parts_made' | 'previous_parts_run' | 'recipe' | 'speed'
> & {
  alarm: ActiveAlarm | null;
  active_faults: number;
  energy_window_kj: readonly [number, number];
};

function decodeAlarm(raw: unknown): ActiveAlarm | null {
  if (raw === null || raw === undefined) return null;
  const record = expectRecord(raw);
  return {
    id: expectNumber(record, 'id'),
    code: expectNumber(record, 'code'),
    name: expectString(record, 'name'),
    text: expectString(record, 'text'),
  };
}

export function decodeMachineSnapshot(raw: unknown): MachineSnapshot {
  const record = expectRecord(raw);
  const window = expectArray(record, 'energy_window_kj');
  const [low, high] = window;
  if (typeof low !== 'number' || typeof high !== 'number') {
    throw new Error('field "energy_window_kj" should be [low, high] in kJ');
  }
  return {
    run_id: expectNumber(record, 'run_id'),
    seq: expectNumber(record, 'seq'),
    state: expectString(record, 'state'),
    seconds_in_state: expectNumber(record, 'seconds_in_state'),
    part_id: expectNumberOrNull(record, 'part_id'),
    parts_made: expectNumber(record, 'parts_made'),
    previous_parts_run: expectNumberOrNull(record, 'previous_parts_run'),
    recipe: expectString(record, 'recipe'),
    speed: expectNumber(record, 'speed'),
    alarm: decodeAlarm(record.alarm),
    active_faults: expectArray(record, 'active_faults').length,
    energy_window_kj: [low, high],
  };
}

export const MACHINE_QUERY_KEY = ['machine'] as const;

/**
 * The snapshot is refreshed when the stream reports a machine event (see `MachinePanel`) and, as a
 * safety net for missed events, every few seconds. Live values come from the stream, not from here.
 */
export const MACHINE_POLL_MS = 5_000;

export function machineQueryOptions() {
  return queryOptions({
    queryKey: MACHINE_QUERY_KEY,
    queryFn: ({ signal }) => getJson(MACHINE_PATH, decodeMachineSnapshot, { signal }),
    // A 404: no live machine on this server; asking again every few seconds would change nothing.
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : MACHINE_POLL_MS),
    staleTime: 1_000,
  });
}

export function sendMachineCommand(command: MachineCommand): Promise<MachineSnapshot> {
  return sendJson('POST', `${MACHINE_PATH}/${command}`, undefined, decodeMachineSnapshot);
}
