import { formatFixed } from '../../lib/format';
import type { Part } from './partsApi';

/** Recent parts, newest first; a row selects the part whose profile is shown. */
export function PartsTable({
  parts,
  selectedId,
  onSelect,
}: {
  parts: readonly Part[];
  selectedId: number | null;
  onSelect: (partId: number) => void;
}) {
  return (
    <div className="scroll parts__table">
      <table className="table" data-testid="parts-table">
        <thead>
          <tr>
            <th>Part</th>
            <th className="table__num">HRC</th>
            <th className="table__num">CHD mm</th>
            <th className="table__num" title="Energy delivered to the coil for the part (the recipe's energy window applies to it)">
              Coil kJ
            </th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {parts.map((part) => (
            <tr key={part.part_id} aria-selected={part.part_id === selectedId} data-testid="part-row">
              <td>
                <button
                  type="button"
                  className="parts__select"
                  aria-pressed={part.part_id === selectedId}
                  onClick={() => {
                    onSelect(part.part_id);
                  }}
                >
                  #{part.part_id}
                </button>
              </td>
              <td className="table__num">{formatFixed(part.surface_hrc, 1)}</td>
              <td className="table__num">{formatFixed(part.case_depth_mm, 2)}</td>
              <td className="table__num">{formatFixed(part.energy_coil_kj, 0)}</td>
              <td className="table__text">
                <span className="badge" data-tone={part.verdict === 'OK' ? 'ok' : 'alarm'}>
                  {part.verdict}
                </span>
                {part.reasons.length > 0 && <span className="parts__reasons"> {part.reasons.join(', ')}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
