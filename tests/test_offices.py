"""The office-holder table: loading, validation, date-bound lookups, coverage, accuracy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.errors import DataFileError
from eventwire.offices import (
    ROLES,
    OfficeTable,
    bundled_paths,
    load_office_table,
    name_key,
    read_office_table,
)

HERE = Path(__file__).resolve().parent
HEADER = "name\taliases\tcode\trole\tvalid_from\tvalid_to\tnote\n"
HEADS = {
    "head_of_state",
    "joint_head_of_state",
    "head_of_government",
    "head_of_state_and_government",
}

#: Coverage list (a) of docs/offices.md.
PRIORITY = (
    "USA GBR FRA RUS CHN ARG AUS BRA CAN DEU IND IDN ITA JPN MEX SAU ZAF KOR TUR PRK IRN "
    "IRQ SYR ISR PSE LBN JOR EGY ARE QAT YEM LBY SDN SSD ETH SOM KEN NGA COD MLI AFG PAK "
    "BGD MMR THA PHL VNM UKR BLR POL GEO ARM AZE SRB XKX GRC VEN COL CUB ESP TWN"
).split()
#: Years (1 January) without a head of state or government of the country itself.
NO_NATIONAL_LEADER = {
    "SSD": set(range(1990, 2012)),  # independent from 2011-07-09
    "XKX": set(range(1990, 2003)),  # UN administration; Kosovo institutions from 2002-03
    "UKR": {1990},  # Soviet republics before their leaders took over in 1990-1991
    "BLR": {1990},
    "GEO": {1990},
    "ARM": {1990},
    "AZE": {1990},
    "SOM": {1998, 1999, 2000},  # no national government between Ali Mahdi and the TNG
}


#: The 193 UN member states (ISO3).
UN_MEMBERS = (
    "AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH "
    "BWA BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP "
    "CZE PRK COD DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU "
    "GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ "
    "KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS "
    "MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN "
    "PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC "
    "SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN "
    "TUR TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE"
).split()
#: First 1 January checked for states that became independent after 1 January 1990 (the
#: first 1 January after independence; for the Pacific states, after the end of the UN
#: trusteeship in 1990-12). All others are checked from 1990.
FIRST_YEAR = {
    "NAM": 1991,  # independent 1990-03-21
    "MHL": 1991,  # trusteeship ended 1990-12-22
    "FSM": 1991,
    **dict.fromkeys("ARM AZE BLR EST GEO KAZ KGZ LVA LTU MDA TJK TKM UKR UZB".split(), 1992),
    **dict.fromkeys("HRV SVN MKD".split(), 1992),  # independent 1991
    "BIH": 1993,  # independent 1992-03
    "CZE": 1993,  # Czechoslovakia dissolved 1993-01-01
    "SVK": 1993,
    "ERI": 1994,  # independent 1993-05-24
    "PLW": 1995,  # independent 1994-10-01
    "TLS": 2003,  # independent 2002-05-20
    "MNE": 2007,  # independent 2006-06-03
    "SSD": 2012,  # independent 2011-07-09
}
#: UN members and years knowingly left without any head of state or government row valid
#: on some day of the year. Each entry is a gap in the table, not a claim that the office
#: was empty, except Somalia's.
UNCOVERED = {
    # after the Cairo Declaration (1997-12) and before the Arta conference (2000) no
    # national executive existed
    "SOM": {1998, 1999},
}
YEARS = range(1990, 2027)


@pytest.fixture(scope="module")
def table() -> OfficeTable:
    return load_office_table()


def _codes(rows) -> set[str]:
    return {h.code for h in rows}


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "office_holders_test.tsv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_bundled_table_loads_and_is_cached(table: OfficeTable) -> None:
    assert len(bundled_paths()) >= 2
    assert len(table) > 1000
    assert load_office_table() is table
    assert {h.role for h in table.holders} <= set(ROLES)
    for h in table.holders:
        assert h.valid_to is None or h.valid_to >= h.valid_from, h.source
        assert ":" in h.source


def test_leader_of_the_article_date(table: OfficeTable) -> None:
    assert _codes(table.lookup("Imran Khan", dt.date(2019, 6, 1))) == {"PAKGOV"}
    assert _codes(table.lookup("Barack Obama", dt.date(2012, 6, 1))) == {"USAGOV"}
    assert "USAGOV" not in _codes(table.lookup("Barack Obama", dt.date(2018, 6, 1)))
    assert _codes(table.lookup("Recep Tayyip Erdogan", dt.date(2023, 3, 1))) == {"TURGOV"}
    for form in ("Kim Jong Un", "Kim Jong-un", "kim jong-un", "KIM JONGUN"):
        assert _codes(table.lookup(form, dt.date(2020, 6, 1))) == {"PRKGOV"}, form


def test_putin_stays_russian_government_as_prime_minister(table: OfficeTable) -> None:
    for day, role in (
        (dt.date(2005, 6, 1), "head_of_state"),
        (dt.date(2010, 6, 1), "head_of_government"),
        (dt.date(2024, 6, 1), "head_of_state"),
    ):
        rows = table.lookup("Vladimir Putin", day)
        assert _codes(rows) == {"RUSGOV"}, day
        assert rows[0].role == role
    assert table.lookup("Vladimir Putin", dt.date(1995, 6, 1)) == []


def test_surname_resolution(table: OfficeTable) -> None:
    for form in ("Erdogan", "Erdoğan", "ERDOGAN"):
        rows = table.by_surname(form, dt.date(2023, 3, 1))
        assert [h.code for h in rows] == ["TURGOV"], form
    rows = table.by_surname("Mitsotakis", dt.date(2023, 3, 1))
    assert [(h.name, h.code) for h in rows] == [("Kyriakos Mitsotakis", "GRCGOV")]
    # the father was prime minister 1990-1993: on a 1991 date the surname means him
    assert [h.name for h in table.by_surname("Mitsotakis", dt.date(1991, 3, 1))] == [
        "Konstantinos Mitsotakis"
    ]
    assert [h.code for h in table.by_surname("Assad", dt.date(2015, 1, 1))] == ["SYRGOV"]
    assert table.by_surname("Assad", dt.date(2025, 6, 1)) == []
    # one person with two offices on the day counts once (prime and defence minister)
    assert [h.code for h in table.by_surname("Netanyahu", dt.date(2019, 6, 1))] == ["ISRGOV"]
    # Chinese names put the family name first
    assert [h.name for h in table.by_surname("Xi", dt.date(2020, 1, 1))] == ["Xi Jinping"]
    # an ambiguous surname returns every holder, so the resolver can refuse it
    assert len(table.by_surname("Salman", dt.date(2023, 3, 1))) >= 2


def test_captains_regent_are_joint_heads_of_state(table: OfficeTable) -> None:
    day = dt.date(2019, 12, 1)
    for name in ("Luca Boschi", "Mariella Mularoni"):
        rows = table.lookup(name, day)
        assert [(h.code, h.role) for h in rows] == [("SMRGOV", "joint_head_of_state")], name
    assert table.lookup("Luca Boschi", dt.date(2020, 6, 1)) == []
    # a surname two regents share resolves only through the date of the article
    assert [h.name for h in table.by_surname("Mularoni", dt.date(2013, 6, 1))] == [
        "Antonella Mularoni"
    ]
    assert [h.name for h in table.by_surname("Mularoni", day)] == ["Mariella Mularoni"]
    # Antonella Mularoni also led the government as foreign secretary 2008-2012
    assert [h.role for h in table.lookup("Antonella Mularoni", dt.date(2010, 1, 1))] == [
        "head_of_government"
    ]


def test_joint_heads_of_state_may_overlap(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Alpha One\t\tSMRGOV\tjoint_head_of_state\t2020-04-01\t2020-10-01\t\n"
        "Beta Two\t\tSMRGOV\tjoint_head_of_state\t2020-04-01\t2020-10-01\t\n"
        "Gamma Three\t\tSMRGOV\thead_of_government\t2020-01-01\t\t\n",
    )
    small = read_office_table([path])
    assert len(small.by_surname("One", dt.date(2020, 6, 1))) == 1
    assert {h.name for h in small.holders if h.valid_on(dt.date(2020, 6, 1))} == {
        "Alpha One",
        "Beta Two",
        "Gamma Three",
    }
    clash = _write(
        tmp_path,
        "Alpha One\t\tSMRGOV\thead_of_state\t2020-04-01\t2020-10-01\t\n"
        "Beta Two\t\tSMRGOV\thead_of_state\t2020-04-01\t2020-10-01\t\n",
    )
    with pytest.raises(DataFileError, match="overlaps"):
        read_office_table([clash])


def test_iraqi_governing_council_presidency(table: OfficeTable) -> None:
    assert [h.code for h in table.lookup("Adnan Pachachi", dt.date(2004, 1, 15))] == ["IRQGOV"]
    assert [h.role for h in table.lookup("Ayad Allawi", dt.date(2003, 10, 15))] == ["head_of_state"]
    assert [h.role for h in table.lookup("Iyad Allawi", dt.date(2004, 8, 1))] == [
        "head_of_government"
    ]
    heads = [
        h
        for h in table.holders
        if h.country == "IRQ" and h.role in HEADS and h.valid_on(dt.date(2004, 1, 1))
    ]
    assert {h.name for h in heads} == {"Abdul Aziz al-Hakim", "Adnan Pachachi"}


def test_several_offices_rank_the_leading_one_first(table: OfficeTable) -> None:
    rows = table.lookup("Benjamin Netanyahu", dt.date(2019, 6, 1))
    assert [h.code for h in rows] == ["ISRGOV", "ISRMIL"]
    assert rows[0].role == "head_of_government"


def test_igo_and_group_leaders_use_organisation_codes(table: OfficeTable) -> None:
    guterres = table.lookup("António Guterres", dt.date(2020, 1, 1))
    assert [(h.code, h.country, h.sector) for h in guterres] == [("IGOUNO", "UNO", "IGO")]
    assert _codes(table.lookup("Antonio Guterres", dt.date(2000, 1, 1))) == {"PRTGOV"}
    assert _codes(table.lookup("Jens Stoltenberg", dt.date(2020, 1, 1))) == {"IGONAT"}
    assert _codes(table.lookup("Hassan Nasrallah", dt.date(2020, 1, 1))) == {"LBNREB"}
    assert table.lookup("Hassan Nasrallah", dt.date(2025, 1, 1)) == []
    baghdadi = table.lookup("Abu Bakr al-Baghdadi", dt.date(2015, 1, 1))
    assert [(h.code, h.country, h.sector) for h in baghdadi] == [("IMGREB", None, "REB")]


def test_explain_lists_every_row_with_its_validity(table: OfficeTable) -> None:
    lines = table.explain("Vladimir Putin", dt.date(2010, 6, 1))
    assert len(lines) == 5  # a heading and four rows
    assert sum("APPLIES" in line for line in lines) == 1
    applying = next(line for line in lines if "APPLIES" in line)
    assert "head_of_government" in applying and "2008-05-08" in applying
    assert "office_holders_" in applying
    assert "surname" in table.explain("Erdogan", dt.date(2023, 1, 1))[0]
    assert "no office-holder row" in table.explain("Nobody Atall", dt.date(2023, 1, 1))[0]


def test_name_key_folds_accents_hyphens_and_case() -> None:
    assert name_key("Kim Jong-un") == name_key("Kim Jong Un") == "kimjongun"
    assert name_key("Recep Tayyip Erdoğan") == name_key("recep tayyip erdogan")
    assert name_key("Zoran Đinđić") == name_key("Zoran Dindic")
    assert name_key("Binali Yıldırım") == name_key("Binali Yildirim")


def test_coverage_of_priority_countries(table: OfficeTable) -> None:
    missing: dict[str, list[int]] = {}
    for iso3 in PRIORITY:
        for year in range(1990, 2027):
            if year in NO_NATIONAL_LEADER.get(iso3, ()):
                continue
            day = dt.date(year, 1, 1)
            if not any(
                h.country == iso3 and h.role in HEADS and h.valid_on(day) for h in table.holders
            ):
                missing.setdefault(iso3, []).append(year)
    assert not missing, f"no head of state or government on 1 January of: {missing}"


def _in_office_during(h, year: int) -> bool:
    """True if the row is valid on at least one day of ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return h.valid_from <= last and (h.valid_to is None or h.valid_to >= first)


