"""The offline extractor measured on a table of realistic utterances: field accuracy ≥ 90 %."""

import pytest

from callcenter.leads.extraction import OfflineExtractor
from callcenter.leads.extractor import Turn
from callcenter.leads.normalize import LeadFields
from tests.leads.extraction_cases import CASES

REQUIRED_ACCURACY = 0.90


def to_turns(lines: list[str]) -> list[Turn]:
    return [
        Turn(role="agent" if line.startswith("A:") else "caller", text=line[2:].strip())
        for line in lines
    ]


def field_matches(key: str, expected: str, got: LeadFields) -> bool:
    value = getattr(got, key)
    if value is None:
        return False
    if key == "need":
        return expected.lower() in value.lower()
    return bool(value == expected)


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40


def test_offline_extractor_field_accuracy_on_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    extractor = OfflineExtractor(region="US")
    total = correct = 0
    misses: list[str] = []
    per_field: dict[str, list[int]] = {}
    for lines, expected in CASES:
        got = extractor.extract_sync(to_turns(lines))
        for key, value in expected.items():
            ok = field_matches(key, value, got)
            total += 1
            correct += ok
            per_field.setdefault(key, [0, 0])
            per_field[key][0] += ok
            per_field[key][1] += 1
            if not ok:
                misses.append(f"{key}: want {value!r}, got {getattr(got, key)!r} in {lines[-1]!r}")
    accuracy = correct / total
    with capsys.disabled():
        print(f"\noffline extractor: {correct}/{total} fields = {accuracy:.1%}, {len(CASES)} cases")
        for key, (ok, n) in sorted(per_field.items()):
            print(f"  {key:14} {ok}/{n}")
        for miss in misses:
            print("  miss:", miss)
    assert accuracy >= REQUIRED_ACCURACY, "\n".join(misses)


def test_ordinary_remarks_are_not_read_as_lead_fields() -> None:
    from tests.leads.extraction_cases import NEGATIVE_CASES

    extractor = OfflineExtractor(region="US")
    wrong = []
    for lines, key in NEGATIVE_CASES:
        value = getattr(extractor.extract_sync(to_turns(lines)), key)
        if value is not None:
            wrong.append(f"{key}={value!r} from {lines[-1]!r}")
    assert not wrong, wrong
