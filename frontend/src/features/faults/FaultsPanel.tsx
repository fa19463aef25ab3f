import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isNotFound } from '../../lib/api';
import { useLiveMachine, useMachineEvents } from '../../lib/stream/react';
import { NoLiveMachine, PanelMessage } from '../../lib/ui';
import { ActiveFaults } from './ActiveFaults';
import { faultCatalogQueryOptions, INJECTED_FAULTS_QUERY_KEY, injectedFaultsQueryOptions } from './faultsApi';
import { InjectForm } from './InjectForm';
import './faults.css';

const FAULT_EVENTS = new Set(['fault_injected', 'fault_cleared']);

/** Fault injection: the catalogue form and the faults acting on the live machine. */
export function FaultsPanel() {
  const queryClient = useQueryClient();
  const catalog = useQuery(faultCatalogQueryOptions());
  const liveMachine = useLiveMachine();
  const injected = useQuery({ ...injectedFaultsQueryOptions(), enabled: liveMachine !== false });
  useMachineEvents((event) => {
    if (FAULT_EVENTS.has(event.kind)) void queryClient.invalidateQueries({ queryKey: INJECTED_FAULTS_QUERY_KEY });
  });

  let body: ReactNode;
  if (liveMachine === false || isNotFound(injected.error)) {
    body = <NoLiveMachine />;
  } else if (catalog.data) {
    body = (
      <>
        <InjectForm catalog={catalog.data} />
        <h3 className="panel__subtitle">Active faults</h3>
        {injected.data ? (
          <ActiveFaults faults={injected.data} catalog={catalog.data} />
        ) : injected.error ? (
          <PanelMessage kind="error">Injected faults could not be loaded: {injected.error.message}</PanelMessage>
        ) : (
          <PanelMessage kind="loading">Loading…</PanelMessage>
        )}
      </>
    );
  } else if (catalog.error) {
    body = isNotFound(catalog.error) ? (
      <PanelMessage kind="unavailable">Fault injection is not available on this server.</PanelMessage>
    ) : (
      <PanelMessage kind="error">The fault catalogue could not be loaded: {catalog.error.message}</PanelMessage>
    );
  } else body = <PanelMessage kind="loading">Loading the fault catalogue…</PanelMessage>;

  return (
    <section className="panel panel--faults faults" data-testid="panel-faults" aria-label="Fault injection">
      <h2 className="panel__title">Fault injection</h2>
      {body}
    </section>
  );
}
