"""Scorers, readers and the regression gate of eventwire.evaluate (no model needed).

Extractors here are hand-built from the gold itself (a perfect coder must score
1.0), return nothing (0 recall, perfect abstention) or code nonsense (the gate
must complain), so every figure's definition is pinned down.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from eventwire.errors import ConfigError, EvaluationError
from eventwire.evaluate import (
    FORMATS,
    check_thresholds,
    detect_format,
    evaluate,
    evaluate_all,
    evaluate_cameo_class,
    evaluate_cameo_ner,
    evaluate_location,
    evaluate_petrarch,
    evaluate_plover,
    evaluate_seed,
    load_thresholds,
    read_cameo_class,
    read_cameo_ner,
    read_location,
    read_petrarch,
    read_plover,
    read_seed,
    render_quality_report,
    run_extractor,
    thresholds_from_results,
)
from eventwire.evaluate.cameo_class import predicted_class
from eventwire.evaluate.common import EvalResult, country_matches
from eventwire.evaluate.location import repair_location
from eventwire.evaluate.seed import matches_entry, score_seed, violates
from eventwire.models import Actor, Article, Event, EventDate, Place

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold"
SEED = SHARED / "seed"

Maker = Callable[[Article], list[Event]]
PLACEHOLDER = _dt.date(2000, 1, 1)


def actor(
    code: str | None, text: str = "", start: int | None = None, end: int | None = None
) -> Actor | None:
    if code is None:
        return None
    country = code[:3] if code[:3] not in ("", "---") else None
    return Actor(
        text or code, code=code, country=country, sector=code[3:6] or None, start=start, end=end
    )


def ev(
    art: Article,
    cameo: str,
    *,
    plover: str | None = None,
    source: Actor | None = None,
    target: Actor | None = None,
    confidence: float = 0.9,
    location: Place | None = None,
    trigger: str = "",
    trigger_span: tuple[int, int] | None = None,
    date: EventDate | None = None,
    sentence: str | None = None,
) -> Event:
    return Event(
        doc_id=art.id,
        sentence_index=0,
        sentence=art.text if sentence is None else sentence,
        char_start=0,
        char_end=len(art.text),
        source=source,
        target=target,
        cameo=cameo,
        cameo_label="",
        plover=plover,
        plover_mode=None,
        quad_class=1,
        goldstein=0.0,
        date=date or EventDate(art.date.isoformat(), "publication"),
        location=location,
        confidence=confidence,
        coder_version="test",
        trigger=trigger,
        trigger_start=trigger_span[0] if trigger_span else None,
        trigger_end=trigger_span[1] if trigger_span else None,
    )


def extractor(make: Maker) -> Callable[[Sequence[Article]], list[list[Event]]]:
    def run(articles: Sequence[Article]) -> list[list[Event]]:
        return [make(a) for a in articles]

    return run


EMPTY = extractor(lambda a: [])


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared gold data absent: {path}")
    return path


# ------------------------------------------------------------------------ batching


def test_run_extractor_chunks_and_checks_length() -> None:
    arts = [Article(str(i), f"s{i}", PLACEHOLDER) for i in range(7)]
    calls: list[int] = []

    def counting(batch: Sequence[Article]) -> list[list[Event]]:
        calls.append(len(batch))
        return [[] for _ in batch]

    assert run_extractor(counting, arts, chunk_size=3) == [[]] * 7
    assert calls == [3, 3, 1]
    with pytest.raises(EvaluationError, match="one list per article"):
        run_extractor(lambda batch: [[]], arts)


# -------------------------------------------------------------------------- PLOVER

PLOVER_RECORDS = [
    {"event": "DOCUMENT", "id": "DOC", "eventText": "header"},
    {
        "id": "P1",
        "event": "FIGHT",
        "text": "Israeli troops shelled Gaza.",
        "date": "2000-01-01",
        "source": [{"actorText": "Israeli troops", "code": "ISR", "sector": "MIL"}],
        "target": [{"actorText": "Gaza", "code": "PSE"}],
        "eventText": "shelled",
    },
    {
        "id": "P2",
        "event": "AGREE",
        "text": "The United States and Jordan agreed a pact.",
        "source": [
            {"actorText": "United States", "code": "USA"},
            {"actorText": "Jordan", "code": "JOR"},
        ],
        "target": "",
    },
    {
        "id": "P3",
        "event": "INVESTIGATE",
        "text": "Italy investigated a US national.",
        "source": [{"actorText": "Italy", "code": "ITL"}],
        "target": [{"actorText": "US national", "code": "USA", "sector": "CVL"}],
    },
    {
        "id": "P4",
        "event": "DEMAND",
        "text": "The U.N. demanded that Iraq comply.",
        "source": [{"actorText": "U.N.", "code": "IGO"}],
        "target": [{"actorText": "Iraq", "code": "IRQ", "sector": "***"}],
    },
]
TYPE_TO_CAMEO = {"ASSAULT": "190", "AGREE": "030", "INVESTIGATE": "090", "REQUEST": "100"}


@pytest.fixture
def plover_file(tmp_path: Path) -> Path:
    path = tmp_path / "plover_gsr_dev.json"
    path.write_text(json.dumps(PLOVER_RECORDS), encoding="utf-8")
    return path


def plover_perfect(path: Path) -> Callable[[Sequence[Article]], list[list[Event]]]:
    """One event per (source, target) pair of the gold, with the gold's type and codes."""
    golds = {g.id: g for g in read_plover(path)}

    def code(a: object) -> str | None:
        country = getattr(a, "country", None)
        if country is None:
            return None
        return country + (getattr(a, "sector", None) or "")

    def make(art: Article) -> list[Event]:
        g = golds[art.id]
        cameo = "090" if g.type == "INVESTIGATE" else TYPE_TO_CAMEO.get(g.type, "040")
        plover = None if g.type == "INVESTIGATE" else g.type
        sources = g.sources or (None,)
        targets = g.targets or (None,)
        return [
            ev(art, cameo, plover=plover, source=actor(code(s)), target=actor(code(t)))
            for s in sources
            for t in targets
        ]

    return extractor(make)


