import { runDownloads } from './factoryApi';

/** CSV / Parquet / manifest links of a run. */
export function RunDownloads({ runId }: { runId: number }) {
  return (
    <span className="downloads" data-testid="run-downloads">
      {runDownloads(runId).map((link) => (
        <a key={link.label} className="downloads__link" href={link.href} download={link.filename}>
          {link.label}
        </a>
      ))}
    </span>
  );
}
