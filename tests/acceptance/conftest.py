"""One core subprocess per test module, on a fresh SQLite database and the embedded defaults."""

from collections.abc import Iterator

import pytest

from tests.acceptance.outsider import Outsider, running_core


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outsider]:
    with running_core(tmp_path_factory.mktemp("core")) as outsider:
        yield outsider
