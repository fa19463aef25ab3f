export { FaultsPanel } from './FaultsPanel';
