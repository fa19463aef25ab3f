export { MachinePanel } from './MachinePanel';
