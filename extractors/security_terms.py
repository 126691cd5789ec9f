"""The words that say a text is about security: crime, violence, drugs, policing, prisons, justice, armed
conflict and the youth at risk of them, in English, Spanish and Portuguese.

Two readers use them. The tagger asks it of the words around a generically named programme
(extractors.tagging.topic: "Plan de Fomento Frutícola" is not citsec's business; "Plan Cuadrante de
Seguridad Preventiva" is), and the classifier asks it of a whole passage (models.registry: a passage
that never speaks of security discusses no security strategy, whatever its scores).

A word counts when it starts with one of the stems below (accents and case folded), unless the word after
it turns it into another field ("seguridad social", "food security", "seguro de salud"). A passage also
speaks of security when it names an enforcement or transnational programme of citsec's gazetteer ("Plan
Colombia was funded by the United States", "la Iniciativa Mérida"): those are security policy by what
they are, while a prevention programme (Sembrando Vida, a national development plan) is security business
only next to security words. No spaCy here: `mentions_security` reads plain text, so the classifier's
callers do not load a language pipeline.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path

PROGRAMS_GAZETTEER = Path(__file__).resolve().parent / "gazetteers" / "programs.jsonl"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def fold(text: str) -> str:
    """'Policía' -> 'policia': lower case, accents dropped (writers and PDFs drop them too)."""
    return _unaccented(text).lower()


def _unaccented(text: str) -> str:
    return text if text.isascii() else strip_marks(unicodedata.normalize("NFD", text))


def strip_marks(decomposed: str) -> str:
    """`decomposed` (a text in Unicode's NFD or NFKD form) without its combining marks: "policía"
    decomposed is "policia". The classifier's cue words fold accents with it too."""
    return decomposed if decomposed.isascii() else decomposed.translate(_DROP_COMBINING)


class _CombiningMarks(dict[int, int | None]):
    """str.translate's table that drops combining marks and keeps every other character, filled as
    characters are met (a passage's accents were dropped one character at a time in Python, half the time
    of `label queue` on a large store)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_DROP_COMBINING = _CombiningMarks()


# Stems, accent-free and lower case: "segur" covers seguridad/segurança/seguro, "polici" policía/policial.
_STEM_WORDS = _words(
    """
    segur insegur secur safe crim delit delict delinc violen homicid femicid feminicid asesin assassin
    murder kill sicari polici police policing carabiner gendarm militar military ejercito exercito army
    armed armad weapon firearm disarm municion munition ammunition tirote balacer shooting drog drug
    narco estupefac cocain marihuan marijuan maconh cannabis heroin opio opium amapola poppy psicoactiv
    psychoactiv prision prison prisao prisoes carcel carcer penitenci presidio reclus encarcel incarcer
    detention detencion reincid recidiv reinser reinteg justic judici fiscalia prosecut victim
    vitim terror guerrill insurg paramilit pandill gang mafia cartel secuestr sequestr kidnap extors
    trafic traffick contraband lavado launder lavagem corrup impun brib soborn suborn pacificac pacificad
    pacification fronteriz border convivenc punit penal ilicit illicit ilegal illegal arrest captur fugitiv
    profug extradi migra inmigra immigra imigra fraud probid conden convict
    antidrog antinarc antidrug counternarc contranarc erradic eradicat interdic represion represiv repressi
    represor prohibicionis prohibitionis proibicionis excombat combatient combatant ceasefire desmovil
    demobil robber theft hurto furto motin motim riot guardacosta coastguard
    extort smuggl seiz incauta decomis allanamiento embezzl defraud counterfeit lynch linchamiento
    linchament vigilante vigilantis bicheir militia milicia hitman hitmen gunmen gunman gunfire gunshot
    truce tregua thief thieves
    attack atentad intimidat intimidac shootout bullet kalashnikov forens disappear desaparecid sanction
    gunrunn
    """
)
# The lines from "antidrog" on were added when the classifier began to ask (the seed passages with a strategy
# label and none of the words above named them: drug control, interdiction, repression and prohibitionism,
# demobilised combatants, ceasefires, theft, prison riots, coast guards). Narrow stems: "repres" alone
# would take "representative", "robo" robots. "erradic" also takes the eradication of poverty (5 passages
# of the Chilean programmes) but mostly that of coca (67 passages of UNODC's monitoring reports that say
# no other security word: "lotes erradicados", "área erradicada"). The fourth and fifth lines came from a
# review of InSight Crime articles the rule would have left unlabeled (extortion, smuggling, seizures,
# lynching, truces, militias, gunmen); "inmate" became a whole word (it took "inmaterial"). The last line,
# and "zetas", "urabenos", "marines" and "gme" below, from a second reading of 100 InSight Crime passages
# that still said none of the words: 20 discussed a strategy, and these words let 6 of them through and no
# passage without security in it; they let no passage through in the 1,634 report passages without a
# security word ("rebel" did: "nos rebelamos"; "intimid" would take "intimidad", privacy).
SECURITY_STEMS = tuple(sorted(_STEM_WORDS))  # str.startswith takes a tuple
# Whole words only: short or common stems that would catch unrelated words as prefixes.
SECURITY_WORDS = _words(
    """
    paz peace arma armas arms gun guns coca maras mara defensa defense defence defesa desarme desarmamento
    juez jueces juiz juizes juiza juizas judge judges farc eln pcc robo robos roubo roubos crack
    raid raids cicig cicies maccih inmate inmates zetas urabenos marines gme
    deportation deportations deportee deportees deportacion deportaciones deportado deportados deportada
    deportadas deportacao deportacoes
    """
)
# The last two lines of whole words, and the pairs from "street gangs" on below, came from a review of the
# news passages the rule leaves unlabeled: an op-ed on Central America's presidents meeting on "las
# incontrolables bandas callejeras", "las guerras civiles", "mano dura" and "la política de deportación"
# said no word above. ("deport" would take "deporte", sport.) "guerra" and "war" alone were tried and left
# out: in the 26 reports every passage they alone reached was no security ("la guerra cultural", "declarar
# la guerra declarando derechos", "a post cold war world"); civil wars and the dirty war count as pairs.
# Acronyms that count only as written: the US Drug Enforcement Administration and Southern Command ("dea"
# is a goddess, "DEA" in a study of schools data envelopment analysis: rare beside the agency; a
# journalist's review).
AS_WRITTEN = frozenset({"DEA", "SOUTHCOM", "Southcom"})
# Word pairs that also count: "at risk" (youth at risk), "public order".
SECURITY_PAIRS = frozenset(
    {
        ("at", "risk"),
        ("en", "riesgo"),
        ("em", "risco"),
        ("orden", "publico"),
        ("ordem", "publica"),
        ("public", "order"),
        ("ministerio", "publico"),  # the public prosecutor's office
        ("harm", "reduction"),
        ("substance", "use"),
        ("consumo", "problematico"),
        ("pasta", "base"),
        ("coast", "guard"),
        ("comando", "sur"),  # the US Southern Command (AS_WRITTEN): a journalist's review
        ("comando", "sul"),
        ("southern", "command"),
        ("law", "enforcement"),
        ("attorney", "general"),
        ("street", "gangs"),  # from a review of news passages (see the whole words after "gme" above)
        ("bandas", "callejeras"),
        ("banda", "callejera"),  # "banda" alone is a music band, "banda ancha" broadband
        ("mano", "dura"),
        ("zero", "tolerance"),
        ("cero", "tolerancia"),
        ("tolerancia", "cero"),
        ("tolerancia", "zero"),
        ("guerra", "civil"),
        ("guerras", "civiles"),
        ("civil", "war"),
        ("civil", "wars"),
        ("guerra", "sucia"),
        ("dirty", "war"),
    }
)
# Three-word phrases that count: harm reduction in Spanish and Portuguese, a ceasefire.
SECURITY_TRIPLES = frozenset(
    {("reduccion", "de", "danos"), ("reducao", "de", "danos"), ("cese", "al", "fuego")}
)
# After a security word these make it another field: social security, food security, legal certainty.
OTHER_FIELD_NEXT = _words(
    """
    social sociales salud saude medico medica escolar alimentaria alimentar food energetica energetico
    energy hidrica hidrico water juridica juridico laboral ocupacional vial viaria informatica digital
    nuclear clinica clinico clinicas clinicos
    """
)
# Before an English security word these make it another field: food security, job security, road safety.
OTHER_FIELD_BEFORE = _words("food social energy water job income health financial road fire tenure legal")
# Senses of other fields, word by word, when the next word or the one after "de" is one of these:
# "captura de datos" (an arrest is "la captura del cabecilla"), "justicia tributaria", "convivencia
# democrática". ("en defensa de la libertad" is handled in security_word.)
OTHER_SENSE = {
    "captura": _words("datos valor carbono co2 energia informacion"),
    "justicia": _words(
        "tributaria fiscal social territorial climatica ambiental economica intergeneracional"
    ),
    "convivencia": _words("democratica social sociales intercultural familiar"),
    # Chile's "erradicación de tomas/campamentos" clears informal settlements; poverty, hunger and
    # illiteracy are eradicated too. Coca is what "erradic" is kept for.
    "erradic": _words("tomas campamentos pobreza hambre analfabetismo adoctrinamiento desnutricion"),
    "trafico": _words("vehicular urbano"),  # road traffic ("tráfico de vehículos" is trafficking)
}
# The stems OTHER_SENSE is keyed by: a word starting with one takes its other senses.
_OTHER_SENSE_STEMS = tuple(OTHER_SENSE)
# Words between: "erradicar la pobreza", "erradicación de tomas" ("tráfico de X" is always trafficking).
_LINKS = _words("de del la el las los da do das dos")
_NO_LINKS = ("trafico",)
# A word in another sense after these: "en defensa de la libertad", "calles de alto tráfico".
OTHER_SENSE_BEFORE = {"defensa": _words("en"), "trafico": _words("alto alta")}
# Phrases naming another field outright: Chile's competition authority.
OTHER_TRIPLES = frozenset({("fiscalia", "nacional", "economica")})
# "seguro de salud", "seguro de vida": insurance, not security.
OTHER_FIELD_AFTER_DE = _words("salud saude vida desempleo desemprego cesantia invalidez")
NOT_ALONE = frozenset({"orden", "ordem", "at", "en", "em", "public", "policies"})  # "policies": policy
# Around a name "seguro"/"segura" is mostly insurance or certainty ("seguro escolar", "de forma segura");
# inside one it is safety ("Plan Niñez Segura", "Barrios Seguros").
NAME_ONLY = _words("seguro seguros segura seguras")


# The stems whose other sense a programme's name can give them by naming their object: "erradicar" next to
# an "Estrategia Nacional para Campamentos" (extractors.tagging.topic). Not "justicia" next to a "Programa
# de Apoyo Social": there "social" qualifies nothing the word says.
NAMED_OBJECT_STEMS = ("erradic",)


def other_senses(word: str) -> frozenset[str]:
    """The words that put the folded `word` in another field when they follow it (OTHER_SENSE: "tomas" for
    "erradicación"); none for most words."""
    if not word.startswith(_OTHER_SENSE_STEMS):
        return frozenset()
    return next(words for stem, words in OTHER_SENSE.items() if word.startswith(stem))


@lru_cache(maxsize=8192)
def security_stem(word: str) -> bool:
    """Is the folded `word` a security word on its own (a stem or a whole word; no pair, no context)?"""
    if word in NOT_ALONE:
        return False
    return word in SECURITY_WORDS or word.startswith(SECURITY_STEMS)


def security_word(word: str, nxt: str, after: str, before: str = "") -> bool:
    """Is the folded `word`, between the folded `before` and `nxt`, `after`, a security word here? A pair
    or a three-word phrase it starts counts; "seguridad social", "food security" and "seguro de vida" do
    not."""
    if (word, nxt) in SECURITY_PAIRS or (word, nxt, after) in SECURITY_TRIPLES:
        return True
    if not security_stem(word):  # most words: the other senses below are all of security words
        return False
    if (word, nxt, after) in OTHER_TRIPLES or before in OTHER_SENSE_BEFORE.get(word, ()):
        return False
    other = other_senses(word)
    if nxt in other or (nxt in _LINKS and after in other and not word.startswith(_NO_LINKS)):
        return False
    other_field = nxt in OTHER_FIELD_NEXT or before in OTHER_FIELD_BEFORE
    if word.startswith(("segur", "secur", "safe")) and other_field:
        return False
    return not (word.startswith(("segur", "safe")) and nxt == "de" and after in OTHER_FIELD_AFTER_DE)


_WORD = re.compile(r"[^\W\d_]+")


Word = tuple[re.Match[str], str]  # a word as written (with its place in the text) and in lower case


def _words_in_context(text: str) -> Iterator[tuple[Word | None, Word, str, str]]:
    """Each word of `text` with the word before it (None for the first) and the two after it in lower case
    ("" past the end), read as they are asked for: most passages speak of security in their first
    sentence, and reading all their words first was a third of `label queue`'s time on a large store."""
    stream = ((m, m.group(0).lower()) for m in _WORD.finditer(text))
    ahead = list(islice(stream, 3))
    before = None
    while ahead:
        nxt = ahead[1][1] if len(ahead) > 1 else ""
        after = ahead[2][1] if len(ahead) > 2 else ""
        yield before, ahead[0], nxt, after
        before = ahead.pop(0)
        ahead.extend(islice(stream, 1))


def mentions_security(text: str) -> bool:
    """Does `text` speak of security anywhere ('policía', 'homicides', 'narcotráfico', 'at-risk youth')?

    >>> mentions_security("La tasa de homicidios bajó en Medellín.")
    True
    >>> mentions_security("Se creará un seguro de salud para los trabajadores independientes.")
    False
    """
    plain = _unaccented(text)  # folded once: the words keep their case for the name test below
    for before, (match, word), nxt, after in _words_in_context(plain):
        written, previous = match.group(0), before[0].group(0) if before else ""
        if word in NAME_ONLY:
            # Inside a name ("Plan Niñez Segura"): capitalised, after a capitalised word on the same line.
            same_line = before is not None and "\n" not in plain[before[0].end() : match.start()]
            if same_line and written[0].isupper() and previous[0].isupper():
                return True
            continue
        if written in AS_WRITTEN:
            return True
        if word == "paz" and written[0] == "P" and previous == "La":
            continue  # La Paz, the city; "la Paz Total" and "construir la paz" are peace
        if security_word(word, nxt, after, before[1] if before else ""):
            return True
    return names_security_program(plain)


def names_security_program(text: str) -> bool:
    """Does `text` (accents dropped) name an enforcement or transnational programme of the gazetteer? Its
    names and aliases as the gazetteer writes them, capitals included ("Pacto por la Vida", not "un pacto
    por la vida y la salud"; "Alliance for Prosperity", not "the alliance for prosperity between two
    firms"), in any case those naming a place ("plan colombia", "iniciativa merida"), and its acronyms of
    four letters or more as written ("CARSI"; "MPP", "UPP" or "OLP" are other things too often: a party, a
    union).

    >>> names_security_program("Plan Colombia was funded by the United States.")
    True
    >>> names_security_program("El plan colombia fue financiado por los EEUU.")
    True
    >>> names_security_program("Sembrando Vida planted trees in Tabasco.")
    False
    """
    as_written, any_case = _security_programs()
    return bool(as_written.search(text) or any_case.search(text))


@lru_cache(maxsize=1)
def _security_programs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns: the names as written, and the acronyms; and in any case, the names of a plan,
    initiative or operation that hold a place's name ("el plan colombia y la iniciativa merida": pasted,
    translated or OCRed text is often lower case), which no other sense shares, unlike "un pacto por la
    vida", "la operación limpieza de playas", "quédate en méxico" (a mother's advice) or "colombia plan de
    vivienda" (a code review). A name the gazetteer lists as title case only stays as written."""
    places = _unmistakable_places()
    strict: set[str] = set()
    loose: set[str] = set()
    for line in PROGRAMS_GAZETTEER.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if row.get("strategy") not in ("enforcement", "transnational"):
            continue
        title_case = {_unaccented(n) for n in row.get("title_case", [])}
        for name in (row["name"], *(a for v in row["aliases"].values() for a in v)):
            folded = _unaccented(name)
            words = folded.lower().split()
            named_place = any(place in f" {' '.join(words)} " for place in places)
            # "Merida Initiative", "Joint Operation Michoacan" too; not "Colombia Plan", which "colombia plan
            # de vivienda" holds (a code review).
            a_plan = any(word in _PLAN_WORDS for word in words) and words[-1] != "plan"
            (loose if named_place and a_plan and folded not in title_case else strict).add(folded)
        strict.update(acronym for acronym in row.get("acronyms", []) if len(acronym.replace(".", "")) >= 4)
    return _any_of(strict), _any_of(loose - strict, re.IGNORECASE)


# The words a plan's, an initiative's or an operation's name holds, folded.
_PLAN_WORDS = _words("plan plano iniciativa initiative operacion operativo operacao operation programa")


def _unmistakable_places() -> list[str]:
    """" colombia ", " michoacan ", ...: the country names the tagger takes in lower case (the country
    gazetteer's lowercase_ok), the Mexican states it knows, and Mérida (the Initiative's city), folded."""
    data = json.loads((PROGRAMS_GAZETTEER.parent / "countries.json").read_text(encoding="utf-8"))
    names = {*data["lowercase_ok"]["names"], *data["places"].get("MX", []), "Mérida"}
    return sorted(f" {fold(name)} " for name in names)


def _any_of(names: set[str], flags: int = 0) -> re.Pattern[str]:
    longest_first = sorted(names, key=lambda name: (-len(name), name))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, longest_first)) + r")(?!\w)", flags)
