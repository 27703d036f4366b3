"""Random flows (chains, batch, for_each, conditions, match, side branches, sub-flows,
nested) run the same through the engine and through their generated runners."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tfc import TriggerFlow, TriggerFlowRuntimeData
from tfc.codegen import load_runner

from .harness import on_engine, on_runner

D = TriggerFlowRuntimeData[Any, Any]


async def inc(data: D) -> int:
    await data.async_put_into_stream(("inc", data.value))
    return int(data.value) + 1


def double(data: D) -> int:
    data.put_into_stream(("double", data.value))
    return int(data.value) * 2


async def note(data: D) -> int:
    key = "n_" + "_".join(f"{a}x{b}" for a, b in data._scope) if data._scope else "n"
    data.state.append(key, data.value, emit=False)
    await anyio.lowlevel.checkpoint()
    await data.async_put_into_stream(("note", data.value))
    return int(data.value)


async def fail_on_seven(data: D) -> int:
    if data.value % 7 == 0:
        raise ValueError(f"seven divides {data.value}")
    return int(data.value)


async def spread(data: D) -> list[int]:
    return [data.value, data.value + 1, data.value % 3]


async def sum_all(data: D) -> int:
    value = data.value
    if isinstance(value, dict):
        value = list(value.values())
    await data.async_put_into_stream(("sum", value))
    return sum(value)


def is_odd(data: D) -> bool:
    return bool(data.value % 2)


STEPS = {"inc": inc, "double": double, "note": note, "fail": fail_on_seven}

step = st.tuples(st.just("step"), st.sampled_from(sorted(STEPS)))


def _blocks(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    chain = st.lists(inner, min_size=0, max_size=3)
    limit = st.none() | st.integers(1, 3)
    return st.one_of(
        st.tuples(st.just("batch"), st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=3), limit),
        st.tuples(st.just("for_each"), chain, limit),
        st.tuples(
            st.just("if"),
            st.lists(st.tuples(st.sampled_from(["odd", "lit0", "lit3"]), chain), min_size=1, max_size=3),
            st.booleans() | st.just(False),
            chain,
        ),
        st.tuples(st.just("hit_all"), st.lists(st.tuples(st.sampled_from(["odd", "lit4"]), chain), min_size=1, max_size=2)),
        st.tuples(st.just("side"), st.sampled_from(sorted(STEPS))),
        st.tuples(st.just("sub_flow"), chain),
    )


node = st.recursive(step, _blocks, max_leaves=8)
flows = st.lists(node, min_size=1, max_size=5)


class _Builder:
    def __init__(self, name: str) -> None:
        self.flow: TriggerFlow[Any] = TriggerFlow(name=name)
        self.n = 0

    def name(self, base: str) -> str:
        self.n += 1
        return f"{base}_{self.n}"

    def chain(self, p: Any, spec: list[Any]) -> Any:
        for item in spec:
            p = self.node(p, item)
        return p

    def node(self, p: Any, item: Any) -> Any:
        kind = item[0]
        if kind == "step":
            return p.to((self.name(item[1]), STEPS[item[1]]))
        if kind == "batch":
            p = p.batch(*[(self.name(k), STEPS[k]) for k in item[1]], concurrency=item[2])
            return p.to((self.name("sum"), sum_all))
        if kind == "for_each":
            p = p.to((self.name("spread"), spread)).for_each(concurrency=item[2])
            return self.chain(p, item[1]).end_for_each().to((self.name("sum"), sum_all))
        if kind == "if":
            first = True
            for cond, body in item[1]:
                test: Any = is_odd if cond == "odd" else int(cond.removeprefix("lit"))
                p = p.if_condition(test) if first else p.elif_condition(test)
                p = self.chain(p, body)
                first = False
            if item[2]:
                p = self.chain(p.else_condition(), item[3])
            return p.end_condition()
        if kind == "hit_all":
            p = p.match("hit_all")
            for cond, body in item[1]:
                p = self.chain(p.case(is_odd if cond == "odd" else 4), body)
            return p.end_match().to((self.name("sum"), sum_all))
        if kind == "side":
            return p.side_branch((self.name(item[1]), STEPS[item[1]]))
        if kind == "sub_flow":
            child = _Builder(self.name("child"))
            self.chain(child.flow, [("step", "inc"), *item[1]]).end()
            return p.to_sub_flow(child.flow)
        raise AssertionError(item)


async def _compare(flow: TriggerFlow[Any], value: int) -> None:
    runner = load_runner(flow)
    engine = await on_engine(flow, value)
    generated = await on_runner(runner, value)
    assert generated == engine


@pytest.mark.filterwarnings("ignore::tfc.compile.FlowWarning")
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=flows, value=st.integers(0, 9))
def test_random_flows_run_the_same_on_engine_and_runner(backend: str, spec: list[Any], value: int) -> None:
    builder = _Builder("random")
    builder.chain(builder.flow, spec).end()
    anyio.run(_compare, builder.flow, value, backend=backend)
