"""Country names that name a hamlet, a municipality, a table row or a coca variety (UNODC's Colombian
eradication reports), and the countries that must survive those rules."""

from __future__ import annotations

import pytest

# A table of eradication by municipality and hamlet: hamlets named after countries sit between Colombian
# departments, "Total <department>" subtotals and hamlets with ordinary names.
MUNICIPAL_TABLE = (
    "Departamento Municipio Vereda Área erradicada (ha)\n"
    "Argelia 12,4 Bulgaria 8,1 8,1 Camerún 15,2 15,2 Total Norte de Santander 35,5\n"
    "Bermudas 30,2 30,2 El Encanto 41,0 41,0 Guatemala 310,7 310,7 Putumayo Jamaica 88,3 88,3 "
    "La Paya 60,4 60,4 Líbano 150,9 150,9 México 190,2 190,2 Total Putumayo 871,7"
)


def test_hamlets_named_after_countries_in_a_table_of_municipalities(countries):
    assert countries(MUNICIPAL_TABLE, "es") == []


def test_hamlets_in_a_pipe_table_with_subtotals(countries):
    text = (
        "Antioquia | Amalfi | 29 | 23,2\nApartadó | 23 | 19,1\nArgelia | 10 | 9,9\n"
        "Total Antioquia | 62 | 52,2"
    )
    assert countries(text, "es") == []


def test_zones_named_after_capitals_in_a_pipe_table_with_empty_cells(countries):
    # A review: UNODC names eradication zones after capitals, and a cell left empty is a dash, so "Mónaco"
    # and "Panamá" were read as countries (their rows' first figure comes after a dash).
    text = (
        "Departamento | Núcleo | Número de lotes | Área (Ha)\n | Moscú | - | 29 | - | 16,95\n"
        " | Praga | - | 41 | - | 28,74\n | Total | 101 | 182 | 75,27\n"
        "Norte de Santander | Estocolmo | - | 77\n"
        "Mónaco | - | 160 | - | 88,41\nNairobi | - | 93 | 67,15\nPutumayo | Caracas | - | 35\n"
        "Panamá | - | - | 54 | - | 40,90"
    )
    assert countries(text, "es") == []


def test_a_municipality_named_after_a_country_among_one_countrys_departments(countries):
    # A team review: UNODC's table of municipalities by department, with neither header nor named
    # subtotals, tagged its row "Puerto Rico" (a municipality of Caquetá) as the country.
    text = (
        "Briceño 0 0 50 39,28\nEl Bagre 0 0 40 26,07\nAntioquia Nechí 0 0 75 33,6\nTotal 0 0 165 98,95\n"
        "Cantagallo 0 0 36 25,2\nBolívar\nSan Pablo 0 0 238 143,74\nTotal 0 0 274 168,94\n"
        "Puerto Rico 0 0 2 1,29\nSan Vicente del\nCaquetá 0 0 11 12,83\nCaguán\nTotal 0 0 13 14,12"
    )
    assert countries(text, "es") == []
    # Places of several countries say nothing of the kind: a row of another country stays.
    mixed = "Antioquia 12 Zulia 30 Táchira 8 Nariño 41 Ecuador 19 Total 110"
    assert countries(mixed, "es") == ["EC"]
    # Nor does a table of one country's places with one total: its other rows may count another
    # country's people or seizures (a code review).
    assert countries("Migrantes detenidos por estado de captura: Chiapas 1.204 Tabasco 830 Veracruz 412 "
                     "Guatemala 95 Honduras 60 Total 2.601", "es") == ["GT", "HN"]  # fmt: skip
    assert countries("Seizures by state: Sonora 12 Sinaloa 30 Chihuahua 8 United States 41 Total 91",
                     "en") == ["US"]  # fmt: skip
    assert countries("Incautaciones: Bogotá 12 Medellín 30 Cali 8 Venezuela 41 Total 91", "es") == ["VE"]


