"""Drivers: the live (1 Hz) and batch (data factory) loops around one engine."""
