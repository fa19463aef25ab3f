/** The samples are 1 s of simulated time apart (`timestamp = start_sim + seq s`) at any speed factor. */
export const NOMINAL_SAMPLE_PERIOD_S = 1;
