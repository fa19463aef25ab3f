import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent } from 'react';
import { errorText, failureVerb } from '../../lib/api';
import { Field } from '../../lib/ui';
import { acknowledgeAlarm, ALARMS_QUERY_KEY, type Alarm } from './alarmsApi';

const OPERATOR_MAX = 80;
const COMMENT_MAX = 500;

/**
 * Acknowledge one alarm: operator name (required, remembered by the panel for the next alarm) and
 * an optional comment. A refusal (404 unknown, 409 already acknowledged, 422 invalid) is shown with
 * the server's reason.
 */
export function AckForm({
  alarm,
  operator,
  onOperatorChange,
}: {
  alarm: Alarm;
  operator: string;
  onOperatorChange: (operator: string) => void;
}) {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const ids = useId();
  const ack = useMutation({
    mutationFn: () => {
      const trimmed = comment.trim();
      return acknowledgeAlarm(alarm, { operator: operator.trim(), ...(trimmed ? { comment: trimmed } : {}) });
    },
    onSuccess: () => {
      setComment('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ALARMS_QUERY_KEY }),
  });

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    ack.mutate();
  };

  return (
    <form className="form ack-form" onSubmit={submit} aria-label={`Acknowledge alarm ${String(alarm.code)}`}>
      <div className="form__row">
        <Field label="Operator" htmlFor={`${ids}-operator`}>
          <input
            id={`${ids}-operator`}
            name="operator"
            value={operator}
            required
            maxLength={OPERATOR_MAX}
            autoComplete="name"
            placeholder="name"
            onChange={(event) => {
              onOperatorChange(event.target.value);
            }}
          />
        </Field>
        <Field label="Comment" htmlFor={`${ids}-comment`} grow>
          <input
            id={`${ids}-comment`}
            name="comment"
            value={comment}
            maxLength={COMMENT_MAX}
            placeholder="optional"
            onChange={(event) => {
              setComment(event.target.value);
            }}
          />
        </Field>
        <button type="submit" className="button button--primary" disabled={ack.isPending || operator.trim() === ''}>
          Acknowledge
        </button>
      </div>
      {ack.isError && (
        <p className="form-error" role="alert" data-testid="ack-error">
          Acknowledge {failureVerb(ack.error)}: {errorText(ack.error)}
        </p>
      )}
    </form>
  );
}
