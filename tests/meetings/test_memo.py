"""The per-process memo: an LRU whose missing value is built once however many ask."""

from __future__ import annotations

import threading
import time

import pytest

from app.meetings.memo import Memo


def test_threads_asking_at_once_wait_for_one_build():
    memo = Memo(4)
    builds = []
    start = threading.Barrier(6)

    def build():
        builds.append(1)
        time.sleep(0.2)  # long enough for every other thread to ask meanwhile
        return "value"

    answers = []

    def ask():
        start.wait()
        answers.append(memo.get("key", build))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == ["value"] * 6
    assert len(builds) == 1


def test_a_failed_build_is_not_kept_and_the_waiting_threads_build_for_themselves():
    memo = Memo(4)
    first_started = threading.Event()
    calls = []

    def failing():
        calls.append("failing")
        first_started.set()
        time.sleep(0.1)
        raise RuntimeError("database gone")

    def working():
        calls.append("working")
        return 42

    waiter_answer = []
    waiter = threading.Thread(
        target=lambda: (first_started.wait(), waiter_answer.append(memo.get("k", working)))
    )
    waiter.start()
    with pytest.raises(RuntimeError):
        memo.get("k", failing)
    waiter.join()
    assert waiter_answer == [42]
    assert memo.get("k", failing) == 42  # the waiter's value is kept
    assert calls == ["failing", "working"]


def test_the_least_recently_used_value_goes_first():
    memo = Memo(2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # used: "b" is now the oldest
    memo.get("c", lambda: 3)
    assert memo.get("a", lambda: "rebuilt") == 1
    assert memo.get("b", lambda: "rebuilt") == "rebuilt"
