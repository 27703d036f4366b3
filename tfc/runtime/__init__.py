"""The engine: executions, state, stream, interrupts, snapshots."""
