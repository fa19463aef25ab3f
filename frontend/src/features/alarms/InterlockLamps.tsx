import type { InterlockLamp } from './interlocks';

const STATE_TEXT = { clear: 'clear', latched: 'latched', acknowledged: 'latched, acknowledged' } as const;

/** One lamp per interlock: green clear, red (blinking) latched, red steady once acknowledged. */
export function InterlockLamps({ lamps }: { lamps: readonly InterlockLamp[] }) {
  return (
    <ul className="interlocks" aria-label="Interlocks">
      {lamps.map((lamp) => (
        <li
          key={lamp.code}
          className="interlocks__item"
          data-testid={`interlock-${String(lamp.code)}`}
          data-state={lamp.state}
          title={`${String(lamp.code)} ${lamp.label}: ${STATE_TEXT[lamp.state]}`}
        >
          <span className="interlocks__lamp" aria-hidden="true" />
          <span className="interlocks__code">{lamp.code}</span>
          <span className="interlocks__label">{lamp.label}</span>
          <span className="visually-hidden">{STATE_TEXT[lamp.state]}</span>
        </li>
      ))}
    </ul>
  );
}
