"""Chunk names and schemas come from `schemas`, through mypy's symbol tables (and cache)."""

from typing import TypedDict

from .schemas import TOPIC, child, fetch_facts, fetch_risks, flow


class Findings(TypedDict):
    facts: list[str]
    risks: list[str]


reveal_type(flow.when({"runtime_data": "topic"}).batch(fetch_facts, fetch_risks))  # N:13-80: Revealed type is "tfc.dsl.process.Process[TypedDict(plugin.cases.cross_module.schemas.State, {'topic'?: str}), TypedDict({'facts': list[str], 'risks': list[str]})]"
flow.to_sub_flow(child, capture={"input": TOPIC, "state": {"qurey": "state.topic"}})  # E:61-65: capture target path "state.qurey": ChildState (sub-flow) has no field "qurey"  [tfc-unknown-capture-path]  # N:61-65: did you mean "state.query"?
