"""Physics: pure, vectorised numpy models of induction hardening (SI units inside, no I/O)."""
