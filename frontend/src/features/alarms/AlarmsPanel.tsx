import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { isNotFound } from '../../lib/api';
import { useLiveMachine, useMachineEvents } from '../../lib/stream/react';
import { NoLiveMachine, PanelMessage } from '../../lib/ui';
import { ActiveAlarm } from './ActiveAlarm';
import { AlarmHistory } from './AlarmHistory';
import { alarmKey, ALARMS_QUERY_KEY, alarmsQueryOptions, type Alarm } from './alarmsApi';
import { InterlockLamps } from './InterlockLamps';
import { interlockLamps } from './interlocks';
import './alarms.css';

const ALARM_EVENTS = new Set(['alarm_raised', 'alarm_acknowledged', 'alarm_reset']);
const HISTORY_ROWS = 50;

function AlarmsBody({ alarms }: { alarms: readonly Alarm[] }) {
  const [operator, setOperator] = useState('');
  const active = alarms.filter((alarm) => alarm.active);
  const lamps = useMemo(() => interlockLamps(alarms), [alarms]);
  return (
    <>
      {active.length === 0 ? (
        <p className="alarms__clear" data-testid="no-active-alarm">
          No active alarm
        </p>
      ) : (
        <div className="alarms__active">
          {active.map((alarm) => (
            <ActiveAlarm key={alarmKey(alarm)} alarm={alarm} operator={operator} onOperatorChange={setOperator} />
          ))}
        </div>
      )}
      <h3 className="panel__subtitle">Interlocks</h3>
      <InterlockLamps lamps={lamps} />
      <h3 className="panel__subtitle">History</h3>
      <AlarmHistory alarms={alarms.slice(0, HISTORY_ROWS)} />
    </>
  );
}

/** Active alarms (prominent, with the acknowledge form), interlock lamps and the alarm history. */
export function AlarmsPanel() {
  const queryClient = useQueryClient();
  const liveMachine = useLiveMachine();
  const alarms = useQuery({ ...alarmsQueryOptions(), enabled: liveMachine !== false });
  useMachineEvents((event) => {
    if (ALARM_EVENTS.has(event.kind)) void queryClient.invalidateQueries({ queryKey: ALARMS_QUERY_KEY });
  });

  let body: ReactNode;
  if (liveMachine === false || isNotFound(alarms.error)) body = <NoLiveMachine />;
  else if (alarms.data) body = <AlarmsBody alarms={alarms.data} />;
  else if (alarms.error) {
    body = <PanelMessage kind="error">Alarms could not be loaded: {alarms.error.message}</PanelMessage>;
  } else body = <PanelMessage kind="loading">Loading alarms…</PanelMessage>;

  const activeCount = alarms.data?.filter((alarm) => alarm.active).length ?? 0;
  return (
    <section
      className="panel panel--alarms alarms"
      data-testid="panel-alarms"
      data-active-alarms={activeCount}
      aria-label="Alarms"
    >
      <h2 className="panel__title">Alarms</h2>
      {body}
    </section>
  );
}