def _uncovered(table: OfficeTable, countries) -> dict[str, list[int]]:
    heads: dict[str, list] = {}
    for h in table.holders:
        if h.role in HEADS:
            heads.setdefault(h.country, []).append(h)
    missing: dict[str, list[int]] = {}
    for iso3 in countries:
        for year in range(FIRST_YEAR.get(iso3, 1990), YEARS.stop):
            if not any(_in_office_during(h, year) for h in heads.get(iso3, ())):
                missing.setdefault(iso3, []).append(year)
    return missing


def test_year_coverage_counts_any_day_of_the_year(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Alpha One\t\tFRAGOV\thead_of_state\t2001-12-31\t2002-01-01\t\n"
        "Beta Two\t\tDEUGOV\tjoint_head_of_state\t2003-04\t2003-10\t\n",
    )
    small = read_office_table([path])
    assert _uncovered(small, ["FRA"]).get("FRA") == [y for y in YEARS if y not in (2001, 2002)]
    assert 2003 not in _uncovered(small, ["DEU"])["DEU"]


def test_every_un_member_has_a_head_in_every_year(table: OfficeTable) -> None:
    assert len(UN_MEMBERS) == len(set(UN_MEMBERS)) == 193
    missing = _uncovered(table, UN_MEMBERS)
    unexpected = {
        iso3: [y for y in years if y not in UNCOVERED.get(iso3, ())]
        for iso3, years in missing.items()
    }
    unexpected = {iso3: years for iso3, years in unexpected.items() if years}
    assert not unexpected, f"no head of state or government in any day of: {unexpected}"


