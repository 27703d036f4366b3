"""Builds on a flow defined in another module, through a relative import and an alias."""

from . import shared
from .shared import flow as base, helper


def build(process):
    nxt = process.to(helper)
    return nxt.to(shared.start_here, name="again")


tail = build(base.to(shared.start_here))
tail.end()
base.when("Again").to("helper")  # 文字 before nothing: columns are code points
base.when("事件").to(helper).end()