def test_a_pipe_table_of_countries_with_empty_cells_keeps_its_countries(countries):
    text = "País | 2014 | 2015\nColombia | - | 48.189\nPerú | 40.300 | -\nBolivia | - | 20.400"
    assert countries(text, "es") == ["BO", "CO", "PE"]


def test_a_table_of_countries_keeps_its_countries(countries):
    text = (
        "Tax revenue as percentage of GDP, by country. Central America Costa Rica 13.9 El Salvador 12.5 "
        "Guatemala 10.4 Honduras 14.4 South America Brazil 15.6 Chile 15.3 Colombia 11.9 Total 14.0"
    )
    assert countries(text, "en") == ["BR", "CL", "CO", "CR", "GT", "HN", "SV"]


def test_a_table_of_countries_by_department_keeps_its_countries(countries):
    # Only countries label the rows: a header word alone does not turn them into hamlets.
    text = "Tabla 2. Cultivos de coca por departamento (ha) Colombia 48.000 Perú 40.300 Bolivia 20.400"
    assert countries(text, "es") == ["BO", "CO", "PE"]


def test_a_table_keeps_the_country_whose_departments_it_lists(countries):
    text = "Departamento Área (ha) Colombia 48.189 Nariño 12.410 Putumayo 9.325 Guaviare 7.115"
    assert countries(text, "es") == ["CO"]


@pytest.mark.parametrize(
    "text",
    [
        "Tropas erradicaron coca en la vereda Guatemala, municipio de Puerto Asís, Putumayo.",
        "los cultivos del punto de erradicación denominado como Argelia en el municipio de Lejanías - Meta.",
        "La Policía llegó al municipio de Argelia, Antioquia.",
        "En el barrio México de Cúcuta hubo tres homicidios.",
        "Los erradicadores trabajaron en el corregimiento Brasil y en el sector Francia.",
    ],
)
def test_hamlet_named_after_a_country_in_prose(countries, text):
    assert countries(text, "es") == []


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("cada municipio de Colombia tiene un plan de seguridad", "es", ["CO"]),
        ("In Colombia, the municipality of Tumaco has the most coca.", "en", ["CO"]),
        ("Guatemala, departamento de Petén", "es", ["GT"]),
        ("In the oil sector Mexico lost ground to Brazil.", "en", ["BR", "MX"]),
        ("cultivos de coca en Colombia (2011)", "es", ["CO"]),
    ],
)
def test_a_country_named_with_its_subdivisions_is_still_the_country(countries, text, lang, expected):
    assert countries(text, lang) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Variedad del cultivo ilícito Tingomaría 40,1% Boliviana 18,2% Cuarentana 14,0% Peruana 9,3%",
        "AMAPOLA 21,0% PERUANA 12,4% PAJARITO 2,0%",
        "lotes de edad avanzada, en su mayoría de tipo boliviana y tingo maría",
        "la variedad peruana es la más común",
    ],
)
def test_coca_varieties_are_not_countries(countries, text):
    assert countries(text, "es") == []


def test_a_lower_case_demonym_before_a_figure_still_names_the_country(countries):
    assert countries("da população brasileira 73,1% eram pretos", "pt") == ["BR"]