def test_plover_reader_skips_header_and_maps_types(plover_file: Path) -> None:
    golds = read_plover(plover_file)
    assert [g.id for g in golds] == ["P1", "P2", "P3", "P4"]
    assert [g.type for g in golds] == ["ASSAULT", "AGREE", "INVESTIGATE", "REQUEST"]
    assert golds[1].targets == ()
    assert golds[2].sources[0].country == "ITA"  # legacy CAMEO code mapped to ISO
    assert golds[3].targets[0].sector is None  # "***" is not coded
    assert read_plover(plover_file, limit=2)[-1].id == "P2"


def test_plover_perfect_coder_scores_one(plover_file: Path) -> None:
    r = evaluate_plover(plover_file, plover_perfect(plover_file))
    for fig in (
        "type_recall",
        "type_source_recall",
        "type_source_target_recall",
        "precision",
        "source_country_acc",
        "target_country_acc",
        "source_sector_acc",
        "target_sector_acc",
    ):
        assert r.metrics[fig] == 1.0, fig
    # P2 has two gold sources: two events, one beyond the matching one.
    assert r.metrics["extra_events_per_sentence"] == pytest.approx(1 / 4)
    assert r.metrics["n_sentences"] == 4
    assert not [e for e in r.errors if e["kind"] == "miss"]


def test_plover_empty_and_wrong_coders(plover_file: Path) -> None:
    r = evaluate_plover(plover_file, EMPTY)
    assert r.metrics["type_recall"] == 0.0 and r.metrics["precision"] == 0.0
    assert r.metrics["extra_events_per_sentence"] == 0.0
    assert len([e for e in r.errors if e["kind"] == "miss"]) == 4

    # Right type, wrong source country: type recall holds, source recall drops.
    def swapped(art: Article) -> list[Event]:
        g = {x.id: x for x in read_plover(plover_file)}[art.id]
        cameo = "090" if g.type == "INVESTIGATE" else "040"
        return [
            ev(art, cameo, plover=None if g.type == "INVESTIGATE" else g.type, source=actor("FRA"))
        ]

    r = evaluate_plover(plover_file, extractor(swapped))
    assert r.metrics["type_recall"] == 1.0
    assert r.metrics["type_source_recall"] == 0.0
    assert r.metrics["source_country_acc"] == 0.0
    assert {e["problem"] for e in r.errors if e["kind"] == "miss"} == {"source country wrong"}


def test_plover_statements_do_not_count_as_events(plover_file: Path) -> None:
    r = evaluate_plover(
        plover_file, extractor(lambda a: [ev(a, "010"), ev(a, "173", plover="COERCE")])
    )
    assert r.metrics["precision"] == 0.0
    assert r.metrics["extra_events_per_sentence"] == 1.0  # the 173, not the 010
    assert len([e for e in r.errors if e["kind"] == "false_event"]) == 4


