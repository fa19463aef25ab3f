import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { errorText, isNotFound } from '../../lib/api';
import { recipesQueryOptions } from '../../lib/plant';
import type { LiveStatusSnapshot, LiveStream } from '../../lib/stream';
import { useLiveData, useLiveMachine, useLiveSelector } from '../../lib/stream/react';
import { NoLiveMachine, PanelMessage } from '../../lib/ui';
import { HardnessProfile } from './HardnessProfile';
import { fetchLiveParts, PARTS_POLL_MS, previousPartsRunQueryOptions, type Part } from './partsApi';
import { PartsTable } from './PartsTable';
import './parts.css';

const selectRunId = (status: LiveStatusSnapshot | null) => status?.runId ?? null;
const selectPartId = (status: LiveStatusSnapshot | null) => status?.latest?.part_id ?? null;

/** FastAPI answers an unknown route with "Not Found"; an unknown run is named in the detail. */
function partsProblem(error: Error): { kind: 'unavailable' | 'error'; text: string } {
  if (isNotFound(error)) {
    const detail = errorText(error);
    return detail === 'Not Found'
      ? { kind: 'unavailable', text: 'Part results are not available on this server.' }
      : { kind: 'unavailable', text: `No parts yet: ${detail}` };
  }
  return { kind: 'error', text: `Parts could not be loaded: ${error.message}` };
}

/**
 * The part in the machine, kept through the moment between two parts (no part id then), so the
 * newest parts are asked for by the last known id.
 */
function useCurrentPartId(stream: LiveStream | null): number | null {
  const partId = useLiveSelector(stream, selectPartId);
  const [lastKnown, setLastKnown] = useState(partId);
  if (partId !== null && partId !== lastKnown) setLastKnown(partId);
  return partId ?? lastKnown;
}

function PartsBody({ parts }: { parts: readonly Part[] }) {
  const [chosen, setChosen] = useState<number | null>(null);
  const recipes = useQuery(recipesQueryOptions());
  const selected = parts.find((part) => part.part_id === chosen) ?? parts[0];
  if (!selected) return <PanelMessage kind="empty">No finished part in this run yet.</PanelMessage>;
  const recipe = recipes.data?.find((candidate) => candidate.name === selected.recipe_name);
  return (
    <div className="parts__body">
      <PartsTable parts={parts} selectedId={selected.part_id} onSelect={setChosen} />
      <HardnessProfile part={selected} recipe={recipe} />
    </div>
  );
}

/**
 * The newest parts of the live run with their verdicts, and the hardness profile of the selected
 * one (the newest by default) against its recipe's window. Fetched again when a new part enters
 * the machine and every few seconds.
 */
export function PartsPanel() {
  const liveData = useLiveData();
  const stream = liveData.status === 'ready' ? liveData.stream : null;
  const liveMachine = useLiveMachine();
  const runId = useLiveSelector(stream, selectRunId);
  const partId = useCurrentPartId(stream);
  // after a server restart the new run has no parts yet: the previous live run's are shown
  const previousRun = useQuery(previousPartsRunQueryOptions(runId)).data ?? null;
  const parts = useQuery({
    queryKey: ['parts', runId, 'recent', partId, previousRun],
    queryFn: ({ signal }) => {
      if (runId === null) throw new Error('no live run yet');
      return fetchLiveParts(runId, partId, previousRun, signal);
    },
    enabled: runId !== null,
    placeholderData: keepPreviousData,
    refetchInterval: PARTS_POLL_MS,
    // One key per part in the machine: a key left behind is of no use (a fast machine makes a part
    // every two seconds), so it is dropped at once instead of filling the cache for minutes.
    gcTime: 0,
  });

  const shownRun = parts.data?.runId ?? runId;
  let body: ReactNode;
  if (liveMachine === false) body = <NoLiveMachine />;
  else if (parts.data) body = <PartsBody parts={parts.data.parts} />;
  else if (parts.error) {
    const problem = partsProblem(parts.error);
    body = <PanelMessage kind={problem.kind}>{problem.text}</PanelMessage>;
  } else if (runId === null) {
    body = <PanelMessage kind="empty">Parts of the live run appear once live data arrives.</PanelMessage>;
  } else body = <PanelMessage kind="loading">Loading parts…</PanelMessage>;

  return (
    <section className="panel panel--parts parts" data-testid="panel-parts" aria-label="Parts">
      <h2 className="panel__title">
        Parts
        {shownRun !== null && (
          <span className="parts__run" data-testid="parts-run">
            {' '}
            · run {shownRun}
            {parts.data?.earlier && ' (before the restart)'}
          </span>
        )}
      </h2>
      {body}
    </section>
  );
}
