"""A file that does not parse is a diagnostic (TFC905), not a crash."""

from tfc import TriggerFlow

flow = TriggerFlow(name="half_written")
flow.to(
