"""Countries: names, demonyms, abbreviations and groupings in en/es/pt, and every false-hit guard."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Violence rose in Colombia and Venezuela last year.", "en", ["CO", "VE"]),
        ("La violencia aumentó en Colombia, México y Perú.", "es", ["CO", "MX", "PE"]),
        ("A violência cresceu no Brasil, na Colômbia e no Paraguai.", "pt", ["BR", "CO", "PY"]),
        ("Officials from the United States of America met in Brazil.", "en", ["BR", "US"]),
        ("Los Estados Unidos y Bolivia firmaron el acuerdo.", "es", ["BO", "US"]),
        ("Os Estados Unidos e a Venezuela romperam relações.", "pt", ["US", "VE"]),
        ("The Plurinational State of Bolivia and the Bolivarian Republic of Venezuela", "en", ["BO", "VE"]),
        ("Delegates from Russia, Syria and Iran attended.", "en", ["IR", "RU", "SY"]),
    ],
)
def test_country_names_in_each_language(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Mexican and Brazilian police met Salvadoran prosecutors.", "en", ["BR", "MX", "SV"]),
        ("Colombians and Hondurans were deported.", "en", ["CO", "HN"]),
        ("los mexicanos", "es", ["MX"]),
        ("las autoridades mexicanas", "es", ["MX"]),
        ("el ejército mexicano", "es", ["MX"]),
        ("una fiscal mexicana", "es", ["MX"]),
        ("pandillas salvadoreñas y hondureñas", "es", ["HN", "SV"]),
        ("el gobierno nicaragüense", "es", ["NI"]),
        ("el gobierno nicaraguense", "es", ["NI"]),
        ("un funcionario estadounidense", "es", ["US"]),
        ("el diplomático americano", "es", ["US"]),
        ("la Organización de los Estados Americanos", "es", []),
        ("los ingleses y franceses", "es", ["FR", "GB"]),
        ("o governo brasileiro", "pt", ["BR"]),
        ("as polícias brasileiras", "pt", ["BR"]),
        ("traficantes colombianos e venezuelanos", "pt", ["CO", "VE"]),
        ("a polícia norte-americana", "pt", ["US"]),
        ("as autoridades francesas", "pt", ["FR"]),
    ],
)
def test_demonyms_with_gender_and_number(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Aid from the U.S. arrived.", "en"),
        ("US aid arrived.", "en"),
        ("USA aid arrived.", "en"),
        ("US-funded programs expanded.", "en"),
        ("U.S.-funded programs expanded.", "en"),
        ("La ayuda de EE.UU. llegó.", "es"),
        ("La ayuda de EE. UU. llegó.", "es"),
        ("La ayuda de EEUU llegó.", "es"),
        ("La ayuda de Ee.uu. llegó.", "es"),
        ("A ajuda dos EUA chegou.", "pt"),
        ("America's war on drugs", "en"),
    ],
)
def test_us_abbreviations(countries, text, lang):
    assert countries(text, lang) == ["US"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Gangs in the Northern Triangle grew.", "en"),
        ("Gangs in the Northern Triangle of Central America grew.", "en"),
        ("Las pandillas del Triángulo Norte crecieron.", "es"),
        ("Las pandillas del Triangulo Norte crecieron.", "es"),
        ("As gangues do Triângulo Norte cresceram.", "pt"),
        ("los migrantes del llamado Triángulo norte de centroamérica", "es"),
        ("los tres países del Triángulo", "es"),
    ],
)
def test_northern_triangle_expands_to_three_countries(countries, text, lang):
    assert countries(text, lang) == ["GT", "HN", "SV"]


def test_regions_are_not_expanded(countries):
    # Naming a region does not name its countries; only fixed groupings expand.
    assert countries("Cocaine moves through Central America and the Caribbean to Latin America.") == []
    assert countries("La cocaína pasa por Centroamérica y América Latina.", "es") == []


def test_latin_americans_are_not_americans(countries):
    assert countries("40% of Latin Americans and Central Americans support it.") == []
    assert countries("the Inter-American Commission and the Organization of American States") == []
    assert countries("American advisers trained Mexican police.") == ["MX", "US"]


def test_lower_cased_names_after_careless_casing(countries):
    assert countries("los ex presidentes de méxico y de colombia", "es") == ["CO", "MX"]
    assert countries("la violencia en Costa rica", "es") == ["CR"]


def test_all_caps_heading(countries):
    assert countries("SECURITY POLICY IN COLOMBIA AND PERU") == ["CO", "PE"]


# ---- false-hit guards ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was arrested in Atlanta, Georgia, last week.", []),
        ("Georgia passed a new immigration law.", []),
        ("Russia invaded Georgia in 2008; Tbilisi protested.", ["GE", "RU"]),
    ],
)
def test_georgia_is_the_us_state_unless_the_caucasus_is_in_view(countries, text, expected):
    assert countries(text) == expected


def test_armenia_is_the_colombian_city_unless_the_caucasus_is_in_view(countries):
    assert countries("Homicidios en Armenia, Quindío, bajaron.", "es") == []
    assert countries("Armenia and Azerbaijan fought over the Caucasus enclave.") == ["AM", "AZ"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Michael Jordan visited the school.", []),
        ("Jordan Peterson spoke at the forum.", []),
        ("Mr. Jordan declined to comment.", []),
        ("A man named Jordan was arrested for drug possession.", []),
        ("Jordan, a 19-year-old gang member, was sentenced.", []),
        ("Un joven llamado Israel fue detenido.", []),
        ("Israel, de 19 años, fue detenido en Soyapango.", []),
        ("Un pandillero apodado Chad fue capturado.", []),
        ("Refugees reached Jordan, 12 percent of them children.", ["JO"]),
        ("In Jordan, 10,000 Syrian refugees were registered last year.", ["JO", "SY"]),
        ("In Trinidad, 12,000 firearms were seized in 2019.", ["TT"]),
        ("En Israel, 20 años después del acuerdo, la violencia persiste.", ["IL"]),
        ("Israel, a 75-year-old state, faces new threats.", ["IL"]),
        ("The State Department named Jordan a major non-NATO ally.", ["JO"]),
        ("The UN called Chad the most fragile state in the region.", ["TD"]),
        ("Refugees fled to Jordan and Lebanon.", ["JO", "LB"]),
        ("Israel Vargas, the mayor, was arrested.", []),
        ("Weapons came from Israel to Colombia.", ["CO", "IL"]),
        ("The Israel Defense Forces trained the unit.", ["IL"]),
    ],
)
def test_jordan_and_israel_as_person_names(countries, text, expected):
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We ate turkey on Thanksgiving.", []),
        ("Turkey sandwiches were served.", []),
        ("Roast Turkey with gravy.", []),
        ("Turkey seized 2 tons of cocaine.", ["TR"]),
    ],
)
def test_turkey_the_bird(countries, text, expected):
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Add green chile and Chile peppers to the stew.", "en", []),
        ("Chile powder is sold here.", "en", []),
        ("Se sirve con chile poblano y chiles rellenos.", "es", []),
        ("Chile and Peru signed the accord.", "en", ["CL", "PE"]),
        ("Chile firmó el acuerdo.", "es", ["CL"]),
    ],
)
def test_chile_the_pepper(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guinea-Bissau is a cocaine hub.", ["GW"]),
        ("Papua New Guinea and Equatorial Guinea", ["GQ", "PG"]),
        ("Guinea pigs are eaten in Peru.", ["PE"]),
        ("Guinea and Senegal", ["GN", "SN"]),
    ],
)
def test_guinea_inside_other_names(countries, text, expected):
    assert countries(text) == expected


def test_dominica_inside_dominican_republic(countries):
    assert countries("The Dominican Republic extradited him.") == ["DO"]
    assert countries("Dominica is an island nation.") == ["DM"]


def test_niger_inside_nigeria(countries):
    assert countries("Nigeria and Niger share a border.") == ["NE", "NG"]
    assert countries("Nigerian gangs operate in Brazil.") == ["BR", "NG"]
    assert countries("Oil theft in the Niger Delta") == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("He lives in New Mexico.", "en", []),
        ("The attack happened in Mexico City.", "en", []),
        ("Oil rigs in the Gulf of Mexico", "en", []),
        ("Cartels in the state of Mexico", "en", []),
        ("Vive en la Ciudad de México.", "es", []),
        ("Vive en Nuevo México.", "es", []),
        ("su corresponsal en Ciudad de méxico", "es", []),
        ("Mexico City and Mexico", "en", ["MX"]),
    ],
)
def test_mexico_inside_places(countries, text, lang, expected):
    assert countries(text, lang) == expected


def test_cities_are_places_not_countries(tag):
    tags = tag("Gangs in Bogotá and Ciudad Juárez.", "es")
    assert tags.countries == []
    places = {(e.text, e.value) for e in tags.entities if e.kind == "place"}
    assert places == {("Bogotá", "CO"), ("Ciudad Juárez", "MX")}
    # States and departments the reports name instead of their country (for `--country CC --places`).
    tags = tag("Erradicación en Vichada y Norte de Santander; patrullas en Coahuila; crimen en Ceará.", "es")
    assert tags.countries == []
    places = {(e.text, e.value) for e in tags.entities if e.kind == "place"}
    assert places == {("Vichada", "CO"), ("Norte de Santander", "CO"), ("Coahuila", "MX"), ("Ceará", "BR")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Let us talk about crime.", []),
        ("He told us the truth.", []),
        ("LET US KNOW WHAT YOU THINK", []),
        ("The US sent advisers.", ["US"]),
        ("US and Colombian forces", ["CO", "US"]),
    ],
)
def test_us_versus_us(countries, text, expected):
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vancouver, British Columbia, is a port.", []),
        ("the District of Columbia", []),
        ("Columbia University researchers", []),
        ("British Columbia and Colombia", ["CO"]),
    ],
)
def test_columbia_is_not_colombia(countries, text, expected):
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("The report is in Spanish.", "en", []),
        ("Spanish-speaking migrants", "en", []),
        ("BACRIM, from the Spanish for criminal bands", "en", []),
        ("El informe está en español.", "es", []),
        ("depending on whether one speaks Spanish or Portuguese", "en", []),
        ("según se hable español o portugués", "es", []),
        ("Spanish police arrested him.", "en", ["ES"]),
        ("la policía española", "es", ["ES"]),
    ],
)
def test_language_names_are_not_countries(countries, text, lang, expected):
    assert countries(text, lang) == expected


def test_country_department_is_not_the_country(countries):
    assert countries("Homicides fell in Guatemala Department last year.") == []


def test_common_words_that_translate_country_names_are_skipped(countries):
    # Spanish "Mauricio" (Mauritius) is a first name; "Reunión" (Réunion) means a meeting.
    assert countries("Mauricio Funes habló en la Reunión anual.", "es") == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("A polícia ocupou o Complexo do Alemão na madrugada.", "pt", []),
        ("Houve tiroteio no Morro do Alemão ontem.", "pt", []),
        ("Os moradores da Vila Portuguesa reclamaram.", "pt", []),
        ("Os bairros Cocotá, Bancários e Tauá Portuguesa e Galeão ficam na ilha.", "pt", []),
        ("el barrio Colonia Suiza de la ciudad", "es", []),
        # A Brazilian researcher's review: Rio's favelas were Germany and the Netherlands.
        ("Tiroteio no Alemão deixa três mortos.", "pt", []),
        ("A operação no complexo do Alemão durou dois dias.", "pt", []),
        ("Os complexos do Alemão e da Penha foram ocupados.", "pt", []),
        ("Moradores da Nova Holanda, na Maré, relatam tiroteios.", "pt", []),
        ("A Holanda e a Alemanha apoiaram o acordo.", "pt", ["DE", "NL"]),
        ("A polícia prendeu um alemão no aeroporto do Rio.", "pt", ["DE"]),
        # A code review: a demonym spelt as its country ("Argentina", "China", "Suíça") is the country, after
        # "na" or a common noun, in every language ("no" is English and Spanish too).
        ("Ele mora na Argentina desde 2010.", "pt", ["AR"]),
        ("A fábrica fica na China e o dinheiro foi depositado na Suíça.", "pt", ["CH", "CN"]),
        ("pelos portos da China e da Argentina", "pt", ["AR", "CN"]),
        ("Las calles de Argentina se llenaron de manifestantes.", "es", ["AR"]),
        ("La ruta pasa por Bolivia y no Argentina.", "es", ["AR", "BO"]),
        ("Trump said there would be no China deal.", "en", ["CN"]),
        ("O presidente falou no Japão sobre o acordo.", "pt", ["JP"]),
        # An institution's demonym still names its country.
        ("O Fórum Brasileiro de Segurança Pública publicou o anuário.", "pt", ["BR"]),
        ("un acuerdo con el Gobierno Colombiano, la policía y la fiscalía", "es", ["CO"]),
        ("a polícia portuguesa e o governo alemão", "pt", ["DE", "PT"]),
    ],
)
def test_demonym_inside_a_place_name_is_not_the_country(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Peterson, Jordan; Vargas, Israel (2019). Policing in the Andes.", []),
        ("Peterson, Jordan B. (2018). Crime and order.", []),
        ("Peterson, Jordan (2018). Crime and order.", []),
        # A list of countries keeps them: the word before the comma is a country.
        ("Refugees crossed into Lebanon, Jordan; others reached Turkey.", ["JO", "LB", "TR"]),
        ("Refugees fled to Lebanon, Jordan and Turkey.", ["JO", "LB", "TR"]),
    ],
)
def test_given_names_in_a_bibliography_author_list(countries, text, expected):
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Event Coding From Text Written in\nSpanish: A New Tool", "en"),
        ("Given the complexity of Spanish conjugation, the tool does not stem verbs.", "en"),
        ("consider the following sentence in both English and Spanish: troops arrested a man", "en"),
        ("the grammatical complexities of Spanish than rigid approaches", "en"),
        ("the translation of the present tense from Spanish into English", "en"),
        ("Unless otherwise noted, all translations from the Portuguese are my own.", "en"),
        ("to process text in Portuguese, Italian or French.", "en"),
        ("the municipality is in a non-Spanish linguistic community", "en"),
        ("Spanish-language outlets covered the trial.", "en"),
    ],
)
def test_language_names_across_line_breaks_lists_and_nouns(countries, text, lang):
    assert countries(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Spanish and Colombian police dismantled the network.", "en", ["CO", "ES"]),
        ("the Spanish newspaper reported the seizure", "en", ["ES"]),
        ("the Spanish conquered the Aztecs", "en", ["ES"]),
        ("Most migrants came from Portugal, Spain or Italy.", "en", ["ES", "IT", "PT"]),
        ("similar al sistema inglés de salud", "es", ["GB"]),
    ],
)
def test_nationality_adjectives_still_name_countries(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is what Holland (1986) calls the fundamental problem of causal inference.", []),
        ("a controlled experiment (Angrist and Pischke, 2008; Holland, 1986; Morgan, 2014)", []),
        ("Jordan et al. (2015) found no effect.", []),
        ("Cocaine shipments went to Holland and Belgium.", ["BE", "NL"]),
    ],
)
def test_authors_cited_with_a_year_are_not_countries(countries, text, expected):
    assert countries(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("permitirá ahorrar más de US $100 millones por año", "es", []),
        ("la inversión promedió US $18.500 millones anuales", "es", []),
        ("roughly 0.5 U.S. dollars per real", "en", []),
        ("un préstamo de 40 millones de dólares estadounidenses", "es", []),
        ("US aid of $100 million arrived.", "en", ["US"]),
    ],
)
def test_us_dollar_amounts_are_a_currency_not_the_us(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Crearemos una Zona Franca de Innovación Médica.", "es", []),
        ("As Zonas Francas do Norte cresceram.", "pt", []),
        ("A França e o Brasil assinaram.", "pt", ["BR", "FR"]),
    ],
)
def test_a_free_trade_zone_is_not_france(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # A journalist's review: Costa Rica's byname gave Switzerland.
        ("Costa Rica, long called the Switzerland of Central America, saw murders rise.", "en", ["CR"]),
        ("Costa Rica, la Suiza de América, ve crecer los homicidios.", "es", ["CR"]),
        ("Uruguay, the Switzerland of South America, legalized cannabis.", "en", ["UY"]),
        # Countries of the Americas, and a far-away one named for itself, stay.
        ("Trade between the Colombia of the 1990s and Mexico grew.", "en", ["CO", "MX"]),
        ("Aid from the United States of America reached Haiti.", "en", ["HT", "US"]),
        ("Banks in Switzerland of all places hid the money.", "en", ["CH"]),
    ],
)
def test_a_far_away_country_another_is_likened_to_is_not_named(countries, text, lang, expected):
    assert countries(text, lang) == expected
