import { PanelSlot } from './PanelSlot';

/**
 * The operator dashboard's regions. Each slot is filled later by one feature's panel
 * (`src/features/live`, `machine`, `alarms`, `faults`, `parts`, `factory`); the grid areas in
 * styles.css fix where each goes, so adding a panel means replacing one `PanelSlot` here.
 */
export function DashboardLayout() {
  return (
    <div className="dashboard" data-testid="dashboard">
      <PanelSlot area="trends" title="Live trends" />
      <PanelSlot area="machine" title="Machine" />
      <PanelSlot area="alarms" title="Alarms" />
      <PanelSlot area="faults" title="Fault injection" />
      <PanelSlot area="parts" title="Parts" />
      <PanelSlot area="factory" title="Data factory" />
    </div>
  );
}
