import { useEffect, useId, useRef, useState, type KeyboardEvent, type SubmitEvent } from 'react';
import { errorText } from '../api';
import { setOperatorTokenPrompt, type TokenChallenge } from '../operatorToken';
import { Field } from './Field';
import './operatorTokenDialog.css';

interface PendingPrompt {
  /** Counts the prompts: each one gets a fresh form. */
  serial: number;
  challenge: TokenChallenge;
  resolve: (accepted: boolean) => void;
}

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), [href], [tabindex]:not([tabindex="-1"])';

/** Sorted as Tab visits them (some DOMs list the matches of a selector group selector by selector). */
function inDocumentOrder(elements: HTMLElement[]): HTMLElement[] {
  return elements.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

/**
 * The dialog the API client opens when the server refuses a change for want of the operator token
 * (401). Mounted once (in `App`); it registers itself as the client's token prompt. The operator
 * enters the token, the request is sent again with it; a token the server refuses leaves the dialog
 * open with the server's message; Cancel (or Escape) leaves the request failed.
 */
export function OperatorTokenDialog() {
  const [pending, setPending] = useState<PendingPrompt | null>(null);
  const pendingRef = useRef<PendingPrompt | null>(null);
  const serialRef = useRef(0);

  useEffect(() => {
    const unregister = setOperatorTokenPrompt(
      (challenge) =>
        new Promise<boolean>((resolve) => {
          serialRef.current += 1;
          const next = { serial: serialRef.current, challenge, resolve };
          pendingRef.current = next;
          setPending(next);
        }),
    );
    return () => {
      unregister();
      // Unmounted while asking: the request fails as if cancelled rather than hanging.
      pendingRef.current?.resolve(false);
      pendingRef.current = null;
    };
  }, []);

  if (!pending) return null;
  const finish = (accepted: boolean) => {
    pending.resolve(accepted);
    pendingRef.current = null;
    setPending(null);
  };
  return <TokenForm key={pending.serial} challenge={pending.challenge} onDone={finish} />;
}

function TokenForm({ challenge, onDone }: { challenge: TokenChallenge; onDone: (accepted: boolean) => void }) {
  const ids = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [token, setToken] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  // Focus moves into the dialog and back to where it was (the button that sent the request) after.
  useEffect(() => {
    const previous = document.activeElement;
    inputRef.current?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, []);

  const cancel = () => {
    if (!checking) onDone(false);
  };

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate || checking) return;
    setChecking(true);
    setRefusal(null);
    let answer: string | null;
    try {
      answer = await challenge.submit(candidate);
    } catch (error) {
      answer = errorText(error);
    }
    if (answer === null) {
      onDone(true);
      return;
    }
    setRefusal(answer);
    setChecking(false);
    inputRef.current?.select();
  };

  // Escape cancels; Tab stays inside the dialog (it is modal).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      cancel();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    const focusable = inDocumentOrder(Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)));
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="token-dialog__backdrop">
      <div
        ref={dialogRef}
        className="token-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        aria-describedby={`${ids}-description`}
        data-testid="operator-token-dialog"
        onKeyDown={onKeyDown}
      >
        <h2 id={`${ids}-title`} className="token-dialog__title">
          Operator token required
        </h2>
        <div id={`${ids}-description`} className="token-dialog__description">
          <p>
            {challenge.storedTokenRefused
              ? 'The server refused the operator token given earlier in this tab. '
              : 'This server accepts changes only with its operator token. '}
            Enter it to send <code>{challenge.action}</code>; it is kept until this tab is closed.
          </p>
          <p className="token-dialog__server" data-testid="operator-token-reason">
            Server: {challenge.message}
          </p>
        </div>
        <form
          className="form"
          onSubmit={(event) => {
            void submit(event);
          }}
        >
          <Field label="Operator token" htmlFor={`${ids}-token`}>
            <input
              ref={inputRef}
              id={`${ids}-token`}
              name="operator-token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              required
              value={token}
              aria-invalid={refusal !== null}
              aria-describedby={refusal === null ? undefined : `${ids}-refusal`}
              onChange={(event) => {
                setToken(event.target.value);
              }}
            />
          </Field>
          {refusal !== null && (
            <p id={`${ids}-refusal`} className="form-error" role="alert" data-testid="operator-token-error">
              Token refused: {refusal}
            </p>
          )}
          <div className="token-dialog__buttons">
            <button type="button" className="button" onClick={cancel} disabled={checking}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={checking || token.trim() === ''}>
              {checking ? 'Checking…' : 'Send with token'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
