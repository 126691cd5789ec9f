"""The cue lexicon's words: which patterns light which cue group (models.cues turns them into features).

Kept apart from the transformer so that what names the seed model (models.seed_version: a hash of these
patterns, among others) can be worked out without importing scikit-learn. Patterns match at the start of
a word in lower-cased, accent-folded text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

# What follows "victims of" when they are a disaster's (hurricane Mitch, el terremoto), not crime's.
_DISASTER_EN = (
    r" of (?:the )?(?:hurricane|tropical storm|earthquake|floods?|landslides?|natural disasters?|drought)"
)
_DISASTER_ES = (
    r" del? (?:la |las |los |el )?"
    r"(?:huracan|tormenta|terremoto|sismo|inundacion|lluvia|desastres? natural|sequia)"
)
_DISASTER_PT = r" d[oa]s? (?:furacao|tempestade|terremoto|enchente|inundac|chuva|desastres? natura|seca\b)"
# Latin American countries and their people, for "the Colombian treasury" and "Mexico's Treasury Secretary"
_PEOPLES = (
    "mexican", "guatemalan", "salvadoran", "honduran", "nicaraguan", "costa rican", "panamanian", "colombian",
    "venezuelan", "ecuadorian", "peruvian", "bolivian", "brazilian", "chilean", "argentine", "argentinian",
    "paraguayan", "uruguayan", "dominican",
)
_COUNTRIES = (
    "mexico", "guatemala", "salvador", "honduras", "nicaragua", "costa rica", "panama", "colombia",
    "venezuela", "ecuador", "peru", "bolivia", "brazil", "chile", "argentina", "paraguay", "uruguay",
    "republic",
)
_NOT_THEIR_TREASURY = "".join(rf"(?<!\b{people} treasury)" for people in _PEOPLES) + "".join(
    rf"(?<!\b{country}{mark}s treasury)" for country in _COUNTRIES for mark in ("'", "\u2019")
)

CUES: dict[str, tuple[str, ...]] = {
    # prevention
    # the verbs too: prevenir, previene, previne (prevent, prevención, prevenção, preventivo start "preven")
    "prevention": (r"preven", r"previen", r"previn"),
    "youth": (
        r"youth", r"juvenil", r"jovenes", r"jovens", r"juventud", r"adolescen", r"at-risk",
        r"en riesgo", r"em risco", r"young (people|men)", r"ninos", r"criancas",
    ),
    "schooling_jobs": (
        r"school", r"escuel", r"escola", r"educa", r"job training", r"vocational",
        r"employment", r"empleo", r"emprego", r"capacitacion laboral", r"apprentice", r"scholarship",
        r"becas?\b", r"formacao profissional", r"skills", r"oficios?\b", r"cursos?\b", r"jobs?\b",
        # the same words in the languages that lacked them: teaching (ensino medio, ensenanza secundaria),
        # pupils, apprentices, job training and employability
        r"ensino", r"ensenanza", r"students?\b", r"estudiant", r"estudant", r"pupils?\b", r"alumnos?\b",
        r"alunos?\b", r"aprendiz(es)?\b", r"aprendices", r"formacion (profesional|tecnica|para el trabajo)",
        r"capacitacao", r"qualificacao profissional", r"employab", r"empleab", r"empregab",
    ),
    "community": (
        r"community polic", r"proximity polic", r"policia comunitaria", r"policia de proximidad",
        r"policiamento comunitario", r"citizen participation", r"participacion ciudadana",
        r"participacao", r"community", r"comunidad", r"comunidade", r"comunitari", r"neighbou?rhood",
        r"barrio(?![ -]?18\b| azteca)", r"bairro", r"vecin",  # Barrio 18, Barrio Azteca: gangs
    ),
    "interruption": (
        r"interrupter", r"interruptor(?:es|as)? d[ae] (?:la )?violen", r"cure violence",
        # mediation, mediator, mediated; mediación, mediação; not mediático, mediatización (the media) nor
        # mediato (indirect)
        r"mediat(?:ion|or|e\b|ed\b|es\b|ing\b)", r"mediac", r"mediador",
        r"outreach", r"mentor",
    ),
    "social_investment": (
        r"social invest", r"inversion social", r"investimento social", r"social program",
        r"programas? social", r"social assistance", r"asistencia social", r"assistencia social",
        r"public space", r"espacios? public", r"espacos? public", r"lighting",
        r"alumbrado", r"iluminacion", r"iluminacao", r"urban upgrad", r"mejoramiento barrial", r"root causes",
        r"causas (estructurales|profundas)", r"inclusion", r"inclusao", r"cultur", r"sports?\b",
        r"deportes?\b", r"deportiv", r"esporte", r"situational", r"situacional", r"environmental design",
        r"alternative development", r"desarrollo alternativo", r"desenvolvimento alternativo",
        r"crop substitution", r"sustitucion", r"substituicao", r"poverty", r"pobreza", r"inequality",
        r"desigualdad", r"desigualdade", r"opportunit(?!y costs?\b)",
        # not the opportunity cost
        r"(?<!\bcosto de )(?<!\bcoste de )(?<!\bcusto de )(?<!\bcostos de )(?<!\bcostes de )(?<!\bcustos de )"
        r"oportunidad",
    ),
    "treatment": (
        # not a study's treatment (its effect, status, dose, groups) nor how one treats citizens
        r"treatment(?! (?:effects?|status|dos(?:e|es|age)|groups?|assignment|intensity|variables?|"
        r"indicators?|and control)\b)",
        r"(?<!\bgrupo de )(?<!\bgrupos de )tratamiento(?! y control\b)",
        r"(?<!\bgrupo de )(?<!\bgrupos de )tratamento(?! (?:dado|dispensado|diferenciado|desigual|igual)\b"
        r"| aos? cidadaos?\b| e controle\b)",
        r"harm reduction", r"reduccion de danos",
        r"reducao de danos", r"decriminali", r"despenaliz", r"descriminaliz", r"legaliz", r"regulated market",
        r"mercado regulado", r"public health", r"salud publica", r"saude publica", r"addict", r"adiccion",
        r"dependencia quimica",
    ),
    "reintegration": (
        # people, not wildlife nor roads
        r"rehabilita(?<!\bwildlife rehabilita)"
        r"(?!\w* (?:of |de )?(?:the |las |los |la )?(?:roads?|carreteras?|caminos|vias))",
        r"reabilita", r"reintegra", r"reinser", r"resociali",
        r"ressocializ", r"second chance",
        # help for prisoners and those released, not the generic "assistance" (foreign aid below)
        r"(?:assistance|support|services) (?:to|for) (?:prisoners|inmates|former (?:prisoners|inmates)|ex-)",
        r"(?:asistencia|atencion) (?:a|para) (?:los |las )?"
        r"(?:reclus|internos|privad|personas privadas|liberad|egresad|penad)",
        r"(?:assistencia|apoio) (?:aos?|as?|para) (?:condenad|pres[oa]s?\b|egress|detent|apenad)",
    ),
    "victims": (
        r"victim (support|assistance|services)",
        # help for victims of crime, not for those of a hurricane or an earthquake, nor every assistance
        # (technical and military assistance are foreign aid)
        r"(?:assistance|support|services\"?|help) (?:to|for) (?:the )?(?:crime )?victims\b"
        r"(?!" + _DISASTER_EN + ")",
        r"(?:help|assist|support|protect)(?:s|ed|ing)? (?:and (?:protect|support|assist) )?(?:the )?"
        r"(?:crime )?victims\b(?!" + _DISASTER_EN + ")",
        r"(?:atencion|asistencia|apoyo|ayuda)(?: integral)? a (?:las |los |la )?victimas?\b"
        r"(?!" + _DISASTER_ES + ")",
        r"atencion (?:integral )?de (?:las |los |la )?victimas?\b(?!" + _DISASTER_ES + ")",
        r"(?:assistencia|atendimento|apoio|atencao) (?:as?|das?|aos?) vitimas?\b(?!" + _DISASTER_PT + ")",
        r"reparacion",
        r"reparac(?:ao|oes)\b",
        r"reparation", r"acompanamiento psicosocial", r"acompanhamento psicossocial",
    ),
    "peace": (
        r"truce", r"tregua", r"peace\b", r"paz\b", r"proceso de paz", r"processo de paz", r"negociac",
        r"negotiat", r"dialog", r"demobiliz", r"desmoviliz", r"desmobiliz", r"disarmament", r"desarme",
        r"desarmamento", r"ceasefire", r"cese al fuego", r"cessar-fogo", r"pacificac",
        r"amnest(?!y international)", r"amnistia(?! internacional)", r"anistia(?! internacional)",
        r"transitional justice", r"justicia transicional",
    ),
    # enforcement
    "arrest": (
        r"arrest", r"detain", r"detention", r"detenc", r"detenid", r"detuv", r"detien",
        r"captur", r"aprehen", r"apprehen", r"prisao", r"prend", r"presos?\b", r"detidos?\b", r"custody",
        r"warrant", r"orden de (captura|aprehension)", r"mandado de prisao",
    ),
    "operation": (
        r"raid(s|ed|ing)?\b", r"allanamient", r"operativ", r"operacion", r"operacao", r"operacoes",
        r"operation", r"batidas? policia",
        r"crackdown", r"offensive", r"ofensiva", r"dismantl", r"desarticul", r"desmantel", r"manhunt",
        r"patrol", r"patrull", r"patrulh", r"deploy", r"despleg", r"desplie", r"mobiliz",
    ),
    "military": (
        # military aid and bases are foreign aid and foreign actors. Brazil's Polícia Militar (and the
        # Brigada Militar of Rio Grande do Sul) are state police forces: they lose the cue where the words
        # around them are Portuguese (policiais militares, a/da Polícia Militar, um policial militar, as
        # polícias Civil e Militar, Polícia Militar do Rio). Accents folded, Spanish "policía militar" reads
        # the same, and there it is the army's (Honduras' PMOP): "la/una/de policía militar", "operativo
        # policial militar" stay military, as does a militarised police. Spanish without its article
        # ("apoyo a policía militar") reads as Portuguese "à Polícia Militar" and loses it
        r"militariz",
        r"militar(?!y (?:aid|bases?)\b)(?<!\bpoliciais militar)(?<!\bum policial militar)"
        r"(?<!\bo policial militar)(?<!\bdo policial militar)(?<!\bpelo policial militar)"
        r"(?<!\bao policial militar)(?<!\ba policia militar)(?<!\bda policia militar)"
        r"(?<!\bna policia militar)(?<!\bpela policia militar)(?<!\bas policias militar)"
        r"(?<!\bdas policias militar)(?<!\bnas policias militar)(?<!\bpelas policias militar)"
        r"(?<!\bpolicias civil e militar)(?<!\bpolicia civil e militar)(?<!\bpoliciais civis e militar)"
        r"(?<!\bpolicias civis e militar)(?<!\ba policial militar)(?<!\buma policial militar)"
        r"(?<!\bbatalhao de policia militar)(?<!\bbatalhoes de policia militar)"
        r"(?<!\ba brigada militar)(?<!\bda brigada militar)(?<!\bna brigada militar)"
        r"(?<!\bpela brigada militar)"
        r"(?!(?<=\bpolicia militar)(?: do\b| das\b| dos estados\b| da (?:bahia|paraiba)\b| paulista"
        r"| fluminense| mineira| gaucha| baiana| de (?:minas gerais|sao paulo|santa catarina|goias"
        r"|pernambuco|alagoas"
        r"|sergipe|rondonia|roraima|mato grosso|tocantins)\b)"
        r"|(?<=\bpolicias militar)es d[oa]s?\b"
        # Brazil's state military police in English (Sao Paulo's military police, the state military police)
        r"|(?<=\bstate militar)y police|(?<=\bpaulo militar)y police|(?<=\bpaulo's militar)y police"
        r"|(?<=\bpaulo\u2019s militar)y police|(?<=\brio\u2019s militar)y police"
        r"|(?<=\bbrazil\u2019s militar)y police|(?<=\bjaneiro's militar)y police"
        r"|(?<=\bjaneiro\u2019s militar)y police|(?<=\bbrazilian militar)y police"
        r"|(?<=\brio militar)y police|(?<=\brio's militar)y police|(?<=\bbrazil's militar)y police)",
        r"armed forces", r"fuerzas? armadas?\b", r"forcas armadas", r"troops",
        r"tropas", r"soldier", r"soldad", r"army", r"ejercito", r"exercito", r"marines", r"navy",
        r"marinha", r"fuzileiros", r"infantes? de marina", r"infanteria de marina", r"semar\b",
        # the navy (la Armada, la Marina; beside the army or the police), not an armed gang (banda armada,
        # a mano armada) nor a name (Marina Silva)
        r"armada\b(?<=\bla armada)", r"armada (?:nacional|de (?:colombia|mexico|chile|ecuador|peru))",
        r"armada\b(?=,? (?:y |la )?(?:ejercito|ejercol|ponal|fuerza aerea|policia)\b)",
        r"armada\b(?<=\bejercito y armada)", r"armada\b(?<=\bejercito, armada)",
        r"armada\b(?<=\bejercito o armada)",
        r"armada\b(?<=\baerea y armada)", r"armada\b(?<=\bejercol armada)",
        r"marina\b(?<=\bla marina)", r"secretaria de marina",
        r"marina\b(?=,? (?:y |la )?(?:ejercito|fuerza aerea|policia)\b)",
        r"marina\b(?<=\bejercito y marina)", r"marina\b(?<=\bejercito, marina)",
        r"national guard", r"guardia nacional", r"guarda nacional",
    ),
    "police_force": (
        r"police", r"policia", r"policial", r"law enforcement", r"security forces", r"fuerzas de seguridad",
        r"forcas de seguranca", r"special forces", r"fuerzas especiales", r"gendarm", r"carabiner",
        r"officers", r"agentes", r"authorities", r"autoridades",
    ),
    "force_capacity": (
        r"(?<!\bartificial )intelligence(?![- ]sharing)", r"inteligencia(?! artificial)", r"task force",
        r"fuerza de tarea", r"forca-tarefa",
        # elite units, not political or business elites
        r"elite(?=,? (?:[\w-]+ )?(?:units?\b|squads?\b|troops|forces?\b|police\b|military|militari|soldier|"
        r"commando|army\b|airborne|naval|navy|marines?\b|task force|tactical|anti|counter|special|investigat|"
        r"security forces|battalion|corps\b|brigade|officers|agents|mobile column))",
        r"elite(?= del? (?:la )?(?:ejercito|policia|armada|marina|fuerza))",
        r"de elite\b",  # unidad/tropa/batalhão de élite
        r"special unit", r"unidad especial", r"unidade especial", r"helicopter",
        r"equipment", r"equipamiento", r"equipamento", r"surveillance", r"vigilancia", r"investigat",
        # criminal investigations, not research (investigación científica / y desarrollo, esta investigação)
        r"(?<!\besta )(?<!\bdesta )(?<!\bnesta )(?<!\bessa )(?<!\bnuestra )(?<!\bnossa )(?<!\bmi )"
        r"(?<!\bminha )(?<!\bpresente )(?<!\bcentro de )(?<!\bcentros de )"
        r"investigac(?:ion|oes|ao|iones)?\b(?! (?:cientific|academic|aplicad|y desarrollo|e desenvolvimento|"
        r"e inovacao|e innovacion|social|cualitativ|qualitativ|quantitativ|cuantitativ))",
        # ...except where the words say crime: the prosecutor's or the police's investigation, Venezuela's
        # investigative police (CICPC), Mexico's intelligence centre (CISEN), a criminal investigation centre
        r"(?:esta|desta|nesta|essa|la presente) investigac(?:ion|ao)"
        r"(?= (?:de la fiscalia|del ministerio publico|do ministerio publico|policial|criminal|penal|"
        r"judicial|da policia|de la policia))",
        r"investigaciones cientificas(?=,? penales)", r"centro de investigacion y seguridad", r"cisen\b",
        r"centros? de investigac(?:ion|ao) (?:criminal|policial|judicial)",
    ),
    "counternarcotics": (
        r"anti-?narcotic", r"antinarcotic", r"counter-?narcotic", r"counterdrug", r"antidrog", r"anti-drug",
        r"drug control", r"control de drogas", r"controle de drogas", r"fiscalizacion",
    ),
    "prison": (
        r"prison(?! terms\b)",  # longer prison terms are penal law
        r"jail", r"incarcerat", r"carcel", r"prision", r"penitenciar", r"presidio",
        r"encarcela", r"encarcera", r"inmates?", r"reclus", r"detentos?",
    ),
    "penal_law": (
        r"mano dura", r"iron fist", r"zero tolerance", r"tolerancia (cero|zero)",
        # the age of criminal responsibility
        r"maioridade penal", r"menoridade penal", r"(?:idade|edad) penal", r"edad de punibilidad",
        r"edad (?:minima )?de (?:responsabilidad|imputabilidad) penal",
        r"age of criminal (?:responsibility|liability)", r"imputabilidad", r"inimput",
        r"tough(er)? (on crime|penalt|sentenc|law)",
        r"sentenc", r"condena", r"penal code", r"codigo penal", r"criminal code", r"penalt",
        r"life imprisonment", r"cadena perpetua", r"prison terms", r"endurec",
        # not Peña Nieto (accents folded), the Peñas Blancas crossing, "vale la pena", "a duras penas"
        r"(?<!\bvale la )(?<!\bvale a )(?<!\bvaler la )(?<!\bvalga la )(?<!\bmerece la )(?<!\bduras )"
        r"(?<!\bvalio la )(?<!\bvaldria la )(?<!\bvaleu a )(?<!\bvaleria a )"
        r"penas?\b(?! nieto\b| blancas\b)",
        r"anti-gang law", r"ley antimaras", r"punitiv", r"repressi", r"represion", r"represiv", r"repressao",
    ),
    "prosecution": (
        r"prosecut",
        # the prosecutor: "fiscal" is budgetary too in Spanish and only that in English (gasto fiscal,
        # fiscal year)
        r"fiscalia",
        r"(?:el|la|los|las|un|una|unos|unas|del|al|cada|otros?|nuevos?|varios|de|su|sus|este|estos|ese|esos|"
        r"dos|tres|cuatro|cinco|jueces y) fiscal(?:es)?\b",
        r"fiscal(?:es)?(?= y jueces)",
        r"\d+ fiscales\b",
        # the word after is looked at, not taken: "fiscales antidrogas" is counternarcotics too
        r"fiscal(?:es)?(?= (?:general|nacional|regional|especial|adjunt|antidrog|anticorrup|federal\b|jefe|"
        r"judicial|de corte|del ministerio|de la nacion|de distrito|provincial|superior|penal|militar))",
        r"procurad", r"ministerio publico", r"indict", r"acusac", r"charged with",
        r"charges", r"trials?\b", r"juicio", r"julgamento", r"convict", r"judicial", r"tribunal",
        r"court(?!esy|ing|ship|yard)",
    ),
    "emergency": (
        r"state of (emergency|exception|siege)", r"estado de (excepcion|emergencia|sitio|excecao)",
        r"regimen de excepcion", r"suspended (constitutional )?rights", r"curfew", r"toque de queda",
        r"garantias constitucionales", r"intervencao federal",
    ),
    "eradication": (
        r"eradicat", r"erradica", r"fumigat", r"fumiga", r"aerial spraying", r"aspersion", r"glyphosate",
        r"glifosato", r"coca (crop|field)", r"cultivos? ilicit", r"manual eradication", r"wipe out",
    ),
    "seizure": (
        r"seiz", r"incaut", r"decomis", r"apreen", r"confisca", r"interdict", r"interdic",
        # not a regression's intercept (the intercept, el/o intercepto); interception, intercepted, interceptó
        r"(?<!\bel )(?<!\bo )(?<!\blos )(?<!\bos )intercept(?!(?<=\bthe intercept)\b)",
        r"tons? of cocaine", r"toneladas de cocaina", r"kilos? (of|de)", r"asset forfeiture",
        r"extincion de dominio", r"freez(?!er)", r"congela",
        # blocking accounts and assets, not reforms, opportunities or a Soviet bloc
        r"bloque\w* (?:[\w-]+ ){0,2}?(?:cuentas|bienes|activos|fondos|contas|bens|ativos)",
    ),
    "kingpin": (
        r"kingpin", r"high-value target", r"capos?\b", r"cabecilla", r"decapitat", r"descabeza",
        r"most wanted", r"leaders? of the", r"lider(es)? del", r"chefes?\b", r"bounty", r"reward",
        r"recompensa",
    ),
    "purge": (r"purge", r"depura", r"vetting", r"polygraph", r"poligrafo", r"control de confianza",
              r"expurgo", r"dismissed", r"destituid", r"afastad"),
    "war_on_crime": (
        r"war on drugs", r"drug war", r"guerra contra", r"guerra as drogas", r"combat", r"fight against",
        r"lucha contra", r"luta contra", r"crack down", r"enfrentamento", r"enfrentamiento",
        r"security (strategy|policy|forces)", r"estrategia de seguridad", r"politica de seguridad",
        r"politica de seguranca",
        # drug prohibition as a policy (prohibitionist, prohibicionismo, proibicionista), not any ban
        r"prohibitionis", r"prohibicionis", r"proibicionis",
    ),
    # transnational
    "extradition": (r"extradit", r"extradic", r"extradicao"),
    "foreign_aid": (
        r"plan colombia", r"merida initiative", r"iniciativa merida", r"carsi", r"usaid",
        r"security assistance", r"military aid", r"foreign aid", r"ayuda (militar|estadounidense|extranjera)",
        r"asistencia (tecnica|militar|de seguridad)", r"assistencia (tecnica|militar|de seguranca)",
        r"ajuda (militar|americana|norte-americana|estadunidense|estrangeira|externa|internacional)",
        r"donor", r"donante", r"doador", r"funded by",
        r"financiad[oa]s? por", r"financiad[oa]s? pel", r"aid\b", r"aid package", r"paquete de ayuda",
        r"assistance", r"asistencia", r"funding", r"financiamiento", r"financiamento",
    ),
    "cooperation": (
        r"cooperat(?!ivas?\b|ives\b)",  # not co-ops (cooperativas, cooperatives)
        r"cooperac", r"cooperacao", r"bilateral", r"multilateral",
        r"joint (operation|task force|patrol)",
        r"en conjunto con",
        # joint (conjunta(s): the noun is masculine; equipos conjuntos), not the noun "a set of / together"
        # (un conjunto de, en su conjunto, este conjunto, visión de conjunto) nor the adverb "conjuntamente"
        r"conjuntas?\b",
        r"(?<!\bun )(?<!\bum )(?<!\bnum )(?<!\bel )(?<!\bal )(?<!\bao )(?<!\bdel )(?<!\bdo )(?<!\bno )"
        r"(?<!\ben )(?<!\bem )(?<!\bsu )(?<!\bseu )(?<!\bsus )(?<!\bseus )(?<!\bde )(?<!\blos )(?<!\bos )"
        r"(?<!\beste )(?<!\besse )(?<!\bdesse )(?<!\bdeste )(?<!\bese )(?<!\bdicho )(?<!\botro )"
        r"(?<!\boutro )(?<!\bmayor )(?<!\bmaior )(?<!\bdois )(?<!\bdos )(?<!\bamplio )(?<!\bamplo )"
        r"(?<!\bnuevo )(?<!\bnovo )(?<!\bgran )(?<!\bgrande )(?<!\btodo )(?<!\bo )"
        r"conjuntos?\b(?! habitacion)",
        r"(?:intelligence|information)[- ]sharing",
        # sharing information, intelligence, radar or threat information, in any tense (comparten,
        # compartilham)
        # (the noun "share of" is not: a share of the information economy)
        # (nor "market share information", "a share of intelligence spending", "shared with intelligence
        # agencies")
        r"shar(?<!\bmarket shar)(?<!\bmarket-shar)(?:e |es |ed |ing (?:of )?)"
        r"(?:the |their |its |that |this |more |such )?"
        r"(?:(?!of\b|with\b)[\w-]+ )?(?:intelligence|information)\b",
        r"exchang\w* (?:of )?(?:intelligence|information)\b",
        r"intercambi\w* (?:de )?(?:la |las |as |das? )?"
        r"(?:informacion|inteligencia|informac(?:ao|oes)|dados|datos)\b",
        r"compart(?!iment)\w* (?:de |la |las |su |sus |as |das? )?"
        r"(?:informacion|inteligencia|informac(?:ao|oes)|dados|datos)\b",
        r"troca de (?:informac(?:ao|oes)|inteligencia|dados)\b",
        # partners, not public-private partnerships (alianzas público-privadas, parcerias público privadas)
        r"partner(?<!\bpublic-private partner)(?<!\bpublic private partner)"
        r"(?<!\bpublic\u2013private partner)",
        r"parceir", r"parcerias?\b(?! publico ?[-\u2013/]? ?privad)",
        r"socios?\b(?![- ]?(?:econom|ambient|environ|demogr|delict|polit|cultur|educ|emoc|labor|sanit|"
        r"territ))",
        r"alliance",
        r"alianzas?\b(?! publico ?[-\u2013/]? ?privad)", r"aliancas?\b(?! publico ?[-\u2013/]? ?privad)",
        r"summit", r"cumbre", r"cupula", r"counterpart", r"homolog",
    ),
    "international_body": (
        r"united nations", r"naciones unidas", r"nacoes unidas", r"unodc", r"onudd", r"oas\b", r"oea\b",
        r"organization of american states", r"estados americanos", r"unasur", r"sica\b", r"celac",
        r"mercosur", r"interpol", r"ameripol", r"europol", r"cicig", r"maccih", r"cicies", r"inter-american",
        r"interamerican", r"ungass", r"european union", r"union europea", r"uniao europeia",
    ),
    "us_agencies": (
        r"dea\b", r"drug enforcement administration", r"fbi\b", r"southcom", r"southern command",
        r"comando sur", r"state department", r"departamento de estado",
        # the US Treasury, not a finance ministry (El Salvador's Treasury Ministry, el tesoro público, o
        # Tesouro Nacional)
        # nor another country's (the Colombian treasury, Mexico's Treasury Secretary, finance and treasury)
        r"treasury(?<!\bnational treasury)(?<!\bministry of treasury)(?<!\bministry of the treasury)"
        r"(?<!\bfinance and treasury)" + _NOT_THEIR_TREASURY + r"(?! ministry| minister)",
        r"departamentos? del tesoro", r"departamentos? do tesouro", r"secretari[oa] del tesoro",
        # the country is left to the united_states group
        r"tesoro(?= (?:de (?:los )?)?(?:estados unidos|ee\.? ?uu|estadounidense|norteamericano))",
        r"tesouro(?= (?:dos )?(?:estados unidos|eua\b|americano|norte-americano|estadunidense))",
        r"ofac",
        r"embassy", r"embajada", r"embaixada", r"ambassador", r"embajador", r"embaixador", r"pentagon",
        r"homeland security", r"coast guard", r"guardia costera", r"guarda costeira",
    ),
    "border": (
        r"border", r"frontera", r"fronteira", r"fronteriz", r"cross-border", r"transfronteriz",
        r"transfronteiri", r"customs", r"aduana", r"aduaneira", r"alfandeg",
        r"ports? of entry", r"maritime", r"maritim",
        r"deport(ed|ation|ee)", r"deportad", r"deportac", r"migra",
    ),
    "treaty": (
        r"treaty", r"tratado",
        # not Chile's constitutional convention
        r"convention(?!al)(?<!\bconstitutional convention)",
        r"convencion(?!al| constitucional| constituyente)",
        r"convencao(?! constituinte)",
        r"memorandum of understanding", r"memorando de entendimiento", r"memorando de entendimento",
        # US drug certification, not ISO, timber, skills or police certification
        r"palermo", r"(?:drug|narcotics|annual) certification",
        # the counternarcotics group takes the word before
        r"certification(?<=\bcounternarcotics certification)",
        r"certification(?<=\bcounter-narcotics certification)",
        r"certification(?<=\banti-drug certification)", r"certification(?<=\bantidrug certification)",
        r"certification (?:process(?<!\bpolice certification process)|of (?:colombia|mexico|bolivia|peru|"
        r"venezuela|guatemala|honduras))",
        r"certificacion (?:antidrogas|en materia de drogas)", r"certificacao antidrogas",
        r"decertif", r"descertific", r"agreement with",
        r"(?<!\bde )acuerdo con", r"(?<!\bde )acordo com",  # not "de acuerdo con": according to
        r"sanction", r"sancion", r"sancao", r"sancoes",
    ),
    "united_states": (
        r"united states", r"estados unidos", r"ee\.? ?uu", r"eua\b",
        r"washington(?! post\b| office on)",  # not the newspaper, nor WOLA (an NGO)
        r"estadounidense",
        r"norte-american", r"norteamerican", r"americanos?\b",
        r"american (officials|agents|government|authorities)",
    ),
    "foreign_actor": (
        r"foreign", r"extranjer", r"estrangeir", r"international", r"internacional", r"regional",
        r"neighbou?ring countr", r"paises vecinos", r"paises vizinhos", r"trained by", r"entrenad[oa]s? por",
        r"treinad[oa]s? por", r"transnational", r"transnacional", r"abroad", r"exterior", r"hemispher",
        r"hemisferi", r"countries of the region", r"paises de la region", r"paises da regiao", r"europe",
        r"europa(?! press\b)", r"spain", r"espana", r"espanha", r"china", r"canada",
        r"base (militar|aerea)", r"military base", r"air base",
    ),
}


Lexicon = tuple[tuple[str, tuple[str, ...]], ...]  # (group, its patterns), in column order


def current_lexicon(groups: Iterable[str] | None = None) -> Lexicon:
    """This release's CUES (or its `groups`, in that order) as a fitted CueLexicon keeps them."""
    return tuple((name, tuple(CUES[name])) for name in (CUES if groups is None else groups))


def lexicon_digest() -> str:
    """A hash of every cue group and pattern, in order (the order is the feature columns' and decides which
    group takes a word two could match): part of the seed model's cache key, so editing the lexicon
    retrains the cached model even when nobody bumps the training code's version."""
    return hashlib.sha256(repr(current_lexicon()).encode()).hexdigest()[:16]
