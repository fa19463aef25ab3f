import { TIME_WINDOWS, type TimeWindowSeconds } from './timeWindows';

/** 1 min / 10 min / 1 h, as a group of toggle buttons. */
export function WindowSelector({
  value,
  onChange,
  disabled = false,
}: {
  value: TimeWindowSeconds;
  onChange: (seconds: TimeWindowSeconds) => void;
  disabled?: boolean;
}) {
  return (
    <div className="window-selector" role="radiogroup" aria-label="Time window">
      {TIME_WINDOWS.map((window) => (
        <button
          key={window.seconds}
          type="button"
          role="radio"
          className="window-selector__option"
          aria-checked={window.seconds === value}
          data-window={window.seconds}
          disabled={disabled}
          onClick={() => {
            onChange(window.seconds);
          }}
        >
          {window.label}
        </button>
      ))}
    </div>
  );
}
