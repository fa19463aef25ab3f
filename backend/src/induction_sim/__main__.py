"""`python -m induction_sim` runs the CLI."""

from induction_sim.cli import main

main()
