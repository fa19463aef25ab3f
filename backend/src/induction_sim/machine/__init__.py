"""Machine: recipes, PLC state machine and interlocks, auxiliaries, sensors, faults."""
