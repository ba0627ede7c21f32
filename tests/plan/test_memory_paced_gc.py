"""The plan's workers run programs with the cyclic garbage collector paced by memory, not by allocations."""

from __future__ import annotations

import gc
import sys
import threading
import time
import weakref
from typing import Any

import pytest

from ecr_shared_services.plan import memory_paced_gc
from ecr_shared_services.plan.memory_paced_gc import collection_paced_by_memory, resident_bytes

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident memory is read from /proc")


class Node:
    def __init__(self, payload: int) -> None:
        self.payload = bytearray(payload)
        self.me = self  # a cycle: only the cyclic collector frees it


@LINUX
def test_the_automatic_collector_is_off_inside_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with collection_paced_by_memory():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paced_by_memory():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@LINUX
def test_allocations_alone_start_no_collection() -> None:
    collections: list[dict[str, Any]] = []
    inside = False

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and inside:
            collections.append(info)

    gc.callbacks.append(note)
    try:
        with collection_paced_by_memory():
            inside = True
            kept = [[i] for i in range(200_000)]  # hundreds of collections' worth of new containers
            inside = False
        assert len(kept) == 200_000
        assert collections == []
    finally:
        gc.callbacks.remove(note)


@LINUX
def test_garbage_in_cycles_is_collected_once_memory_has_grown() -> None:
    assert resident_bytes() is not None
    with collection_paced_by_memory(growth_factor=1.0, min_growth=8 * 1024 * 1024, poll_seconds=0.01):
        first = Node(1024 * 1024)
        gone = weakref.ref(first)
        del first
        for _ in range(64):  # 64 MiB of cyclic garbage: the automatic collector is off
            Node(1024 * 1024)
        deadline = time.monotonic() + 10
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gone() is None


@LINUX
def test_a_frozen_block_leaves_what_it_made_to_no_collection() -> None:
    before = gc.get_freeze_count()
    try:
        with collection_paced_by_memory():
            kept = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == before
        with collection_paced_by_memory(freeze=True):
            kept += [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= before + 1000
    finally:
        gc.unfreeze()
    assert len(kept) == 2000


def test_where_memory_cannot_be_read_the_collector_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory_paced_gc, "resident_bytes", lambda: None)
    threads = threading.active_count()
    with collection_paced_by_memory():
        assert gc.isenabled()
        assert threading.active_count() == threads  # no watcher
    assert gc.isenabled()
