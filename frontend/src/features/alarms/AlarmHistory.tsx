import { formatClock } from '../../lib/format';
import { alarmKey, type Alarm } from './alarmsApi';

/**
 * Past and present alarms of the recent live runs (also from before a server restart), newest first:
 * raised, acknowledged (by whom, why), reset.
 */
export function AlarmHistory({ alarms }: { alarms: readonly Alarm[] }) {
  if (alarms.length === 0) return <p className="alarms__none">No alarms yet.</p>;
  return (
    <div className="scroll alarms__history">
      <table className="table" data-testid="alarm-history">
        <thead>
          <tr>
            <th>Raised / reset</th>
            <th>Alarm</th>
            <th>Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {alarms.map((alarm) => (
            <tr key={alarmKey(alarm)} data-active={alarm.active} data-run={alarm.run_id}>
              <td>
                {formatClock(alarm.raised_at)}
                <br />
                {alarm.active ? <span className="badge" data-tone="alarm">active</span> : `→ ${formatClock(alarm.reset_at)}`}
              </td>
              <td className="table__text" title={alarm.name}>
                <span className="alarms__code">{alarm.code}</span> {alarm.text}
              </td>
              <td className="table__text">
                {alarm.acknowledged_by === null ? (
                  '—'
                ) : (
                  <>
                    {alarm.acknowledged_by} {formatClock(alarm.acknowledged_at)}
                    {alarm.ack_comment && <span className="alarms__comment"> “{alarm.ack_comment}”</span>}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