@pytest.mark.parametrize(
    "text",
    [
        "Punto de erradicación Área (ha) Brasil Norte 80,2 80,2 Brasil Sur 61,7 61,7",
        "Los erradicadores acamparon en Brasil Norte y luego en Perú Occidente.",
    ],
)
def test_a_country_name_with_a_point_of_the_compass_is_a_place(countries, text):
    # UNODC's 2012 eradication report tagged Brazil from its points "Brasil Norte" and "Brasil Sur".
    assert countries(text, "es") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La coca avanzó en el norte de Brasil.", ["BR"]),
        ("Brasil financió la erradicación en el sur.", ["BR"]),
        ("Cultivos en la frontera con Venezuela Norte de Santander", ["VE"]),  # a department follows
        ("Mexico Este año subió la extorsión.", ["MX"]),  # "este" is "this"
    ],
)
def test_a_country_near_a_point_of_the_compass_is_still_the_country(countries, text, expected):
    assert countries(text, "es") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Noruega 25,4", ["NO"]),
        ("Argentina 9,1%", ["AR"]),
        ("Los donantes del fondo aportaron en millones de dólares: Noruega 25,4 y Canadá 3,0.", ["CA", "NO"]),
    ],
)
def test_a_demonym_that_is_a_country_name_labels_the_country_row(countries, text, expected):
    # "noruega" is also the feminine of "noruego": the coca-variety rule took the row label for a category.
    assert countries(text, "es") == expected


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # A review (`stats --by country --places` on UNODC's eradication report): Colombian municipalities
        # and hamlets counted for Venezuela and Costa Rica.
        ("Norte de Santander | Cúcuta | 50 | 60,5\nEl Zulia | 28 | 26,0\nOcaña | 10 | 3,0", ["CO", "CO"]),
        ("Cesar El Limón 3,0 3,0 El coco 135,6 135,6 Chocó", ["CO"]),
        # The Venezuelan state and the Costa Rican province themselves; regions named with their article.
        ("La violencia en el Zulia y en Limón creció", ["CR", "VE"]),
        ("De La Paz a La Guajira", ["BO", "CO"]),
        ("El Catatumbo y Norte de Santander", ["CO", "CO"]),
        ("En la región de La Araucanía, en Temuco", ["CL"]),
        ("La Araucanía y Arauco han sido largamente postergadas", ["CL"]),
        ("Departamento de Putumayo y la ciudad de Lima", ["CO", "PE"]),
        # Spanish links places with "y" and "de" (the real reports' lists of departments and cities).
        ("en los departamentos de Cauca, Putumayo, Magdalena y Nariño", ["CO", "CO", "CO"]),
        ("las ciudades de Cali, Cúcuta, Manizales y Pereira", ["CO", "CO", "CO"]),
        ("en San Andrés de Tumaco y Santiago de Cali", ["CO", "CO"]),
        # A code review: border passages name the neighbour, and two regions may face each other.
        ("El Catatumbo, en la frontera con Venezuela, es zona de coca", ["CO"]),
        ("El Putumayo limita con Ecuador", ["CO"]),
        ("El Petén y Chiapas comparten la selva", ["GT", "MX"]),
        ("El Darién, frontera con Colombia", ["PA"]),
    ],
)
def test_a_place_name_after_a_capitalized_article_is_another_place(tag, text, places):
    assert sorted(e.value for e in tag(text, "es").entities if e.kind == "place") == places


@pytest.mark.parametrize(
    ("text", "lang", "places"),
    [
        # Surnames (IPEA's credits and citations counted three passages for Peru).
        ("Sérgio Augusto de Abreu e Lima Florêncio Sobrinho", "pt", []),
        ("Lilian de Lima Gonçalves (estagiária)", "pt", []),
        ("o racismo institucional (Oliveira Junior e Lima, 2013), em que", "pt", []),
        ("as Renato Pereira (2010) shows", "en", []),
        ("as argued before (Silva and Lima, 2013; Pereira, 2010)", "en", []),
        ("Estado de São Paulo e Lima", "pt", ["BR", "PE"]),
        ("a cidade de Lima e o Rio de Janeiro", "pt", ["BR", "PE"]),
        ("In Lima, 2019 was a violent year", "en", ["PE"]),
        ("Homicide rates in Lima (2015) fell", "en", ["PE"]),
        ("Figure 3. Homicides in Rosario (2012-2018)", "en", ["AR"]),
        ("La Municipalidad Metropolitana de Lima", "es", ["PE"]),
        ("El Área Metropolitana de Pereira", "es", ["CO"]),
        ("Rio de Janeiro, 1979.", "pt", ["BR"]),
    ],
)
def test_a_place_that_is_a_surname_names_a_person_in_a_name_or_citation(tag, text, lang, places):
    assert sorted(e.value for e in tag(text, lang).entities if e.kind == "place") == places
