import { formatFixed } from '../../lib/format';

/** The live values the mimic shows (catalogue names); missing or dropout: null. */
export type MimicValues = Readonly<Record<string, number | null | undefined>>;

/** Alarm codes of the two water circuits (the PLC's table): their block turns red while latched. */
const COIL_WATER_ALARMS = new Set([101, 102]);
const QUENCH_ALARMS = new Set([201, 202]);

/** Coil travel on the drawing: scan position 0 at the bottom, the hardened length at the top. */
const COIL_Y_BOTTOM = 168;
const COIL_Y_TOP = 44;

function coilY(positionMm: number | null | undefined, hardenedLengthMm: number): number {
  if (positionMm === null || positionMm === undefined || !Number.isFinite(positionMm) || hardenedLengthMm <= 0) {
    return COIL_Y_BOTTOM;
  }
  const share = Math.min(1, Math.max(0, positionMm / hardenedLengthMm));
  return COIL_Y_BOTTOM - share * (COIL_Y_BOTTOM - COIL_Y_TOP);
}

/** 0 below 300 °C, 1 from 1000 °C: how strongly the part glows under the coil. */
function glow(surfaceC: number | null | undefined): number {
  if (surfaceC === null || surfaceC === undefined || !Number.isFinite(surfaceC)) return 0;
  return Math.min(1, Math.max(0, (surfaceC - 300) / 700));
}

function value(values: MimicValues, name: string): number | null {
  const found = values[name];
  return found === undefined || found === null || Number.isNaN(found) ? null : found;
}

/**
 * A simple mimic of the hardening station: inverter, coil and part (the coil follows the scan
 * position; the part glows with the surface temperature), quench ring, the coil-water circuit and
 * the quench circuit, each with its live values.
 */
export function MachineMimic({
  values,
  alarmCode,
  hardenedLengthMm,
}: {
  values: MimicValues;
  alarmCode: number | null;
  hardenedLengthMm: number;
}) {
  const power = value(values, 'power_kw');
  const surface = value(values, 'surface_temp_c');
  const quenchFlow = value(values, 'quench_flow_lpm');
  const y = coilY(value(values, 'scan_position_mm'), hardenedLengthMm);
  const energised = power !== null && power > 1;
  const spraying = quenchFlow !== null && quenchFlow > 2;
  const ringY = y + 20;
  const coilWaterAlarm = alarmCode !== null && COIL_WATER_ALARMS.has(alarmCode);
  const quenchAlarm = alarmCode !== null && QUENCH_ALARMS.has(alarmCode);
  const text = (name: string, digits: number) => formatFixed(value(values, name), digits);

  return (
    <svg className="mimic" viewBox="0 0 360 226" role="img" aria-label="Machine mimic" data-testid="machine-mimic">
      {/* Inverter and busbars */}
      <g className="mimic__block" data-active={energised}>
        <rect x="6" y="8" width="104" height="66" rx="4" />
        <text x="14" y="22" className="mimic__label">INVERTER</text>
        <text x="14" y="38" className="mimic__value" data-testid="mimic-power">{text('power_kw', 1)} kW</text>
        <text x="14" y="52" className="mimic__value">{formatFixed((value(values, 'frequency_hz') ?? Number.NaN) / 1000, 2)} kHz</text>
        <text x="14" y="66" className="mimic__value">{text('coil_current_a', 0)} A</text>
      </g>
      <path className="mimic__busbar" data-active={energised} d={`M110 40 H140 V${String(y + 6)} H166`} />

      {/* Part with spindle, glowing under the coil */}
      <text x="186" y="10" className="mimic__label" textAnchor="middle">{text('spindle_rpm', 0)} rpm</text>
      <rect className="mimic__part" x="178" y="14" width="16" height="190" rx="2" />
      <rect
        className="mimic__glow"
        x="178"
        y={y - 6}
        width="16"
        height="26"
        style={{ opacity: glow(surface) }}
      />

      {/* Coil (copper, around the part) and the quench ring trailing below it */}
      <g className="mimic__coil" data-active={energised}>
        <rect x="164" y={y} width="10" height="12" rx="2" />
        <rect x="198" y={y} width="10" height="12" rx="2" />
      </g>
      <text x="212" y={y + 10} className="mimic__label">COIL</text>
      <g className="mimic__ring" data-active={spraying}>
        <rect x="162" y={ringY} width="8" height="8" rx="4" />
        <rect x="202" y={ringY} width="8" height="8" rx="4" />
        {spraying && (
          <g className="mimic__spray">
            <line x1="170" y1={ringY + 4} x2="178" y2={ringY + 8} />
            <line x1="202" y1={ringY + 4} x2="194" y2={ringY + 8} />
          </g>
        )}
      </g>

      {/* Pyrometer aimed at the coil exit */}
      <line className="mimic__pyro" x1="236" y1="30" x2="196" y2={y - 2} />
      <text x="238" y="26" className="mimic__label">SURFACE</text>
      <text x="238" y="40" className="mimic__value" data-testid="mimic-surface-temp">{text('surface_temp_c', 0)} °C</text>

      {/* Coil cooling water */}
      <g className="mimic__block" data-alarm={coilWaterAlarm} data-testid="mimic-coil-water">
        <rect x="6" y="120" width="124" height="64" rx="4" />
        <text x="14" y="134" className="mimic__label">COIL WATER</text>
        <text x="14" y="150" className="mimic__value" data-testid="mimic-coil-water-flow">{text('coil_water_flow_lpm', 1)} l/min</text>
        <text x="14" y="164" className="mimic__value">in {text('coil_water_in_c', 1)} °C</text>
        <text x="14" y="178" className="mimic__value">out {text('coil_water_out_c', 1)} °C</text>
      </g>
      <path className="mimic__pipe mimic__pipe--coil" data-alarm={coilWaterAlarm} d={`M130 140 C150 140 150 ${String(y + 3)} 164 ${String(y + 3)}`} />
      <path className="mimic__pipe mimic__pipe--coil-out" data-alarm={coilWaterAlarm} d={`M130 170 C154 170 154 ${String(y + 10)} 164 ${String(y + 10)}`} />

      {/* Quench circuit: tank, pump, ring */}
      <g className="mimic__block" data-alarm={quenchAlarm} data-testid="mimic-quench">
        <rect x="240" y="120" width="114" height="100" rx="4" />
        <text x="248" y="134" className="mimic__label">QUENCH</text>
        <text x="248" y="150" className="mimic__value">{text('quench_flow_lpm', 1)} l/min</text>
        <text x="248" y="164" className="mimic__value">{text('quench_pressure_bar', 2)} bar</text>
        <text x="248" y="178" className="mimic__value">{text('quench_temp_c', 1)} °C</text>
        <text x="248" y="192" className="mimic__value">{text('quench_concentration_pct', 1)} % PAG</text>
        <rect className="mimic__tank" x="248" y="200" width="98" height="14" rx="2" />
      </g>
      <circle className="mimic__pump" data-active={spraying} cx="226" cy="196" r="7" />
      <path className="mimic__pipe mimic__pipe--quench" data-alarm={quenchAlarm} d={`M248 207 H226 V203 M226 189 V${String(ringY + 4)} H210`} />
    </svg>
  );
}
