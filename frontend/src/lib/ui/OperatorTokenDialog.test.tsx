import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonResponse, stubFetch } from '../../test/fetchMock';
import { errorText, expectRecord, expectString, sendJson } from '../api';
import { OPERATOR_TOKEN_STORAGE_KEY, storeOperatorToken } from '../operatorToken';
import { OperatorTokenDialog } from './OperatorTokenDialog';

const REFUSAL = "operator token required: send 'Authorization: Bearer <SIM_OPERATOR_TOKEN>'";

function serverWithToken(token = 'secret') {
  return stubFetch((_input, init?: RequestInit) => {
    const authorized = new Headers(init?.headers).get('Authorization') === `Bearer ${token}`;
    return Promise.resolve(authorized ? jsonResponse({ state: 'IDLE' }) : jsonResponse({ detail: REFUSAL }, 401));
  });
}

/** A button that sends a change, as a panel does, and shows the outcome. */
function StartButton() {
  const [outcome, setOutcome] = useState('');
  return (
    <>
      <button
        type="button"
        onClick={() => {
          sendJson('POST', '/api/machine/start', undefined, (raw) => expectString(expectRecord(raw), 'state')).then(
            (state) => {
              setOutcome(`accepted: ${state}`);
            },
            (error: unknown) => {
              setOutcome(`Start refused: ${errorText(error)}`);
            },
          );
        }}
      >
        Start
      </button>
      <output data-testid="outcome">{outcome}</output>
    </>
  );
}

function renderDashboard() {
  return render(
    <>
      <StartButton />
      <OperatorTokenDialog />
    </>,
  );
}

afterEach(() => {
  storeOperatorToken(null);
  sessionStorage.clear();
});

describe('OperatorTokenDialog', () => {
  it('opens on a 401, shows a wrong token’s refusal and sends the change with the right token', async () => {
    const fetchMock = serverWithToken();
    renderDashboard();
    const start = screen.getByRole('button', { name: 'Start' });
    start.focus();
    fireEvent.click(start);

    const dialog = await screen.findByRole('dialog', { name: 'Operator token required' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleDescription(expect.stringContaining(REFUSAL) as string);
    const input = screen.getByLabelText('Operator token');
    expect(input).toHaveFocus();
    expect(input).toHaveAttribute('type', 'password');

    fireEvent.change(input, { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send with token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(`Token refused: ${REFUSAL}`);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('outcome')).toHaveTextContent('');

    fireEvent.change(input, { target: { value: ' secret ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send with token' }));

    await waitFor(() => {
      expect(screen.getByTestId('outcome')).toHaveTextContent('accepted: IDLE');
    });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(start).toHaveFocus();
    expect(sessionStorage.getItem(OPERATOR_TOKEN_STORAGE_KEY)).toBe('secret');
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('Cancel closes the dialog and the action fails with a readable message', async () => {
    serverWithToken();
    renderDashboard();
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));

    await screen.findByRole('dialog');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    await waitFor(() => {
      expect(screen.getByTestId('outcome')).toHaveTextContent(
        'Start refused: operator token not entered (this server accepts changes only with it)',
      );
    });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(sessionStorage.getItem(OPERATOR_TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('Escape cancels, and the send button waits for a token', async () => {
    serverWithToken();
    renderDashboard();
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));

    const dialog = await screen.findByRole('dialog');
    expect(screen.getByRole('button', { name: 'Send with token' })).toBeDisabled();
    fireEvent.keyDown(dialog, { key: 'Escape' });

    await waitFor(() => {
      expect(screen.getByTestId('outcome')).toHaveTextContent(/^Start refused: operator token not entered/);
    });
  });

  it('keeps Tab inside the dialog', async () => {
    serverWithToken();
    renderDashboard();
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const dialog = await screen.findByRole('dialog');
    const input = screen.getByLabelText('Operator token');
    fireEvent.change(input, { target: { value: 'x' } });
    const send = screen.getByRole('button', { name: 'Send with token' });

    send.focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(input).toHaveFocus();
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(send).toHaveFocus();
  });

  it('an unmounted dialog fails the pending request instead of leaving it hanging', async () => {
    serverWithToken();
    const view = renderDashboard();
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await screen.findByRole('dialog');

    let settled = false;
    const later = sendJson('POST', '/api/machine/stop', undefined, () => 'ok').then(
      () => 'accepted',
      (error: unknown) => errorText(error),
    );
    void later.then(() => {
      settled = true;
    });
    act(() => {
      view.unmount();
    });

    await waitFor(() => {
      expect(settled).toBe(true);
    });
    // Without a prompt the queued request fails on its own 401.
    await expect(later).resolves.toBe(REFUSAL);
  });
});
