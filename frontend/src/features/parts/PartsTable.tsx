import { formatFixed } from '../../lib/format';
import { INSPECTION_TEXT, inspectionOf, verdictsDisagree } from './inspection';
import type { Part } from './partsApi';

function Verdict({ verdict, reasons, testId }: { verdict: 'OK' | 'NOK'; reasons: readonly string[]; testId: string }) {
  return (
    <span data-testid={testId}>
      <span className="badge" data-tone={verdict === 'OK' ? 'ok' : 'alarm'}>
        {verdict}
      </span>
      {reasons.length > 0 && <span className="parts__reasons"> {reasons.join(', ')}</span>}
    </span>
  );
}

/** QA's reading ("—" where it measured nothing) and, in grey, the true value (for trainers). */
function Reading({ measured, truth, digits, what }: { measured: number | null; truth: number | null; digits: number; what: string }) {
  return (
    <td className="table__num">
      <span title={measured === null ? `${what}: not measured` : `${what} as measured by QA`}>{formatFixed(measured, digits)}</span>
      <span className="parts__true" title={`true ${what}`}>
        {' '}
        {formatFixed(truth, digits)}
      </span>
    </td>
  );
}

/**
 * Recent parts, newest first; a row selects the part whose profile is shown. Each row shows what the
 * plant measured and decided, with the true values and the true verdict beside them for trainers.
 */
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
    <div className="parts__list">
      <div className="scroll parts__table">
        <table className="table" data-testid="parts-table">
          <thead>
            <tr>
              <th>Part</th>
              <th className="table__num" title="Rockwell C reading of QA; grey: the true surface hardness">
                HRC
              </th>
              <th className="table__num" title="Effective case depth from QA's section (microhardness traverse); grey: the true one">
                CHD mm
              </th>
              <th className="table__num" title="Energy delivered to the coil for the part (the recipe's energy window applies to it)">
                Coil kJ
              </th>
              <th title="The plant's verdict: its readings against the window, and the process monitors">Plant</th>
              <th title="The verdict on the true values (the label for training)">True</th>
            </tr>
          </thead>
          <tbody>
            {parts.map((part) => {
              const inspection = inspectionOf(part);
              return (
                <tr
                  key={part.part_id}
                  aria-selected={part.part_id === selectedId}
                  data-testid="part-row"
                  data-inspected={inspection}
                  data-disagree={verdictsDisagree(part)}
                  className="parts__row"
                >
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
                    <span className="parts__inspection" data-kind={inspection} title={INSPECTION_TEXT[inspection]} aria-label={INSPECTION_TEXT[inspection]} />
                  </td>
                  <Reading measured={part.surface_hrc_measured} truth={part.surface_hrc} digits={1} what="surface hardness" />
                  <Reading measured={part.case_depth_measured_mm} truth={part.case_depth_mm} digits={2} what="case depth" />
                  <td className="table__num">{formatFixed(part.energy_coil_kj, 0)}</td>
                  <td className="table__text">
                    <Verdict verdict={part.plant_verdict} reasons={part.plant_reasons} testId="plant-verdict" />
                  </td>
                  <td className="table__text parts__true-verdict">
                    <Verdict verdict={part.verdict} reasons={part.reasons} testId="true-verdict" />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="parts__legend">
        <span className="parts__inspection" data-kind="section" /> sectioned · <span className="parts__inspection" data-kind="hardness" /> hardness
        tested · — not measured (passed on the process monitors) · grey: true values, for trainers
      </p>
    </div>
  );
}
