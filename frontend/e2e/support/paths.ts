import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const repoDir = path.resolve(frontendDir, '..');
export const distDir = path.join(frontendDir, 'dist');
export const distIndexHtml = path.join(distDir, 'index.html');
export const serverExecutable = path.join(repoDir, '.venv', 'bin', 'induction-sim');
export const artifactsDir = path.join(repoDir, 'artifacts', 'e2e');
