"""Flows built by factory functions, as the seed documents build them."""

from tfc import TriggerFlow


def prepare(data):
    return data.value


def consume(data):
    return data.value


def build_child_flow():
    child = TriggerFlow(name="factory_child")
    child.to(prepare).for_each().to(consume).end_for_each()
    return child


def build_parent_flow():
    parent = TriggerFlow(name="factory_parent")
    parent.to(prepare).to_sub_flow(
        build_child_flow(),
        capture={"input": "value"},
        write_back={"value": "result.report"},
    ).to(consume)
    return parent


PARENT = build_parent_flow()