def test_country_matching_rules() -> None:
    assert country_matches("IGO", Actor("UN", code="IGOUNO", country="UNO"))
    assert country_matches("IGO", Actor("NATO", country="NATO"))
    assert not country_matches("IGO", Actor("France", country="FRA"))
    assert country_matches("IGO", Actor("Amnesty International", code="NGOHRI", sector="NGO"))
    assert not country_matches("IGO", Actor("refugees", code="REF", sector="REF"))
    assert country_matches("JAP", Actor("Japan", country="JPN"))
    assert not country_matches("USA", None)
    assert country_matches("***", None)  # not coded: no requirement


# -------------------------------------------------------------------- cameo_class

CLASS_ROWS = [
    ("Officials said the talks went well.", 0),
    ("The minister urged calm.", 0),
    ("Egypt hosted talks with Israel.", 1),
    ("Japan sent aid to Nepal.", 2),
    ('"Russia vetoed the ""draft"" resolution."', 3),
    ("Rebels killed six soldiers.", 4),
]
ROOT_FOR_LABEL = {0: "020", 1: "040", 2: "070", 3: "120", 4: "190"}


@pytest.fixture
def class_file(tmp_path: Path) -> Path:
    path = tmp_path / "classes.tsv"
    path.write_text("".join(f"{s}\t{lab}\r\n" for s, lab in CLASS_ROWS), encoding="utf-8")
    return path


def test_cameo_class_perfect_and_empty(class_file: Path) -> None:
    golds = read_cameo_class(class_file)
    assert golds[4].text == 'Russia vetoed the "draft" resolution.'
    labels = {g.text: g.label for g in golds}
    perfect = extractor(lambda a: [ev(a, "010"), ev(a, ROOT_FOR_LABEL[labels[a.text]])])
    r = evaluate_cameo_class(class_file, perfect)
    assert r.metrics["accuracy"] == 1.0 and r.metrics["macro_f1"] == 1.0
    assert r.metrics["coverage"] == 1.0 and r.errors == []
    r = evaluate_cameo_class(class_file, EMPTY)
    assert r.metrics["accuracy"] == pytest.approx(2 / 6)  # the two statements
    assert r.metrics["recall_0"] == 1.0 and r.metrics["precision_0"] == pytest.approx(2 / 6)
    assert r.metrics["coverage"] == 0.0 and len(r.errors) == 4


def test_cameo_class_main_event_is_most_confident_non_statement() -> None:
    art = Article("x", "text", PLACEHOLDER)
    label, main = predicted_class(
        [
            ev(art, "010", confidence=0.99),
            ev(art, "042", confidence=0.4),
            ev(art, "190", confidence=0.8),
        ]
    )
    assert label == 4 and main is not None and main.cameo == "190"
    assert predicted_class([ev(art, "020")])[0] == 0  # appeals are statements in this data
    assert predicted_class([ev(art, "090")])[0] == 3