def test_coverage_exemptions_are_still_gaps(table: OfficeTable) -> None:
    """An exemption that the table has since filled must be removed from UNCOVERED."""
    missing = _uncovered(table, UNCOVERED)
    for iso3, years in UNCOVERED.items():
        assert set(missing.get(iso3, ())) == years, iso3
    assert sum(len(y) for y in UNCOVERED.values()) == 2  # Somalia 1998 and 1999 only


def test_ministers_since_2010_of_the_major_powers(table: OfficeTable) -> None:
    gaps = []
    for iso3 in "USA GBR FRA RUS CHN DEU JPN IND TUR ISR IRN UKR".split():
        for role in ("foreign_minister", "defence_minister"):
            for year in range(2011, 2027):
                day = dt.date(year, 1, 1)
                if not any(
                    h.country == iso3 and h.role == role and h.valid_on(day) for h in table.holders
                ):
                    gaps.append((iso3, role, year))
    assert not gaps, gaps


def test_independent_check_list_agrees(table: OfficeTable) -> None:
    checked, disagree = 0, []
    for line in (HERE / "data" / "leaders_check.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "country_iso3")):
            continue
        iso3, day, name = line.split("\t")
        checked += 1
        rows = table.lookup(name, dt.date.fromisoformat(day))
        if not any(h.country == iso3 for h in rows):
            disagree.append((iso3, day, name, [h.code for h in rows]))
    assert checked == 273
    assert (checked - len(disagree)) / checked >= 0.95, disagree


# ---------------------------------------------------------------- validation


def test_overlapping_holders_of_one_office_are_an_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Alpha One\t\tFRAGOV\thead_of_government\t2000-01-01\t2005-06-01\t\n"
        "Beta Two\t\tFRAGOV\thead_of_government\t2005-05-01\t\t\n",
    )
    with pytest.raises(DataFileError) as e:
        read_office_table([path])
    assert e.value.line == 3
    assert "Beta Two" in str(e.value) and "Alpha One" in str(e.value)
    assert f"{path}:2" in str(e.value)


