"""User actor dictionaries: loading, validation errors with file:line, validity dates in coding."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.dictionaries import load_user_actors
from eventwire.errors import DataFileError
from eventwire.models import Article, Event

HEADER = "name,aliases,code,country,sector,valid_from,valid_to\n"
KESSLER = "Arvid Kessler,Kessler|A. Kessler,DEUGOV,,,2019-01-01,2019-12-31\n"
SENTENCE = "Arvid Kessler criticised the French government."


def write(tmp_path: Path, text: str, name: str = "actors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- loading


def test_load_good_dictionary(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeff"
        + HEADER
        + KESSLER
        + "Mara Quell,,usareb,,,,\n"
        + "Ines Varga, Varga ,HUNGOV,HUN,GOV,2020-05-01,\n"
        + "Northfield Relief,,NGO,,,,\n",
    )
    kessler, quell, varga, ngo = load_user_actors(path)

    assert kessler.name == "Arvid Kessler"
    assert kessler.names == ("Arvid Kessler", "Kessler", "A. Kessler")
    assert (kessler.code, kessler.country, kessler.sector) == ("DEUGOV", "DEU", "GOV")
    assert (kessler.valid_from, kessler.valid_to) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert kessler.valid_on(dt.date(2019, 1, 1)) and kessler.valid_on(dt.date(2019, 12, 31))
    assert not kessler.valid_on(dt.date(2018, 12, 31))
    assert not kessler.valid_on(dt.date(2020, 1, 1))

    assert (quell.code, quell.country, quell.sector) == ("USAREB", "USA", "REB")
    assert quell.names == ("Mara Quell",)
    assert quell.valid_from is None and quell.valid_to is None
    assert quell.valid_on(dt.date(1900, 1, 1)) and quell.valid_on(dt.date(2100, 1, 1))

    assert varga.names == ("Ines Varga", "Varga")
    assert varga.valid_from == dt.date(2020, 5, 1) and varga.valid_to is None
    assert not varga.valid_on(dt.date(2020, 4, 30)) and varga.valid_on(dt.date(2030, 1, 1))

    assert ngo.code == "NGO"


def test_header_is_case_and_space_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, " Name , CODE \nArvid Kessler,DEUGOV\n")
    (actor,) = load_user_actors(path)
    assert (actor.name, actor.code) == ("Arvid Kessler", "DEUGOV")


@pytest.mark.parametrize(
    ("rows", "line", "words"),
    [
        (KESSLER + "Mara Quell,,US1GOV,,,,\n", 3, "US1GOV"),
        (KESSLER + "Mara Quell,,US,,,,\n", 3, "'US'"),
        ("Mara Quell,,USAGOV,,,2019-13-01,\n", 2, "2019-13-01"),
        (KESSLER + KESSLER + "Mara Quell,,USAGOV,,,,1 May 2020\n", 4, "1 May 2020"),
        ("Mara Quell,,USAGOV,,,2020-01-01,2019-01-01\n", 2, "before"),
        (KESSLER + ",,USAGOV,,,,\n", 3, "name"),
    ],
    ids=["non-letter code", "short code", "bad date", "unparseable date", "reversed", "no name"],
)
def test_bad_row_names_file_and_line(tmp_path: Path, rows: str, line: int, words: str) -> None:
    path = write(tmp_path, HEADER + rows)
    with pytest.raises(DataFileError) as info:
        load_user_actors(path)
    assert info.value.line == line
    assert f"{path}:{line}:" in str(info.value)
    assert words in str(info.value)


@pytest.mark.parametrize("header", ["name,aliases,country\n", "code,aliases\n", "\n"])
def test_missing_column_names_file_and_line(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, header + "Arvid Kessler,DEU,DEU\n")
    with pytest.raises(DataFileError) as info:
        load_user_actors(path)
    assert f"{path}:1:" in str(info.value)
    assert "missing column" in str(info.value)


def test_unreadable_dictionary_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(DataFileError, match="nope.csv"):
        load_user_actors(missing)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(HEADER.encode() + "Jos\xe9 Ruiz,,ESPGOV,,,,\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="latin1.csv"):
        load_user_actors(latin1)


# ------------------------------------------------------------------- validity in coding


def _source_codes(events: list[Event]) -> list[str | None]:
    return [e.source.code if e.source else None for e in events if "Kessler" in e.sentence]


@pytest.fixture(scope="module")
def kessler_pipeline(tmp_path_factory: pytest.TempPathFactory, pipeline):
    from eventwire.pipeline import Pipeline

    path = write(tmp_path_factory.mktemp("actors"), HEADER + KESSLER)
    coder = Pipeline(pipeline.settings, user_actors=load_user_actors(path))

    def code(text: str, day: dt.date) -> list[Event]:
        article = Article(id=Article.make_id(text), text=text, date=day)
        return coder.extract_batch([article])[0]

    return code


@pytest.mark.slow
@pytest.mark.parametrize("day", [dt.date(2019, 1, 1), dt.date(2019, 6, 1), dt.date(2019, 12, 31)])
def test_office_holder_is_coded_inside_validity(kessler_pipeline, day: dt.date) -> None:
    codes = _source_codes(kessler_pipeline(SENTENCE, day))
    assert codes and all(c == "DEUGOV" for c in codes), codes


@pytest.mark.slow
@pytest.mark.parametrize("day", [dt.date(2018, 12, 31), dt.date(2020, 1, 1), dt.date(2021, 6, 1)])
def test_office_holder_is_not_coded_outside_validity(kessler_pipeline, day: dt.date) -> None:
    events = kessler_pipeline(SENTENCE, day)
    assert "DEUGOV" not in _source_codes(events)
    assert not any(e.target and e.target.code == "DEUGOV" for e in events)


@pytest.mark.slow
def test_alias_is_coded_inside_validity_only(kessler_pipeline) -> None:
    text = "Kessler accused Russia of lying about the attack."
    inside = _source_codes(kessler_pipeline(text, dt.date(2019, 6, 1)))
    outside = _source_codes(kessler_pipeline(text, dt.date(2021, 6, 1)))
    assert inside == ["DEUGOV"] * len(inside) and inside, inside
    assert "DEUGOV" not in outside


@pytest.mark.slow
def test_dictionary_does_not_change_other_events(kessler_pipeline, pipeline) -> None:
    text = "China criticised Japan over the disputed islands on Monday."
    day = dt.date(2019, 6, 1)
    plain = pipeline.extract_batch([Article(id=Article.make_id(text), text=text, date=day)])[0]
    assert plain

    def coded(events):  # the fingerprint differs by design: the dictionaries differ
        return [{k: v for k, v in e.to_dict().items() if k != "coding_fingerprint"} for e in events]

    with_dictionary = kessler_pipeline(text, day)
    assert coded(with_dictionary) == coded(plain)
    assert with_dictionary[0].coding_fingerprint != plain[0].coding_fingerprint


@pytest.mark.slow
def test_cli_actors_option_uses_validity(tmp_path: Path) -> None:
    from eventwire.cli import main

    path = write(tmp_path, HEADER + KESSLER)
    codes = {}
    for day in ("2019-06-01", "2021-06-01"):
        result = CliRunner().invoke(
            main, ["extract", "-", "--date", day, "--actors", str(path)], input=SENTENCE
        )
        assert result.exit_code == 0, result.output
        events = [json.loads(line) for line in result.stdout.splitlines()]
        codes[day] = [e["source"]["code"] if e["source"] else None for e in events]
    assert codes["2019-06-01"] and set(codes["2019-06-01"]) == {"DEUGOV"}
    assert "DEUGOV" not in codes["2021-06-01"]


def test_cli_rejects_a_bad_dictionary_clearly(tmp_path: Path) -> None:
    from eventwire.cli import main

    path = write(tmp_path, HEADER + "Mara Quell,,US1GOV,,,,\n")
    result = CliRunner().invoke(
        main, ["extract", "-", "--date", "2020-01-01", "--actors", str(path)]
    )
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr
    assert "US1GOV" in result.stderr
