"""End-to-end tests of Pipeline: real spaCy parses on the seed, the examples and own texts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from eventwire.config import Settings
from eventwire.evaluate import evaluate_seed
from eventwire.ingest import read_inputs
from eventwire.models import Actor, Article, Event
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow

DAY = dt.date(2021, 3, 3)


def _article(text: str, date: dt.date = DAY) -> Article:
    return Article(id=Article.make_id(text), text=text, date=date)


def _code(pipeline: Pipeline, text: str, date: dt.date = DAY) -> list[Event]:
    (events,) = pipeline.extract_batch([_article(text, date)])
    return events


def _brief(events: list[Event]) -> list[tuple]:
    return [
        (
            e.source.code if e.source else None,
            e.cameo,
            e.target.code if e.target else None,
            e.sentence,
        )
        for e in events
    ]


def _country(actor: Actor | None) -> str | None:
    return actor.country if actor is not None else None


def _read_one(path: Path) -> Article:
    records = list(read_inputs([path]))
    articles = [r for r in records if isinstance(r, Article)]
    assert len(articles) == 1, f"{path}: read {records}"
    return articles[0]


@pytest.fixture(scope="module")
def seed_article(seed_article_path: Path) -> Article:
    return _read_one(seed_article_path)


@pytest.fixture(scope="module")
def seed_events(pipeline: Pipeline, seed_article: Article) -> list[Event]:
    (events,) = pipeline.extract_batch([seed_article])
    return events


@pytest.fixture(scope="module")
def example_results(pipeline: Pipeline, examples_dir: Path) -> list[tuple[Article, list[Event]]]:
    records = list(read_inputs([examples_dir]))
    articles = [r for r in records if isinstance(r, Article)]
    assert len(articles) == len(records), f"examples rejected: {records}"
    return list(pipeline.extract(articles))


# ---------------------------------------------------------------------- the seed article


def test_seed_article_is_read_with_its_date(seed_article: Article) -> None:
    assert seed_article.date == dt.date(2020, 7, 8)
    assert seed_article.text.startswith("US envoy Stephen E. Biegun")


def test_seed_events_validate_against_schema(seed_events, assert_valid_events) -> None:
    assert seed_events, "the seed article gave no events"
    assert_valid_events(e.to_dict() for e in seed_events)


def test_seed_expectations(pipeline: Pipeline, seed_expected_path: Path) -> None:
    result = evaluate_seed(seed_expected_path, pipeline.extract_batch)
    missing = sorted(
        err["id"]
        for err in result.errors
        if err["kind"] in ("missing_required", "missing_optional")
    )
    missing_required = [
        f"{err['id']} ({err['sentence'][:50]!r}, failed {err['failed']})"
        for err in result.errors
        if err["kind"] == "missing_required"
    ]
    violations = [err for err in result.errors if err["kind"] == "must_not"]
    report = (
        f"metrics {result.metrics}; missing required: {missing_required or 'none'}; "
        f"must_not broken: {violations}"
    )
    for entry in ("E2", "E9", "E10"):
        assert entry not in missing, f"{entry} not found; {report}"
    assert result.metrics["must_not_violations"] == 0, report
    assert result.metrics["required_found"] >= 3, report


# ------------------------------------------------------------------ stability, offsets


def test_event_ids_are_stable_across_runs(seed_article: Article, seed_events) -> None:
    again = Pipeline().extract_batch([seed_article])[0]
    assert [e.event_id for e in again] == [e.event_id for e in seed_events]
    assert [e.to_dict() for e in again] == [e.to_dict() for e in seed_events]
    assert len({e.event_id for e in seed_events}) == len(seed_events)


def _offset_problems(article: Article, events: list[Event]) -> list[str]:
    text = article.text
    out = []
    for e in events:
        if text[e.char_start : e.char_end] != e.sentence:
            out.append(
                f"sentence {e.char_start}:{e.char_end} -> {text[e.char_start : e.char_end]!r}"
            )
        if e.trigger_start is None or text[e.trigger_start : e.trigger_end] != e.trigger:
            out.append(f"trigger {e.trigger!r} at {e.trigger_start}:{e.trigger_end}")
        elif not e.char_start <= e.trigger_start < e.trigger_end <= e.char_end:
            out.append(f"trigger {e.trigger!r} outside its sentence")
    return out


def _actor_problems(article: Article, events: list[Event]) -> list[str]:
    out = []
    for e in events:
        for actor in (e.source, e.target):
            if actor is None:
                continue
            assert isinstance(actor, Actor)
            if actor.evidence == "inferred":  # unidentified attackers: no words in the text
                if actor.text or actor.start is not None:
                    out.append(f"inferred {actor.code} has text {actor.text!r} or offsets")
            elif actor.start is None or actor.end is None:
                out.append(f"{actor.text!r} has no offsets")
            elif article.text[actor.start : actor.end] != actor.text:
                shown = article.text[actor.start : actor.end]
                out.append(f"{actor.text!r} at {actor.start}:{actor.end} slices {shown!r}")
    return out


def test_seed_sentence_and_trigger_offsets_slice_the_text(seed_article, seed_events) -> None:
    assert _offset_problems(seed_article, seed_events) == []


def test_example_sentence_and_trigger_offsets_slice_the_text(example_results) -> None:
    problems = [p for article, events in example_results for p in _offset_problems(article, events)]
    assert problems == []


def test_actor_offsets_slice_names_without_determiners(pipeline: Pipeline) -> None:
    text = "China criticised Japan over the islands. Emmanuel Macron met Olaf Scholz in Berlin."
    article = _article(text)
    (events,) = pipeline.extract_batch([article])
    actors = [a for e in events for a in (e.source, e.target) if a is not None]
    assert {a.text for a in actors} >= {"China", "Japan"}
    assert _actor_problems(article, events) == []


def test_actor_offsets_slice_the_actor_text(seed_article, seed_events, example_results) -> None:
    problems = _actor_problems(seed_article, seed_events)
    problems += [p for article, events in example_results for p in _actor_problems(article, events)]
    assert problems == []


# ------------------------------------------------------------ negation, intent, questions


@pytest.mark.slow
def test_actors_of_unstated_nationality_in_a_one_country_sentence(pipeline: Pipeline) -> None:
    text = (
        "Rebels in the Ivory Coast dismissed an appeal from President Laurent Gbago. "
        "The Mozambique government accepted demands from rebels. "
        "The US envoy met President Gbago on Monday. "
        "Rebels attacked Turkish and Syrian troops."
    )
    events = pipeline.extract_batch([Article("d", text, dt.date(2003, 1, 8))])[0]
    pairs = [(e.source and e.source.code, e.target and e.target.code) for e in events]
    assert ("CIVREB", "CIVGOV") in pairs
    assert ("MOZGOV", "MOZREB") in pairs
    met = [e for e in events if e.cameo_root == "04"]
    gbago = [a for e in met for a in (e.source, e.target) if a and "Gbago" in a.text]
    assert gbago and all(a.country is None for a in gbago)
    # two countries named: nobody's nationality is decided
    attacked = [e for e in events if e.trigger == "attacked"]
    assert attacked and all(e.source.code == "REB" for e in attacked)
    assert {e.target.evidence for e in events if e.target and e.target.code == "CIVGOV"} == {
        "context"
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "trigger", "target"),
    [
        # an adjective is no actor: "official contact" is not a government
        (
            "Palestinian leaders said they would boycott all official contact with Egypt.",
            "boycott",
            "EGY",
        ),
        # the people an event is aimed at through "for"
        ("The United States suspended a military aid program for Bosnia.", "suspended", "BIH"),
        # a complaint's target is what it is about, not its addressee
        ("Lebanon complained to the United Nations over Israeli air raids.", "complained", "ISR"),
        # "ethnic" makes a demonym a people: the country comes from the context
        (
            "Serb forces killed three ethnic Albanians in southern Serbia on Friday.",
            "killed",
            "SRBCVL",
        ),
    ],
)
def test_targets_found_behind_modifiers_and_prepositions(
    pipeline: Pipeline, text: str, trigger: str, target: str
) -> None:
    events = pipeline.extract_batch([Article("t", text, dt.date(1999, 5, 4))])[0]
    hits = [e for e in events if e.trigger == trigger]
    assert hits and hits[0].target is not None and hits[0].target.code == target, events


@pytest.mark.slow
def test_a_reported_pronoun_names_its_speaker(pipeline: Pipeline) -> None:
    text = "Syria says it will never recognise the Israeli annexation of the Golan Heights."
    events = pipeline.extract_batch([Article("s", text, dt.date(2019, 3, 26))])[0]
    coref = [e.source for e in events if e.source is not None and e.source.evidence == "coref"]
    assert coref
    assert all(a.text == "Syria" and text[a.start : a.end] == "Syria" for a in coref)


@pytest.mark.slow
def test_a_group_speaker_may_be_they(pipeline: Pipeline) -> None:
    text = "The Houthis claimed that they had attacked a Saudi warship."
    events = pipeline.extract_batch([Article("h", text, dt.date(2017, 1, 31))])[0]
    attack = [e for e in events if e.trigger == "attacked"]
    assert attack and attack[0].source is not None and attack[0].source.code == "YEMREB"


@pytest.mark.slow
def test_a_government_named_after_its_leader(pipeline: Pipeline) -> None:
    text = "The Obama administration imposed sanctions on Russia."
    events = pipeline.extract_batch([Article("o", text, dt.date(2020, 1, 8))])[0]
    assert [e.source.code for e in events if e.trigger == "imposed"] == ["USAGOV"]


@pytest.mark.slow
def test_a_curfew_targets_the_place_it_covers(pipeline: Pipeline) -> None:
    text = "Serbia lifted a night curfew in Montenegro on Sunday. Police imposed a curfew."
    events = pipeline.extract_batch([Article("c", text, dt.date(1992, 5, 4))])[0]
    by_code = {e.cameo: e for e in events}
    lifted = by_code["0813"]
    assert lifted.target is not None and lifted.target.code == "MNE"
    assert lifted.target.evidence == "place"
    # no place, no target: the rule never guesses one
    assert by_code["1723"].target is None


@pytest.mark.slow
def test_negated_request_gives_no_event(pipeline: Pipeline) -> None:
    positive = _code(pipeline, "The United States requested a visit to North Korea.")
    assert any(_country(e.source) == "USA" and _country(e.target) == "PRK" for e in positive), (
        f"control sentence not coded: {_brief(positive)}"
    )
    negated = "The United States did not request a visit to North Korea."
    events = _code(pipeline, f"{negated} China criticised Japan on Monday.")
    assert any(_country(e.source) == "CHN" for e in events), _brief(events)
    bad = [
        e
        for e in events
        if negated in e.sentence and _country(e.source) == "USA" and _country(e.target) == "PRK"
    ]
    assert bad == [], _brief(bad)


def test_future_meeting_is_coded_as_intent(pipeline: Pipeline) -> None:
    events = _code(pipeline, "South Korea will meet North Korean officials next week.")
    codes = [e.cameo for e in events]
    assert "036" in codes, _brief(events)
    assert not any(c.startswith("04") for c in codes), _brief(events)
    intent = next(e for e in events if e.cameo == "036")
    assert _country(intent.source) == "KOR" and _country(intent.target) == "PRK"


@pytest.mark.parametrize(
    "question",
    [
        "Will South Korea meet North Korean officials next week?",
        "Did China criticise Japan over the dispute?",
    ],
)
def test_question_gives_no_event(pipeline: Pipeline, question: str) -> None:
    control = "South Korea met North Korean officials on Monday."
    events = _code(pipeline, f"{control} {question}")
    assert any(control in e.sentence for e in events), f"control not coded: {_brief(events)}"
    assert [e for e in events if question in e.sentence] == []


@pytest.mark.parametrize("heading", ["Sanctions on Iran", "Lee's visit to Washington"])
def test_paragraph_break_splits_subheading_from_next_sentence(
    pipeline: Pipeline, heading: str
) -> None:
    body = "The United States imposed sanctions on Iran on Monday."
    text = f"{heading}\n\n{body}"
    events = _code(pipeline, text)
    coded = [e for e in events if e.cameo.startswith("16")]
    assert coded, _brief(events)
    for e in coded:
        assert e.sentence == body
        assert e.char_start == text.index(body)
        assert heading not in e.sentence


# --------------------------------------------------------------------- long articles

LONG_PARAGRAPHS = [
    "Protesters marched through the capital of Kenya on Tuesday. Police fired tear gas at the "
    "protesters near the parliament building.",
    "The United States imposed new sanctions on Iran over its nuclear programme. Iran condemned "
    "the sanctions and accused Washington of economic warfare.",
    "China criticised Japan over the disputed islands. Japan rejected the criticism and "
    "summoned the Chinese ambassador.",
    "Egypt offered to mediate between Israel and Hamas. The United Nations welcomed the offer.",
]


def test_very_long_article_is_coded_in_chunks(pipeline: Pipeline) -> None:
    base = "\n\n".join(LONG_PARAGRAPHS)
    (base_events,) = pipeline.extract_batch([_article(base)])
    assert base_events
    step = len(base) + 2
    copies = 250_001 // step + 1
    text = "\n\n".join([base] * copies)
    assert len(text) > 250_000
    article = _article(text)
    chunked = Pipeline(Settings(max_chunk_chars=50_000))
    (events,) = chunked.extract_batch([article])
    assert _offset_problems(article, events) == []
    per_copy = Counter(e.char_start // step for e in events)
    short = {k: per_copy.get(k, 0) for k in range(copies) if per_copy.get(k, 0) < len(base_events)}
    assert short == {}, f"copies with fewer than {len(base_events)} events: {short}"
    indices = [e.sentence_index for e in events]
    assert indices == sorted(indices)
    assert len({e.event_id for e in events}) == len(events)


# ------------------------------------------------------------------------- examples


def test_every_example_yields_valid_events(example_results, assert_valid_events) -> None:
    assert len(example_results) >= 15
    empty = [a.origin for a, events in example_results if not events]
    assert empty == [], f"examples without events: {empty}"
    assert_valid_events(e.to_dict() for _, events in example_results for e in events)


def test_events_do_not_depend_on_the_batch(pipeline: Pipeline, example_results) -> None:
    for article, in_batch in example_results[::5]:
        alone = Pipeline().extract_batch([article])[0]
        assert [e.to_dict() for e in alone] == [e.to_dict() for e in in_batch], article.origin


@pytest.mark.slow
def test_a_stance_names_no_country_of_the_sentence(pipeline: Pipeline) -> None:
    # "pro-French" is a stance: the sentence is about Mali alone
    text = "Rebels in Mali rejected an offer from the pro-French president."
    events = pipeline.extract_batch([Article("s", text, dt.date(1999, 5, 4))])[0]
    pairs = [(e.source and e.source.code, e.target and e.target.code) for e in events]
    assert ("MLIREB", "MLIGOV") in pairs, pairs


@pytest.mark.slow
def test_a_currency_names_no_second_country(pipeline: Pipeline) -> None:
    # "US $" is a currency: the sentence still names only Kenya, so the minister is Kenyan
    text = (
        "Opposition lawmakers accused the finance minister of wasting US $20 million "
        "on a Kenyan railway project."
    )
    events = pipeline.extract_batch([Article("c", text, dt.date(2003, 1, 8))])[0]
    codes = {a.country for e in events for a in (e.source, e.target) if a is not None}
    assert codes == {"KEN"}


@pytest.mark.slow
def test_radicals_in_a_one_country_sentence_are_of_that_country(pipeline: Pipeline) -> None:
    text = "Islamist radicals demanded the resignation of the Tunisian prime minister."
    events = pipeline.extract_batch([Article("r", text, dt.date(2003, 1, 8))])[0]
    sources = [e.source for e in events if e.source is not None and e.source.sector == "RAD"]
    assert sources and all(s.code == "TUNRAD" for s in sources)
