"""The bundled CAMEO codebook: content spot checks, look-ups and load-time validation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventwire.errors import DataFileError, EventwireError
from eventwire.ontology import (
    BUNDLED_PATH,
    PLOVER_2016_TO_2023,
    PLOVER_MODES,
    PLOVER_TYPES,
    QUAD_CLASS_NAMES,
    CameoCode,
    UnknownCodeError,
    load_ontology,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
HEADER = "code\tlabel\tgoldstein\tquad_class\tplover\tplover_mode\n"


@pytest.fixture(scope="module")
def onto():
    return load_ontology()


def test_bundled_table_is_cached():
    assert load_ontology() is load_ontology()


def test_twenty_roots_and_full_depth(onto):
    assert onto.roots() == [f"{n:02d}" for n in range(1, 21)]
    assert len(onto) >= 250
    assert sum(len(c) == 4 for c in onto.codes()) >= 100


def test_every_code_has_its_parent_and_root(onto):
    for entry in onto:
        assert entry.root in onto
        if entry.parent is not None:
            assert entry.parent in onto, entry.code


@pytest.mark.parametrize(
    ("code", "label_word", "goldstein", "quad", "plover", "mode"),
    [
        ("042", "visit", 1.9, 1, "CONSULT", "visit"),
        ("043", "visit", 2.8, 1, "CONSULT", "visit"),
        ("036", "meet", 4.0, 1, "AGREE", None),
        ("057", "agreement", 8.0, 1, "SUPPORT", None),
        ("0874", "surrender", 10.0, 2, "RETREAT", "disarm"),
        ("0813", "curfew", 5.0, 2, "CONCEDE", None),
        ("091", "corruption", -2.0, 3, "ACCUSE", "investigate"),
        ("112", "accuse", -2.0, 3, "ACCUSE", "allege"),
        ("1043", "rights", -5.0, 3, "REQUEST", "change"),
        ("125", "negotiate", -5.0, 3, "REJECT", "meet"),
        ("130", "threaten", -4.4, 3, "THREATEN", None),
        ("145", "riot", -7.5, 4, "PROTEST", "riot"),
        ("161", "diplomatic", -4.0, 4, "SANCTION", "discontinue"),
        ("163", "sanctions", -8.0, 4, "SANCTION", "discontinue"),
        ("173", "arrest", -5.0, 4, "COERCE", "arrest"),
        ("1712", "destroy", -9.2, 4, "ASSAULT", "destroy"),
        ("1823", "kill", -10.0, 4, "ASSAULT", None),
        ("190", "military force", -10.0, 4, "ASSAULT", None),
        ("2042", "nuclear", -10.0, 4, "ASSAULT", "unconventional"),
    ],
)
def test_spot_checks(onto, code, label_word, goldstein, quad, plover, mode):
    entry = onto.get(code)
    assert label_word in entry.label.lower()
    assert entry.goldstein == goldstein
    assert entry.quad_class == quad
    assert entry.plover == plover
    assert entry.plover_mode == mode


def test_statements_have_no_plover_type_and_appeals_are_requests(onto):
    for entry in onto:
        if entry.root == "01":
            assert entry.plover is None and entry.plover_mode is None, entry.code
        else:
            assert entry.plover in PLOVER_TYPES, entry.code
        if entry.root == "02":
            assert entry.plover == "REQUEST", entry.code
            # an appeal takes the mode of the demand for the same thing (1xx for 02x)
            assert entry.plover_mode == onto.get("10" + entry.code[2:]).plover_mode, entry.code


def test_quad_classes_follow_gdelt_root_ranges(onto):
    expected = {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 9), 2)}
    expected |= {**dict.fromkeys(range(9, 14), 3), **dict.fromkeys(range(14, 21), 4)}
    for entry in onto:
        assert entry.quad_class == expected[int(entry.root)], entry.code
        assert entry.quad_class_name == QUAD_CLASS_NAMES[entry.quad_class]


def test_goldstein_sign_matches_cooperation_or_conflict(onto):
    for entry in onto:
        assert -10 <= entry.goldstein <= 10
        if entry.quad_class == 2:
            assert entry.goldstein > 0, entry.code
        if entry.quad_class in (3, 4):
            assert entry.goldstein < 0, entry.code


def test_modes_belong_to_their_type(onto):
    for entry in onto:
        if entry.plover_mode is not None:
            assert entry.plover_mode in PLOVER_MODES[entry.plover], entry.code


def test_plover_types_cover_all_sixteen(onto):
    assert onto.plover_types() == list(PLOVER_TYPES)
    assert len(PLOVER_TYPES) == 16


def test_old_plover_names_map_to_2023():
    assert PLOVER_2016_TO_2023["FIGHT"] == "ASSAULT"
    assert PLOVER_2016_TO_2023["DISAPPROVE"] == "ACCUSE"
    assert PLOVER_2016_TO_2023["DEMAND"] == "REQUEST"
    assert PLOVER_2016_TO_2023["CONSULT"] == "CONSULT"
    assert set(PLOVER_2016_TO_2023.values()) <= set(PLOVER_TYPES)
    assert "YIELD" not in PLOVER_2016_TO_2023  # splits by CAMEO code, see the table


def test_get_and_contains(onto):
    assert "042" in onto
    assert "0429" not in onto
    assert 42 not in onto
    with pytest.raises(UnknownCodeError, match="0429") as info:
        onto.get("0429")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, EventwireError)


def test_codes_are_in_hierarchical_order(onto):
    codes = onto.codes()
    assert codes[:3] == ["01", "010", "011"]
    assert codes.index("17") < codes.index("171") < codes.index("1711") < codes.index("172")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("1712", "1712"), ("1719", "171"), ("179", "17"), ("0429", "042"), ("19", "19")],
)
def test_nearest(onto, code, expected):
    assert onto.nearest(code).code == expected


@pytest.mark.parametrize("bad", ["99", "21", "7", "abc", "12345", ""])
def test_nearest_rejects_codes_without_ancestor(onto, bad):
    with pytest.raises(UnknownCodeError):
        onto.nearest(bad)


@given(st.integers(min_value=1, max_value=20), st.text(alphabet="0123456789", max_size=2))
def test_nearest_is_always_a_listed_prefix(root, tail):
    onto = load_ontology()
    code = f"{root:02d}{tail}"
    found = onto.nearest(code)
    assert code.startswith(found.code)
    assert found.code in onto


@pytest.mark.parametrize(
    ("act", "intent"),
    [
        ("042", "036"),
        ("046", "036"),
        ("045", "039"),
        ("057", "032"),
        ("061", "0311"),
        ("062", "0312"),
        ("06", "031"),
        ("073", "0333"),
        ("075", "033"),
        ("0841", "0353"),
        ("085", "0354"),
        ("0871", "0356"),
        ("0831", "0341"),
        ("0429", "036"),
        ("036", "036"),
        ("0311", "0311"),
    ],
)
def test_intent_code(onto, act, intent):
    assert onto.intent_code(act) == intent


def test_intent_code_is_none_for_statements_and_conflict(onto):
    for entry in onto:
        if entry.root in ("01", "02") or int(entry.root) >= 9:
            assert onto.intent_code(entry.code) is None, entry.code


def test_every_cooperative_act_has_an_intent_form(onto):
    for entry in onto:
        if entry.root in ("04", "05", "06", "07", "08"):
            intent = onto.intent_code(entry.code)
            assert intent is not None and intent.startswith("03") and intent in onto


def test_cameo_code_root_property():
    entry = CameoCode("1712", "Destroy property", -9.2, 4, "ASSAULT", "destroy")
    assert entry.root == "17"
    assert entry.parent == "171"


# --- load-time validation -------------------------------------------------------


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "cameo.tsv"
    path.write_text("# a comment\n" + header + body, encoding="utf-8")
    return path


def test_user_table_loads(tmp_path):
    path = _write(tmp_path, "04\tConsult\t1.0\t1\tCONSULT\t\n042\tVisit\t1.9\t1\tCONSULT\tvisit\n")
    onto = load_ontology(path)
    assert onto.codes() == ["04", "042"]
    assert onto.get("042").plover_mode == "visit"
    assert onto.nearest("0429").code == "042"


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("04\tConsult\t1.0\t1\tCONSULT\t\n4x\tBad\t1.0\t1\t\t\n", 4, "2-4 digits"),
        ("04\tConsult\t1.0\t1\tCONSULT\t\n04\tAgain\t1.0\t1\tCONSULT\t\n", 4, "repeats line 3"),
        ("04\tConsult\t1.0\t1\tCONSULT\t\n0421\tVisit\t1.9\t1\tCONSULT\tvisit\n", 4, "add 042"),
        ("04\tConsult\t11.0\t1\tCONSULT\t\n", 3, "outside -10..10"),
        ("04\tConsult\tlots\t1\tCONSULT\t\n", 3, "not a number"),
        ("04\tConsult\t1.0\t3\tCONSULT\t\n", 3, "should be 1"),
        ("11\tDisapprove\t-2.0\t3\tDISAPPROVE\t\n", 3, "2023 name is ACCUSE"),
        ("04\tConsult\t1.0\t1\tCONSULT\triot\n", 3, "not a CONSULT mode"),
        ("04\tConsult\t1.0\t1\t\tvisit\n", 3, "needs a plover type"),
        ("21\tNothing\t1.0\t4\t\t\n", 3, "outside 01..20"),
        ("04\tConsult\n", 3, "tab-separated columns"),
        ("04\t\t1.0\t1\tCONSULT\t\n", 3, "empty label"),
    ],
)
def test_broken_table_names_file_and_line(tmp_path, body, line, problem):
    path = _write(tmp_path, body)
    with pytest.raises(DataFileError) as info:
        load_ontology(path)
    assert info.value.line == line
    assert problem in info.value.problem
    assert f"{path}:{line}" in str(info.value)


def test_missing_header_is_reported(tmp_path):
    path = _write(tmp_path, "04\tConsult\t1.0\t1\tCONSULT\t\n", header="")
    with pytest.raises(DataFileError, match="header") as info:
        load_ontology(path)
    assert info.value.line == 2


def test_missing_file_is_a_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="cannot read"):
        load_ontology(tmp_path / "nope.tsv")


# --- agreement with the reference material (skipped when /work/shared is absent) ----

# Codes where the table deliberately follows the PLOVER 2023 manual rather than the
# 2021 crosswalk (docs/ontology.md, "PLOVER mapping").
TYPE_DEVIATIONS = {"0813", "0814", "116", "163"}


def test_plover_types_agree_with_the_crosswalk(onto):
    crosswalk = SHARED / "plover" / "CAMEO2PLOVER-2021.txt"
    if not crosswalk.exists():
        pytest.skip("shared PLOVER reference not available")
    seen = set()
    for raw in crosswalk.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(\d{2,4}):\s*([A-Z]+)", raw)
        if not match or match.group(1) in seen:
            continue
        code, old_type = match.groups()
        seen.add(code)
        if code in TYPE_DEVIATIONS:
            continue
        assert onto.get(code).plover == PLOVER_2016_TO_2023[old_type], code
    assert len(seen) > 250


def test_every_code_in_the_petrarch_verb_dictionary_is_listed(onto):
    verbs = SHARED / "petrarch2" / "CAMEO.2.0.txt"
    if not verbs.exists():
        pytest.skip("shared PETRARCH reference not available")
    codes = set()
    for first, second in re.findall(r"\[(\d{2,4})(?::(\d{2,4}))?\]", verbs.read_text("utf-8")):
        codes.update(c for c in (first, second) if c)
    assert len(codes) > 200
    missing = sorted(c for c in codes if c not in onto)
    assert missing == []


def test_bundled_path_exists():
    assert BUNDLED_PATH.is_file()
