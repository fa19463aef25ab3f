export type DashboardArea = 'trends' | 'machine' | 'alarms' | 'faults' | 'parts' | 'factory';

/** An empty, titled dashboard region reserved for a panel that is not built yet. */
export function PanelSlot({ area, title }: { area: DashboardArea; title: string }) {
  return (
    <section className={`panel panel--${area} panel--empty`} data-testid={`panel-${area}`} aria-label={title}>
      <h2 className="panel__title">{title}</h2>
      <p className="panel__placeholder">Not available yet</p>
    </section>
  );
}