def test_head_of_state_and_government_conflicts_with_a_prime_minister(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Alpha One\t\tKENGOV\thead_of_state_and_government\t2000-01-01\t2010-01-01\t\n"
        "Beta Two\t\tKENGOV\thead_of_government\t2008-01-01\t2012-01-01\t\n",
    )
    with pytest.raises(DataFileError, match="overlaps"):
        read_office_table([path])


def test_allowed_overlaps(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        # a same-day hand-over
        "Alpha One\t\tFRAGOV\thead_of_government\t2000-01-01\t2005-06-01\t\n"
        "Beta Two\t\tFRAGOV\thead_of_government\t2005-06-01\t\t\n"
        # a hand-over known only to the month
        "Gamma Three\t\tDEUGOV\thead_of_state\t2000-01\t2004-07\t\n"
        "Delta Four\t\tDEUGOV\thead_of_state\t2004-07\t\t\n"
        # the same person in two roles, and two people in different offices
        "Alpha One\t\tFRAGOV\tforeign_minister\t2004-01-01\t2006-01-01\t\n"
        "Epsilon Five\t\tFRAMIL\tdefence_minister\t2004-01-01\t\t\n",
    )
    table = read_office_table([path])
    assert len(table) == 6
    # month precision is read generously: the whole month for lookups
    assert table.lookup("Gamma Three", dt.date(2004, 7, 31))
    assert table.lookup("Delta Four", dt.date(2004, 7, 1))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Alpha One\t\tFRAGOV\thead_of_government\t2000-13-01\t\t\n", "not an ISO date"),
        ("Alpha One\t\tFRAGOV\thead_of_government\t1 May 2000\t\t\n", "not an ISO date"),
        ("Alpha One\t\tFRAGOV\thead_of_government\t2005-01-01\t2004-01-01\t\n", "before"),
        ("Alpha One\t\tFRAGOV\tprime_minister\t2000-01-01\t\t\n", "unknown role"),
        ("Alpha One\t\tfragov\thead_of_government\t2000-01-01\t\t\n", "capital letters"),
        ("Alpha One\t\tFRAGO\thead_of_government\t2000-01-01\t\t\n", "capital letters"),
        ("Alpha One\t\tXYZGOV\thead_of_government\t2000-01-01\t\t\n", "neither a country"),
        ("Alpha One\t\tIGOXYZ\tigo_head\t2000-01-01\t\t\n", "neither a country"),
        ("\t\tFRAGOV\thead_of_government\t2000-01-01\t\t\n", "name column is empty"),
        ("Alpha One\t\tFRAGOV\thead_of_government\t\t\t\n", "valid_from is empty"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = _write(tmp_path, "Zeta Zero\t\tUSAGOV\thead_of_state\t1990-01-01\t\t\n" + row)
    with pytest.raises(DataFileError, match=problem) as e:
        read_office_table([path])
    assert e.value.path == str(path)
    assert e.value.line == 3
    assert str(e.value).startswith(f"{path}:3:")


def test_bad_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "office_holders_bad.tsv"
    path.write_text("name\tcode\trole\nAlpha\tFRAGOV\thead_of_state\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="header") as e:
        read_office_table([path])
    assert e.value.line == 1


def test_user_table_can_be_loaded_beside_the_bundled_one(tmp_path: Path) -> None:
    mine = _write(tmp_path, "Jane Mayor\tMayor Jane\tUSAGOV\tother_office\t2020-01-01\t\tmayor\n")
    table = load_office_table([*bundled_paths(), mine])
    assert _codes(table.lookup("Mayor Jane", dt.date(2021, 1, 1))) == {"USAGOV"}
    assert _codes(table.lookup("Barack Obama", dt.date(2012, 6, 1))) == {"USAGOV"}


def test_leader_country_names_a_government_after_its_leader(table: OfficeTable) -> None:
    assert table.leader_country("Bush") == "USA"
    assert table.leader_country("Assad") == "SYR"
    assert table.leader_country("Smith") is None  # no head of state or government
