export { PartsPanel } from './PartsPanel';