def test_cameo_class_rejects_bad_label(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("ok\t1\nbroken line\t9\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"bad.tsv:2"):
        read_cameo_class(path)


# ---------------------------------------------------------------------- cameo_ner

NER_TEXT = """a B-S
Swiss I-S
court I-S
rejected O
the O
Croatian B-T
request I-T
. O

Russia B-R
and O
China B-R
met O
. O

It O
rained O
"""


@pytest.fixture
def ner_file(tmp_path: Path) -> Path:
    path = tmp_path / "cameo_ner.txt"
    path.write_text(NER_TEXT, encoding="utf-8")
    return path


def ner_perfect(path: Path) -> Callable[[Sequence[Article]], list[list[Event]]]:
    golds = {g.text: g for g in read_cameo_ner(path)}

    def make(art: Article) -> list[Event]:
        g = golds[art.text]

        def span_actor(span: frozenset[int]) -> Actor:
            lo, hi = g.offsets[min(span)][0], g.offsets[max(span)][1]
            return Actor(art.text[lo:hi], start=lo, end=hi)

        return [
            ev(art, "040", source=span_actor(s), target=span_actor(t))
            for s, t in zip(g.spans["source"], g.spans["target"], strict=True)
        ]

    return extractor(make)


def test_cameo_ner_reader_offsets_and_roles(ner_file: Path) -> None:
    golds = read_cameo_ner(ner_file)
    assert len(golds) == 3
    g = golds[0]
    assert g.text == "a Swiss court rejected the Croatian request ."
    assert g.text[slice(*g.offsets[5])] == "Croatian"
    assert g.spans["source"] == (frozenset({0, 1, 2}),)
    # R spans count as both roles.
    assert golds[1].spans["source"] == golds[1].spans["target"] == (frozenset({0}), frozenset({2}))


def test_cameo_ner_perfect_empty_and_partial(ner_file: Path) -> None:
    r = evaluate_cameo_ner(ner_file, ner_perfect(ner_file))
    assert r.metrics["source_f1"] == r.metrics["target_f1"] == r.metrics["span_f1"] == 1.0
    assert r.metrics["token_f1"] == 1.0
    r = evaluate_cameo_ner(ner_file, EMPTY)
    assert r.metrics["span_recall"] == 0.0 and r.metrics["span_f1"] == 0.0
    assert len(r.errors) == 6  # every gold span missed (1+2 sources, 1+2 targets)

    # Offsets missing: the actor is found by its text; one token of overlap suffices;
    # an actor not in the sentence is a false span.
    def partial(art: Article) -> list[Event]:
        if art.text.startswith("a Swiss"):
            return [ev(art, "120", source=Actor("court"), target=Actor("Croatia's leaders"))]
        return []

    r = evaluate_cameo_ner(ner_file, extractor(partial))
    assert r.metrics["source_precision"] == 1.0
    assert r.metrics["source_recall"] == pytest.approx(1 / 3)
    assert r.metrics["target_precision"] == 0.0
    assert any(e["kind"] == "false_span" and e["role"] == "target" for e in r.errors)


# ----------------------------------------------------------------------- petrarch

PETR_XML = """<?xml version='1.0' encoding='utf-8'?>
<Validation>
#########
#   header with <EventCoding...> mention
#########
<Environment><Verbfile>CAMEO.2.0.txt</Verbfile></Environment>
<Sentences>
<Sentence category="AFP" date="20080804" id="S1" evaluate="true"/>
<EventCoding eventcode="042" sourcecode="USAGOV" targetcode="CHN" />
<Text>
The US leader visited
Beijing.
</Text>
<Parse>
1	The	the	DET
</Parse>
</Sentence>
<Sentence category="AFP" date="20080806" id="S2" evaluate="true">
<!-- <EventCoding eventcode="190" sourcecode="FRA" targetcode="RWA" /> -->
<EventCoding noevents="True" />
<Text>
France condemned allegations by Rwanda.
</Text>
</Sentence>
<Sentence category="OTHER" date="20150609" id="S3" evaluate="true"/>
<EventCoding eventcode="190" sourcecode="---REB" targetcode="SYR" />
<EventCoding eventcode="051" sourcecode="UKR" targetcode="IGOEUREEC" />
<Text>
Rebels fought Syria; Ukraine praised the EU &amp; its members.
</Text>
<!---
<Parse>
</Parse>-->
</Sentence>
</Sentences>
</Validation>
"""


@pytest.fixture
def petr_file(tmp_path: Path) -> Path:
    path = tmp_path / "petr.xml"
    path.write_text(PETR_XML, encoding="utf-8")
    return path


def petr_perfect(path: Path) -> Callable[[Sequence[Article]], list[list[Event]]]:
    golds = {g.id: g for g in read_petrarch(path)}

    def code(c: str) -> Actor | None:
        if c.startswith("IGO"):
            return Actor("EU", code="IGOEUREEC", country="EUR")
        return actor(c)

    return extractor(
        lambda a: [
            ev(a, c.event, source=code(c.source), target=code(c.target))
            for c in golds[a.id].codings
        ]
    )


def test_petrarch_reader(petr_file: Path) -> None:
    golds = read_petrarch(petr_file)
    assert [g.id for g in golds] == ["S1", "S2", "S3"]
    assert golds[0].text == "The US leader visited Beijing."
    assert golds[1].codings == ()  # the commented-out coding is ignored
    assert [c.event for c in golds[2].codings] == ["190", "051"]
    assert "EU & its" in golds[2].text


def test_petrarch_perfect_empty_and_root_only(petr_file: Path) -> None:
    r = evaluate_petrarch(petr_file, petr_perfect(petr_file))
    for fig in (
        "root_agreement",
        "code_agreement",
        "actor_agreement",
        "root_precision",
        "no_event_correct",
    ):
        assert r.metrics[fig] == 1.0, fig
    assert r.metrics["n_codings"] == 3 and r.metrics["n_no_event"] == 1
    r = evaluate_petrarch(petr_file, EMPTY)
    assert r.metrics["root_agreement"] == 0.0 and r.metrics["no_event_correct"] == 1.0
    # Same roots, other leaf codes and countries; a 01 statement on the no-event sentence is fine.
    r = evaluate_petrarch(
        petr_file,
        extractor(
            lambda a: (
                [ev(a, "010")]
                if a.id == "S2"
                else [ev(a, "040"), ev(a, "193", target=actor("SYR")), ev(a, "051")]
            )
        ),
    )
    assert r.metrics["root_agreement"] == 1.0
    assert r.metrics["code_agreement"] == pytest.approx(1 / 3)  # only 051 is exact
    assert r.metrics["actor_agreement"] == pytest.approx(
        1 / 3
    )  # ---REB->SYR: any source, SYR target
    assert r.metrics["no_event_correct"] == 1.0


# ----------------------------------------------------------------------- location

LOC_ROWS = [
    {
        "_id": 1,
        "text": "Shelling hit a bus in Donetsk on Thursday.",
        "spans": [
            {"start": 9, "end": 12, "label": "VERB"},
            {"start": 22, "end": 29, "label": "LOCATION"},
        ],
    },
    {
        "_id": 2,
        "text": "Rebels attacked each other, officials said.",
        "spans": [{"start": 7, "end": 15, "label": "VERB"}],
    },
    {
        "_id": 3,
        "text": "Troops from Chad fought rebels near Kidal. ",
        "spans": [
            {"start": 17, "end": 23, "label": "VERB"},
            {"start": 36, "end": 41, "label": "LOCATION"},
        ],
    },
]


@pytest.fixture
def loc_file(tmp_path: Path) -> Path:
    path = tmp_path / "event_location_dev.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in LOC_ROWS), encoding="utf-8")
    return path


def loc_coder(
    path: Path, place_for: dict[str, str | None]
) -> Callable[[Sequence[Article]], list[list[Event]]]:
    golds = {g.text: g for g in read_location(path)}

    def make(art: Article) -> list[Event]:
        g = golds[art.text]
        verb = g.verbs[0]
        place = place_for.get(art.id)
        return [
            ev(art, "010", confidence=0.99),  # a distractor off the verb
            ev(
                art,
                "190",
                trigger=art.text[verb[0] : verb[1]],
                trigger_span=verb,
                location=Place(place) if place else None,
                confidence=0.5,
            ),
        ]

    return extractor(make)


def test_location_perfect_empty_and_wrong(loc_file: Path) -> None:
    golds = read_location(loc_file)
    assert [len(g.locations) for g in golds] == [1, 0, 1]
    r = evaluate_location(loc_file, loc_coder(loc_file, {"1": "Donetsk", "3": "Kidal"}))
    assert r.metrics["location_precision"] == r.metrics["location_recall"] == 1.0
    assert r.metrics["location_f1"] == 1.0 and r.metrics["abstention_accuracy"] == 1.0
    assert r.metrics["verb_event_rate"] == 1.0 and r.errors == []
    r = evaluate_location(loc_file, EMPTY)
    assert r.metrics["location_recall"] == 0.0 and r.metrics["abstention_accuracy"] == 1.0
    # Chad is named in the sentence but is not where the fighting happened; row 2 needs none.
    r = evaluate_location(
        loc_file, loc_coder(loc_file, {"1": "donetsk", "2": "Syria", "3": "Chad"})
    )
    assert r.metrics["location_precision"] == pytest.approx(1 / 3)
    assert r.metrics["location_recall"] == 0.5
    assert r.metrics["abstention_accuracy"] == 0.0
    assert {e["kind"] for e in r.errors} == {"wrong_location"}


def test_location_spans_given_as_token_indices_are_repaired(tmp_path: Path) -> None:
    text = "In the neighboring province of Ingushetia, troops clashed with rebels."
    assert repair_location(text, 31, 41) == (31, 41)  # clean character span kept
    assert repair_location(text, 5, 5) == (31, 41)  # token 5 (inclusive end) = Ingushetia
    # A leading space is a token of its own: tokens 7..8 are "Las Vegas".
    assert repair_location(" McCoy was captured in March in Las Vegas.\n", 7, 8) == (32, 41)
    assert repair_location("Rebels entered al-Rai today.", 15, 21) == (15, 21)  # lower-case name
    assert repair_location("They protested the blockade.", 3, 3) is None  # neither reading works
    rows = [
        {
            "_id": 1,
            "text": text,
            "spans": [
                {"start": 51, "end": 58, "label": "VERB"},
                {"start": 5, "end": 5, "label": "LOCATION"},
            ],
        },
        {
            "_id": 2,
            "text": "They protested the blockade.",
            "spans": [
                {"start": 5, "end": 14, "label": "VERB"},
                {"start": 3, "end": 3, "label": "LOCATION"},
            ],
        },
    ]
    path = tmp_path / "loc.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    golds = read_location(path)
    assert golds[0].locations == ((31, 41),) and not golds[0].unreadable
    assert golds[1].unreadable
    r = evaluate_location(path, loc_coder(path, {"1": "Ingushetia"}))
    assert r.metrics["location_recall"] == 1.0 and r.metrics["n_unreadable"] == 1


# --------------------------------------------------------------------------- seed

ART = Article(
    "seed", "Pyongyang rejected talks. Lee met US officials last month.", _dt.date(2020, 7, 8)
)
SPEC = {
    "events": [
        {
            "id": "E1",
            "required": True,
            "sentence_contains": "Pyongyang rejected",
            "source": {"country": ["PRK"], "sector": ["GOV", None]},
            "target": {"country": ["USA", None], "sector": ["GOV", None]},
            "cameo_prefixes": ["12"],
            "date": {"earliest": "2020-06-01", "latest": "2020-07-08"},
        },
        {
            "id": "E2",
            "required": False,
            "sentence_contains": "Lee met US officials",
            "source": {"country": ["KOR"], "sector": ["GOV"]},
            "target": {"country": ["USA"], "sector": ["GOV"]},
            "cameo_prefixes": ["04"],
            "date": {"earliest": "2020-06-01", "latest": "2020-06-30"},
            "location_country": "USA",
        },
    ],
    "must_not": [
        {"id": "N1", "sentence_contains": "Lee met", "source_country": "USA"},
        {"id": "N2", "sentence_contains": "", "actor_text_any": ["last month", "july"]},
    ],
}
S1, S2 = "Pyongyang rejected talks.", "Lee met US officials last month."


def test_seed_entry_rules() -> None:
    e1 = SPEC["events"][0]
    ok = ev(ART, "125", source=actor("PRK"), target=None, sentence=S1)
    assert matches_entry(e1, ok)  # null target: no actor is right; bare PRK is fine
    assert matches_entry(
        e1, ev(ART, "120", source=actor("PRKGOV"), target=actor("USAGOV"), sentence=S1)
    )
    assert not matches_entry(e1, ev(ART, "125", source=actor("PRKMIL"), sentence=S1))  # sector
    assert not matches_entry(e1, ev(ART, "125", source=None, sentence=S1))  # source required
    assert not matches_entry(e1, ev(ART, "042", source=actor("PRK"), sentence=S1))  # prefix
    assert not matches_entry(e1, ev(ART, "125", source=actor("PRK"), sentence=S2))  # sentence
    e2 = SPEC["events"][1]
    june = EventDate("2020-06", "month", "last month")
    pair = {"source": actor("KORGOV"), "target": actor("USAGOV"), "sentence": S2}
    assert matches_entry(e2, ev(ART, "040", date=june, **pair))
    assert not matches_entry(e2, ev(ART, "040", **pair))  # publication date 07-08 is outside
    assert not matches_entry(
        e2, ev(ART, "040", date=EventDate("2020", "year"), **pair)
    )  # not contained
    assert not matches_entry(
        e2, ev(ART, "040", date=june, source=actor("KOR"), target=actor("USAGOV"), sentence=S2)
    )


def test_seed_must_not_rules() -> None:
    n1, n2 = SPEC["must_not"]
    assert violates(n1, ev(ART, "040", source=actor("USAGOV"), sentence=S2))
    assert not violates(n1, ev(ART, "040", source=actor("KORGOV"), sentence=S2))
    assert not violates(n1, ev(ART, "040", source=actor("USAGOV"), sentence=S1))
    assert violates(n2, ev(ART, "040", source=Actor("Last Month", code="XXX"), sentence=S2))
    assert not violates(n2, ev(ART, "040", source=Actor("Lee", code="KORGOV"), sentence=S2))


def test_seed_scoring_counts_and_closest() -> None:
    june = EventDate("2020-06", "month")
    events = [
        ev(ART, "125", source=actor("PRKGOV"), sentence=S1),
        ev(ART, "040", source=actor("KORGOV"), target=actor("USA"), date=june, sentence=S2),
        ev(ART, "040", source=Actor("last month", code="USA", country="USA"), sentence=S2),
    ]
    r = score_seed(SPEC, events)
    assert r.metrics["required_found"] == r.metrics["required_total"] == 1
    assert r.metrics["optional_found"] == 0 and r.metrics["optional_total"] == 1
    assert r.metrics["must_not_violations"] == 2
    missing = [e for e in r.errors if e["kind"] == "missing_optional"]
    assert missing[0]["id"] == "E2" and missing[0]["failed"] == ["target"]
    assert "KORGOV" in missing[0]["closest"]


# --------------------------------------------------------------- the gate, report


def bad_results(plover_file: Path, petr_file: Path) -> list[EvalResult]:
    rng = random.Random(7)

    def nonsense(art: Article) -> list[Event]:
        pick = rng.choice(["FRA", "BRA", "ZAF", "KEN"])
        return [
            ev(
                art,
                "190",
                plover="ASSAULT",
                source=actor(pick),
                target=actor(rng.choice(["CHN", "PER"])),
            )
        ]

    return [
        evaluate_plover(plover_file, extractor(nonsense)),
        evaluate_petrarch(petr_file, extractor(nonsense)),
    ]


def test_check_thresholds_flags_a_bad_coder(plover_file: Path, petr_file: Path) -> None:
    good = [
        evaluate_plover(plover_file, plover_perfect(plover_file)),
        evaluate_petrarch(petr_file, petr_perfect(petr_file)),
    ]
    recorded = thresholds_from_results(good)
    assert recorded["plover"]["extra_events_per_sentence"] == {"max": 0.25}
    assert check_thresholds(good, recorded) == []
    problems = check_thresholds(bad_results(plover_file, petr_file), recorded)
    text = "\n".join(problems)
    assert "plover.type_recall: measured 0.250, below the recorded minimum 1.000" in text
    # Three of four sentences get a false 190: lower-is-better figure above its maximum.
    assert "plover.extra_events_per_sentence: measured 0.750, above the recorded maximum" in text
    assert "petrarch.no_event_correct" in text
    # A lower-is-better figure that rises is flagged; within tolerance it is not.
    extra = EvalResult("plover", {"extra_events_per_sentence": 0.6})
    assert check_thresholds([extra], {"plover": {"extra_events_per_sentence": {"max": 0.5}}})
    assert not check_thresholds([extra], {"plover": {"extra_events_per_sentence": {"max": 0.59}}})
    # Missing sets are skipped; a figure the scorer no longer produces is reported.
    assert check_thresholds([extra], {"seed": {"required_found": 6}}) == []
    assert "not measured" in check_thresholds([extra], {"plover": {"type_recall": 0.5}})[0]
    with pytest.raises(ConfigError, match="plover.type_recall"):
        check_thresholds([extra], {"plover": {"type_recall": {"least": 1}}})


def test_repository_thresholds_file_is_valid() -> None:
    thresholds = load_thresholds(ROOT / "quality-thresholds.json")
    assert set(thresholds) <= set(FORMATS)
    assert thresholds["plover"]["extra_events_per_sentence"].keys() == {"max"}
    assert thresholds["seed"]["must_not_violations"].keys() == {"max"}


def test_quality_report_has_every_figure(plover_file: Path) -> None:
    r = evaluate_plover(plover_file, plover_perfect(plover_file))
    md = render_quality_report(
        [r],
        version="9.9.9",
        date="2024-01-02",
        command="eventwire eval --all --report docs/QUALITY.md",
    )
    assert "9.9.9" in md and "2024-01-02" in md and "eventwire eval --all" in md
    for fig in r.metrics:
        assert f"| {fig} |" in md
    assert "Israeli troops shelled" not in md  # no gold text is republished


def test_detect_format_by_name_and_content(tmp_path: Path, petr_file: Path, ner_file: Path) -> None:
    assert detect_format(tmp_path / "plover_gsr_dev.json") == "plover"
    assert detect_format(petr_file) == "petrarch"
    odd = tmp_path / "gold.dat"
    odd.write_text(NER_TEXT, encoding="utf-8")
    assert detect_format(odd) == "cameo_ner"
    odd.write_text("A sentence here.\t3\nAnother.\t0\n", encoding="utf-8")
    assert detect_format(odd) == "cameo_class"
    odd.write_text(json.dumps(LOC_ROWS[0]) + "\n", encoding="utf-8")
    assert detect_format(odd) == "location"
    odd.write_text("nothing known", encoding="utf-8")
    with pytest.raises(EvaluationError, match="cannot tell"):
        detect_format(odd)
    assert evaluate(petr_file, EMPTY).name == "petrarch"


def test_evaluate_all_runs_the_sets_present(tmp_path: Path) -> None:
    (tmp_path / "petr2_gsr_validation.xml").write_text(PETR_XML, encoding="utf-8")
    (tmp_path / "conflibert_cameo_ner_train.txt").write_text(NER_TEXT, encoding="utf-8")
    results = evaluate_all(tmp_path, None, EMPTY)
    assert [r.name for r in results] == ["cameo_ner", "petrarch"]
    with pytest.raises(EvaluationError, match="no gold sets"):
        evaluate_all(tmp_path / "nothing", None, EMPTY)


# ------------------------------------------------------- the real shared gold sets


def test_real_gold_readers_counts() -> None:
    assert len(read_plover(need(GOLD / "plover_gsr_dev.json"))) == 179
    assert len(read_cameo_class(need(GOLD / "conflibert_cameo_class_train.tsv"))) == 1349
    assert len(read_cameo_ner(need(GOLD / "conflibert_cameo_ner_train.txt"))) == 1153
    petr = read_petrarch(need(GOLD / "petr2_gsr_validation.xml"))
    assert len(petr) == 78
    assert sum(not g.codings for g in petr) == 12
    assert sum(len(g.codings) for g in petr) == 80
    locs = read_location(need(GOLD / "event_location_dev.jsonl"))
    assert len(locs) == 4628
    # Token-indexed spans are repaired; only a handful of sentences stay unreadable.
    assert sum(g.unreadable for g in locs) < 50
    names = [g.text[s:e] for g in locs for s, e in g.locations]
    assert len(names) > 3000 and sum(n[:1].isupper() for n in names) / len(names) > 0.95
    for name in (
        "plover_gsr_dev.json",
        "conflibert_cameo_class_train.tsv",
        "event_location_dev.jsonl",
    ):
        assert detect_format(GOLD / name) in FORMATS


def test_real_plover_perfect_coder() -> None:
    path = need(GOLD / "plover_gsr_dev.json")
    r = evaluate_plover(path, plover_perfect(path))
    assert r.metrics["type_source_target_recall"] == 1.0
    assert r.metrics["precision"] == 1.0
    assert r.metrics["source_country_acc"] == r.metrics["target_country_acc"] == 1.0


def test_real_ner_and_petrarch_perfect_coders() -> None:
    ner = need(GOLD / "conflibert_cameo_ner_train.txt")
    golds = read_cameo_ner(ner)
    by_text = {g.text: g for g in golds}

    def make(art: Article) -> list[Event]:
        g = by_text[art.text]
        out = []
        for role in ("source", "target"):
            for span in g.spans[role]:
                lo, hi = g.offsets[min(span)][0], g.offsets[max(span)][1]
                a = Actor(art.text[lo:hi], start=lo, end=hi)
                out.append(ev(art, "040", **{role: a}))
        return out

    r = evaluate_cameo_ner(ner, extractor(make))
    assert r.metrics["span_f1"] == 1.0
    petr = need(GOLD / "petr2_gsr_validation.xml")
    r = evaluate_petrarch(petr, petr_perfect(petr))
    assert r.metrics["root_agreement"] == r.metrics["code_agreement"] == 1.0
    assert r.metrics["actor_agreement"] == 1.0 and r.metrics["no_event_correct"] == 1.0


def test_real_seed_expectations() -> None:
    path = need(SEED / "expected_events.json")
    spec, article = read_seed(path)
    assert article.date == _dt.date(2020, 7, 8)
    for entry in spec["events"]:  # every expected sentence is in the article
        assert " ".join(entry["sentence_contains"].split()) in " ".join(article.text.split())
    r = evaluate_seed(SEED, EMPTY)
    assert r.metrics["required_total"] == 6 and r.metrics["optional_total"] == 8
    assert r.metrics["required_found"] == 0 and r.metrics["must_not_violations"] == 0
    assert len(r.errors) == 14

    def perfect(art: Article) -> list[Event]:
        out = []
        for entry in spec["events"]:
            lo = _dt.date.fromisoformat(entry["date"]["earliest"])
            src = actor(entry["source"]["country"][0] + (entry["source"]["sector"][0] or ""))
            tgt_c = entry["target"]["country"][0]
            tgt = actor(tgt_c + (entry["target"]["sector"][0] or "")) if tgt_c else None
            out.append(
                ev(
                    art,
                    entry["best_cameo"],
                    source=src,
                    target=tgt,
                    date=EventDate(lo.isoformat(), "day"),
                    sentence=entry["sentence_contains"],
                )
            )
        return out

    r = evaluate_seed(path, extractor(perfect))
    assert r.metrics["required_found"] == 6 and r.metrics["optional_found"] == 8
    assert r.metrics["must_not_violations"] == 0
