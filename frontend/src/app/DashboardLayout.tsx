import { TrendsPanel } from '../features/trends';
import { PanelSlot } from './PanelSlot';

/**
 * The operator dashboard's regions. Each slot is filled by one feature's panel (`trends` so far;
 * `machine`, `alarms`, `faults`, `parts`, `factory` later); the grid areas in styles.css fix where
 * each goes, so adding a panel means replacing one `PanelSlot` here. Panels read live data from the
 * `LiveStreamProvider` that `App` puts around the layout.
 */
export function DashboardLayout() {
  return (
    <div className="dashboard" data-testid="dashboard">
      <TrendsPanel />
      <PanelSlot area="machine" title="Machine" />
      <PanelSlot area="alarms" title="Alarms" />
      <PanelSlot area="faults" title="Fault injection" />
      <PanelSlot area="parts" title="Parts" />
      <PanelSlot area="factory" title="Data factory" />
    </div>
  );
}
