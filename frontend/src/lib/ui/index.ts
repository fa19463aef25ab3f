/** Small presentational pieces shared by the panels. */
export { Field } from './Field';
export { NO_LIVE_MACHINE_TEXT, NoLiveMachine } from './NoLiveMachine';
export { PanelMessage, type PanelMessageKind } from './PanelMessage';
export { OperatorTokenDialog } from './OperatorTokenDialog';
