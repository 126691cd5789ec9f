"""The text of the sample reports that ship with citsec, written for the project.

Each report is a title block and a list of sections; make_samples.py lays them out as PDFs (two columns,
running headers, page numbers, hyphenated line ends) and one as an HTML page. The prose is invented but
reads like policy reports on security in Latin America, mixing prevention, enforcement and transnational
passages with a few that describe data or methods only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleReport:
    """One sample report: where it goes, how it is headed, and its sections (heading, paragraphs)."""

    filename: str
    lang: str
    title: str
    subtitle: str
    publisher: str
    date: str
    author: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


PLAN_COLOMBIA = SampleReport(
    filename="plan_colombia_legacy_en.pdf",
    lang="en",
    title="Plan Colombia at Twenty-Five",
    subtitle="Security assistance, coca and the long road to territorial peace",
    publisher="Andean Security Observatory",
    date="2024-03-15",
    author="Marta L. Quintero and David R. Holloway",
    sections=(
        (
            "Summary",
            (
                "Between 2000 and 2015 the United States appropriated close to ten billion dollars for "
                "Plan Colombia, making Colombia the largest recipient of American security assistance "
                "outside the Middle East. This working paper reviews what the money bought, what it did "
                "not, and which of its institutional legacies still shape Colombian security policy "
                "under the 2016 peace agreement with the FARC.",
                "We argue that the aid strengthened the state's coercive capacity in ways that were "
                "decisive against the insurgency, but that the counternarcotics components delivered "
                "far less than promised, and that the civilian institutions meant to follow the troops "
                "into recovered territory arrived late, underfunded, or not at all.",
            ),
        ),
        (
            "1. The military and police build-up",
            (
                "The first phase of Plan Colombia financed helicopters, intelligence equipment and the "
                "training of new counternarcotics battalions of the Colombian army. American advisers "
                "trained Colombian pilots and special forces, and the Department of Defense shared signals "
                "intelligence that later made possible precision strikes against the FARC leadership. "
                "The Colombian armed forces grew from about 215,000 to more than 440,000 members over "
                "the decade.",
                "Under the Democratic Security policy of President Alvaro Uribe, the government used that "
                "capacity to retake municipal seats, highways and rural districts. Kidnappings fell by "
                "more than ninety percent between 2002 and 2010 and the number of municipalities without "
                "a police station dropped to zero. The cost was high: the extrajudicial killings known "
                "as false positives, in which soldiers murdered civilians and presented them as guerrillas "
                "killed in combat, were driven in part by body-count incentives inside the army.",
                "The national police was professionalised at the same time. Vetted units worked with the "
                "Drug Enforcement Administration on high-value targets, and Colombia extradited more than "
                "1,500 nationals to the United States between 1997 and 2015, most of them on drug "
                "trafficking charges. Extradition became the single tool that traffickers feared most.",
            ),
        ),
        (
            "2. Eradication and interdiction",
            (
                "Aerial spraying of coca fields with glyphosate was the flagship counternarcotics measure. "
                "Spray planes covered more than 1.6 million hectares in fifteen years, yet the area under "
                "coca cultivation moved rather than shrank: growers replanted, split plots into smaller "
                "fields and shifted to national parks and border areas where spraying was forbidden. "
                "Colombia suspended aerial fumigation in 2015 after health concerns were raised by the "
                "World Health Organization's cancer agency.",
                "Maritime interdiction fared better. Joint operations of the Colombian navy and the United "
                "States Coast Guard in the Caribbean and the Pacific seized several hundred tons of cocaine "
                "a year, and bilateral agreements allowed boarding of suspect vessels on the high seas.",
            ),
        ),
        (
            "3. The missing civilian half",
            (
                "The second half of the strategy was meant to be social. Alternative development projects "
                "offered cacao, coffee and rubber to coca-growing families, and the Consolidation plan of "
                "2007 promised roads, schools, health posts and land titles in the municipalities that the "
                "army had cleared. In practice the civilian agencies received a small fraction of the "
                "budget and rarely stayed after the troops moved on.",
                "Where the state did invest in rural schooling, titling and local justice houses, "
                "communities reported more trust in public institutions and fewer families returned to "
                "coca. The lesson that field workers draw is that crop substitution works only when it is "
                "voluntary, comes with a reliable market and is sustained for years rather than months.",
            ),
        ),
        (
            "4. From war to peace agreement",
            (
                "The 2016 agreement with the FARC moved the emphasis from defeating an enemy to building "
                "what negotiators called territorial peace. Some 13,000 former combatants demobilised and "
                "entered reintegration programmes that provide a monthly stipend, vocational training and "
                "support for cooperative businesses. The agreement also created the National Comprehensive "
                "Programme for the Substitution of Illicit Crops, which signed voluntary agreements with "
                "nearly 100,000 families.",
                "Implementation has been uneven. More than 400 former combatants have been killed since "
                "the agreement, dissident factions and the ELN have occupied the spaces the FARC left, and "
                "social leaders are murdered at a rate of several per week. The United States has kept "
                "funding both sides of the equation: assistance to the police for interdiction, and USAID "
                "programmes for land restitution and victims' reparations.",
            ),
        ),
        (
            "5. Regional spillover",
            (
                "Pressure on Colombian trafficking networks pushed part of the business across borders. "
                "Cocaine routes moved from the Caribbean to Central America and Mexico, a shift that "
                "analysts call the balloon effect, and Ecuador and Venezuela became transit countries for "
                "shipments leaving the Pacific and the Caribbean coasts. Colombian police instructors, "
                "themselves trained under Plan Colombia, now train officers from Honduras, Guatemala, "
                "Panama and Mexico under a triangular cooperation programme funded by Washington.",
                "Neighbouring governments have not always welcomed the spillover of the conflict. "
                "Ecuador protested in 2008 after a Colombian air raid killed a FARC commander on its "
                "territory, and the crisis led to a rupture of diplomatic relations that took two years "
                "to repair. Border commissions and joint patrols with Peru and Brazil along the Amazon "
                "frontier have since become routine.",
            ),
        ),
        (
            "6. What the record suggests",
            (
                "Three lessons stand out. First, military capacity can restore state presence quickly, "
                "but it does not by itself keep communities safe once the troops leave. Second, forced "
                "eradication without alternatives pushes growers deeper into illegality, while voluntary "
                "substitution with credit, technical assistance and roads lasts longer. Third, the "
                "legitimacy of security forces matters: the scandal of the false positives cost the "
                "army a decade of trust in the regions where it most needed cooperation.",
                "Future assistance should therefore fund rural justice, land formalisation and local "
                "police accountable to civilian authorities, and should measure success by homicides "
                "and community trust rather than by hectares sprayed or tons seized.",
            ),
        ),
        (
            "Data and method",
            (
                "This paper combines budget figures published by the Government Accountability Office, "
                "the annual coca surveys of the Integrated Illicit Crops Monitoring System, and "
                "municipal homicide series from the national statistics agency for 1998 to 2022. All "
                "monetary values are expressed in constant 2020 dollars.",
            ),
        ),
    ),
)

NORTHERN_TRIANGLE = SampleReport(
    filename="beyond_mano_dura_northern_triangle_en.pdf",
    lang="en",
    title="Beyond Mano Dura",
    subtitle="Violence prevention and gang policy in the Northern Triangle of Central America",
    publisher="Central America Policy Forum",
    date="2023-09-04",
    author="Elena Ruiz-Castellanos",
    sections=(
        (
            "Introduction",
            (
                "Two decades after El Salvador launched its first mano dura plan against street gangs, "
                "the countries of the Northern Triangle still swing between crackdowns and prevention. "
                "This brief compares the main approaches tried in El Salvador, Honduras and Guatemala "
                "since 2003 and the role that United States assistance through the Central America "
                "Regional Security Initiative (CARSI) has played in each of them.",
            ),
        ),
        (
            "Crackdowns and their limits",
            (
                "Plan Mano Dura in 2003 and Super Mano Dura in 2004 authorised mass arrests of young men "
                "for tattoos or gang signs and made membership of a mara a crime in itself. Prisons filled "
                "up quickly; within five years El Salvador's prison population had doubled. Inside "
                "overcrowded cell blocks, gang leaders consolidated command over their cliques and "
                "extortion rackets were run by mobile phone from behind bars.",
                "Honduras followed with its own anti-gang law and repeated deployments of the military "
                "police in the streets of Tegucigalpa and San Pedro Sula. In 2022 El Salvador declared a "
                "state of exception that suspended due-process guarantees and led to more than 70,000 "
                "arrests in eighteen months. Homicides fell sharply, but human rights organisations have "
                "documented deaths in custody and the detention of people with no gang ties.",
            ),
        ),
        (
            "Prevention that worked",
            (
                "The evidence on prevention is more encouraging than its budgets suggest. Municipal "
                "violence prevention councils, supported by CARSI funds channelled through USAID, mapped "
                "the places where young people were most at risk and opened outreach centres that offer "
                "after-school activities, tutoring and job training. An impact evaluation in the most "
                "violent neighbourhoods of the three countries found that residents of treated areas "
                "reported fewer murders and less extortion than residents of comparison areas.",
                "Programmes that work directly with young people already on the edge of a gang show "
                "promise as well. Family counselling, mentoring by former members and help with removing "
                "tattoos make it easier to leave a clique. Churches play a large role: evangelical "
                "congregations are among the few institutions that gangs allow members to join in place "
                "of the gang.",
                "The 2012 truce between the MS-13 and the two factions of Barrio 18 in El Salvador, "
                "brokered with help from the Catholic Church and the OAS, halved the homicide rate for more "
                "than a year. It collapsed in 2014 amid political backlash, and later prosecutions of the "
                "officials who negotiated it discouraged any new dialogue.",
            ),
        ),
        (
            "Regional cooperation",
            (
                "Gangs born in the streets of Los Angeles were exported to Central America through "
                "deportations, and the response has always had a transnational side. The FBI's "
                "Transnational Anti-Gang units pair Salvadoran, Guatemalan and Honduran police with "
                "American agents to share fingerprints and investigate cross-border extortion. The "
                "Central American Integration System (SICA) adopted a regional security strategy in 2011, "
                "though donors funded few of its projects.",
                "Guatemala hosted the International Commission against Impunity (CICIG), a United Nations "
                "backed body that helped prosecutors dismantle criminal networks inside the state until "
                "its mandate was ended in 2019. Honduras had a similar mission sponsored by the OAS, the "
                "MACCIH, which closed in 2020.",
            ),
        ),
        (
            "Prisons and reintegration",
            (
                "The prison systems of the three countries are among the most overcrowded in the world. "
                "In Honduras, fires and riots in the Comayagua and El Porvenir prisons killed hundreds of "
                "inmates, and control of many cell blocks passed to the gangs themselves. Rehabilitation "
                "programmes exist mostly on paper: few prisons offer schooling or work, and released "
                "prisoners find that employers reject anyone with a record or a visible tattoo.",
                "Small reintegration projects run by churches and non-governmental organisations show "
                "what is possible. Bakeries, call centres and printing workshops that hire former gang "
                "members report low reoffending among their employees, and some municipalities have "
                "begun to buy their products to keep them afloat. Scaling up these efforts would require "
                "legal protection for people who leave a gang, who are otherwise treated as members "
                "for life under the anti-gang laws.",
            ),
        ),
        (
            "Measuring what matters",
            (
                "Homicide figures in the region differ by source: police counts, forensic institutes "
                "and health ministries often disagree by ten percent or more, and disappearances are "
                "rarely counted at all. Victimisation surveys, conducted every two years in some cities, "
                "are the only way to estimate extortion, which most victims never report.",
            ),
        ),
        (
            "Recommendations",
            (
                "Governments should fund municipal prevention plans for several years at a time, protect "
                "outreach workers from political turnover, and pair any policing surge with programmes "
                "that offer young people a way out. Donors should tie security assistance to independent "
                "oversight of police conduct and to the publication of homicide and detention data.",
            ),
        ),
        (
            "References",
            (
                "Berk-Seligson, S., Orcés, D., Pizzolitto, G., Seligson, M. A. and Wilson, C. J. (2014). "
                "Impact Evaluation of USAID's Community-Based Crime and Violence Prevention Approach in "
                "Central America: Regional Report for El Salvador, Guatemala, Honduras and Panama. "
                "Nashville: Latin American Public Opinion Project, Vanderbilt University.",
                "Cruz, J. M. (2011). Criminal violence and democratization in Central America: the "
                "survival of the violent state. Latin American Politics and Society, 53(4), 1-33.",
                "Hume, M. (2007). Mano dura: El Salvador responds to gangs. Development in Practice, "
                "17(6), 739-751.",
                "International Crisis Group (2017). Mafia of the Poor: Gang Violence and Extortion in "
                "Central America. Latin America Report No. 62. Brussels: International Crisis Group.",
                "Meyer, P. J. (2019). U.S. Strategy for Engagement in Central America: Policy Issues for "
                "Congress. Washington, DC: Congressional Research Service, R44812.",
                "van der Borgh, C. and Savenije, W. (2015). De-securitising and re-securitising gang "
                "policies: the Funes government and gangs in El Salvador. Journal of Latin American "
                "Studies, 47(1), 149-176.",
                "Wolf, S. (2017). Mano Dura: The Politics of Gang Control in El Salvador. Austin: "
                "University of Texas Press.",
            ),
        ),
    ),
)

MERIDA = SampleReport(
    filename="iniciativa_merida_balance_es.pdf",
    lang="es",
    title="La Iniciativa Mérida: un balance",
    subtitle="Cooperación en seguridad entre México y Estados Unidos, 2008-2021",
    publisher="Centro de Estudios sobre Seguridad y Justicia",
    date="2022-06-20",
    author="Jorge A. Benítez Salgado",
    sections=(
        (
            "Presentación",
            (
                "La Iniciativa Mérida fue el marco de cooperación en seguridad entre México y Estados "
                "Unidos desde su firma en 2007 hasta su sustitución por el Entendimiento Bicentenario en "
                "2021. Este documento revisa sus cuatro pilares, la forma en que cambiaron sus prioridades "
                "y sus resultados en materia de violencia, justicia y control de fronteras.",
            ),
        ),
        (
            "Del equipo militar a las instituciones",
            (
                "En su primera etapa la Iniciativa Mérida entregó helicópteros, aviones de vigilancia, "
                "escáneres de rayos gamma y equipo de comunicaciones a las fuerzas armadas y a la Policía "
                "Federal. La ayuda acompañó la estrategia del presidente Felipe Calderón, que desplegó "
                "a decenas de miles de soldados en Michoacán, Chihuahua y Tamaulipas para enfrentar a los "
                "cárteles y capturar a sus líderes. La estrategia de descabezamiento fragmentó a las "
                "organizaciones criminales y multiplicó los grupos que se disputaban cada plaza.",
                "A partir de 2011 los dos gobiernos reorientaron los fondos hacia el fortalecimiento "
                "institucional: capacitación de jueces, fiscales y policías para la transición al sistema "
                "penal acusatorio, certificación de academias policiales y laboratorios forenses, y "
                "programas de control de confianza para depurar corporaciones infiltradas por el crimen "
                "organizado.",
            ),
        ),
        (
            "Fronteras y flujos ilícitos",
            (
                "El tercer pilar buscó una frontera del siglo veintiuno: inspección no intrusiva en los "
                "cruces de Tijuana, Ciudad Juárez y Nuevo Laredo, intercambio de información aduanera y "
                "patrullajes coordinados. México extraditó a más de 600 personas a Estados Unidos durante "
                "la vigencia del acuerdo, entre ellas a Joaquín Guzmán en 2017. En sentido inverso, el "
                "tráfico de armas de fuego desde Estados Unidos hacia México siguió siendo el reclamo "
                "principal del gobierno mexicano: se estima que cerca de 200,000 armas cruzan cada año.",
                "La cooperación también se extendió a la frontera sur. Con recursos de la Iniciativa, "
                "México reforzó los puestos de control en Chiapas y Tabasco y capacitó a agentes del "
                "Instituto Nacional de Migración, lo que organizaciones civiles criticaron por trasladar "
                "hacia el sur la contención de la migración centroamericana.",
            ),
        ),
        (
            "Comunidades resilientes",
            (
                "El cuarto pilar, el menos financiado, apoyó la prevención social de la violencia en "
                "Ciudad Juárez, Tijuana y Monterrey. Tras la masacre de Villas de Salvárcar en 2010, el "
                "programa Todos Somos Juárez combinó la presencia policial con la reapertura de escuelas, "
                "centros comunitarios, becas para jóvenes y mesas de seguridad con participación "
                "ciudadana. Los homicidios en la ciudad bajaron cerca de un noventa por ciento entre 2010 "
                "y 2015, aunque es difícil separar el efecto de las políticas del de la tregua entre los "
                "grupos criminales.",
                "La Agencia de los Estados Unidos para el Desarrollo Internacional financió además "
                "proyectos de mediación escolar, atención a víctimas y reinserción de jóvenes en conflicto "
                "con la ley. Las evaluaciones disponibles muestran efectos modestos pero positivos cuando "
                "los programas se sostienen más de tres años.",
            ),
        ),
        (
            "Derechos humanos y condicionalidad",
            (
                "El Congreso de Estados Unidos condicionó el quince por ciento de algunos fondos al "
                "cumplimiento de requisitos de derechos humanos, como la investigación de abusos "
                "cometidos por militares y la prohibición de usar testimonios obtenidos bajo tortura. "
                "En la práctica los informes del Departamento de Estado rara vez retuvieron recursos, "
                "y las organizaciones mexicanas documentaron desapariciones forzadas atribuidas a "
                "elementos de las fuerzas federales en Coahuila, Guerrero y Veracruz.",
                "La desaparición de los cuarenta y tres estudiantes de Ayotzinapa en 2014 mostró los "
                "límites de la cooperación: a pesar de años de capacitación, las policías municipales "
                "de Iguala actuaron en colusión con un grupo criminal, y la investigación federal fue "
                "cuestionada por el Grupo Interdisciplinario de Expertos Independientes designado por la "
                "Comisión Interamericana de Derechos Humanos.",
            ),
        ),
        (
            "Del Entendimiento Bicentenario en adelante",
            (
                "El acuerdo que sustituyó a la Iniciativa Mérida en 2021 promete un enfoque de salud "
                "pública frente al consumo de drogas, la protección de las comunidades y la persecución "
                "de las finanzas ilícitas. Incluye compromisos de Estados Unidos para reducir el tráfico "
                "de armas hacia el sur y de México para frenar la producción de fentanilo con precursores "
                "químicos importados de Asia.",
                "Queda por ver si el nuevo marco destinará a la prevención y a la reforma de las policías "
                "locales una parte mayor del presupuesto que su antecesor. La experiencia de Ciudad "
                "Juárez sugiere que los programas comunitarios solo rinden frutos cuando los gobiernos "
                "municipales los sostienen después de que termina el financiamiento externo.",
            ),
        ),
        (
            "Cifras y fuentes",
            (
                "Las cifras de homicidios provienen de las estadísticas de defunción del INEGI y las de "
                "presupuesto, de los informes del Servicio de Investigación del Congreso de Estados Unidos. "
                "Entre 2008 y 2021 el Congreso asignó alrededor de 3,300 millones de dólares a la "
                "Iniciativa Mérida.",
            ),
        ),
    ),
)

PACTO_PELA_VIDA = SampleReport(
    filename="pacto_pela_vida_fica_vivo_pt.pdf",
    lang="pt",
    title="Prevenção e policiamento no Brasil",
    subtitle="Lições do Pacto pela Vida em Pernambuco e do Fica Vivo! em Minas Gerais",
    publisher="Núcleo de Estudos de Segurança Pública",
    date="2021-11-08",
    author="Ana Carolina Moreira e Paulo H. Tavares",
    sections=(
        (
            "Apresentação",
            (
                "Este relatório examina duas políticas estaduais de segurança pública que se tornaram "
                "referência no Brasil: o Pacto pela Vida, lançado em Pernambuco em 2007, e o programa Fica "
                "Vivo!, criado em Belo Horizonte em 2002. Ambas combinam repressão qualificada e "
                "prevenção, mas em proporções diferentes e com resultados desiguais ao longo do tempo.",
            ),
        ),
        (
            "O Pacto pela Vida",
            (
                "O Pacto pela Vida estabeleceu metas de redução de crimes violentos letais e intencionais "
                "para cada área integrada de segurança, com reuniões semanais de monitoramento presididas "
                "pelo governador. As polícias civil e militar passaram a trabalhar com as mesmas divisões "
                "territoriais, e os comandantes com melhor desempenho recebiam bônus. Entre 2007 e 2013 "
                "os homicídios no estado caíram cerca de quarenta por cento.",
                "O modelo apoiou-se sobretudo no aumento de prisões e de operações policiais, o que "
                "agravou a superlotação do sistema prisional pernambucano. Quando a gestão por resultados "
                "perdeu prioridade política, a partir de 2014, os homicídios voltaram a crescer, e "
                "pesquisadores apontaram que o eixo de prevenção social do Pacto nunca recebeu recursos "
                "à altura do eixo repressivo.",
            ),
        ),
        (
            "O programa Fica Vivo!",
            (
                "O Fica Vivo! nasceu no Aglomerado Morro das Pedras, em Belo Horizonte, a partir de um "
                "diagnóstico que mostrava a concentração dos homicídios entre jovens de quinze a vinte e "
                "quatro anos em poucas favelas. O programa oferece oficinas de esporte, cultura e "
                "formação profissional, e mantém mediadores comunitários que acompanham os jovens mais "
                "expostos à violência e intervêm em conflitos antes que terminem em mortes.",
                "Ao lado da proteção social, um grupo especializado de policiamento em áreas de risco "
                "atua de forma próxima à comunidade, e o Ministério Público prioriza a investigação dos "
                "poucos grupos responsáveis pela maior parte dos homicídios. Avaliações independentes "
                "estimaram quedas significativas nos homicídios nas áreas atendidas em comparação com "
                "áreas semelhantes sem o programa.",
            ),
        ),
        (
            "Fronteiras e o mercado de drogas",
            (
                "A dinâmica local dos homicídios está ligada a mercados ilícitos que ultrapassam as "
                "fronteiras do país. A cocaína produzida na Bolívia, no Peru e na Colômbia entra pelo "
                "Mato Grosso do Sul e pelo Amazonas e sai pelos portos de Santos e Paranaguá rumo à Europa "
                "e à África. O Brasil firmou acordos de cooperação com o Paraguai e a Bolívia para "
                "operações conjuntas na faixa de fronteira e participa do programa de controle de "
                "contêineres do UNODC e da Organização Mundial das Alfândegas.",
                "A expansão do Primeiro Comando da Capital para o Paraguai e a Bolívia mostra os limites "
                "dessas ações: as facções brasileiras controlam rotas, presídios e negócios nos países "
                "vizinhos, e a resposta exige troca de inteligência e extradições que ainda são lentas.",
            ),
        ),
        (
            "Sistema prisional e facções",
            (
                "O número de presos no Brasil passou de 230 mil em 2000 para mais de 800 mil em 2020, e "
                "as prisões superlotadas tornaram-se o principal espaço de recrutamento das facções. O "
                "Primeiro Comando da Capital nasceu em um presídio de Taubaté em 1993, e o Comando "
                "Vermelho, no presídio da Ilha Grande nos anos setenta. Rebeliões em Manaus, Boa Vista "
                "e Natal em 2017 deixaram mais de cem mortos em poucas semanas.",
                "Iniciativas de ressocialização, como as associações de proteção e assistência aos "
                "condenados, as APACs, oferecem trabalho, estudo e assistência às famílias em unidades "
                "sem guardas armados. As taxas de reincidência entre os egressos dessas unidades são "
                "bem menores do que as do sistema comum, mas elas atendem menos de um por cento dos "
                "presos do país.",
            ),
        ),
        (
            "Lições para outros estados",
            (
                "A comparação entre Pernambuco e Minas Gerais sugere que a prevenção focalizada "
                "sobrevive melhor às mudanças de governo quando está inscrita em lei e conta com "
                "equipes técnicas estáveis. A repressão qualificada, por sua vez, depende de "
                "investigação: a taxa de esclarecimento de homicídios no Brasil continua abaixo de "
                "quarenta por cento, e sem ela nenhuma política de segurança consegue punir os poucos "
                "autores responsáveis pela maior parte das mortes.",
                "O governo federal criou em 2018 o Sistema Único de Segurança Pública para coordenar "
                "estados e municípios, com metas nacionais de redução da violência. A integração de "
                "dados entre as polícias estaduais ainda é incompleta, e os recursos do fundo nacional "
                "de segurança pública continuam concentrados em viaturas e armamentos.",
            ),
        ),
        (
            "Nota metodológica",
            (
                "Os dados de mortalidade foram obtidos do Sistema de Informações sobre Mortalidade do "
                "Ministério da Saúde e agregados por município e ano. As taxas são calculadas por 100 mil "
                "habitantes com base nas estimativas populacionais do IBGE.",
            ),
        ),
    ),
)

SOUTH_AMERICA = SampleReport(
    filename="cooperacion_regional_sudamerica_es.pdf",
    lang="es",
    title="Crimen transnacional y cooperación regional",
    subtitle="Fronteras, puertos y cárceles en la región andina y el Cono Sur",
    publisher="Red Sudamericana de Seguridad Ciudadana",
    date="2025-02-10",
    author="Lucía Ferreyra y Andrés Villavicencio",
    sections=(
        (
            "Resumen ejecutivo",
            (
                "La violencia asociada al narcotráfico se ha desplazado hacia países que hasta hace poco "
                "se consideraban seguros. Ecuador pasó de una de las tasas de homicidio más bajas de la "
                "región a la más alta de Sudamérica en apenas cinco años, y Chile y Costa Rica registran "
                "aumentos sin precedentes. Este informe analiza las respuestas nacionales y los "
                "mecanismos regionales de cooperación disponibles.",
            ),
        ),
        (
            "Ecuador: puertos y cárceles",
            (
                "La salida de cocaína por los puertos de Guayaquil y Manta convirtió a Ecuador en un "
                "nodo logístico para organizaciones colombianas, mexicanas y albanesas. Las bandas "
                "locales, como Los Choneros y Los Lobos, se fortalecieron dentro de las cárceles, donde "
                "las masacres de 2021 dejaron más de 400 reclusos muertos. En enero de 2024 el gobierno "
                "declaró un conflicto armado interno, militarizó las prisiones y ordenó operativos "
                "masivos contra veintidós grupos calificados como terroristas.",
                "Ecuador y Estados Unidos firmaron acuerdos que permiten la presencia temporal de "
                "personal militar estadounidense y la cooperación en interdicción marítima. Analistas "
                "advierten que sin una depuración de la policía y del sistema penitenciario los "
                "operativos solo desplazarán el problema.",
            ),
        ),
        (
            "Perú y Bolivia: erradicación y desarrollo alternativo",
            (
                "Perú combina la erradicación forzosa de cultivos de coca en el valle del Huallaga con "
                "programas de desarrollo alternativo que promovieron el cultivo de cacao y café en San "
                "Martín. Bolivia, en cambio, legalizó un área limitada de coca para usos tradicionales y "
                "aplica un control social de los cultivos a través de los sindicatos cocaleros, con "
                "apoyo técnico de la Unión Europea.",
            ),
        ),
        (
            "Mecanismos regionales",
            (
                "La Unión de Naciones Suramericanas creó en 2009 un consejo sobre el problema mundial de "
                "las drogas, pero la crisis de UNASUR a partir de 2018 dejó sin foro a la cooperación "
                "sudamericana. Hoy la coordinación descansa en acuerdos bilaterales, en la Comunidad de "
                "Policías de América (AMERIPOL), en la Comisión Interamericana para el Control del Abuso "
                "de Drogas de la OEA y en el programa EL PAcCTO de la Unión Europea, que apoya la "
                "cooperación entre fiscalías, policías y sistemas penitenciarios.",
                "En 2023 los gobiernos de Argentina, Brasil, Paraguay y Uruguay acordaron equipos "
                "conjuntos de investigación para la hidrovía Paraná-Paraguay, por donde se embarca "
                "cocaína hacia Europa. La extradición de líderes criminales entre países vecinos sigue "
                "siendo lenta por diferencias en la legislación penal.",
            ),
        ),
        (
            "Prevención en los barrios",
            (
                "Rosario, en Argentina, muestra que la prevención local no puede esperar a que lleguen las "
                "fuerzas federales. Programas municipales de acompañamiento a jóvenes, clubes barriales, "
                "tratamiento de adicciones y mesas de convivencia con vecinos han reducido la violencia en "
                "algunos barrios, aunque su alcance es limitado frente a la escala del mercado de drogas.",
                "En Chile, el programa Lazos trabaja con familias de niños y adolescentes en riesgo de "
                "ingresar a actividades delictivas, y Costa Rica sostiene desde hace años sus Centros "
                "Cívicos por la Paz, que ofrecen arte, deporte y formación a jóvenes de zonas vulnerables.",
            ),
        ),
        (
            "Control de fronteras",
            (
                "Las fronteras de la región son extensas y en gran parte selváticas. La triple frontera "
                "entre Argentina, Brasil y Paraguay concentra contrabando, lavado de dinero y tráfico de "
                "armas, y las autoridades de los tres países mantienen un comando tripartito que "
                "intercambia información aduanera y migratoria. En el norte de Chile, el aumento de los "
                "cruces irregulares desde Bolivia y Perú llevó al gobierno a desplegar a las fuerzas "
                "armadas para apoyar el control fronterizo.",
                "Los expertos coinciden en que los muros y los despliegues militares tienen poco efecto "
                "sobre los cargamentos de cocaína, que viajan ocultos en contenedores legales. Los "
                "escáneres en los puertos, el análisis de riesgo de la carga y la cooperación con los "
                "puertos europeos de destino han resultado más eficaces.",
            ),
        ),
        (
            "Recomendaciones",
            (
                "Los gobiernos sudamericanos deberían recuperar un foro regional estable para la "
                "cooperación en seguridad, armonizar sus leyes de extradición y de lavado de activos, y "
                "crear registros penitenciarios compatibles. Al mismo tiempo, los planes nacionales "
                "deben reservar recursos para la prevención local, la atención a víctimas y la "
                "reinserción de jóvenes, que son las políticas con mejor evidencia de impacto.",
            ),
        ),
    ),
)

PDF_REPORTS: tuple[SampleReport, ...] = (
    PLAN_COLOMBIA,
    NORTHERN_TRIANGLE,
    MERIDA,
    PACTO_PELA_VIDA,
    SOUTH_AMERICA,
)

HONDURAS_HTML = SampleReport(
    filename="honduras_state_of_exception_en.html",
    lang="en",
    title="Honduras Copies El Salvador's State of Exception",
    subtitle="Emergency powers, extortion and the question of what comes after",
    publisher="Isthmus Security Monitor",
    date="2023-07-18",
    author="Rafael Ochoa",
    sections=(
        (
            "",
            (
                "In December 2022 the government of Honduras suspended several constitutional guarantees "
                "in the neighbourhoods of Tegucigalpa and San Pedro Sula where gangs extort bus drivers "
                "and shopkeepers. The decree allowed arrests without a warrant and searches of homes by "
                "the police, and it has been extended repeatedly since then.",
                "The measure copies the emergency regime that El Salvador imposed in March 2022, but "
                "Honduras lacks the political control over the police and the courts that made the "
                "Salvadoran crackdown possible. Arrests have been far fewer, and a new prison on an "
                "island in the Caribbean remains a project on paper.",
                "Officials say extortion complaints fell in the first months, while victims' groups say "
                "many people simply stopped reporting. Independent figures on homicides show a gradual "
                "decline that began years before the decree.",
                "Community leaders in the Rivera Hernández sector of San Pedro Sula argue that the "
                "emergency measures should be paired with the outreach centres, vocational schools and "
                "church programmes that kept many young people away from the gangs during the worst "
                "years. Those programmes, many of them funded by foreign donors, are now short of money.",
                "Regional cooperation is also at stake. Honduras extradited dozens of drug traffickers to "
                "the United States in the last decade, including a former president in 2022, and its "
                "police still work with American agencies against transnational gangs. How the "
                "government balances emergency powers with that cooperation will shape its security "
                "policy for years.",
            ),
        ),
    ),
)
