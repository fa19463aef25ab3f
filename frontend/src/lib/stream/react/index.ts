/** React bindings of the live stream: one provider for the dashboard, hooks for panels. */
export { createDashboardStream } from './createDashboardStream';
export { LiveStreamProvider, type CreateLiveStream } from './LiveStreamProvider';
export type { LiveData } from './liveDataContext';
export { signalCatalogueQueryOptions } from './signalsQuery';
export { useLiveData } from './useLiveData';
export { useLiveSelector } from './useLiveSelector';
export { useLiveStatus } from './useLiveStatus';
export { useJobMessages, useLiveMachine, useMachineEvents, useStreamOpen } from './useStreamMessages';
