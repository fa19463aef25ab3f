import { AlarmsPanel } from '../features/alarms';
import { FactoryPanel } from '../features/factory';
import { FaultsPanel } from '../features/faults';
import { MachinePanel } from '../features/machine';
import { PartsPanel } from '../features/parts';
import { TrendsPanel } from '../features/trends';

/**
 * The operator dashboard's regions, one feature panel each; the grid areas in styles.css fix where
 * each goes. Panels read live data from the `LiveStreamProvider` that `App` puts around the layout
 * and their server state through TanStack Query.
 */
export function DashboardLayout() {
  return (
    <div className="dashboard" data-testid="dashboard">
      <TrendsPanel />
      <MachinePanel />
      <AlarmsPanel />
      <FaultsPanel />
      <PartsPanel />
      <FactoryPanel />
    </div>
  );
}
