import { formatClock } from '../../lib/format';
import { AckForm } from './AckForm';
import type { Alarm } from './alarmsApi';

/** One latched alarm, prominent: what, what to check, and the acknowledge form (or who acknowledged). */
export function ActiveAlarm({
  alarm,
  operator,
  onOperatorChange,
}: {
  alarm: Alarm;
  operator: string;
  onOperatorChange: (operator: string) => void;
}) {
  const acknowledged = alarm.acknowledged_at !== null;
  return (
    <article
      className="active-alarm"
      data-testid="active-alarm"
      data-code={alarm.code}
      data-acknowledged={acknowledged}
      aria-label={`Alarm ${String(alarm.code)} ${alarm.name}`}
    >
      <header className="active-alarm__head">
        <span className="active-alarm__code">{alarm.code}</span>
        <span className="active-alarm__name">{alarm.name}</span>
        <span className="active-alarm__time">since {formatClock(alarm.raised_at)}</span>
      </header>
      <p className="active-alarm__text">
        {alarm.text} — check: {alarm.action}
      </p>
      {acknowledged ? (
        <p className="active-alarm__ack" data-testid="alarm-acknowledged">
          Acknowledged by {alarm.acknowledged_by} at {formatClock(alarm.acknowledged_at)}
          {alarm.ack_comment && <> (“{alarm.ack_comment}”)</>}. Remove the cause, then press Reset.
        </p>
      ) : (
        <AckForm alarm={alarm} operator={operator} onOperatorChange={onOperatorChange} />
      )}
    </article>
  );
}
